package dev.lethe.discovery;

import static dev.lethe.discovery.TestTexts.repeat;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The bound on failed candidates per region: linear in the text's length, enough for ordinary text
 * full of numbers that are no phone numbers, and what keeps text of digits and separators cheap.
 */
class PhoneDetectorBudgetTest {

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

    @Test
    void triesGrowLinearlyWithTheText() {
        assertThat(PhoneDetector.maxTries(0)).isEqualTo(PhoneDetector.MIN_TRIES);
        assertThat(PhoneDetector.maxTries(PhoneDetector.CHARS_PER_TRY - 1))
                .isEqualTo(PhoneDetector.MIN_TRIES);
        assertThat(PhoneDetector.maxTries(16_000 * PhoneDetector.CHARS_PER_TRY))
                .isEqualTo(PhoneDetector.MIN_TRIES + 16_000);
        assertThat(PhoneDetector.maxTries(Integer.MAX_VALUE)).isPositive();
    }

    @Test
    void digitsAndSeparatorsHoldNoPhoneNumber() {
        String text = repeat("1 2-3 (4) 5.6 ", 64 * 1024);
        assertThat(new PhoneDetector().detect(text)).isEmpty();
        assertThat(
                        new FreeTextScanner(PhoneDetector.DEFAULT_REGIONS, new KnownSubjectNames())
                                .scan(text))
                .isEmpty();
    }

    @Test
    void aNumberBeforeDigitsAndSeparatorsIsStillFound() {
        String text = "Rufen Sie 030 23125000 an. " + repeat("1 2-3 (4) 5.6 ", 64 * 1024);
        assertThat(new PhoneDetector().detect(text))
                .extracting(Finding::normalizedValue)
                .containsExactly("+493023125000");
    }

    @Test
    void nationalAndInternationalNumbersOfEveryDefaultRegionAfterOrdinaryNumbers() {
        for (String region : PhoneDetector.DEFAULT_REGIONS) {
            PhoneNumber example = UTIL.getExampleNumber(region);
            String e164 = UTIL.format(example, PhoneNumberFormat.E164);
            String national = UTIL.format(example, PhoneNumberFormat.NATIONAL);
            String international = UTIL.format(example, PhoneNumberFormat.INTERNATIONAL);
            String text =
                    ticketFullOfOtherNumbers()
                            + "\nPlease call "
                            + national
                            + " or, from abroad, "
                            + international
                            + " – thanks.";
            List<Finding> found =
                    new PhoneDetector(List.of(region))
                            .detect(text).stream()
                                    .filter(f -> f.normalizedValue().equals(e164))
                                    .toList();
            assertThat(found).as(region + " " + national).hasSize(2);
            assertThat(text.substring(found.get(0).start(), found.get(0).end()))
                    .isEqualTo(national);
            assertThat(text.substring(found.get(1).start(), found.get(1).end()))
                    .isEqualTo(international);
            // in all default regions too: the international one says its country
            assertThat(new PhoneDetector().detect(text))
                    .extracting(Finding::normalizedValue)
                    .contains(e164);
        }
    }

    /** A long ticket with order numbers, dates, times and amounts, none of them a phone number. */
    private static String ticketFullOfOtherNumbers() {
        StringBuilder s = new StringBuilder();
        for (int k = 0; k < 20; k++) {
            s.append("Order ")
                    .append(40_000 + 37 * k)
                    .append(" of ")
                    .append(1 + k)
                    .append(".11.2026 at 14:")
                    .append(10 + k)
                    .append(" was charged ")
                    .append(20 + k)
                    .append(",99 EUR, and I still have not received the parcel.\n");
        }
        return s.toString();
    }
}
