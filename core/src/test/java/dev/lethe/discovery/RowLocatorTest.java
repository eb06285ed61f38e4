package dev.lethe.discovery;

import static dev.lethe.discovery.DiscoveryRows.contact;
import static dev.lethe.discovery.DiscoveryRows.deleted;
import static dev.lethe.discovery.DiscoveryRows.fieldDefinition;
import static dev.lethe.discovery.DiscoveryRows.inserted;
import static dev.lethe.discovery.DiscoveryRows.thread;
import static dev.lethe.discovery.DiscoveryRows.ticket;
import static dev.lethe.discovery.DiscoveryRows.with;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.catalog.IdentifierKind;
import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.discovery.RowLocator.Located;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RowLocatorTest {

    private static final PersonalDataCatalog CATALOG = PersonalDataCatalog.loadDefault();

    private SubjectDirectory directory;
    private RowLocator locator;

    @BeforeEach
    void setUp() {
        directory = new SubjectDirectory(CATALOG, PhoneDetector.DEFAULT_REGIONS);
        locator = new RowLocator(CATALOG, directory, PhoneDetector.DEFAULT_REGIONS);
    }

    private Map<String, LocationDocument> byColumn(Located located) {
        return located.documents().stream()
                .collect(
                        Collectors.toMap(
                                LocationDocument::column, Function.identity(), (a, b) -> a));
    }

    private void known(long id, String first, String last, String email) {
        directory.apply(inserted("contacts", contact(id, first, last, email), id));
    }

    @Test
    void aContactRowIsItsOwnSubjectWithNormalizedIdentifiers() {
        var row =
                with(
                        with(
                                contact(42, "Anna", "Müller", "Anna.Mueller@GMX.de"),
                                "phone",
                                "030 23125000"),
                        "twitter_handle",
                        "@AnnaM");
        Located located = locator.locate(inserted("contacts", row, 100));

        Map<String, LocationDocument> docs = byColumn(located);
        assertThat(docs)
                .containsOnlyKeys(
                        "id", "first_name", "last_name", "email", "phone", "twitter_handle");
        assertThat(docs.values())
                .allSatisfy(d -> assertThat(d.subjectIds()).containsExactly("contact:42"));
        assertThat(docs.get("email").value()).isEqualTo("anna.mueller@gmx.de");
        assertThat(docs.get("phone").value()).isEqualTo("+493023125000");
        assertThat(docs.get("twitter_handle").value()).isEqualTo("@annam");
        assertThat(docs.get("id").value()).isEqualTo("contact:42");
        assertThat(docs.get("last_name").kind()).isEqualTo("name");
        assertThat(docs.get("email").sourceLsn()).isEqualTo(100);
        assertThat(docs.get("email").id()).isEqualTo("contacts/42/email");
        assertThat(located.unknownColumns()).isEmpty();
    }

    @Test
    void aContactsNameColumnsCarryTheKeysOfTheWholeName() {
        Located located =
                locator.locate(
                        inserted("contacts", contact(42, "Anna", " Müller ", "anna@gmx.de"), 100));

        Map<String, LocationDocument> docs = byColumn(located);
        assertThat(docs.get("first_name").fullName()).containsExactly("anna muller", "muller anna");
        assertThat(docs.get("last_name").fullName()).isEqualTo(docs.get("first_name").fullName());
        assertThat(docs.get("email").fullName()).isEmpty();
        LocationDocument last = docs.get("last_name");
        assertThat(new String(last.toJson(), StandardCharsets.UTF_8))
                .contains("\"fullName\":[\"anna muller\",\"muller anna\"]");
        assertThat(LocationDocument.fromJson(last.id(), last.toJson())).isEqualTo(last);
        assertThat(new String(docs.get("email").toJson(), StandardCharsets.UTF_8))
                .doesNotContain("fullName");

        // a contact with a first name only: the key is that name
        LocationDocument only =
                byColumn(locator.locate(inserted("contacts", contact(43, "Anna", null, null), 101)))
                        .get("first_name");
        assertThat(only.fullName()).containsExactly("anna");
    }

    @Test
    void aMentionOfAnotherContactInATicketIsThatContactsLocation() {
        known(1, "Anna", "Müller", "anna@example.eu");
        known(2, "Jean", "Dupont", "jean.dupont@orange.fr");
        var row =
                ticket(
                        7,
                        1,
                        "Refund request",
                        "Please also inform Jean Dupont (jean.dupont@orange.fr). Thanks, Anna",
                        "{\"customer_tier\":\"gold\"}");
        Located located = locator.locate(inserted("tickets", row, 200));

        List<LocationDocument> mentions =
                located.documents().stream().filter(d -> d.column().equals("description")).toList();
        assertThat(mentions)
                .extracting(LocationDocument::kind)
                .containsExactly("name", "email", "name");
        assertThat(mentions.get(0).subjectIds()).containsExactly("contact:2");
        assertThat(mentions.get(1).subjectIds()).containsExactly("contact:2");
        assertThat(mentions.get(1).value()).isEqualTo("jean.dupont@orange.fr");
        // "Anna" alone is attributed to the ticket's own contact
        assertThat(mentions.get(2).subjectIds()).containsExactly("contact:1");
        assertThat(mentions.get(2).spanStart()).isEqualTo(row.get("description").indexOf("Anna"));
        assertThat(byColumn(located).get("contact_id").subjectIds()).containsExactly("contact:1");
    }

    @Test
    void encryptedCustomFieldsAreLocationsWhoseValueNeverLeaves() {
        directory.apply(
                inserted("custom_field_definitions", fieldDefinition(3, "passport_no", true), 1));
        var row =
                ticket(
                        8,
                        1,
                        "Refund",
                        null,
                        "{\"iban\":\"DE89370400440532013000\",\"passport_no\":\"C01X00T47\","
                                + "\"product\":\"call +49 30 23125000\"}");
        Located located = locator.locate(inserted("tickets", row, 300));

        Map<String, LocationDocument> docs = byColumn(located);
        assertThat(docs.get("custom_fields.iban").kind()).isEqualTo("encrypted");
        assertThat(docs.get("custom_fields.iban").value()).isNull();
        assertThat(docs.get("custom_fields.passport_no").kind()).isEqualTo("encrypted");
        assertThat(docs.get("custom_fields.product").value()).isEqualTo("+493023125000");
        for (LocationDocument d : located.documents()) {
            String json = new String(d.toJson(), StandardCharsets.UTF_8);
            assertThat(json).doesNotContain("DE89370400440532013000").doesNotContain("C01X00T47");
        }
    }

    @Test
    void aThreadIsFoundThroughItsTicketAndItsAddress() {
        known(1, "Anna", "Müller", "anna@example.eu");
        known(5, "Anna", "Berg", "anna.berg@example.eu");
        var row = thread(11, 7, "anna@example.eu", "support@helpdesk.example", "Thanks, Anna");
        Located located = locator.locate(inserted("threads", row, 400));

        Map<String, LocationDocument> docs = byColumn(located);
        assertThat(docs.get("from_address").subjectIds()).containsExactly("contact:1");
        assertThat(docs.get("to_address").subjectIds()).isEmpty();
        assertThat(docs.get("content").subjectIds()).containsExactly("contact:1");
        assertThat(docs.get("content").parentRecord()).isEqualTo("tickets/7");
    }

    @Test
    void aFirstNameSharedByManyWithoutContextIsFoundButNotAttributed() {
        known(1, "Anna", "Müller", "anna@example.eu");
        known(5, "Anna", "Berg", "anna.berg@example.eu");
        var row = thread(12, 7, null, null, "Thanks, Anna");
        LocationDocument doc =
                byColumn(locator.locate(inserted("threads", row, 401))).get("content");
        assertThat(doc.kind()).isEqualTo("name");
        assertThat(doc.subjectIds()).isEmpty();
    }

    @Test
    void aDeletedRowHasNoLocationsAndADeletedContactIsForgotten() {
        var anna = contact(1, "Anna", "Müller", "anna@example.eu");
        directory.apply(inserted("contacts", anna, 1));
        assertThat(directory.resolver().resolve(IdentifierKind.EMAIL, "anna@example.eu"))
                .containsExactly("contact:1");

        assertThat(locator.locate(deleted("contacts", anna, 2)).documents()).isEmpty();
        directory.apply(deleted("contacts", anna, 2));
        assertThat(directory.resolver().resolve(IdentifierKind.EMAIL, "anna@example.eu")).isEmpty();
        assertThat(directory.names().subjectsNamed("Anna Müller")).isEmpty();
    }

    @Test
    void softDeletedRowsStayLocatedAndSaySo() {
        var row =
                with(
                        contact(1, "Anna", "Müller", "anna@example.eu"),
                        "deleted_at",
                        "2025-04-01T00:00:00Z");
        assertThat(locator.locate(inserted("contacts", row, 5)).documents())
                .isNotEmpty()
                .allSatisfy(d -> assertThat(d.softDeleted()).isTrue());
    }

    @Test
    void aColumnTheCatalogDoesNotKnowIsReported() {
        var row =
                with(
                        contact(1, "Anna", "Müller", "anna@example.eu"),
                        "passport_number",
                        "C01X00T47");
        Located located = locator.locate(inserted("contacts", row, 5));
        assertThat(located.unknownColumns()).containsExactly("passport_number");
        assertThat(located.documents())
                .extracting(LocationDocument::column)
                .doesNotContain("passport_number");
    }

    @Test
    void theDirectoryComesBackFromItsPersistedEntries() {
        var entry =
                directory
                        .apply(
                                inserted(
                                        "contacts",
                                        with(
                                                contact(9, "Jean", "Dupont", "j@orange.fr"),
                                                "mobile",
                                                "+33 6 12 34 56 78"),
                                        1))
                        .orElseThrow();
        var field =
                directory
                        .apply(
                                inserted(
                                        "custom_field_definitions",
                                        fieldDefinition(3, "passport_no", true),
                                        2))
                        .orElseThrow();

        SubjectDirectory restored = new SubjectDirectory(CATALOG, PhoneDetector.DEFAULT_REGIONS);
        restored.restore(entry.key(), entry.value());
        restored.restore(field.key(), field.value());
        assertThat(restored.resolver().resolve(IdentifierKind.PHONE, "+33612345678"))
                .containsExactly("contact:9");
        assertThat(restored.names().subjectsNamed("jean dupont")).containsOnlyKeys("contact:9");
        assertThat(
                        restored.encryptedKeys(
                                CATALOG.column("tickets", "custom_fields")
                                        .orElseThrow()
                                        .encryptedKeys()))
                .contains("passport_no", "iban", "national_id");
        assertThat(entry.value()).doesNotContain("Kind").contains("+33612345678");
    }

    private static final String MARKER =
            OversizedText.MARKER_PREFIX + "640000:AAAAAAAAAAAAAAAAAAAAAA";

    @Test
    void anOversizedDescriptionIsReadBackAndScannedWhole() {
        known(7, "Otto", "Other", "otto@example.eu");
        locator.readingOversizedFrom(
                (table, record, column) ->
                        table.equals("tickets")
                                        && record.equals("tickets/5")
                                        && column.equals("description")
                                ? java.util.Optional.of(
                                        "log...\n".repeat(1000) + "cc otto@example.eu")
                                : java.util.Optional.empty());

        Located located =
                locator.locate(inserted("tickets", ticket(5, 42, "spool", MARKER, "{}"), 300));

        assertThat(located.documents())
                .filteredOn(d -> d.column().equals("description"))
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.kind()).isEqualTo("email");
                            assertThat(d.value()).isEqualTo("otto@example.eu");
                            assertThat(d.subjectIds()).contains("contact:7");
                        });
    }

    @Test
    void anOversizedValueThatCannotBeReadIsALocationNotScannedAndTheMarkerIsNeverScanned() {
        Located located =
                locator.locate(inserted("tickets", ticket(5, 42, "spool", MARKER, "{}"), 300));

        assertThat(located.documents())
                .filteredOn(d -> d.column().equals("description"))
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.value()).isNull();
                            assertThat(d.detector()).isEqualTo(LocationDocument.DECLARED);
                            assertThat(d.reason()).contains("not scanned");
                        });
    }
}
