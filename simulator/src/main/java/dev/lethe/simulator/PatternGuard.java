package dev.lethe.simulator;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Keeps generated values from looking like another kind of personal data, so a detector's precision
 * can be measured against the ground truth: a phone number is never a Luhn-valid digit run, an IBAN
 * or card number never contains a valid phone number or (for IBANs) a Luhn-valid run. Also the
 * checksum rules themselves (Luhn, IBAN mod 97).
 */
final class PatternGuard {

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private static final BigInteger NINETY_SEVEN = BigInteger.valueOf(97);

    private PatternGuard() {}

    /** Luhn checksum over the digits of {@code text} (other characters ignored). */
    static boolean luhnValid(String text) {
        String digits = digits(text);
        if (digits.isEmpty()) {
            return false;
        }
        int sum = 0;
        boolean doubled = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (doubled) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            doubled = !doubled;
        }
        return sum % 10 == 0;
    }

    /** ISO 13616 check: country, check digits, mod 97 == 1 (spaces ignored). */
    static boolean ibanValid(String text) {
        String iban = text.replace(" ", "");
        if (iban.length() < 15 || iban.length() > 34 || !iban.matches("[A-Z]{2}\\d{2}[A-Z0-9]+")) {
            return false;
        }
        String rearranged = iban.substring(4) + iban.substring(0, 4);
        StringBuilder numeric = new StringBuilder();
        for (char c : rearranged.toCharArray()) {
            numeric.append(Character.isDigit(c) ? String.valueOf(c) : String.valueOf(c - 'A' + 10));
        }
        return new BigInteger(numeric.toString()).mod(NINETY_SEVEN).intValue() == 1;
    }

    /**
     * Whether any run of 13 to 19 digits in {@code text}, possibly grouped by single spaces or
     * dashes, passes the Luhn check (what a card-number detector looks for).
     */
    static boolean looksLikeCard(String text) {
        for (List<String> groups : digitGroupRuns(text)) {
            for (int from = 0; from < groups.size(); from++) {
                StringBuilder digits = new StringBuilder();
                for (int to = from; to < groups.size(); to++) {
                    digits.append(groups.get(to));
                    if (digits.length() > 19) {
                        break;
                    }
                    if (digits.length() >= 13 && luhnValid(digits.toString())) {
                        return true;
                    }
                }
            }
            // within one long group, any window
            for (String group : groups) {
                for (int len = 13; len <= Math.min(19, group.length()); len++) {
                    for (int i = 0; i + len <= group.length(); i++) {
                        if (luhnValid(group.substring(i, i + len))) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    /** Whether libphonenumber finds a valid phone number in {@code text} for any of the regions. */
    static boolean containsPhone(String text, Set<String> regions) {
        for (String region : regions) {
            if (UTIL.findNumbers(text, region, PhoneNumberUtil.Leniency.VALID, Long.MAX_VALUE)
                    .iterator()
                    .hasNext()) {
                return true;
            }
        }
        return false;
    }

    static String digits(String text) {
        StringBuilder digits = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                digits.append(c);
            }
        }
        return digits.toString();
    }

    /** Runs of digit groups separated by exactly one space or dash. */
    private static List<List<String>> digitGroupRuns(String text) {
        List<List<String>> runs = new ArrayList<>();
        List<String> current = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                int start = i;
                while (i < text.length() && Character.isDigit(text.charAt(i))) {
                    i++;
                }
                current.add(text.substring(start, i));
                boolean separatorThenDigit =
                        i + 1 < text.length()
                                && (text.charAt(i) == ' ' || text.charAt(i) == '-')
                                && Character.isDigit(text.charAt(i + 1));
                if (separatorThenDigit) {
                    i++;
                } else {
                    runs.add(current);
                    current = new ArrayList<>();
                }
            } else {
                i++;
            }
        }
        if (!current.isEmpty()) {
            runs.add(current);
        }
        return runs;
    }
}
