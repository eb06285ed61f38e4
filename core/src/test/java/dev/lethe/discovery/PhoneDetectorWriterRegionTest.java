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
                .containsExactly("+449012345678");
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
        // not valid in Japan: read in the configured regions
        List<Finding> found = detector.detect("mobil 0151 23456789", List.of("JP"));
        assertThat(found).extracting(Finding::normalizedValue).containsExactly("+4915123456789");
        assertThat(found.get(0).reason()).contains("DE").doesNotContain("writer");
        // the writer's regions in their order
        assertThat(detector.detect("06 12 34 56 78", List.of("SE", "FR")))
                .extracting(Finding::normalizedValue)
                .containsExactly("+46612345678");
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
