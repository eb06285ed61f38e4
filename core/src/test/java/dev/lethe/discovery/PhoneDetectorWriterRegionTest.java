package dev.lethe.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** National numbers are read in the writer's region first, the configured list last. */
class PhoneDetectorWriterRegionTest {

    private final PhoneDetector detector = new PhoneDetector();

    @Test
    void aFrenchMobileWrittenByAFrenchContactIsFrench() {
        String text = "Appelez-moi au 06 12 34 56 78 svp";
        // the configured list alone reads it as German
        assertThat(detector.detect(text))
                .extracting(Finding::normalizedValue)
                .containsExactly("+49612345678");
        List<Finding> found = detector.detect(text, List.of("FR"));
        assertThat(found).extracting(Finding::normalizedValue).containsExactly("+33612345678");
        assertThat(found.get(0).reason()).contains("FR").contains("writer");
        assertThat(found.get(0).confidence())
                .isEqualTo(PhoneDetector.labelled(PhoneDetector.WRITER_REGION));
    }

    @Test
    void aJapaneseMobileWrittenByAJapaneseContactIsJapanese() {
        String text = "携帯は090-1234-5678です";
        assertThat(detector.detect(text))
                .extracting(Finding::normalizedValue)
                .containsExactly("+3909012345678");
        assertThat(detector.detect(text, List.of("JP")))
                .extracting(Finding::normalizedValue)
                .containsExactly("+819012345678");
    }

    @Test
    void aSwedishMobileWrittenByASwedishContactIsSwedish() {
        String text = "Ring mig på 070-123 45 67, tack";
        assertThat(detector.detect(text))
                .extracting(Finding::normalizedValue)
                .containsExactly("+390701234567");
        List<Finding> found = detector.detect(text, List.of("SE"));
        assertThat(found).extracting(Finding::normalizedValue).containsExactly("+46701234567");
        assertThat(found.get(0).reason()).contains("SE");
    }

    @Test
    void theConfiguredRegionsAreTheLastFallback() {
        // no writer's region: read in the configured regions
        List<Finding> found = detector.detect("mobil 0151 23456789", List.of());
        assertThat(found).extracting(Finding::normalizedValue).containsExactly("+4915123456789");
        assertThat(found.get(0).reason()).contains("DE").doesNotContain("writer");
        // the writer's regions in their order
        assertThat(detector.detect("06 12 34 56 78", List.of("SE", "FR")))
                .extracting(Finding::normalizedValue)
                .containsExactly("+46612345678");
    }

    @Test
    void aNumberNotValidInTheWritersRegionIsNotGuessed() {
        // valid in no region of a Japanese writer's, the text naming no country: the German
        // reading would be a guess, and a wrong number is worse than none
        assertThat(detector.detect("mobil 0151 23456789", List.of("JP"))).isEmpty();
        assertThat(detector.detect("Bitte um Rückruf: 030 12345678", List.of("FR"))).isEmpty();
        // written with its country code it needs no guess
        assertThat(detector.detect("mobil +49 151 23456789", List.of("JP")))
                .extracting(Finding::normalizedValue)
                .containsExactly("+4915123456789");
    }

    @Test
    void theCountryTheTextNamesNextToANationalNumberDecides() {
        // a German writer quoting a French number
        List<Finding> found =
                detector.detect(
                        "Meine Tochter studiert in Frankreich, ihre Nummer ist 06 12 34 56 78.",
                        List.of("DE"));
        assertThat(found).extracting(Finding::normalizedValue).containsExactly("+33612345678");
        assertThat(found.get(0).reason()).contains("FR").contains("names");
        assertThat(found.get(0).confidence())
                .isEqualTo(PhoneDetector.labelled(PhoneDetector.NAMED_REGION));
        // an inflected name, a region the configured list lacks (Slovakia)
        assertThat(detector.detect("Volejte mi na Slovensku: 0912 123 456", List.of("CZ")))
                .extracting(Finding::normalizedValue)
                .containsExactly("+421912123456");
        // a name after the number, an adjective
        assertThat(detector.detect("číslo 0912 123 456 (slovenské)", List.of("CZ")))
                .extracting(Finding::normalizedValue)
                .containsExactly("+421912123456");
        // Hangul, glued to its particle
        assertThat(detector.detect("일본에서는 090-1234-5678로 연락 주세요", List.of("KR")))
                .extracting(Finding::normalizedValue)
                .containsExactly("+819012345678");
    }

    @Test
    void aCountryNamedFarOffOrOnAnotherLineDoesNotDecide() {
        assertThat(
                        detector.detect(
                                "Ich war in Frankreich.\nRückruf: 06 12 34 56 78", List.of("DE")))
                .extracting(Finding::normalizedValue)
                .containsExactly("+49612345678");
        String far = "Ich war in Frankreich" + " und so weiter".repeat(12) + ": 06 12 34 56 78";
        assertThat(detector.detect(far, List.of("DE")))
                .extracting(Finding::normalizedValue)
                .containsExactly("+49612345678");
        // a country in which the number is not valid changes nothing
        assertThat(detector.detect("Urlaub in Japan, Handy 0151 23456789", List.of("DE")))
                .extracting(Finding::normalizedValue)
                .containsExactly("+4915123456789");
    }

    @Test
    void regionsLibphonenumberDoesNotKnowAreSkippedAndNoRegionsIsTheDefault() {
        assertThat(detector.detect("06 12 34 56 78", List.of("EU", "", "fr")))
                .extracting(Finding::normalizedValue)
                .containsExactly("+33612345678");
        assertThat(detector.detect("06 12 34 56 78", List.of()))
                .isEqualTo(detector.detect("06 12 34 56 78"));
    }

    @Test
    void aNorthAmericanNumberInParenthesesForAnAmericanWriter() {
        String text = "Please call me at (415) 555-0123 tomorrow.";
        assertThat(detector.detect(text)).isEmpty(); // no configured region reads it
        List<Finding> found = detector.detect(text, List.of("US"));
        assertThat(found).extracting(Finding::normalizedValue).containsExactly("+14155550123");
        assertThat(text.substring(found.get(0).start(), found.get(0).end()))
                .isEqualTo("(415) 555-0123");
        assertThat(detector.detect("Tel.: (415)555-0123.", List.of("US")))
                .extracting(Finding::normalizedValue)
                .containsExactly("+14155550123");
    }

    @Test
    void nationalFormatsWithParentheses() {
        assertThat(detector.detect("Tel. (030) 23125000", List.of("DE")))
                .extracting(Finding::normalizedValue)
                .containsExactly("+493023125000");
        assertThat(detector.detect("電話（03）1234-5678", List.of("JP")))
                .extracting(Finding::normalizedValue)
                .containsExactly("+81312345678");
        // a country code in parentheses is written internationally
        List<Finding> found = detector.detect("(+49) 30 23125000", List.of("FR"));
        assertThat(found).extracting(Finding::normalizedValue).containsExactly("+493023125000");
        assertThat(found.get(0).confidence()).isEqualTo(PhoneDetector.INTERNATIONAL);
    }

    @Test
    void theScannerPassesTheWritersRegionsToThePhoneDetector() {
        FreeTextScanner scanner =
                new FreeTextScanner(PhoneDetector.DEFAULT_REGIONS, new KnownSubjectNames());
        String text = "Mail zoë@bücher.fr ou 06 12 34 56 78";
        assertThat(scanner.scan(text, List.of("FR")))
                .extracting(Finding::normalizedValue)
                .containsExactly("zoë@bücher.fr", "+33612345678");
        assertThat(scanner.scan(text))
                .extracting(Finding::normalizedValue)
                .containsExactly("zoë@bücher.fr", "+49612345678");
    }
}
