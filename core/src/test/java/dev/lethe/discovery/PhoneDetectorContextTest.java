package dev.lethe.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The words right before a number: phone labels raise confidence, references reject. */
class PhoneDetectorContextTest {

    private final PhoneDetector detector = new PhoneDetector();

    private static String spanOf(String text, Finding f) {
        return text.substring(f.start(), f.end());
    }

    @Test
    void anOrderNumberIsNoPhoneNumber() {
        // "123456789" is a valid Polish number when nothing says otherwise
        assertThat(detector.detect("Hallo, 123456789 bitte"))
                .extracting(Finding::normalizedValue)
                .containsExactly("+48123456789");
        assertThat(detector.detect("Order #123456789 has not arrived")).isEmpty();
    }

    @Test
    void referenceContextsInTheHelpdesksLanguagesReject() {
        String number = "0612345678"; // valid in DE, FR, IT, JP, SE
        assertThat(detector.detect("bitte " + number)).hasSize(1);
        for (String context :
                List.of(
                        "Order #",
                        "order number: ",
                        "Your order number is ",
                        "Invoice ",
                        "Ticket #",
                        "Ticket ",
                        "Reference: ",
                        "Ref. ",
                        "Tracking number ",
                        "Bestellung Nr. ",
                        "Bestell-Nr. ",
                        "Ihre Bestellnummer lautet ",
                        "Rechnungsnummer: ",
                        "Kundennummer ",
                        "commande n° ",
                        "numéro de commande ",
                        "facture ",
                        "pedido nº ",
                        "número de pedido: ",
                        "ordine n. ",
                        "numer zamówienia ",
                        "číslo objednávky: ",
                        "ordernummer ",
                        "заказ № ",
                        "номер заказа ",
                        "注文番号：",
                        "订单号：",
                        "주문번호 ",
                        "#",
                        "No. ",
                        "Nr. ",
                        "№ ")) {
            assertThat(detector.detect("Hallo, " + context + number + " danke"))
                    .as(context)
                    .isEmpty();
        }
    }

    @Test
    void aRequestIsAReferenceButRequestedIsNoLabel() {
        PhoneDetector gb = new PhoneDetector(List.of("GB"));
        assertThat(gb.detect("Callback requested: 07408 536424."))
                .extracting(Finding::normalizedValue)
                .containsExactly("+447408536424");
        assertThat(gb.detect("Art. 17 request 07408 536424")).isEmpty();
        assertThat(gb.detect("DSAR requests 07408 536424")).isEmpty();
    }

    @Test
    void customerAndMemberNumbersAndCzechMarkersReject() {
        String number = "0612345678";
        for (String context :
                List.of(
                        "objednávka č. ",
                        "Kundnummer ",
                        "Mitgliedsnummer: ",
                        "membership number ",
                        "会員番号：",
                        "会员号：",
                        "회원번호 ")) {
            assertThat(detector.detect("Hallo, " + context + number + " danke"))
                    .as(context)
                    .isEmpty();
        }
    }

    @Test
    void datesIpAddressesAndCodesAreNoPhoneNumbers() {
        // each reads as a valid number of a configured region without its context
        assertThat(detector.detect("Hallo 0612345678")).hasSize(1);
        for (String text :
                List.of(
                        "überwiesen am 03.12.2024, danke",
                        "am 02.12.2024 angewiesen",
                        "Zugriff von 172.16.254.1 gesperrt",
                        "Rechnung INV-2024-00987 ist offen",
                        "Sendung TR-2024-55812")) {
            assertThat(detector.detect(text)).as(text).isEmpty();
        }
    }

    @Test
    void aCompanysFreePhoneOrPremiumNumberIsNoPersonsNumber() {
        assertThat(detector.detect("Hotline 0800 1234567", List.of("DE"))).isEmpty();
        assertThat(detector.detect("フリーダイヤル0120-123-456", List.of("JP"))).isEmpty();
        assertThat(detector.detect("call +44 800 123 4567 free")).isEmpty();
        // a mobile next to it still is
        assertThat(detector.detect("Hotline 0800 1234567 oder mobil 0151 23456789", List.of("DE")))
                .extracting(Finding::normalizedValue)
                .containsExactly("+4915123456789");
    }

    @Test
    void aReferenceLabelFartherAwayDoesNotReject() {
        List<Finding> found =
                detector.detect("Ihre Bestellung ist unterwegs. Rückfragen: 0151 23456789");
        assertThat(found).extracting(Finding::normalizedValue).containsExactly("+4915123456789");
        // another number between the label and this one
        assertThat(detector.detect("Bestellung 4711, 0151 23456789"))
                .extracting(Finding::normalizedValue)
                .containsExactly("+4915123456789");
    }

    @Test
    void anInternationalNumberIsAPhoneNumberWhateverPrecedesIt() {
        assertThat(detector.detect("Order: +49 30 23125000"))
                .extracting(Finding::normalizedValue)
                .containsExactly("+493023125000");
    }

    @Test
    void phoneLabelsInTheHelpdesksLanguagesRaiseConfidence() {
        String number = "030 23125000"; // DE only among the default regions... and GB, IT
        Finding bare = detector.detect("bitte " + number).get(0);
        for (String label :
                List.of(
                        "Tel. ",
                        "tel: ",
                        "Phone: ",
                        "Phone #: ",
                        "Telefon ",
                        "Telefon-Nr. ",
                        "Tel.-Nr.: ",
                        "Tlf. ",
                        "Handy: ",
                        "Rufen Sie mich unter ",
                        "call me at ",
                        "appelez le ",
                        "Appeler : ",
                        "téléphone : ",
                        "teléfono: ",
                        "llamar al ",
                        "telefone: ",
                        "ring mig på ",
                        "numer: ",
                        "numer telefonu ",
                        "číslo: ",
                        "телефон: ",
                        "τηλ. ",
                        "電話：",
                        "电话：",
                        "전화번호: ",
                        "هاتف: ",
                        "טלפון: ")) {
            String text = "x " + label + number;
            List<Finding> found = detector.detect(text);
            assertThat(found).as(label).hasSize(1);
            assertThat(spanOf(text, found.get(0))).as(label).isEqualTo(number);
            assertThat(found.get(0).confidence())
                    .as(label)
                    .isEqualTo(PhoneDetector.labelled(bare.confidence()))
                    .isGreaterThan(bare.confidence());
            assertThat(found.get(0).reason()).as(label).contains("phone label");
        }
    }

    @Test
    void confidencesAreTheDocumentedConstants() {
        // international: surer than any national reading, labelled or not
        assertThat(detector.detect("+49 30 23125000").get(0).confidence())
                .isEqualTo(PhoneDetector.INTERNATIONAL);
        assertThat(detector.detect("Tel. +49 30 23125000").get(0).confidence())
                .isEqualTo(PhoneDetector.labelled(PhoneDetector.INTERNATIONAL));
        // 0151 23456789: DE and AT read it differently
        assertThat(detector.detect("0151 23456789").get(0).confidence())
                .isEqualTo(PhoneDetector.AMBIGUOUS);
        // one region, one reading
        assertThat(new PhoneDetector(List.of("FR")).detect("01 42 68 53 00").get(0).confidence())
                .isEqualTo(PhoneDetector.SINGLE_READING);
        assertThat(PhoneDetector.labelled(PhoneDetector.SINGLE_READING))
                .isLessThan(PhoneDetector.INTERNATIONAL);
        assertThat(PhoneDetector.labelled(PhoneDetector.INTERNATIONAL)).isLessThanOrEqualTo(1.0);
    }

    @Test
    void contextIsReadOnTheNumbersOwnLine() {
        assertThat(detector.detect("Order #\n0151 23456789"))
                .extracting(Finding::normalizedValue)
                .containsExactly("+4915123456789");
    }
}
