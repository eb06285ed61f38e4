package dev.lethe.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The catalog Lethe ships, against the helpdesk schema it describes. */
class ShippedCatalogTest {

    /** Run from the core module directory (Maven's working directory for its tests). */
    private static final Path HELPDESK_MIGRATIONS =
            Path.of("../simulator/src/main/resources/db/helpdesk");

    private static final Path CONFIG_CATALOG = Path.of("../config/personal-data-catalog.yaml");

    private static final Path CONNECTOR_REGISTRATION =
            Path.of("../connectors/register-helpdesk.json");

    private static final Pattern CREATE_TABLE =
            Pattern.compile("CREATE TABLE (\\w+) \\((.*?)\\n\\);", Pattern.DOTALL);
    private static final Pattern COLUMN_LINE =
            Pattern.compile(
                    "^\\s*([a-z_][a-z0-9_]*)\\s+(BIGSERIAL|BIGINT|INT|TEXT|TIMESTAMPTZ|BOOLEAN|JSONB)\\b");

    private final PersonalDataCatalog catalog = PersonalDataCatalog.loadDefault();

    @Test
    void declaresEveryColumnOfEveryTableOfTheHelpdeskSchemaAndNothingElse() throws IOException {
        Map<String, Set<String>> schema = new LinkedHashMap<>();
        try (var files = Files.list(HELPDESK_MIGRATIONS)) {
            for (Path migration :
                    files.filter(f -> f.toString().endsWith(".sql")).sorted().toList()) {
                schema.putAll(tablesOf(Files.readString(migration)));
            }
        }
        // the parse works
        assertThat(schema).containsKeys("contacts", "tickets", "consents", "lethe_signal");

        assertThat(catalog.tables()).containsExactlyInAnyOrderElementsOf(schema.keySet());
        for (Map.Entry<String, Set<String>> table : schema.entrySet()) {
            assertThat(catalog.unknownColumns(table.getKey(), table.getValue()))
                    .as("columns of %s missing from the catalog", table.getKey())
                    .isEmpty();
            assertThat(catalog.table(table.getKey()).get().columns().keySet())
                    .as("columns of %s the catalog declares", table.getKey())
                    .containsExactlyInAnyOrderElementsOf(table.getValue());
        }
    }

    @Test
    void theClasspathCatalogIsTheConfigFile() {
        PersonalDataCatalog fromConfig = PersonalDataCatalog.load(CONFIG_CATALOG);

        assertThat(fromConfig.tables()).containsExactlyElementsOf(catalog.tables());
        for (String table : catalog.tables()) {
            assertThat(fromConfig.table(table)).isEqualTo(catalog.table(table));
        }
    }

    @Test
    void reportsColumnsAddedToTheHelpdeskAsUnknown() {
        assertThat(catalog.unknownColumns("contacts", Set.of("id", "email", "date_of_birth")))
                .containsExactly("date_of_birth");
        assertThat(catalog.unknownColumns("invoices", Set.of("id", "amount")))
                .containsExactly("amount", "id");
    }

    @Test
    void findsTheSubjectOfEveryHelpdeskTable() {
        assertThat(catalog.subjectPath("contacts").kind()).isEqualTo(SubjectPath.Kind.SELF);
        assertThat(catalog.subjectPath("contacts").subjectId("42")).isEqualTo("contact:42");
        assertThat(catalog.subjectPath("agents").subjectId("7")).isEqualTo("agent:7");
        assertThat(catalog.subjectPath("tickets").hops())
                .extracting(Reference::toString)
                .containsExactly("tickets.contact_id -> contacts.id");
        for (String table : Set.of("threads", "comments", "attachments")) {
            assertThat(catalog.subjectPath(table).hops())
                    .extracting(Reference::toString)
                    .containsExactly(
                            table + ".ticket_id -> tickets.id",
                            "tickets.contact_id -> contacts.id");
            assertThat(catalog.subjectPath(table).subjectKind()).isEqualTo("contact");
        }
        assertThat(catalog.subjectPath("consents").hops())
                .extracting(Reference::toString)
                .containsExactly("consents.contact_id -> contacts.id");
        assertThat(catalog.subjectPath("accounts").hasSubject()).isFalse();
        assertThat(catalog.subjectPath("custom_field_definitions").hasSubject()).isFalse();
    }

    @Test
    void knowsHowTablesReferenceEachOther() {
        assertThat(catalog.referencing("contacts"))
                .extracting(r -> r.from().toString())
                .containsExactlyInAnyOrder("tickets.contact_id", "consents.contact_id");
        assertThat(catalog.referencing("tickets"))
                .extracting(r -> r.from().toString())
                .containsExactlyInAnyOrder(
                        "threads.ticket_id", "comments.ticket_id", "attachments.ticket_id");
        assertThat(catalog.referencing("accounts"))
                .extracting(r -> r.from().toString())
                .containsExactly("contacts.account_id");
    }

    @Test
    void knowsWhichContactColumnsArePersonalAndIdentifyTheContact() {
        assertThat(catalog.personalColumns("contacts"))
                .extracting(ColumnSpec::name)
                .containsExactly(
                        "first_name", "last_name", "email", "phone", "mobile", "twitter_handle");
        assertThat(catalog.subjectIdentifyingColumns("contacts"))
                .containsExactly(
                        entry("id", IdentifierKind.CONTACT_ID),
                        entry("email", IdentifierKind.EMAIL),
                        entry("phone", IdentifierKind.PHONE),
                        entry("mobile", IdentifierKind.PHONE),
                        entry("twitter_handle", IdentifierKind.HANDLE));
        assertThat(catalog.subjectIdentifyingColumns("tickets"))
                .containsExactly(entry("contact_id", IdentifierKind.CONTACT_ID));
    }

    @Test
    void scansTheFreeTextOfTicketsAndTheirConversation() {
        assertThat(catalog.freeTextColumns("tickets"))
                .extracting(ColumnSpec::name)
                .containsExactly("subject", "description", "custom_fields");
        assertThat(catalog.freeTextColumns("threads"))
                .extracting(ColumnSpec::name)
                .containsExactly("content");
        assertThat(catalog.freeTextColumns("comments"))
                .extracting(ColumnSpec::name)
                .containsExactly("content");
        assertThat(catalog.freeTextColumns("contacts")).isEmpty();
    }

    @Test
    void theConnectorMasksWhatTheCatalogDeclaresEncrypted() throws IOException {
        com.fasterxml.jackson.databind.JsonNode config =
                new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(Files.readString(CONNECTOR_REGISTRATION))
                        .path("config");
        String mask = "transforms.maskEncrypted.";
        assertThat(config.path("transforms").asText()).contains("maskEncrypted");

        Set<String> tables = new LinkedHashSet<>();
        for (String table : catalog.tables()) {
            for (ColumnSpec c : catalog.encryptedKeyColumns(table)) {
                tables.add(table);
                EncryptedKeys keys = c.encrypted().get();
                assertThat(config.path(mask + "column").asText()).isEqualTo(c.name());
                assertThat(Set.of(config.path(mask + "keys").asText().split(",")))
                        .isEqualTo(keys.fallbackKeys());
                assertThat(config.path(mask + "definitions.table").asText())
                        .isEqualTo(keys.definitionsTable());
            }
        }
        assertThat(Set.of(config.path(mask + "tables").asText().split(","))).isEqualTo(tables);
    }

    @Test
    void treatsEncryptedCustomFieldsAsTheRuntimeDefinitionsPlusTheStaticFallback() {
        ColumnSpec customFields = catalog.column("tickets", "custom_fields").get();

        assertThat(customFields.category()).isEqualTo(DataCategory.ENCRYPTED_CUSTOM_FIELD);
        assertThat(catalog.encryptedKeyColumns("tickets")).containsExactly(customFields);
        EncryptedKeys keys = customFields.encrypted().get();
        assertThat(keys.definitionsTable()).isEqualTo("custom_field_definitions");
        assertThat(keys.effective(Set.of())).containsExactly("iban", "national_id");
        assertThat(keys.effective(Set.of("passport_no")))
                .containsExactly("iban", "national_id", "passport_no");
    }

    @Test
    void refusesLookupsOfUndeclaredTables() {
        assertThatThrownBy(() -> catalog.personalColumns("invoices"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("table invoices is not in the personal-data catalog");
    }

    private static Map<String, Set<String>> tablesOf(String sql) {
        Map<String, Set<String>> tables = new LinkedHashMap<>();
        Matcher table = CREATE_TABLE.matcher(sql);
        while (table.find()) {
            Set<String> columns = new LinkedHashSet<>();
            for (String line : table.group(2).split("\n")) {
                Matcher column = COLUMN_LINE.matcher(line);
                if (column.find()) {
                    columns.add(column.group(1));
                }
            }
            tables.put(table.group(1), columns);
        }
        return tables;
    }
}
