package dev.lethe.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DetectorsTest {

    private static String spanOf(String text, Finding f) {
        return text.substring(f.start(), f.end());
    }

    // ---------------------------------------------------------------- email

    @Test
    void emailInGermanSentenceEndsBeforeTheFullStop() {
        String text = "Bitte schicken Sie die Bestätigung an Anna.Mueller@GMX.de.";
        List<Finding> found = new EmailDetector().detect(text);
        assertThat(found).hasSize(1);
        assertThat(spanOf(text, found.get(0))).isEqualTo("Anna.Mueller@GMX.de");
        assertThat(found.get(0).normalizedValue()).isEqualTo("anna.mueller@gmx.de");
    }

    @Test
    void emailInFileNameStopsAtUnderscoreAndInJapaneseBrackets() {
        String file = "lukasz.wojcik@wp.pl_invoice.pdf";
        assertThat(new EmailDetector().detect(file))
                .extracting(Finding::normalizedValue)
                .containsExactly("lukasz.wojcik@wp.pl");
        String ja = "佐藤さん（sato.ichiro@yahoo.co.jp、電話03-1234-5678）";
        assertThat(new EmailDetector().detect(ja))
                .extracting(Finding::normalizedValue)
                .containsExactly("sato.ichiro@yahoo.co.jp");
    }

    @Test
    void noEmailWithoutTopLevelDomain() {
        assertThat(new EmailDetector().detect("ping me @ noon, user@localhost or a@b")).isEmpty();
    }

    // ---------------------------------------------------------------- phone

    @Test
    void internationalAndNationalNumbersNormalizeToE164() {
        String text = "Rufen Sie mich unter +49 30 23125000 an oder mobil 0151 23456789, danke.";
        List<Finding> found = new PhoneDetector().detect(text);
        assertThat(found)
                .extracting(Finding::normalizedValue)
                .containsExactly("+493023125000", "+4915123456789");
        assertThat(spanOf(text, found.get(0))).isEqualTo("+49 30 23125000");
        // an international number says its country; a national one is read in a default region
        assertThat(found.get(0).confidence()).isGreaterThan(found.get(1).confidence());
        assertThat(found.get(1).reason()).contains("DE").doesNotContain("23456789");
    }

    @Test
    void frenchNationalNumberReadInFrenchWhenFranceIsPreferred() {
        String text = "Vous pouvez me joindre au 01 42 68 53 00 en journée.";
        List<Finding> found = new PhoneDetector(List.of("FR", "DE")).detect(text);
        assertThat(found).extracting(Finding::normalizedValue).containsExactly("+33142685300");
    }

    @Test
    void japaneseNumberNextToKanaIsFound() {
        String text = "日中は03-1234-5678にご連絡ください。";
        List<Finding> found = new PhoneDetector(List.of("JP")).detect(text);
        assertThat(found).extracting(Finding::normalizedValue).containsExactly("+81312345678");
        assertThat(spanOf(text, found.get(0))).isEqualTo("03-1234-5678");
    }

    @Test
    void invalidNumbersAndOrderNumbersAreNotPhones() {
        assertThat(new PhoneDetector().detect("Order 12 shipped, +49 123 and 1234")).isEmpty();
        assertThat(PhoneDetector.normalize("+44 20 7946 0958", "DE")).contains("+442079460958");
        assertThat(PhoneDetector.normalize("n/a", "DE")).isEmpty();
    }

    // ---------------------------------------------------------------- IBAN

    @Test
    void ibanCompactAndGroupedWithValidChecksum() {
        String text =
                "Meine IBAN lautet DE89 3704 0044 0532 0130 00, alternativ GB29NWBK60161331926819.";
        List<Finding> found = new IbanDetector().detect(text);
        assertThat(found)
                .extracting(Finding::normalizedValue)
                .containsExactly("DE89370400440532013000", "GB29NWBK60161331926819");
        assertThat(spanOf(text, found.get(0))).isEqualTo("DE89 3704 0044 0532 0130 00");
    }

    @Test
    void ibanFollowedByCapitalWordIsCutAtItsCountryLength() {
        String text = "IBAN FR14 2004 1010 0505 0001 3M02 606 THANKS";
        List<Finding> found = new IbanDetector().detect(text);
        assertThat(found)
                .extracting(Finding::normalizedValue)
                .containsExactly("FR1420041010050500013M02606");
    }

    @Test
    void ibanWithWrongCheckDigitsIsNotFound() {
        assertThat(new IbanDetector().detect("DE88 3704 0044 0532 0130 00")).isEmpty();
        assertThat(IbanDetector.isValid("DE89 3704 0044 0532 0130 00")).isTrue();
        assertThat(IbanDetector.isValid("DE89 3704 0044 0532 0130 01")).isFalse();
    }

    // ---------------------------------------------------------------- payment card

    @Test
    void cardNumbersPlainSpacedOrDashedPassLuhnAndIssuerRange() {
        String text = "Karte 4111 1111 1111 1111 und 5500-0000-0000-0004 sowie 378282246310005.";
        List<Finding> found = new PaymentCardDetector().detect(text);
        assertThat(found)
                .extracting(Finding::normalizedValue)
                .containsExactly("4111111111111111", "5500000000000004", "378282246310005");
        assertThat(found.get(0).reason()).contains("Luhn").contains("Visa").doesNotContain("4111");
        assertThat(PaymentCardDetector.masked("4111111111111111")).isEqualTo("411111******1111");
    }

    @Test
    void luhnFailureOrUnknownIssuerIsNotACard() {
        assertThat(new PaymentCardDetector().detect("4111 1111 1111 1112")).isEmpty();
        // Luhn-valid but no card network starts with 1
        assertThat(PaymentCardDetector.luhn("1234567812345670")).isTrue();
        assertThat(new PaymentCardDetector().detect("1234567812345670")).isEmpty();
    }

    @Test
    void aNumberAfterAReferenceLabelIsNoCard() {
        // a 13-digit Maestro-range number that passes Luhn
        assertThat(new PaymentCardDetector().detect("Karte 6234567890123"))
                .extracting(Finding::normalizedValue)
                .containsExactly("6234567890123");
        assertThat(new PaymentCardDetector().detect("Tracking number: 6234567890123")).isEmpty();
        assertThat(new PaymentCardDetector().detect("numer listu przewozowego: 6234567890123"))
                .isEmpty();
        // a marker alone does not reject a card
        assertThat(new PaymentCardDetector().detect("Karte Nr. 4111 1111 1111 1111")).hasSize(1);
    }

    // ---------------------------------------------------------------- handle

    @Test
    void handlesButNotEmailAddresses() {
        String text = "Twitter（@anna_meyer）, mail anna@example.com, also @Kowalski_PL.";
        List<Finding> found = new SocialHandleDetector().detect(text);
        assertThat(found)
                .extracting(Finding::normalizedValue)
                .containsExactly("@anna_meyer", "@kowalski_pl");
    }

    @Test
    void handleFollowedByDomainIsNotAHandle() {
        assertThat(new SocialHandleDetector().detect("write to @example.com or pay @10")).isEmpty();
    }
}
