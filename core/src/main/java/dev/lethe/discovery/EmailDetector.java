package dev.lethe.discovery;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Email addresses: a dot-atom local part, {@code @}, and a domain of at least two labels ending in
 * an alphabetic top-level domain. A match never starts in the middle of a word and never takes a
 * trailing dot ({@code "write to anna@gmx.de."}) or what follows {@code _} in a file name ({@code
 * "anna@gmx.de_invoice.pdf"}). A domain of more than {@value #MAX_LABELS_BEFORE_TLD} labels before
 * its top-level domain (longer than any host name) is no match. Linear in the text's length.
 * Normalized to lower case.
 */
public final class EmailDetector implements PiiDetector {

    public static final String NAME = "email";

    /**
     * A host name has at most 253 characters, so at most 126 labels before its top-level domain.
     * The bound keeps the regex's recursion shallow: {@code java.util.regex} recurses once per
     * repetition of a group it may have to backtrack into, and an unbounded {@code (label\.)+}
     * overflowed the stack on a long run of {@code "a.a.a…"} after an {@code @}.
     */
    static final int MAX_LABELS_BEFORE_TLD = 126;

    // The local part is possessive (never given back): no shorter local part can be followed by
    // the "@", and a possessive repetition does not recurse per repetition.
    private static final String LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
    private static final Pattern EMAIL =
            Pattern.compile(
                    "(?<![A-Za-z0-9._%+\\-])"
                            + "[A-Za-z0-9_%+\\-]++(?:\\.[A-Za-z0-9_%+\\-]++)*+"
                            + "@"
                            + "(?:"
                            + LABEL
                            + "\\.){1,"
                            + MAX_LABELS_BEFORE_TLD
                            + "}[A-Za-z]{2,24}"
                            + "(?![A-Za-z0-9\\-]|\\.[A-Za-z0-9])");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Finding> detect(String text) {
        List<Finding> found = new ArrayList<>();
        if (text == null || text.indexOf('@') < 0) {
            return found;
        }
        Matcher m = EMAIL.matcher(text);
        while (m.find()) {
            found.add(
                    new Finding(
                            NAME,
                            PiiKind.EMAIL,
                            m.start(),
                            m.end(),
                            normalize(m.group()),
                            0.95,
                            "local@domain with a "
                                    + (m.end() - m.start())
                                    + "-character address"
                                    + " and an alphabetic top-level domain"));
        }
        return found;
    }

    /** Lower case, surrounding whitespace removed. */
    public static String normalize(String email) {
        return email.trim().toLowerCase(Locale.ROOT);
    }

    /** Whether {@code text} as a whole is an email address. */
    public static boolean isEmail(String text) {
        return text != null && EMAIL.matcher(text.trim()).matches();
    }
}
