package dev.lethe.jobs.purge;

import dev.lethe.discovery.EmailDetector;
import dev.lethe.discovery.Finding;
import dev.lethe.discovery.FreeTextScanner;
import dev.lethe.discovery.IbanDetector;
import dev.lethe.discovery.PhoneDetector;
import dev.lethe.discovery.SocialHandleDetector;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Removes one person's identifiers from someone else's text. The discovery index knows them in
 * normalized form (lower-case email, E.164 phone, compact IBAN, handle, the name as registered),
 * while the text has them as written ({@code Erika@Example.EU}, {@code +49 30 1234567}, {@code 030
 * 1234567}). So the text is scanned again with discovery's detectors, and every finding whose
 * normalized value is one of the person's is replaced; then remaining literal occurrences (a name
 * as registered, any case) are replaced too. Other people's identifiers stay.
 */
final class MentionRedaction {

    private final FreeTextScanner scanner;
    private final String replacement;

    MentionRedaction(List<String> phoneRegions, String replacement) {
        this.scanner =
                new FreeTextScanner(
                        List.of(
                                new EmailDetector(),
                                new IbanDetector(),
                                new PhoneDetector(phoneRegions),
                                new SocialHandleDetector()));
        this.replacement = replacement;
    }

    /** {@code text} without the identifiers in {@code values} (normalized), or null for null. */
    String redact(String text, Set<String> values) {
        if (text == null || values.isEmpty()) {
            return text;
        }
        Set<String> wanted = lowerCase(values);
        List<Finding> hits = new ArrayList<>();
        for (Finding f : scanner.scan(text)) {
            if (wanted.contains(f.normalizedValue().toLowerCase(Locale.ROOT))) {
                hits.add(f);
            }
        }
        hits.sort(Comparator.comparingInt(Finding::start).reversed());
        StringBuilder out = new StringBuilder(text);
        for (Finding f : hits) {
            out.replace(f.start(), f.end(), replacement);
        }
        String r = hits.isEmpty() ? text : out.toString();
        for (String v : values) {
            r = replaceIgnoringCase(r, v);
        }
        return r;
    }

    private String replaceIgnoringCase(String text, String value) {
        if (value.isBlank()) {
            return text;
        }
        StringBuilder out = new StringBuilder();
        int from = 0;
        int at;
        while ((at = indexOfIgnoringCase(text, value, from)) >= 0) {
            out.append(text, from, at).append(replacement);
            from = at + value.length();
        }
        return from == 0 ? text : out.append(text, from, text.length()).toString();
    }

    private static int indexOfIgnoringCase(String text, String value, int from) {
        for (int i = from; i + value.length() <= text.length(); i++) {
            if (text.regionMatches(true, i, value, 0, value.length())) {
                return i;
            }
        }
        return -1;
    }

    private static Set<String> lowerCase(Set<String> values) {
        Set<String> s = new HashSet<>();
        values.forEach(v -> s.add(v.toLowerCase(Locale.ROOT)));
        return s;
    }
}
