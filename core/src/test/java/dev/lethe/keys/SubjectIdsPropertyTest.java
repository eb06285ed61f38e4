package dev.lethe.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The hand-written checks accept exactly what the documented alphabets do. */
class SubjectIdsPropertyTest {

    private static final Pattern DOCUMENTED = Pattern.compile("[a-z][a-z0-9_]*:[A-Za-z0-9_-]+");

    @Property(tries = 2000)
    void acceptsExactlyTheDocumentedForm(@ForAll("candidates") String candidate) {
        boolean documented =
                candidate.length() <= SubjectIds.MAX_LENGTH
                        && DOCUMENTED.matcher(candidate).matches();

        assertThat(SubjectIds.isValid(candidate)).as(candidate).isEqualTo(documented);
    }

    @Property(tries = 1000)
    void buildsIdsOnlyFromAKindAndARowId(@ForAll("parts") String kind, @ForAll("parts") String id) {
        boolean documented =
                Pattern.matches("[a-z][a-z0-9_]*", kind)
                        && Pattern.matches("[A-Za-z0-9_-]+", id)
                        && kind.length() + 1 + id.length() <= SubjectIds.MAX_LENGTH;
        boolean built;
        try {
            built = SubjectIds.of(kind, id).equals(kind + ":" + id);
        } catch (IllegalArgumentException e) {
            built = false;
        }

        assertThat(built).as(kind + " / " + id).isEqualTo(documented);
    }

    @Provide
    Arbitrary<String> candidates() {
        // the characters at the alphabets' edges, the separator, and some that are never allowed
        return Arbitraries.strings().withChars("aAzZ09_-:@. é`{/[").ofMinLength(0).ofMaxLength(12);
    }

    @Provide
    Arbitrary<String> parts() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("az09_-A:@").ofMinLength(0).ofMaxLength(8),
                Arbitraries.strings().withChars("abc").ofLength(130));
    }
}
