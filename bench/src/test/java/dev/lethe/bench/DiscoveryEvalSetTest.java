package dev.lethe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.bench.DiscoveryEvalSet.Agent;
import dev.lethe.bench.DiscoveryEvalSet.Contact;
import dev.lethe.bench.DiscoveryEvalSet.Negative;
import dev.lethe.bench.DiscoveryEvalSet.Text;
import dev.lethe.bench.DiscoveryEvalSet.Truth;
import dev.lethe.discovery.EmailDetector;
import dev.lethe.discovery.IbanDetector;
import dev.lethe.discovery.NameFolding;
import dev.lethe.discovery.PaymentCardDetector;
import dev.lethe.discovery.PhoneDetector;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The evaluation set is well formed: big and varied enough to measure with, and every ground truth
 * is what its text says (so a miss in the bench is the detector's, never the set's).
 */
class DiscoveryEvalSetTest {

    private static final DiscoveryEvalSet SET = DiscoveryEvalSet.load();

    private static final List<String> LANGUAGES =
            List.of(
                    "ja", "zh", "ko", "ar", "he", "ru", "el", "pl", "cs", "tr", "pt", "es", "fr",
                    "de", "sv", "en");

    @Test
    void atLeast300TextsAndAtLeast15InEachLanguageTheHelpdeskServes() {
        assertThat(SET.texts).hasSizeGreaterThanOrEqualTo(300);
        Map<String, Integer> perLanguage = new TreeMap<>();
        SET.texts.forEach(t -> perLanguage.merge(t.language(), 1, Integer::sum));
        assertThat(perLanguage.keySet()).containsAll(LANGUAGES);
        perLanguage.forEach((language, n) -> assertThat(n).as(language).isGreaterThanOrEqualTo(15));
        for (Text t : SET.texts) {
            assertThat(t.id()).startsWith(t.language() + "-");
            assertThat(t.region()).as(t.id() + " locale has a region").hasSize(2);
            assertThat(t.locale()).startsWith(t.language() + "-");
        }
    }

    @Test
    void writersContactsAndNamedSubjectsAreInTheDirectory() {
        Set<String> contacts = new HashSet<>();
        SET.contacts.forEach(c -> contacts.add(c.subjectId()));
        Set<String> agents = new HashSet<>();
        SET.agents.forEach(a -> agents.add(a.subjectId()));
        for (Text t : SET.texts) {
            assertThat(contacts).as(t.id() + " contact").contains(t.contact());
            if (t.source().equals("comment")) {
                assertThat(agents).as(t.id() + " comment writer").contains(t.writer());
            } else if (t.source().equals("ticket")) {
                assertThat(t.writer()).as(t.id() + " ticket writer").isEqualTo(t.contact());
            } else {
                assertThat(t.writer().equals(t.contact()) || agents.contains(t.writer()))
                        .as(t.id() + " reply writer")
                        .isTrue();
            }
        }
    }

    @Test
    void everyValueIsWhatItsWrittenFormSays() {
        Map<String, List<String>> nameWords = registeredNameWords();
        List<String> problems = new ArrayList<>();
        for (Text t : SET.texts) {
            for (Truth p : t.pii()) {
                assertThat(t.text().substring(p.start(), p.end())).isEqualTo(p.written());
                String why = problem(t, p, nameWords);
                if (why != null) {
                    problems.add(t.id() + " " + p.kind() + " `" + p.written() + "`: " + why);
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void ibansAndCardsHaveValidChecksumsAndCoverTheCountriesAndNetworks() {
        Set<String> countries = new TreeSet<>();
        Set<String> networks = new TreeSet<>();
        for (Text t : SET.texts) {
            for (Truth p : t.pii()) {
                if (p.kind().equals("iban")) {
                    assertThat(IbanDetector.isValid(p.value())).as(p.value()).isTrue();
                    countries.add(p.value().substring(0, 2));
                }
                if (p.kind().equals("card")) {
                    String digits = PaymentCardDetector.normalize(p.written());
                    assertThat(PaymentCardDetector.luhn(digits)).as(p.written()).isTrue();
                    networks.add(network(digits));
                }
            }
        }
        assertThat(countries).hasSizeGreaterThanOrEqualTo(20);
        assertThat(networks)
                .contains(
                        "Visa",
                        "Mastercard",
                        "American Express",
                        "Discover",
                        "JCB",
                        "Diners Club",
                        "UnionPay",
                        "Maestro");
    }

    @Test
    void textsHoldEveryKindInTheFormsPeopleWriteThem() {
        Map<String, Integer> kinds = new TreeMap<>();
        int international = 0;
        int national = 0;
        int unicodeLocal = 0;
        int idnDomain = 0;
        for (Text t : SET.texts) {
            for (Truth p : t.pii()) {
                kinds.merge(p.kind(), 1, Integer::sum);
                if (p.kind().equals("phone")) {
                    boolean intl =
                            p.written().startsWith("+")
                                    || p.written().startsWith("(+")
                                    || p.written().startsWith("00");
                    international += intl ? 1 : 0;
                    national += intl ? 0 : 1;
                }
                if (p.kind().equals("email")) {
                    int at = p.value().lastIndexOf('@');
                    unicodeLocal += nonAscii(p.value().substring(0, at)) ? 1 : 0;
                    idnDomain += nonAscii(p.value().substring(at + 1)) ? 1 : 0;
                }
            }
        }
        assertThat(kinds.keySet()).containsAll(DiscoveryEvalSet.KINDS);
        kinds.forEach((kind, n) -> assertThat(n).as(kind).isGreaterThanOrEqualTo(30));
        assertThat(international).isGreaterThanOrEqualTo(30);
        assertThat(national).isGreaterThanOrEqualTo(60);
        assertThat(unicodeLocal).isGreaterThanOrEqualTo(10);
        assertThat(idnDomain).isGreaterThanOrEqualTo(8);
    }

    @Test
    void hardNegativesStandInTextsWithPersonalDataAndInTextsOfTheirOwn() {
        int alone = 0;
        int together = 0;
        Set<String> kinds = new TreeSet<>();
        for (Text t : SET.texts) {
            if (!t.negatives().isEmpty()) {
                alone += t.pii().isEmpty() ? 1 : 0;
                together += t.pii().isEmpty() ? 0 : 1;
            }
            for (Negative n : t.negatives()) {
                kinds.add(n.kind());
                for (Truth p : t.pii()) {
                    assertThat(n.start() < p.end() && p.start() < n.end())
                            .as(t.id() + ": negative `" + n.written() + "` overlaps personal data")
                            .isFalse();
                }
                String compact = n.written().replaceAll("[\\s-]", "");
                if (n.kind().equals("bad_checksum_iban")) {
                    assertThat(IbanDetector.isValid(compact)).as(n.written()).isFalse();
                }
                if (n.kind().equals("bad_checksum_card")) {
                    assertThat(PaymentCardDetector.luhn(compact)).as(n.written()).isFalse();
                }
            }
        }
        assertThat(alone).isGreaterThanOrEqualTo(30);
        assertThat(together).isGreaterThanOrEqualTo(100);
        assertThat(kinds)
                .contains(
                        "order_number",
                        "invoice_number",
                        "ticket_number",
                        "reference_number",
                        "tracking_number",
                        "customer_number",
                        "date",
                        "time",
                        "version",
                        "ip_address",
                        "amount",
                        "postal_code",
                        "bad_checksum_iban",
                        "bad_checksum_card");
    }

    /** Why {@code p}'s value is not what its written form says, or null if it is. */
    private static String problem(Text t, Truth p, Map<String, List<String>> nameWords) {
        String v = p.value();
        switch (p.kind()) {
            case "email":
                {
                    String plain =
                            Normalizer.normalize(p.written(), Normalizer.Form.NFKC)
                                    .toLowerCase(Locale.ROOT)
                                    .replaceAll("\\s*[\\[(]\\s*at\\s*[\\])]\\s*", "@")
                                    .replaceAll("\\s*[\\[(]\\s*dot\\s*[\\])]\\s*", ".");
                    if (!EmailDetector.normalize(v).equals(v)) {
                        return "value not normalized (NFC, lower case)";
                    }
                    if (!EmailDetector.normalize(plain).equals(v)) {
                        return "written form reads " + EmailDetector.normalize(plain);
                    }
                    return v.indexOf('@') > 0 && v.substring(v.indexOf('@')).contains(".")
                            ? null
                            : "not an address";
                }
            case "phone":
                {
                    String region = p.region() != null ? p.region() : t.region();
                    String read = PhoneDetector.normalize(p.written(), region).orElse(null);
                    return v.equals(read) ? null : "reads as " + read + " in " + region;
                }
            case "iban":
                {
                    String compact =
                            p.written().replaceAll("[\\s\\u00A0-]", "").toUpperCase(Locale.ROOT);
                    boolean sameAsWritten = v.equals(compact) || v.equals(t.region() + compact);
                    return sameAsWritten && IbanDetector.isValid(v) ? null : "not the IBAN written";
                }
            case "card":
                {
                    String digits = PaymentCardDetector.normalize(p.written());
                    return PaymentCardDetector.masked(digits).equals(v)
                            ? null
                            : "masked it is " + PaymentCardDetector.masked(digits);
                }
            case "handle":
                return v.startsWith("@") && v.equals(p.written().toLowerCase(Locale.ROOT))
                        ? null
                        : "not the handle written, in lower case";
            case "name":
                {
                    if (p.subject() == null) {
                        return null;
                    }
                    List<String> registered = nameWords.get(p.subject());
                    if (registered == null) {
                        return "unknown subject " + p.subject();
                    }
                    String folded = NameFolding.foldName(v);
                    String joined = String.join("", registered);
                    boolean ok =
                            unspaced(folded)
                                    ? joined.contains(folded.replace(" ", ""))
                                    : registered.containsAll(Arrays.asList(folded.split(" ")));
                    return ok ? null : "not a name registered for " + p.subject();
                }
            default:
                return "unknown kind";
        }
    }

    /** Subject id -> the folded words of its registered name (family name first for CJK). */
    private static Map<String, List<String>> registeredNameWords() {
        Map<String, List<String>> words = new HashMap<>();
        for (Contact c : SET.contacts) {
            String full =
                    unspaced(c.lastName())
                            ? c.lastName() + " " + c.firstName()
                            : c.firstName() + " " + c.lastName();
            words.put(c.subjectId(), List.of(NameFolding.foldName(full).split(" ")));
        }
        for (Agent a : SET.agents) {
            words.put(a.subjectId(), List.of(NameFolding.foldName(a.name()).split(" ")));
        }
        return words;
    }

    /** Whether a name is written in a script without spaces between its parts. */
    private static boolean unspaced(String name) {
        Character.UnicodeScript script = Character.UnicodeScript.of(name.codePointAt(0));
        return script == Character.UnicodeScript.HAN
                || script == Character.UnicodeScript.HIRAGANA
                || script == Character.UnicodeScript.KATAKANA
                || script == Character.UnicodeScript.HANGUL;
    }

    /** The network a test card number belongs to, by issuer number (a few ranges suffice). */
    private static String network(String pan) {
        int p2 = Integer.parseInt(pan.substring(0, 2));
        int p4 = Integer.parseInt(pan.substring(0, 4));
        if (pan.startsWith("4")) {
            return "Visa";
        }
        if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) {
            return "Mastercard";
        }
        if (p2 == 34 || p2 == 37) {
            return "American Express";
        }
        if (p4 == 6011 || p2 == 65 || (p4 >= 6440 && p4 <= 6499)) {
            return "Discover";
        }
        if (p4 >= 3528 && p4 <= 3589) {
            return "JCB";
        }
        if (p2 == 30 || p2 == 36 || p2 == 38) {
            return "Diners Club";
        }
        if (p2 == 62) {
            return "UnionPay";
        }
        if (p4 >= 2200 && p4 <= 2204) {
            return "Mir";
        }
        if (p4 == 9792) {
            return "Troy";
        }
        if (p2 == 50 || (p2 >= 56 && p2 <= 69)) {
            return "Maestro";
        }
        return "other";
    }

    private static boolean nonAscii(String s) {
        return s.chars().anyMatch(c -> c > 0x7F);
    }
}
