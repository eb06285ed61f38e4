package dev.lethe.discovery;

import java.util.ArrayList;
import java.util.List;

/**
 * Payment card numbers (PANs): 13 to 19 digits, written plain or in groups separated by single
 * spaces or dashes ({@code 4111 1111 1111 1111}, {@code 5500-0000-0000-0004}), that pass the Luhn
 * check and start with the issuer identification number of a card network (Visa, Mastercard, Amex,
 * Discover, JCB, Diners, UnionPay, Maestro, Mir 2200–2204, Troy 9792) with a length that network
 * issues. A longer digit run is not searched for a card inside it. The number must not be glued to
 * a digit or a Latin letter ({@code INV4111…}); a letter of another script right before or after is
 * a boundary ({@code マスターカード5555 5555 5555 4444}, {@code 银联卡6200…支付}), as those scripts write no
 * space between a word and a number. A number right after a reference label ({@code Tracking
 * number}, {@code numer listu przewozowego:}, {@code 注文番号}: {@link NumberContext}) is the number of
 * something else, not a card. Normalized to the digits alone.
 */
public final class PaymentCardDetector implements PiiDetector {

    public static final String NAME = "payment_card";

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
        while (i < n) {
            if (!isDigit(text.charAt(i)) || (i > 0 && glued(text.codePointBefore(i)))) {
                i++;
                continue;
            }
            // the run of digit groups starting at i: group ends, in text positions
            List<Integer> groupEnds = new ArrayList<>();
            StringBuilder digits = new StringBuilder();
            List<Integer> digitsAtGroupEnd = new ArrayList<>();
            int j = i;
            while (j < n) {
                while (j < n && isDigit(text.charAt(j))) {
                    digits.append(text.charAt(j));
                    j++;
                }
                groupEnds.add(j);
                digitsAtGroupEnd.add(digits.length());
                if (j + 1 < n
                        && (text.charAt(j) == ' ' || text.charAt(j) == '-')
                        && isDigit(text.charAt(j + 1))
                        && digits.length() < 19) {
                    j++;
                } else {
                    break;
                }
            }
            Finding f = null;
            // longest window of whole groups from the run's start that is a card
            for (int g = groupEnds.size() - 1; g >= 0 && f == null; g--) {
                int end = groupEnds.get(g);
                int count = digitsAtGroupEnd.get(g);
                if (count < 13 || count > 19) {
                    continue;
                }
                if (end < n && glued(text.codePointAt(end))) {
                    continue;
                }
                String pan = digits.substring(0, count);
                String network = network(pan);
                if (network != null && luhn(pan)) {
                    f =
                            new Finding(
                                    NAME,
                                    PiiKind.PAYMENT_CARD,
                                    i,
                                    end,
                                    pan,
                                    groupEnds.size() > 1 ? 0.95 : 0.9,
                                    count
                                            + " digits in "
                                            + (g + 1)
                                            + " group(s), Luhn check passed, "
                                            + network
                                            + " issuer range");
                }
            }
            if (f != null && NumberContext.afterReferenceLabel(text, i)) {
                // the number of a parcel, an order, an invoice that happens to pass Luhn
                i = f.end();
            } else if (f != null) {
                found.add(f);
                i = f.end();
            } else {
                i = groupEnds.get(groupEnds.size() - 1);
            }
        }
        return found;
    }

    /** The Luhn (mod 10) check over {@code digits}. */
    public static boolean luhn(String digits) {
        int sum = 0;
        boolean doubled = false;
        for (int k = digits.length() - 1; k >= 0; k--) {
            int d = digits.charAt(k) - '0';
            if (d < 0 || d > 9) {
                return false;
            }
            if (doubled) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            doubled = !doubled;
        }
        return !digits.isEmpty() && sum % 10 == 0;
    }

    /** The card network whose issuer range and lengths {@code pan} fits, or null. */
    static String network(String pan) {
        int len = pan.length();
        int p1 = pan.charAt(0) - '0';
        int p2 = Integer.parseInt(pan.substring(0, 2));
        int p3 = Integer.parseInt(pan.substring(0, 3));
        int p4 = Integer.parseInt(pan.substring(0, 4));
        int p6 = Integer.parseInt(pan.substring(0, 6));
        if (p4 >= 2200 && p4 <= 2204 && len >= 16) {
            return "Mir";
        }
        if (p4 == 9792 && len == 16) {
            return "Troy";
        }
        if (p1 == 4 && (len == 13 || len == 16 || len == 19)) {
            return "Visa";
        }
        if (((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) && len == 16) {
            return "Mastercard";
        }
        if ((p2 == 34 || p2 == 37) && len == 15) {
            return "American Express";
        }
        if ((p4 == 6011 || p2 == 65 || (p3 >= 644 && p3 <= 649) || (p6 >= 622126 && p6 <= 622925))
                && len >= 16) {
            return "Discover";
        }
        if (p4 >= 3528 && p4 <= 3589 && len >= 16) {
            return "JCB";
        }
        if (((p3 >= 300 && p3 <= 305) || p2 == 36 || p2 == 38 || p2 == 39) && len >= 14) {
            return "Diners Club";
        }
        if (p2 == 62 && len >= 16) {
            return "UnionPay";
        }
        if ((p2 == 50 || (p2 >= 56 && p2 <= 69)) && len >= 13) {
            return "Maestro";
        }
        return null;
    }

    /** The digits alone. */
    public static String normalize(String written) {
        StringBuilder d = new StringBuilder(written.length());
        for (int k = 0; k < written.length(); k++) {
            char c = written.charAt(k);
            if (isDigit(c)) {
                d.append(c);
            }
        }
        return d.toString();
    }

    /**
     * The form the index keeps: issuer number (first six digits) and last four, the rest masked
     * ({@code 411111******1111}), as PCI DSS allows to be displayed.
     */
    public static String masked(String pan) {
        if (pan.length() < 13) {
            return "*".repeat(pan.length());
        }
        return pan.substring(0, 6)
                + "*".repeat(pan.length() - 10)
                + pan.substring(pan.length() - 4);
    }

    /**
     * Whether a card number next to {@code cp} would be part of a longer word: a digit, or a letter
     * of the Latin script ({@code INV4111…}, a code). A letter of another script is a change of
     * script, and so a boundary: Japanese and Chinese write no space between a word and a number
     * ({@code マスターカード5555…}, {@code 银联卡6200…で}).
     */
    private static boolean glued(int cp) {
        if (Character.isDigit(cp)) {
            return true;
        }
        return Character.isLetter(cp)
                && Character.UnicodeScript.of(cp) == Character.UnicodeScript.LATIN;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
