package dev.lethe.discovery;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The full-name keys of a row's declared name columns: what {@code ./lethe subject find "Anna
 * Müller"} looks up with one exact {@code term} query instead of matching word by word.
 *
 * <p>Each key is {@link NameFolding#foldName folded} (case, diacritics, whitespace). Given the name
 * parts in catalog order (first name, family name): the parts joined by a space as written ({@code
 * anna muller}) and, for two or more parts, family name first ({@code muller anna}, common in
 * Hungarian, and for Japanese names written in Latin letters); when every part is Han or kana also
 * family name first without a space, as Japanese names are written ({@code 佐藤一郎}), as {@link
 * KnownSubjectNames} registers them. Blank parts are skipped; no parts, no keys.
 */
public final class FullNameKeys {

    private FullNameKeys() {}

    /** The keys of a name made of {@code parts} (nulls and blanks allowed, skipped). */
    public static List<String> of(List<String> parts) {
        List<String> folded = new ArrayList<>();
        for (String part : parts) {
            if (part != null) {
                String f = NameFolding.foldName(part);
                if (!f.isEmpty()) {
                    folded.add(f);
                }
            }
        }
        if (folded.isEmpty()) {
            return List.of();
        }
        Set<String> keys = new LinkedHashSet<>();
        keys.add(String.join(" ", folded));
        if (folded.size() >= 2) {
            List<String> familyFirst = new ArrayList<>(folded);
            Collections.reverse(familyFirst);
            keys.add(String.join(" ", familyFirst));
            if (folded.stream().allMatch(p -> KnownSubjectNames.isCjk(p.charAt(0)))) {
                keys.add(String.join("", familyFirst));
            }
        }
        return List.copyOf(keys);
    }

    /**
     * Whether a name with these keys has more than one word: two parts, or one part with a space
     * ({@code Jane Doe} in one column). A one-word query matching a one-word name may be a first or
     * family name of others too; the finder does not take such a match as the whole answer.
     */
    public static boolean isSeveralWords(List<String> keys) {
        return keys.stream().anyMatch(k -> k.indexOf(' ') >= 0);
    }
}
