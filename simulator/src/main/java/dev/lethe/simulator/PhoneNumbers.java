package dev.lethe.simulator;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.Random;

/**
 * Valid phone numbers of a country: libphonenumber's example number for the country and line type
 * with its subscriber digits randomised, kept only when libphonenumber says it is valid.
 */
final class PhoneNumbers {

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private static final int ATTEMPTS = 50;

    /** The ways people write a number. */
    enum Style {
        /** {@code +493012345678} */
        E164,
        /** {@code +49 30 12345678} */
        INTERNATIONAL,
        /** {@code 030 12345678} */
        NATIONAL;

        PhoneNumberFormat format() {
            return switch (this) {
                case E164 -> PhoneNumberFormat.E164;
                case INTERNATIONAL -> PhoneNumberFormat.INTERNATIONAL;
                case NATIONAL -> PhoneNumberFormat.NATIONAL;
            };
        }
    }

    private PhoneNumbers() {}

    /** A valid fixed-line or mobile number of {@code country}, never Luhn-valid as a digit run. */
    static PhoneNumber next(String country, boolean mobile, Random random) {
        PhoneNumber example =
                UTIL.getExampleNumberForType(
                        country, mobile ? PhoneNumberType.MOBILE : PhoneNumberType.FIXED_LINE);
        if (example == null) {
            throw new IllegalArgumentException("no example number for " + country);
        }
        String nsn = UTIL.getNationalSignificantNumber(example);
        int keep = Math.min(3, nsn.length() - 4);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            StringBuilder digits = new StringBuilder(nsn.substring(0, keep));
            for (int i = keep; i < nsn.length(); i++) {
                digits.append((char) ('0' + random.nextInt(10)));
            }
            try {
                PhoneNumber candidate = UTIL.parse(digits.toString(), country);
                if (UTIL.isValidNumber(candidate)
                        && !PatternGuard.looksLikeCard(format(candidate, Style.E164))) {
                    return candidate;
                }
            } catch (NumberParseException e) {
                // try other digits
            }
        }
        return example;
    }

    static String format(PhoneNumber number, Style style) {
        return UTIL.format(number, style.format());
    }

    /** Whether {@code text} parses (in {@code country}'s context) as a valid number. */
    static boolean isValid(String text, String country) {
        try {
            return UTIL.isValidNumber(UTIL.parse(text, country));
        } catch (NumberParseException e) {
            return false;
        }
    }
}
