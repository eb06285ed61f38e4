package dev.lethe.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.discovery.KnownSubjectNames.NameMatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The trie of {@link KnownSubjectNames} finds exactly what the quadratic scan it replaced finds
 * ({@link ReferenceKnownSubjectNames}, with the same bound on a registered name's length), on
 * random dictionaries and texts made of the same pieces of names.
 */
class KnownSubjectNamesEquivalenceTest {

    private static final String[] PIECES = {
        "anna",
        "Anna",
        "ANNA",
        "müller",
        "Muller",
        "MÜLLER",
        "mül",
        "ler",
        "O'Brien",
        "o",
        "Jean",
        "pierre",
        "Pierre",
        "Łukasz",
        "lukasz",
        "Wójcik",
        "wojcik",
        "de",
        "la",
        "a",
        "ab",
        "佐藤",
        "一郎",
        "佐",
        "藤",
        "林",
        "蓮",
        "森林",
        "さん",
        "様",
        "Ångström",
        "x",
        "ǅemal",
        "김",
        "민준",
        "정수민",
        "서연"
    };
    private static final String[] NAME_SEPARATORS = {" ", " ", "-", "", "  ", "\u00a0", "."};
    private static final String[] TEXT_SEPARATORS = {
        " ", " ", ", ", "-", "", "\n", ". ", "様", "さん", "の", "_", "\u3000", "  ", "님", " 씨", "이"
    };

    @Property(tries = 400)
    void findsWhatTheQuadraticScanFinds(@ForAll long seed) {
        Random random = new Random(seed);
        KnownSubjectNames trie = new KnownSubjectNames();
        ReferenceKnownSubjectNames reference = new ReferenceKnownSubjectNames();
        int subjects = 1 + random.nextInt(12);
        int operations = random.nextInt(30);
        List<String> written = new ArrayList<>();
        for (int k = 0; k < operations; k++) {
            String subject = "contact:" + random.nextInt(subjects);
            if (random.nextInt(6) == 0) {
                trie.forget(subject);
                reference.forget(subject);
            } else {
                String first = random.nextInt(8) == 0 ? null : name(random);
                String last = random.nextInt(8) == 0 ? null : name(random);
                trie.register(subject, first, last);
                written.add(first + (random.nextBoolean() ? " " : "") + last);
                reference.register(subject, first, last);
            }
        }
        for (int t = 0; t < 5; t++) {
            String text = text(random, written);
            assertThat(describe(trie.match(text)))
                    .as("%s", text)
                    .isEqualTo(describe(reference.match(text)));
            String name = name(random);
            assertThat(trie.subjectsNamed(name)).isEqualTo(reference.subjectsNamed(name));
        }
        assertThat(trie.subjects()).isEqualTo(reference.subjects());
        assertThat(trie.registeredSubjects()).isEqualTo(reference.registeredSubjects());
    }

    @Test
    void foldingKeepsLettersLettersAndHanAndKanaHanAndKana() {
        // the trie cuts a registered (folded) name where the text it matches has word ends
        for (int c = 0; c <= Character.MAX_VALUE; c++) {
            char ch = (char) c;
            char folded = NameFolding.fold(ch);
            assertThat(Character.isLetter(folded))
                    .as("U+%04X", c)
                    .isEqualTo(Character.isLetter(ch));
            if (Character.isLetter(ch)) {
                assertThat(KnownSubjectNames.isCjk(folded))
                        .as("U+%04X", c)
                        .isEqualTo(KnownSubjectNames.isCjk(ch));
            }
        }
    }

    private static List<String> describe(List<NameMatch> matches) {
        List<String> out = new ArrayList<>();
        for (NameMatch m : matches) {
            out.add(m.finding() + " " + m.finding().normalizedValue() + " " + m.subjects());
        }
        return out;
    }

    private static String name(Random random) {
        StringBuilder b = new StringBuilder(PIECES[random.nextInt(PIECES.length)]);
        int more = random.nextInt(10) == 0 ? random.nextInt(14) : random.nextInt(3);
        for (int k = 0; k < more; k++) {
            b.append(NAME_SEPARATORS[random.nextInt(NAME_SEPARATORS.length)]);
            b.append(PIECES[random.nextInt(PIECES.length)]);
        }
        return b.toString();
    }

    /** Pieces of names and whole registered names (as "first last" or "firstlast"). */
    private static String text(Random random, List<String> names) {
        StringBuilder b = new StringBuilder();
        int tokens = random.nextInt(40);
        for (int k = 0; k < tokens; k++) {
            String piece =
                    !names.isEmpty() && random.nextInt(4) == 0
                            ? names.get(random.nextInt(names.size()))
                            : PIECES[random.nextInt(PIECES.length)];
            switch (random.nextInt(4)) {
                case 0 -> piece = piece.toUpperCase(java.util.Locale.ROOT);
                case 1 -> piece = piece.toLowerCase(java.util.Locale.ROOT);
                default -> {}
            }
            b.append(piece);
            b.append(TEXT_SEPARATORS[random.nextInt(TEXT_SEPARATORS.length)]);
        }
        return b.toString();
    }
}
