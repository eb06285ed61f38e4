package dev.lethe.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class IbanDetectorTest {

    private static List<String> ibans(String text) {
        return new IbanDetector().detect(text).stream().map(Finding::normalizedValue).toList();
    }

    @Test
    void lowerAndMixedCaseIbansAreStoredUpperCaseAndCompact() {
        String text = "Ο νέος μου λογαριασμός: gr81 0115 7994 7847 5368 3155 056";
        List<Finding> found = new IbanDetector().detect(text);
        assertThat(found)
                .extracting(Finding::normalizedValue)
                .containsExactly("GR8101157994784753683155056");
        assertThat(text.substring(found.get(0).start(), found.get(0).end()))
                .isEqualTo("gr81 0115 7994 7847 5368 3155 056");
        assertThat(ibans("iban: gb29nwbk60161331926819, danke"))
                .containsExactly("GB29NWBK60161331926819");
        assertThat(ibans("IBAN Gb29 NwBk 6016 1331 9268 19"))
                .containsExactly("GB29NWBK60161331926819");
        assertThat(ibans("de89 3704 0044 0532 0130 00 bitte"))
                .containsExactly("DE89370400440532013000");
    }

    @Test
    void lowerCaseStillNeedsTheCheckDigitsAndAKnownCountryLength() {
        assertThat(ibans("gr82 0115 7994 7847 5368 3155 056")).isEmpty();
        assertThat(ibans("de88 3704 0044 0532 0130 00")).isEmpty();
        // a country whose length is not in the table is not read in lower case
        assertThat(ibans("xk05 1212 0123 4567 8906")).isEmpty();
        assertThat(IbanDetector.isValid("gr81 0115 7994 7847 5368 3155 056")).isTrue();
    }

    @Test
    void polishAccountWrittenWithoutItsCountryCode() {
        String text = "Proszę o zwrot na konto: 50 1140 2004 6166 8236 0139 5518 (mBank).";
        List<Finding> found = new IbanDetector().detect(text);
        assertThat(found)
                .extracting(Finding::normalizedValue)
                .containsExactly("PL50114020046166823601395518");
        assertThat(text.substring(found.get(0).start(), found.get(0).end()))
                .isEqualTo("50 1140 2004 6166 8236 0139 5518");
        assertThat(found.get(0).reason()).doesNotContain("5518");
        // with its country code it is the same account
        assertThat(ibans("konto PL50 1140 2004 6166 8236 0139 5518"))
                .containsExactly("PL50114020046166823601395518");
    }

    @Test
    void polishAccountNeedsItsCheckDigitsAndItsLayout() {
        assertThat(ibans("konto: 51 1140 2004 6166 8236 0139 5518")).isEmpty();
        // part of a longer run of digit groups, or glued to a letter or a digit
        assertThat(ibans("12 50 1140 2004 6166 8236 0139 5518")).isEmpty();
        assertThat(ibans("50 1140 2004 6166 8236 0139 5518 12")).isEmpty();
        assertThat(ibans("x50 1140 2004 6166 8236 0139 5518")).isEmpty();
        // 26 digits in another layout: could be anything
        assertThat(ibans("5011 4020 0461 6682 3601 3955 18")).isEmpty();
    }
}
