package dev.lethe.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.i18n.phonenumbers.PhoneNumberMatch;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import dev.lethe.simulator.HelpdeskData.ContactBundle;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HelpdeskGeneratorTest {

    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final Pattern EMAIL =
            Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");
    private static final Pattern HAN = Pattern.compile("\\p{IsHan}");
    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();

    private static List<ContactBundle> helpdesk;
    private static GeneratedText texts;

    @BeforeAll
    static void generate() {
        helpdesk = generate(42, 1_500);
        texts = GeneratedText.of(helpdesk);
    }

    @Test
    void sameSeedGivesIdenticalHelpdesk() {
        HelpdeskGenerator first = new HelpdeskGenerator(7, 200, NOW);
        HelpdeskGenerator second = new HelpdeskGenerator(7, 200, NOW);

        assertThat(second.referenceData()).isEqualTo(first.referenceData());
        assertThat(drain(second)).isEqualTo(drain(first));
    }

    @Test
    void differentSeedGivesDifferentHelpdesk() {
        List<ContactBundle> a = generate(7, 50);
        List<ContactBundle> b = generate(8, 50);

        assertThat(emails(b)).isNotEqualTo(emails(a));
        assertThat(b).isNotEqualTo(a);
    }

    @Test
    void yieldsExactlyTheRequestedContacts() {
        assertThat(helpdesk).hasSize(1_500);
        assertThat(helpdesk)
                .extracting(b -> b.contact().ref())
                .containsExactlyElementsOf(
                        java.util.stream.LongStream.rangeClosed(1, 1_500).boxed().toList());
    }

    @Test
    void everySpanCoversItsValueInTheColumnText() {
        List<GroundTruthItem> inText = truth().stream().filter(i -> i.start() != null).toList();

        assertThat(inText).hasSizeGreaterThan(3_000);
        for (GroundTruthItem item : inText) {
            String text = texts.text(item.table(), item.rowId(), item.column());
            assertThat(text.substring(item.start(), item.end()))
                    .as("%s.%s row %d", item.table(), item.column(), item.rowId())
                    .isEqualTo(item.value());
        }
    }

    @Test
    void everyKindOfPersonalDataIsPlacedInFreeText() {
        Set<String> kinds =
                truth().stream()
                        .filter(i -> i.start() != null)
                        .map(GroundTruthItem::kind)
                        .collect(Collectors.toSet());

        assertThat(kinds)
                .containsExactlyInAnyOrder("email", "phone", "name", "handle", "iban", "card");
        assertThat(texts.columns())
                .contains(
                        "tickets.subject",
                        "tickets.description",
                        "threads.content",
                        "comments.content",
                        "attachments.file_name");
    }

    @Test
    void freeTextMentionsOtherContactsUnderTheirOwnSubject() {
        long mentionsOfOthers =
                helpdesk.stream()
                        .flatMap(
                                b ->
                                        b.groundTruth().stream()
                                                .filter(i -> i.start() != null)
                                                .filter(
                                                        i ->
                                                                i.subjectContactId()
                                                                        != b.contact().ref()))
                        .peek(
                                i ->
                                        assertThat(i.subjectEmail())
                                                .isEqualTo(contact(i.subjectContactId()).email()))
                        .count();

        assertThat(mentionsOfOthers).isGreaterThan(100);
    }

    @Test
    void declaredColumnsAreInTheGroundTruthWithTheirValues() {
        for (ContactBundle b : helpdesk) {
            var c = b.contact();
            Map<String, String> declared =
                    b.groundTruth().stream()
                            .filter(
                                    i ->
                                            i.kind().equals("declared")
                                                    && i.table().equals("contacts"))
                            .collect(
                                    Collectors.toMap(
                                            GroundTruthItem::column, GroundTruthItem::value));
            assertThat(declared).containsEntry("email", c.email());
            assertThat(declared).containsEntry("first_name", c.firstName());
            assertThat(declared).containsEntry("last_name", c.lastName());
            assertThat(declared.get("phone")).isEqualTo(c.phone());
            assertThat(declared.get("mobile")).isEqualTo(c.mobile());
            assertThat(declared.get("twitter_handle")).isEqualTo(c.twitterHandle());
        }
        List<GroundTruthItem> customFields =
                truth().stream().filter(i -> i.column().startsWith("custom_fields.")).toList();
        assertThat(customFields)
                .extracting(GroundTruthItem::declaredAs)
                .contains("iban", "national_id");
        for (GroundTruthItem item : customFields) {
            String field = item.column().substring("custom_fields.".length());
            assertThat(ticket(item.rowId()).customFields()).containsEntry(field, item.value());
        }
    }

    @Test
    void anEncryptedCustomFieldIsDefined() {
        var generator = new HelpdeskGenerator(1, 10, NOW);

        assertThat(generator.referenceData().customFields())
                .filteredOn(HelpdeskData.CustomFieldDefinition::encrypted)
                .extracting(HelpdeskData.CustomFieldDefinition::name)
                .contains("iban", "national_id");
    }

    @Test
    void ibansAndCardNumbersPassTheirChecksums() {
        List<GroundTruthItem> ibans = valuesOfKind("iban");
        List<GroundTruthItem> cards = valuesOfKind("card");

        assertThat(ibans)
                .isNotEmpty()
                .allSatisfy(
                        i -> assertThat(GroundTruthChecks.iban(i.value())).as(i.value()).isTrue());
        assertThat(cards)
                .isNotEmpty()
                .allSatisfy(
                        i -> assertThat(GroundTruthChecks.luhn(i.value())).as(i.value()).isTrue());
    }

    @Test
    void phoneNumbersAreValidForTheSubjectsCountry() throws Exception {
        List<GroundTruthItem> phones = new ArrayList<>(valuesOfKind("phone"));
        truth().stream().filter(i -> "phone".equals(i.declaredAs())).forEach(phones::add);

        assertThat(phones).hasSizeGreaterThan(1_000);
        Set<String> styles = new HashSet<>();
        for (GroundTruthItem item : phones) {
            String region = countryOf(item.subjectContactId());
            assertThat(PHONES.isValidNumber(PHONES.parse(item.value(), region)))
                    .as("%s in %s", item.value(), region)
                    .isTrue();
            styles.add(
                    item.value().startsWith("+")
                            ? (item.value().contains(" ") ? "intl" : "e164")
                            : "national");
        }
        assertThat(styles).containsExactlyInAnyOrder("intl", "e164", "national");
        assertThat(phones)
                .extracting(i -> countryOf(i.subjectContactId()))
                .contains("DE", "FR", "PL", "CZ", "SE", "ES", "IT", "JP", "GB", "AT");
    }

    @Test
    void namesAreMultilingual() {
        List<String> names =
                helpdesk.stream()
                        .map(b -> b.contact().firstName() + " " + b.contact().lastName())
                        .toList();

        assertThat(names).anyMatch(n -> n.matches(".*[äöüß].*"));
        assertThat(names).anyMatch(n -> n.matches(".*[éèçà].*"));
        assertThat(names).anyMatch(n -> n.matches(".*[łśżźćń].*"));
        assertThat(names).anyMatch(n -> n.matches(".*[řčěšžů].*"));
        assertThat(names).anyMatch(n -> n.matches(".*[åäö].*"));
        assertThat(names).anyMatch(n -> HAN.matcher(n).find());
        assertThat(helpdesk)
                .extracting(b -> b.contact().locale())
                .contains(
                        "de-DE", "de-AT", "fr-FR", "pl-PL", "cs-CZ", "sv-SE", "es-ES", "it-IT",
                        "ja-JP", "en-GB");
        assertThat(helpdesk.stream().flatMap(b -> b.tickets().stream()))
                .anyMatch(t -> HAN.matcher(t.description()).find());
    }

    @Test
    void emailsAreUniqueAsciiAndDerivedFromNames() {
        List<String> emails = emails(helpdesk);

        assertThat(emails).doesNotHaveDuplicates();
        assertThat(emails).allMatch(e -> e.matches("[a-z0-9._+-]+@[a-z0-9.-]+\\.[a-z]{2,}"));
        long derived =
                helpdesk.stream()
                        .filter(b -> !b.contact().locale().equals("ja-JP"))
                        .filter(
                                b ->
                                        b.contact()
                                                .email()
                                                .contains(
                                                        PersonNames.ascii(
                                                                b.contact().lastName(),
                                                                b.contact()
                                                                        .locale()
                                                                        .substring(0, 2))))
                        .count();
        assertThat(derived).isGreaterThan(helpdesk.size() / 2);
    }

    @Test
    void freeTextHoldsNoEmailOutsideTheGroundTruth() {
        for (GeneratedText.Column column : texts.all()) {
            Matcher m = EMAIL.matcher(column.text());
            while (m.find()) {
                assertThat(column.spans("email"))
                        .as("%s: unexpected email at %d", column.where(), m.start())
                        .contains(new GeneratedText.Span(m.start(), m.end()));
            }
        }
    }

    @Test
    void freeTextHoldsNoPhoneNumberOutsideTheGroundTruth() {
        int checked = 0;
        for (GeneratedText.Column column : texts.all()) {
            if (checked++ > 6_000) {
                break;
            }
            for (String region : List.of("DE", "FR", "JP", "GB")) {
                for (PhoneNumberMatch m :
                        PHONES.findNumbers(
                                column.text(),
                                region,
                                PhoneNumberUtil.Leniency.VALID,
                                Long.MAX_VALUE)) {
                    assertThat(column.spans("phone"))
                            .as("%s: unexpected phone number at %d", column.where(), m.start())
                            .anyMatch(s -> s.start() <= m.start() && m.end() <= s.end());
                }
            }
        }
    }

    @Test
    void freeTextHoldsNoCardNumberOutsideTheGroundTruth() {
        Pattern cardLike = Pattern.compile("(?<![\\d])\\d(?:[ -]?\\d){12,18}(?![\\d])");
        for (GeneratedText.Column column : texts.all()) {
            Matcher m = cardLike.matcher(column.text());
            while (m.find()) {
                if (GroundTruthChecks.luhn(m.group())) {
                    int start = m.start();
                    int end = m.end();
                    assertThat(column.spans("card"))
                            .as("%s: unexpected card number at %d", column.where(), start)
                            .anyMatch(s -> s.start() <= start && end <= s.end());
                }
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private static List<ContactBundle> generate(long seed, int contacts) {
        return drain(new HelpdeskGenerator(seed, contacts, NOW));
    }

    private static List<ContactBundle> drain(HelpdeskGenerator generator) {
        List<ContactBundle> bundles = new ArrayList<>();
        generator.forEachRemaining(bundles::add);
        return bundles;
    }

    private static List<String> emails(List<ContactBundle> bundles) {
        return bundles.stream().map(b -> b.contact().email()).toList();
    }

    private static List<GroundTruthItem> truth() {
        return helpdesk.stream().flatMap(b -> b.groundTruth().stream()).toList();
    }

    private static List<GroundTruthItem> valuesOfKind(String kind) {
        return truth().stream().filter(i -> i.kind().equals(kind)).toList();
    }

    private static HelpdeskData.Contact contact(long ref) {
        return helpdesk.get((int) ref - 1).contact();
    }

    private static final Map<Long, HelpdeskData.Ticket> TICKETS = new HashMap<>();

    private static HelpdeskData.Ticket ticket(long ref) {
        if (TICKETS.isEmpty()) {
            helpdesk.forEach(b -> b.tickets().forEach(t -> TICKETS.put(t.ref(), t)));
        }
        return TICKETS.get(ref);
    }

    private static String countryOf(long contactRef) {
        return contact(contactRef).locale().substring(3);
    }
}
