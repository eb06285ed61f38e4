package dev.lethe.discovery;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * International bank account numbers (ISO 13616), written compact ({@code DE89370400440532013000})
 * or in groups of four ({@code DE89 3704 0044 0532 0130 00}), in capitals, lower case or mixed
 * ({@code gr81 0115 …}). A candidate is two letters and two check digits at the start of a word,
 * followed by letters and digits, possibly grouped by single spaces; it is cut to the length its
 * country's IBANs have (or, for a country not in the table and written in capitals, the longest
 * prefix that validates) and kept only if the mod-97 check gives 1. A Polish account written
 * without its country code, grouped as Polish writers do ({@code 50 1140 2004 6166 8236 0139
 * 5518}), is read with {@code PL} when the check holds for it. Normalized to the compact form in
 * capitals.
 */
public final class IbanDetector implements PiiDetector {

    public static final String NAME = "iban";

    /** IBAN lengths of the SEPA countries and a few more (ISO 13616 registry). */
    static final Map<String, Integer> LENGTHS =
            Map.ofEntries(
                    Map.entry("AD", 24),
                    Map.entry("AT", 20),
                    Map.entry("BE", 16),
                    Map.entry("BG", 22),
                    Map.entry("CH", 21),
                    Map.entry("CY", 28),
                    Map.entry("CZ", 24),
                    Map.entry("DE", 22),
                    Map.entry("DK", 18),
                    Map.entry("EE", 20),
                    Map.entry("ES", 24),
                    Map.entry("FI", 18),
                    Map.entry("FR", 27),
                    Map.entry("GB", 22),
                    Map.entry("GI", 23),
                    Map.entry("GR", 27),
                    Map.entry("HR", 21),
                    Map.entry("HU", 28),
                    Map.entry("IE", 22),
                    Map.entry("IS", 26),
                    Map.entry("IT", 27),
                    Map.entry("LI", 21),
                    Map.entry("LT", 20),
                    Map.entry("LU", 20),
                    Map.entry("LV", 21),
                    Map.entry("MC", 27),
                    Map.entry("MT", 31),
                    Map.entry("NL", 18),
                    Map.entry("NO", 15),
                    Map.entry("PL", 28),
                    Map.entry("PT", 25),
                    Map.entry("RO", 24),
                    Map.entry("SE", 24),
                    Map.entry("SI", 19),
                    Map.entry("SK", 24),
                    Map.entry("SM", 27),
                    Map.entry("VA", 22));

    private static final int MIN = 15;

    /** How a Polish account number (NRB) is written: check digits, then six groups of four. */
    private static final String NRB_LAYOUT = "dd dddd dddd dddd dddd dddd dddd";

    private static final int MAX = 34;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Finding> detect(String text) {
        List<Finding> found = new ArrayList<>();
        if (text == null) {
            return found;
        }
        int n = text.length();
        int i = 0;
        while (i + 4 <= n) {
            Finding polish = polishAccount(text, i);
            if (polish != null) {
                found.add(polish);
                i = polish.end();
                continue;
            }
            if (!startsCandidate(text, i)) {
                i++;
                continue;
            }
            // collect the compact characters and where each ends in the text
            StringBuilder compact = new StringBuilder(MAX);
            int[] endAt = new int[MAX + 1];
            int j = i;
            while (j < n && compact.length() < MAX) {
                char c = text.charAt(j);
                if (isAlnum(c)) {
                    compact.append(Character.toUpperCase(c));
                    endAt[compact.length()] = j + 1;
                    j++;
                } else if (c == ' '
                        && j + 1 < n
                        && isAlnum(text.charAt(j + 1))
                        && compact.length() >= 4) {
                    j++;
                } else {
                    break;
                }
            }
            boolean upper = isUpper(text.charAt(i)) && isUpper(text.charAt(i + 1));
            Finding f =
                    upper || LENGTHS.containsKey(compact.substring(0, 2))
                            ? validPrefix(text, i, compact, endAt)
                            : null;
            if (f != null) {
                found.add(f);
                i = f.end();
            } else {
                i++;
            }
        }
        return found;
    }

    /**
     * A Polish account number written as Polish writers do, without its country code: 26 digits
     * grouped {@code 50 1140 2004 6166 8236 0139 5518} (NRB), not part of a longer run of digit
     * groups, whose check digits hold for {@code PL}.
     */
    private static Finding polishAccount(String text, int i) {
        int n = text.length();
        if (i + NRB_LAYOUT.length() > n
                || (i > 0 && Character.isLetterOrDigit(text.charAt(i - 1)))
                || (i > 1 && text.charAt(i - 1) == ' ' && isDigit(text.charAt(i - 2)))) {
            return null;
        }
        StringBuilder digits = new StringBuilder(28).append("PL");
        for (int k = 0; k < NRB_LAYOUT.length(); k++) {
            char c = text.charAt(i + k);
            if (NRB_LAYOUT.charAt(k) == 'd' ? !isDigit(c) : c != ' ') {
                return null;
            }
            if (isDigit(c)) {
                digits.append(c);
            }
        }
        int end = i + NRB_LAYOUT.length();
        if ((end < n && Character.isLetterOrDigit(text.charAt(end)))
                || (end + 1 < n && text.charAt(end) == ' ' && isDigit(text.charAt(end + 1)))) {
            return null;
        }
        String iban = digits.toString();
        if (mod97(iban) != 1) {
            return null;
        }
        return new Finding(
                NAME,
                PiiKind.IBAN,
                i,
                end,
                iban,
                0.85,
                "26 digits grouped as a Polish account number (NRB), mod-97 check passed with PL");
    }

    private static Finding validPrefix(String text, int start, StringBuilder compact, int[] endAt) {
        String country = compact.substring(0, 2);
        Integer expected = LENGTHS.get(country);
        int from = expected != null ? expected : Math.min(MAX, compact.length());
        int to = expected != null ? expected : MIN;
        for (int len = from; len >= to; len--) {
            if (len > compact.length()) {
                continue;
            }
            int end = endAt[len];
            if (end < text.length() && Character.isLetterOrDigit(text.charAt(end))) {
                continue; // the IBAN would end inside a word
            }
            String iban = compact.substring(0, len);
            if (mod97(iban) == 1) {
                return new Finding(
                        NAME,
                        PiiKind.IBAN,
                        start,
                        end,
                        iban,
                        expected != null ? 0.97 : 0.85,
                        (expected != null
                                        ? "length " + len + " as registered for " + country
                                        : "country not in the length table, " + len + " characters")
                                + ", mod-97 check passed");
            }
        }
        return null;
    }

    private static boolean startsCandidate(String text, int i) {
        if (i > 0 && Character.isLetterOrDigit(text.charAt(i - 1))) {
            return false;
        }
        return isLetter(text.charAt(i))
                && isLetter(text.charAt(i + 1))
                && isDigit(text.charAt(i + 2))
                && isDigit(text.charAt(i + 3));
    }

    /** ISO 7064 mod 97-10 of an IBAN (country and check digits moved to the end). */
    static int mod97(String iban) {
        int remainder = 0;
        int n = iban.length();
        for (int k = 0; k < n; k++) {
            char c = iban.charAt((k + 4) % n);
            if (isDigit(c)) {
                remainder = (remainder * 10 + (c - '0')) % 97;
            } else if (isUpper(c)) {
                remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
            } else {
                return -1;
            }
        }
        return remainder;
    }

    /** Whether {@code text} (spaces ignored) is a valid IBAN. */
    public static boolean isValid(String text) {
        if (text == null) {
            return false;
        }
        String iban = normalize(text);
        if (iban.length() < MIN || iban.length() > MAX || !startsCandidate(iban, 0)) {
            return false;
        }
        Integer expected = LENGTHS.get(iban.substring(0, 2));
        return (expected == null || expected == iban.length()) && mod97(iban) == 1;
    }

    /** Compact upper case: spaces removed. */
    public static String normalize(String iban) {
        return iban.replace(" ", "").toUpperCase(java.util.Locale.ROOT);
    }

    private static boolean isAlnum(char c) {
        return isLetter(c) || isDigit(c);
    }

    private static boolean isLetter(char c) {
        return isUpper(c) || (c >= 'a' && c <= 'z');
    }

    private static boolean isUpper(char c) {
        return c >= 'A' && c <= 'Z';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
