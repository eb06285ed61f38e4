package dev.lethe.normalize;

import static dev.lethe.normalize.DebeziumRecords.CAPTURED;
import static dev.lethe.normalize.DebeziumRecords.COMMITTED;
import static dev.lethe.normalize.DebeziumRecords.actorMessageOf;
import static dev.lethe.normalize.DebeziumRecords.bytes;
import static dev.lethe.normalize.DebeziumRecords.deleteOf;
import static dev.lethe.normalize.DebeziumRecords.insertOf;
import static dev.lethe.normalize.DebeziumRecords.messageOf;
import static dev.lethe.normalize.DebeziumRecords.snapshotReadOf;
import static dev.lethe.normalize.DebeziumRecords.truncateOf;
import static dev.lethe.normalize.DebeziumRecords.updateOf;
import static dev.lethe.normalize.HelpdeskRows.CREATED;
import static dev.lethe.normalize.HelpdeskRows.UPDATED;
import static dev.lethe.normalize.HelpdeskRows.account;
import static dev.lethe.normalize.HelpdeskRows.attachment;
import static dev.lethe.normalize.HelpdeskRows.consent;
import static dev.lethe.normalize.HelpdeskRows.contact;
import static dev.lethe.normalize.HelpdeskRows.ticket;
import static dev.lethe.normalize.HelpdeskRows.ticketWithNestedCustomFields;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.lethe.events.Actor;
import dev.lethe.events.ChangeEvent;
import dev.lethe.events.Operation;
import dev.lethe.events.SourcePosition;
import dev.lethe.normalize.DebeziumRecords.RawRecord;
import dev.lethe.normalize.Normalized.ActorMessage;
import dev.lethe.normalize.Normalized.Change;
import dev.lethe.normalize.Normalized.Rejected;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChangeNormalizerTest {

    private final ChangeNormalizer normalizer = ChangeNormalizer.forHelpdesk();

    // ---- changes ------------------------------------------------------------------------------

    @Test
    void insertBecomesAnInsertWithTheAfterImageAndItsSourcePosition() {
        RawRecord insert =
                insertOf("contacts", contact(42))
                        .inTransaction(771)
                        .atLsn(24_023_128L)
                        .at(3, 9_001L)
                        .toRecord();

        ChangeEvent change = changeOf(insert);

        assertThat(change.getTable()).isEqualTo("contacts");
        assertThat(change.getKey()).containsExactly(entry("id", "42"));
        assertThat(change.getOp()).isEqualTo(Operation.INSERT);
        assertThat(change.getBefore()).isNull();
        assertThat(change.getAfter())
                .containsExactly(
                        entry("id", "42"),
                        entry("account_id", "7"),
                        entry("first_name", "Anna"),
                        entry("last_name", "Bergström"),
                        entry("email", "anna.bergstrom@example.eu"),
                        entry("phone", "+46 8 123 456 78"),
                        entry("mobile", null),
                        entry("twitter_handle", "@annaberg"),
                        entry("locale", "sv-SE"),
                        entry("region", "EU"),
                        entry("created_at", CREATED),
                        entry("updated_at", CREATED),
                        entry("deleted_at", null));
        assertThat(change.getSource())
                .isEqualTo(
                        new SourcePosition(
                                24_023_128L,
                                771L,
                                COMMITTED,
                                CAPTURED,
                                false,
                                "helpdesk.public.contacts",
                                3,
                                9_001L));
        assertThat(change.getActor()).isNull();
    }

    @Test
    void updateCarriesBothImages() {
        Row before = contact(42);
        Row after = before.with("phone", "+46 70 555 01 02").with("updated_at", UPDATED);

        ChangeEvent change = changeOf(updateOf("contacts", before, after).toRecord());

        assertThat(change.getOp()).isEqualTo(Operation.UPDATE);
        assertThat(change.getBefore()).contains(entry("phone", "+46 8 123 456 78"));
        assertThat(change.getAfter())
                .contains(entry("phone", "+46 70 555 01 02"), entry("updated_at", UPDATED));
        assertThat(change.getKey()).containsExactly(entry("id", "42"));
    }

    @Test
    void softDeleteIsAnUpdateThatSetsDeletedAt() {
        Row before = contact(42);

        ChangeEvent change =
                changeOf(
                        updateOf("contacts", before, before.with("deleted_at", UPDATED))
                                .toRecord());

        assertThat(change.getOp()).isEqualTo(Operation.UPDATE);
        assertThat(change.getBefore()).contains(entry("deleted_at", null));
        assertThat(change.getAfter()).contains(entry("deleted_at", UPDATED));
    }

    @Test
    void deleteCarriesTheBeforeImageOnly() {
        ChangeEvent change = changeOf(deleteOf("contacts", contact(42)).toRecord());

        assertThat(change.getOp()).isEqualTo(Operation.DELETE);
        assertThat(change.getBefore()).contains(entry("email", "anna.bergstrom@example.eu"));
        assertThat(change.getAfter()).isNull();
        assertThat(change.getKey()).containsExactly(entry("id", "42"));
    }

    @Test
    void snapshotReadBecomesASnapshotMarkedAsSnapshot() {
        ChangeEvent change = changeOf(snapshotReadOf("accounts", account(7)).toRecord());

        assertThat(change.getOp()).isEqualTo(Operation.SNAPSHOT);
        assertThat(change.getSource().getSnapshot()).isTrue();
        assertThat(change.getAfter()).contains(entry("name", "Nordlicht Reisen GmbH"));
    }

    @ParameterizedTest
    @CsvSource({
        "true, true",
        "first, true",
        "first_in_data_collection, true",
        "last_in_data_collection, true",
        "last, true",
        "incremental, true",
        "false, false"
    })
    void everySnapshotMarkerButFalseMeansSnapshot(String marker, boolean snapshot) {
        ChangeEvent change =
                changeOf(snapshotReadOf("accounts", account(7)).snapshotMarker(marker).toRecord());

        assertThat(change.getSource().getSnapshot()).isEqualTo(snapshot);
    }

    /**
     * Debezium's incremental snapshot ({@code ./lethe snapshot --table T}) reads rows outside any
     * transaction: no {@code source.lsn}, no txId; {@code source.sequence} holds the position the
     * read was taken at, which orders it among the row's changes.
     */
    @Test
    void anIncrementalSnapshotReadTakesItsPositionFromTheSequence() {
        RawRecord read = incrementalRead("[\"26887512\",\"26887512\"]");
        ChangeEvent change = changeOf(read);

        assertThat(change.getOp()).isEqualTo(Operation.SNAPSHOT);
        assertThat(change.getSource().getSnapshot()).isTrue();
        assertThat(change.getSource().getLsn()).isEqualTo(26887512L);
        assertThat(change.getSource().getTxId()).isNull();

        assertThat(
                        assertRejected(incrementalRead("[null,null]"), Rejected.MALFORMED_EVENT)
                                .detail())
                .contains("no source.lsn");
        assertThat(
                        assertRejected(incrementalRead("[\"12\",\"x\"]"), Rejected.MALFORMED_EVENT)
                                .detail())
                .contains("no source.lsn");
        // only a snapshot read may do without source.lsn
        RawRecord insert = insertOf("accounts", account(7)).toRecord();
        assertThat(
                        assertRejected(
                                        insert.withValue(
                                                insert.valueText()
                                                        .replaceAll(
                                                                "\"lsn\":[0-9]+", "\"lsn\":null")),
                                        Rejected.MALFORMED_EVENT)
                                .detail())
                .contains("no source.lsn");
    }

    private static RawRecord incrementalRead(String sequence) {
        RawRecord r =
                snapshotReadOf("accounts", account(7)).snapshotMarker("incremental").toRecord();
        String v =
                r.valueText()
                        .replaceAll("\"lsn\":[0-9]+", "\"lsn\":null")
                        .replaceAll("\"txId\":[0-9]+", "\"txId\":null");
        int from = v.indexOf("\"sequence\":\"") + "\"sequence\":".length();
        int to = v.indexOf("]\"", from) + 2;
        return r.withValue(
                v.substring(0, from)
                        + "\""
                        + sequence.replace("\"", "\\\"")
                        + "\""
                        + v.substring(to));
    }

    @Test
    void olderBooleanSnapshotFieldIsUnderstood() {
        RawRecord record = snapshotReadOf("accounts", account(7)).toRecord();
        RawRecord withBoolean =
                record.withValue(
                        record.valueText().replace("\"snapshot\":\"true\"", "\"snapshot\":true"));

        assertThat(withBoolean.valueText()).contains("\"snapshot\":true");
        assertThat(changeOf(withBoolean).getSource().getSnapshot()).isTrue();
    }

    @Test
    void captureTimeFallsBackToCommitTimeWhenTheEnvelopeHasNone() {
        RawRecord withoutCaptureTime =
                insertOf("accounts", account(7)).withoutCaptureTime().toRecord();

        assertThat(withoutCaptureTime.valueText())
                .doesNotContain(String.valueOf(CAPTURED.toEpochMilli()));
        SourcePosition source = changeOf(withoutCaptureTime).getSource();
        assertThat(source.getCaptureTime()).isEqualTo(COMMITTED);
        assertThat(source.getCommitTime()).isEqualTo(COMMITTED);
    }

    @Test
    void changeOutsideATransactionHasNoTxId() {
        ChangeEvent change =
                changeOf(insertOf("accounts", account(7)).outsideTransaction().toRecord());

        assertThat(change.getSource().getTxId()).isNull();
    }

    @Test
    void numbersAndBooleansBecomeTheirJsonText() {
        ChangeEvent granted = changeOf(insertOf("consents", consent(5, 42, true)).toRecord());
        ChangeEvent upload =
                changeOf(
                        insertOf("attachments", attachment(9, 77, 9_007_199_254_740_993L))
                                .toRecord());

        assertThat(granted.getAfter())
                .contains(entry("granted", "true"), entry("contact_id", "42"));
        assertThat(changeOf(insertOf("consents", consent(6, 42, false)).toRecord()).getAfter())
                .contains(entry("granted", "false"));
        assertThat(upload.getAfter()).contains(entry("size_bytes", "9007199254740993"));
    }

    @Test
    void jsonbAsDebeziumSendsItIsKeptAsItsText() {
        String customFields = "{\"loyalty_number\": \"LN-88231\", \"vip\": true}";

        ChangeEvent change = changeOf(insertOf("tickets", ticket(77, 42, customFields)).toRecord());

        assertThat(change.getAfter()).contains(entry("custom_fields", customFields));
    }

    @Test
    void nestedJsonBecomesCompactJsonTextKeepingNumbersExact() {
        ChangeEvent change =
                changeOf(insertOf("tickets", ticketWithNestedCustomFields(77, 42)).toRecord());

        String customFields = change.getAfter().get("custom_fields");
        assertThat(customFields)
                .startsWith("{")
                .doesNotContain(" ")
                .contains("\"loyalty_number\":\"LN-88231\"", "\"vip\":true", "\"tags\":[1,2.5]");
    }

    @Test
    void floatingPointTextIsKeptAsWritten() {
        RawRecord record = insertOf("accounts", account(7)).toRecord();
        RawRecord withFloat =
                record.withValue(
                        record.valueText()
                                .replace("\"name\":\"Nordlicht Reisen GmbH\"", "\"name\":1.50"));

        assertThat(changeOf(withFloat).getAfter()).contains(entry("name", "1.50"));
    }

    @Test
    void unicodeNamesAreKeptExactly() {
        Row row =
                contact(43)
                        .with("first_name", "Zoë 李")
                        .with("last_name", "Ødegård-Nuñez 🙂")
                        .with("email", "zoë@exämple.eu");

        ChangeEvent change = changeOf(insertOf("contacts", row).toRecord());

        assertThat(change.getAfter())
                .contains(
                        entry("first_name", "Zoë 李"),
                        entry("last_name", "Ødegård-Nuñez 🙂"),
                        entry("email", "zoë@exämple.eu"));
    }

    @Test
    void sqlNullStaysNullAndEmptyStringStaysEmpty() {
        Row row = contact(44).with("first_name", "").with("phone", null);

        ChangeEvent change = changeOf(insertOf("contacts", row).toRecord());

        assertThat(change.getAfter()).contains(entry("first_name", ""), entry("phone", null));
        assertThat(change.getAfter()).containsKey("phone");
    }

    @Test
    void multiColumnKeyIsKeptWithValuesAsStrings() {
        RawRecord record =
                insertOf("consents", consent(5, 42, true))
                        .toRecord()
                        .withKey("{\"id\":5,\"contact_id\":42}");

        assertThat(changeOf(record).getKey())
                .containsExactly(entry("id", "5"), entry("contact_id", "42"));
    }

    @Test
    void everyHelpdeskTableIsKnown() {
        assertThat(HelpdeskTables.COLUMNS.keySet())
                .containsExactly(
                        "accounts",
                        "contacts",
                        "agents",
                        "custom_field_definitions",
                        "tickets",
                        "threads",
                        "comments",
                        "attachments",
                        "consents");
        assertThat(HelpdeskTables.columns("threads"))
                .containsExactly(
                        "id",
                        "ticket_id",
                        "direction",
                        "from_address",
                        "to_address",
                        "content",
                        "created_at",
                        "updated_at",
                        "deleted_at");
        assertThat(HelpdeskTables.columns("lethe_heartbeat")).isEmpty();
    }

    // ---- actor messages ---------------------------------------------------------------------

    @Test
    void actorMessageGivesTheActorOfItsTransaction() {
        RawRecord message =
                actorMessageOf("{\"type\":\"agent\",\"id\":\"17\",\"reason\":\"ticket reply\"}")
                        .inTransaction(771)
                        .atLsn(24_023_100L)
                        .toRecord();

        assertThat(message.topic()).isEqualTo("helpdesk.message");
        assertThat(normalizer.normalize(message.topic(), 0, 1L, message.key(), message.value()))
                .isEqualTo(
                        new ActorMessage(
                                771L, 24_023_100L, new Actor("agent", "17", "ticket reply")));
    }

    @Test
    void anIdentifierInTheActorIsWithheldAndTheChangeStillAudited() {
        Normalized result =
                normalize(
                        actorMessageOf(
                                        "{\"type\":\"agent\",\"id\":\"anna@helpdesk.example\","
                                                + "\"reason\":\"asked by +49 30 1234567\"}")
                                .toRecord());

        assertThat(result).isInstanceOf(ActorMessage.class);
        assertThat(((ActorMessage) result).actor())
                .isEqualTo(
                        new Actor("agent", ChangeNormalizer.WITHHELD, ChangeNormalizer.WITHHELD));
    }

    @Test
    void ordinaryActorsAreKeptAsTheyAre() {
        for (String[] a :
                new String[][] {
                    {"agent", "17", "ticket reply"},
                    {"lethe-purge", "123e4567-e89b-12d3-a456-426614174000", "erasure request"},
                    {"lethe-purge", "req-2026-117", "retention rule tickets.closed-2y"},
                    {"system", "helpdesk-importer", "nightly import 2026-11-29"},
                    {"customer", "4711", "Löschung gemäß Art. 17"}
                }) {
            Normalized result =
                    normalize(
                            actorMessageOf(
                                            "{\"type\":\""
                                                    + a[0]
                                                    + "\",\"id\":\""
                                                    + a[1]
                                                    + "\",\"reason\":\""
                                                    + a[2]
                                                    + "\"}")
                                    .toRecord());
            assertThat(((ActorMessage) result).actor()).isEqualTo(new Actor(a[0], a[1], a[2]));
        }
    }

    @Test
    void actorIdMayBeANumberAndReasonMayBeMissing() {
        Normalized result = normalize(actorMessageOf("{\"type\":\"agent\",\"id\":17}").toRecord());

        assertThat(result).isInstanceOf(ActorMessage.class);
        assertThat(((ActorMessage) result).actor()).isEqualTo(new Actor("agent", "17", null));
    }

    @Test
    void actorWithUnicodeReasonIsDecodedAsUtf8() {
        Normalized result =
                normalize(
                        actorMessageOf(
                                        "{\"type\":\"customer\",\"id\":\"42\",\"reason\":\"Löschung gemäß Art. 17\"}")
                                .toRecord());

        assertThat(((ActorMessage) result).actor().getReason()).isEqualTo("Löschung gemäß Art. 17");
    }

    // ---- migrations -------------------------------------------------------------------------

    private static final String RETYPED =
            "{\"command\":\"ALTER TABLE\",\"table\":\"contacts\",\"change\":\"altered\","
                    + "\"added\":[],\"removed\":[],\"renamed\":[],"
                    + "\"retyped\":[\"tier: integer NOT NULL -> bigint NOT NULL\"],"
                    + "\"columns\":[\"id bigint NOT NULL\",\"total numeric(10,2)\",\"tier bigint NOT NULL\"],"
                    + "\"publications\":[\"lethe_helpdesk\"],\"published\":[],\"unpublished\":[],"
                    + "\"actor\":{\"type\":\"database\",\"id\":\"migrator\","
                    + "\"reason\":\"application=flyway; role=migrator; client=local\"}}";

    @Test
    void aSchemaMessageIsTheMigrationOfItsTable() {
        Normalized result =
                normalize(
                        DebeziumRecords.messageOf(
                                        "lethe.schema", RETYPED.getBytes(StandardCharsets.UTF_8))
                                .inTransaction(812)
                                .atLsn(31_000_000L)
                                .toRecord());

        assertThat(result).isInstanceOf(Normalized.Migration.class);
        SchemaMigration m = ((Normalized.Migration) result).migration();
        assertThat(m.command()).isEqualTo("ALTER TABLE");
        assertThat(m.table()).isEqualTo("contacts");
        assertThat(m.change()).isEqualTo(SchemaMigration.ALTERED);
        assertThat(m.retyped()).containsExactly("tier: integer NOT NULL -> bigint NOT NULL");
        assertThat(SchemaMigration.names(m.columns())).containsExactly("id", "total", "tier");
        assertThat(m.publications()).containsExactly("lethe_helpdesk");
        assertThat(m.actor())
                .isEqualTo(
                        new Actor(
                                "database",
                                "migrator",
                                "application=flyway; role=migrator; client=local"));
        assertThat(m.source().getLsn()).isEqualTo(31_000_000L);
        assertThat(m.source().getTxId()).isEqualTo(812L);
        assertThat(m.source().getTopic()).isEqualTo("helpdesk.message");
    }

    @Test
    void aSchemaMessageNamingAPersonAsItsActorWithholdsThem() {
        Normalized result =
                normalize(
                        DebeziumRecords.messageOf(
                                        "lethe.schema",
                                        RETYPED.replace("\"migrator\"", "\"anna@helpdesk.example\"")
                                                .getBytes(StandardCharsets.UTF_8))
                                .toRecord());

        assertThat(((Normalized.Migration) result).migration().actor().getId())
                .isEqualTo(ChangeNormalizer.WITHHELD);
    }

    @Test
    void aMalformedSchemaMessageIsAMalformedEventThatQuotesNothing() {
        for (String content :
                new String[] {
                    "not json",
                    "[1]",
                    "{\"table\":\"contacts\",\"change\":\"altered\",\"actor\":{\"type\":\"database\"}}",
                    RETYPED.replace("\"ALTER TABLE\"", "\"ALTER TABLE; DROP\""),
                    RETYPED.replace("\"altered\"", "\"exploded\""),
                    RETYPED.replace(",\"actor\":{", ",\"x\":{"),
                    RETYPED.replace("\"added\":[]", "\"added\":\"secret-value\""),
                    RETYPED.replace("\"added\":[]", "\"added\":[{\"a\":1}]"),
                    RETYPED.replace("\"table\":\"contacts\",", "")
                }) {
            Rejected rejected =
                    assertRejected(
                            DebeziumRecords.messageOf(
                                            "lethe.schema",
                                            content.getBytes(StandardCharsets.UTF_8))
                                    .toRecord(),
                            Rejected.MALFORMED_EVENT);
            assertThat(rejected.detail())
                    .startsWith("schema message")
                    .doesNotContain("secret-value");
        }
        assertRejected(
                DebeziumRecords.messageOf("lethe.schema", RETYPED.getBytes(StandardCharsets.UTF_8))
                        .outsideTransaction()
                        .toRecord(),
                Rejected.MALFORMED_EVENT);
    }

    @Test
    void aSchemaMessageTheTriggerCouldNotReadHasNoTable() {
        Normalized result =
                normalize(
                        DebeziumRecords.messageOf(
                                        "lethe.schema",
                                        ("{\"command\":\"DROP TABLE\",\"change\":\"unknown\","
                                                        + "\"reason\":\"reading the catalog failed: SQLSTATE 42501\","
                                                        + "\"actor\":{\"type\":\"database\",\"id\":\"app\"}}")
                                                .getBytes(StandardCharsets.UTF_8))
                                .toRecord());

        SchemaMigration m = ((Normalized.Migration) result).migration();
        assertThat(m.table()).isNull();
        assertThat(m.change()).isEqualTo(SchemaMigration.UNKNOWN);
        assertThat(m.reason()).contains("42501");
    }

    // ---- rejections -------------------------------------------------------------------------

    @Test
    void truncatedJsonIsMalformedJson() {
        RawRecord record = insertOf("contacts", contact(42)).toRecord();
        String value = record.valueText();

        assertRejected(
                record.withValue(value.substring(0, value.length() / 2)), Rejected.MALFORMED_JSON);
    }

    @Test
    void garbageIsMalformedJson() {
        assertRejected(
                insertOf("contacts", contact(42)).toRecord().withValue("{\"op\": c}"),
                Rejected.MALFORMED_JSON);
    }

    @Test
    void malformedKeyIsMalformedJson() {
        Rejected rejected =
                assertRejected(
                        insertOf("contacts", contact(42)).toRecord().withKey("{\"id\":"),
                        Rejected.MALFORMED_JSON);

        assertThat(rejected.detail()).contains("key");
    }

    @Test
    void aChangeLargerThanTheBoundIsRejectedNotPassedOnToTheAuditLog() {
        String half = "x".repeat((int) (ChangeNormalizer.MAX_EVENT_VALUE_BYTES / 2) + 1);
        Row before = contact(42).with("first_name", half);

        Rejected rejected =
                assertRejected(
                        updateOf("contacts", before, before.with("last_name", half)).toRecord(),
                        Rejected.EVENT_TOO_LARGE);

        assertThat(rejected.detail())
                .contains("table contacts")
                .contains("BoundValueSizes")
                .doesNotContain("xxxx");
    }

    @Test
    void aChangeJustWithinTheBoundIsAChange() {
        String half = "é".repeat((int) (ChangeNormalizer.MAX_EVENT_VALUE_BYTES / 8));
        Row before = contact(42).with("first_name", half);

        ChangeEvent change =
                changeOf(updateOf("contacts", before, before.with("last_name", half)).toRecord());

        assertThat(change.getAfter()).containsEntry("last_name", half);
    }

    @Test
    void valueThatIsNotAnObjectIsMalformedEvent() {
        assertRejected(
                insertOf("contacts", contact(42)).toRecord().withValue("[1,2]"),
                Rejected.MALFORMED_EVENT);
    }

    @Test
    void insertWithoutAfterImageIsMalformedEvent() {
        Rejected rejected =
                assertRejected(
                        insertOf("contacts", contact(42)).after(null).toRecord(),
                        Rejected.MALFORMED_EVENT);

        assertThat(rejected.detail()).contains("after");
    }

    @Test
    void deleteWithoutBeforeImageIsMalformedEvent() {
        Rejected rejected =
                assertRejected(
                        deleteOf("contacts", contact(42)).before(null).toRecord(),
                        Rejected.MALFORMED_EVENT);

        assertThat(rejected.detail()).contains("before");
    }

    @Test
    void changeWithoutSourceIsMalformedEvent() {
        RawRecord record = insertOf("accounts", account(7)).toRecord();
        String value = record.valueText();
        String withoutSource =
                value.substring(0, value.indexOf(",\"source\":"))
                        + value.substring(value.indexOf("},\"transaction\"") + 1);

        assertThat(withoutSource).doesNotContain("source").contains("\"transaction\"");
        assertRejected(record.withValue(withoutSource), Rejected.MALFORMED_EVENT);
    }

    @Test
    void unknownOpIsUnknownOp() {
        assertRejected(
                insertOf("contacts", contact(42)).withOp("x").toRecord(), Rejected.UNKNOWN_OP);
        assertRejected(
                insertOf("contacts", contact(42)).withOp("create").toRecord(), Rejected.UNKNOWN_OP);
    }

    @Test
    void changeWithoutKeyIsMissingKey() {
        assertRejected(
                insertOf("contacts", contact(42)).unkeyed().toRecord(), Rejected.MISSING_KEY);
        assertRejected(
                insertOf("contacts", contact(42)).toRecord().withKey(new byte[0]),
                Rejected.MISSING_KEY);
        assertRejected(
                insertOf("contacts", contact(42)).toRecord().withKey("null"), Rejected.MISSING_KEY);
    }

    @Test
    void aKeyThatDiffersFromTheRowsIdIsMalformedSoNoPurgeChecksOneRowAndDeletesAnother() {
        Rejected rejected =
                assertRejected(
                        insertOf("contacts", contact(42)).toRecord().withKey("{\"id\":\"042\"}"),
                        Rejected.MALFORMED_EVENT);
        assertThat(rejected.detail()).contains("key column id differs");
        assertRejected(
                deleteOf("contacts", contact(42)).toRecord().withKey("{\"id\":43}"),
                Rejected.MALFORMED_EVENT);
    }

    @Test
    void emptyKeyIsMissingKey() {
        assertRejected(
                insertOf("contacts", contact(42)).toRecord().withKey("{}"), Rejected.MISSING_KEY);
    }

    @Test
    void nullKeyColumnIsMissingKeyNamingTheColumn() {
        Rejected rejected =
                assertRejected(
                        insertOf("contacts", contact(42)).toRecord().withKey("{\"id\":null}"),
                        Rejected.MISSING_KEY);

        assertThat(rejected.detail()).contains("id");
    }

    @Test
    void keyColumnTheTableDoesNotHaveIsSchemaChange() {
        Rejected rejected =
                assertRejected(
                        insertOf("contacts", contact(42)).toRecord().withKey("{\"uuid\":\"a1\"}"),
                        Rejected.SCHEMA_CHANGE);

        assertThat(rejected.detail()).contains("uuid");
    }

    @Test
    void unavailableTextValueIsRejectedNamingTheColumn() {
        Row after = contact(42).with("last_name", ChangeNormalizer.UNAVAILABLE_VALUE_PLACEHOLDER);

        Rejected rejected =
                assertRejected(
                        updateOf("contacts", contact(42), after).toRecord(),
                        Rejected.UNAVAILABLE_VALUE);

        assertThat(rejected.detail()).contains("last_name", "contacts", "after");
    }

    @Test
    void unavailableJsonbValueIsRejected() {
        Row after = ticket(77, 42, ChangeNormalizer.UNAVAILABLE_VALUE_PLACEHOLDER);

        Rejected rejected =
                assertRejected(
                        updateOf("tickets", ticket(77, 42, "{}"), after).toRecord(),
                        Rejected.UNAVAILABLE_VALUE);

        assertThat(rejected.detail()).contains("custom_fields");
    }

    @Test
    void unavailableBinaryValueIsRejected() {
        String base64Placeholder =
                java.util.Base64.getEncoder()
                        .encodeToString(
                                ChangeNormalizer.UNAVAILABLE_VALUE_PLACEHOLDER.getBytes(
                                        StandardCharsets.US_ASCII));
        Row before = contact(42).with("twitter_handle", base64Placeholder);

        Rejected rejected =
                assertRejected(
                        updateOf("contacts", before, contact(42)).toRecord(),
                        Rejected.UNAVAILABLE_VALUE);

        assertThat(rejected.detail()).contains("twitter_handle", "before");
    }

    @Test
    void unavailableValueInsideAnArrayIsRejected() {
        Row after =
                ticket(77, 42, null)
                        .with(
                                "custom_fields",
                                List.of("a", ChangeNormalizer.UNAVAILABLE_VALUE_PLACEHOLDER));

        Rejected rejected =
                assertRejected(
                        updateOf("tickets", ticket(77, 42, "[]"), after).toRecord(),
                        Rejected.UNAVAILABLE_VALUE);

        assertThat(rejected.detail()).contains("custom_fields");
    }

    @Test
    void aColumnAddedByAMigrationTravelsWithTheChangeNotToTheDeadLetters() {
        Row row = contact(42).with("date_of_birth", "1984-02-29");

        ChangeEvent change = changeOf(insertOf("contacts", row).toRecord());

        assertThat(change.getAfter()).containsEntry("date_of_birth", "1984-02-29");
    }

    @Test
    void aDroppedColumnIsSimplyAbsent() {
        Row row = contact(42).without("twitter_handle");

        ChangeEvent change = changeOf(insertOf("contacts", row).toRecord());

        assertThat(change.getAfter()).doesNotContainKey("twitter_handle").containsKey("email");
    }

    @Test
    void aRenamedColumnIsAChangeWithBothImagesAsTheyCame() {
        Row before = contact(42).without("mobile").with("cell_phone", null);

        ChangeEvent change = changeOf(updateOf("contacts", before, contact(42)).toRecord());

        assertThat(change.getBefore()).containsKey("cell_phone").doesNotContainKey("mobile");
        assertThat(change.getAfter()).containsKey("mobile");
    }

    @Test
    void unknownTableIsSchemaChange() {
        Rejected rejected =
                assertRejected(
                        insertOf("invoices", Row.of("id", 1L, "total", "10.00")).toRecord(),
                        Rejected.SCHEMA_CHANGE);

        assertThat(rejected.detail()).contains("invoices");
    }

    @Test
    void normalizerKnowsOnlyTheColumnsItWasGiven() {
        ChangeNormalizer onlyAccounts =
                new ChangeNormalizer(
                        Map.of(
                                "accounts",
                                Set.of(
                                        "id",
                                        "name",
                                        "domain",
                                        "region",
                                        "created_at",
                                        "updated_at",
                                        "deleted_at")));
        RawRecord contactInsert = insertOf("contacts", contact(42)).toRecord();
        RawRecord accountInsert = insertOf("accounts", account(7)).toRecord();

        assertThat(normalize(onlyAccounts, accountInsert)).isInstanceOf(Change.class);
        assertThat(normalize(onlyAccounts, contactInsert))
                .isInstanceOfSatisfying(
                        Rejected.class,
                        rejected ->
                                assertThat(rejected.reason()).isEqualTo(Rejected.SCHEMA_CHANGE));
    }

    @Test
    void tombstoneIsNotAChange() {
        assertRejected(
                deleteOf("contacts", contact(42)).toRecord().withValue((byte[]) null),
                Rejected.NOT_A_CHANGE);
    }

    @Test
    void heartbeatIsNotAChange() {
        RawRecord heartbeat =
                new RawRecord(
                        "__debezium-heartbeat.helpdesk",
                        0,
                        12L,
                        bytes("{\"serverName\":\"helpdesk\"}"),
                        bytes("{\"ts_ms\":1742054531004}"));

        assertRejected(heartbeat, Rejected.NOT_A_CHANGE);
    }

    @Test
    void messageWithAnotherPrefixIsNotAChange() {
        assertRejected(
                messageOf("audit.other", bytes("{\"type\":\"agent\"}")).toRecord(),
                Rejected.NOT_A_CHANGE);
    }

    @Test
    void truncateOfAKnownTableIsATruncateWithItsPosition() {
        RawRecord truncate = truncateOf("tickets").inTransaction(990).toRecord();

        assertThat(truncate.key()).isNull();
        Normalized result = normalize(truncate);
        assertThat(result).isInstanceOf(Normalized.Truncate.class);
        Normalized.Truncate t = (Normalized.Truncate) result;
        assertThat(t.table()).isEqualTo("tickets");
        assertThat(t.source().getTxId()).isEqualTo(990L);
        assertThat(t.source().getTopic()).isEqualTo(truncate.topic());
        assertThat(t.source().getOffset()).isEqualTo(truncate.offset());
        // a job that does not act on truncates dead-letters it as before
        Rejected rejected = t.asRejected();
        assertThat(rejected.reason()).isEqualTo(Rejected.TRUNCATE);
        assertThat(rejected.detail())
                .contains("tickets", "990", Long.toString(t.source().getLsn()));
    }

    @Test
    void truncateOfAnUnknownTableIsRejectedAsTruncateNamingTheTable() {
        Rejected rejected =
                assertRejected(
                        truncateOf("invoices").inTransaction(991).toRecord(), Rejected.TRUNCATE);
        assertThat(rejected.detail()).contains("invoices", "991");
    }

    @Test
    void actorMessageOutsideATransactionIsMalformedActor() {
        assertRejected(
                actorMessageOf("{\"type\":\"system\"}").outsideTransaction().toRecord(),
                Rejected.MALFORMED_ACTOR);
    }

    @Test
    void actorMessageWithoutTypeIsMalformedActor() {
        assertRejected(
                actorMessageOf("{\"id\":\"17\",\"reason\":\"reply\"}").toRecord(),
                Rejected.MALFORMED_ACTOR);
    }

    @Test
    void actorMessageThatIsNotJsonIsMalformedActor() {
        assertRejected(actorMessageOf("agent 17").toRecord(), Rejected.MALFORMED_ACTOR);
        assertRejected(actorMessageOf("[\"agent\"]").toRecord(), Rejected.MALFORMED_ACTOR);
    }

    @Test
    void actorMessageContentThatIsNotBase64IsMalformedActor() {
        RawRecord record = actorMessageOf("{\"type\":\"agent\"}").toRecord();
        String value = record.valueText();
        String notBase64 =
                value.replaceFirst("\"content\":\"[^\"]*\"", "\"content\":\"not base64 at all!\"");

        assertThat(notBase64).contains("not base64 at all!");
        assertRejected(record.withValue(notBase64), Rejected.MALFORMED_ACTOR);
    }

    /**
     * Every rejection of records full of personal data: the details name tables, columns and
     * positions, never a value. (Values shorter than four characters, like "EU" or "42", are left
     * out of the check: they occur in ordinary words and numbers.)
     */
    @Test
    void noRejectionDetailContainsAnInputValue() {
        Row person =
                contact(918_273)
                        .with("first_name", "Marguerite")
                        .with("last_name", "Çelik-Lindqvist")
                        .with("email", "marguerite.celik@example.eu")
                        .with("twitter_handle", "@mcelik_lind");
        String placeholder = ChangeNormalizer.UNAVAILABLE_VALUE_PLACEHOLDER;
        String actorJson =
                "{\"id\":\"marguerite.celik@example.eu\",\"reason\":\"Marguerite asked to be forgotten\"}";
        List<RawRecord> rejectedInputs = new ArrayList<>();
        rejectedInputs.add(halfOf(insertOf("contacts", person).toRecord()));
        rejectedInputs.add(unquoted("Marguerite", insertOf("contacts", person).toRecord()));
        rejectedInputs.add(insertOf("contacts", person).toRecord().withKey("{\"id\":\"918273"));
        rejectedInputs.add(insertOf("contacts", person).withOp("Marguerite").toRecord());
        rejectedInputs.add(insertOf("contacts", person).unkeyed().toRecord());
        rejectedInputs.add(insertOf("contacts", person).toRecord().withKey("{\"email\":null}"));
        rejectedInputs.add(
                updateOf("contacts", person, person.with("phone", placeholder)).toRecord());
        rejectedInputs.add(
                insertOf("invoices", Row.of("id", 918273L, "billed_to", "Marguerite")).toRecord());
        rejectedInputs.add(insertOf("contacts", person).after(null).toRecord());
        rejectedInputs.add(truncateOf("invoices").toRecord());
        rejectedInputs.add(actorMessageOf(actorJson).toRecord());
        rejectedInputs.add(actorMessageOf("{\"type\":\"Marguerite").toRecord());
        rejectedInputs.add(
                messageOf("lethe.actor", bytes(actorJson)).outsideTransaction().toRecord());

        Set<String> values = new java.util.HashSet<>();
        for (Object value : person.columns().values()) {
            if (value != null) {
                values.add(String.valueOf(value));
            }
        }
        values.addAll(
                List.of(
                        "19840229-1234",
                        "Marguerite",
                        "marguerite.celik@example.eu",
                        "forgotten",
                        placeholder));
        values.removeIf(value -> value.length() < 4);

        Map<String, Integer> reasons = new HashMap<>();
        for (RawRecord input : rejectedInputs) {
            Normalized result = normalize(input);
            assertThat(result).as(input.valueText()).isInstanceOf(Rejected.class);
            Rejected rejected = (Rejected) result;
            reasons.merge(rejected.reason(), 1, Integer::sum);
            for (String value : values) {
                assertThat(rejected.detail()).as(rejected.reason()).doesNotContain(value);
            }
        }
        assertThat(reasons.keySet())
                .contains(
                        Rejected.MALFORMED_JSON,
                        Rejected.UNKNOWN_OP,
                        Rejected.MISSING_KEY,
                        Rejected.SCHEMA_CHANGE,
                        Rejected.UNAVAILABLE_VALUE,
                        Rejected.MALFORMED_EVENT,
                        Rejected.TRUNCATE,
                        Rejected.MALFORMED_ACTOR);
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static RawRecord halfOf(RawRecord record) {
        String value = record.valueText();
        return record.withValue(value.substring(0, value.indexOf("marguerite.celik") + 12));
    }

    /** The value with one string value's quotes dropped: JSON parsers quote such a token. */
    private static RawRecord unquoted(String text, RawRecord record) {
        String value = record.valueText();
        assertThat(value).contains('"' + text + '"');
        return record.withValue(value.replace('"' + text + '"', text));
    }

    private Normalized normalize(RawRecord record) {
        return normalize(normalizer, record);
    }

    private static Normalized normalize(ChangeNormalizer normalizer, RawRecord record) {
        return normalizer.normalize(
                record.topic(), record.partition(), record.offset(), record.key(), record.value());
    }

    private ChangeEvent changeOf(RawRecord record) {
        Normalized result = normalize(record);
        assertThat(result).as("normalized %s", record.valueText()).isInstanceOf(Change.class);
        return ((Change) result).event();
    }

    private Rejected assertRejected(RawRecord record, String reason) {
        Normalized result = normalize(record);
        assertThat(result).as("normalized %s", record.valueText()).isInstanceOf(Rejected.class);
        Rejected rejected = (Rejected) result;
        assertThat(rejected.reason()).as(rejected.detail()).isEqualTo(reason);
        assertThat(rejected.detail()).isNotBlank();
        return rejected;
    }
}
