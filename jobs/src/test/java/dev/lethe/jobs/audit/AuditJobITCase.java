package dev.lethe.jobs.audit;

import static dev.lethe.jobs.testing.DebeziumLog.row;
import static dev.lethe.jobs.testing.DebeziumLog.with;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.audit.HashChain;
import dev.lethe.audit.VerificationReport;
import dev.lethe.crypto.Decrypted;
import dev.lethe.crypto.SubjectCipher;
import dev.lethe.events.AuditCheckpoint;
import dev.lethe.events.AuditEntry;
import dev.lethe.events.AuditFieldChange;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.kafka.RawRecord;
import dev.lethe.jobs.testing.DebeziumLog;
import dev.lethe.jobs.testing.OfflineSettings;
import dev.lethe.jobs.testing.RawTopics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit job's topology ({@link AuditJob#defineWorkflow}) on a MiniCluster with parallelism 2:
 * Debezium records of the raw topics in, the log, its checkpoints, the index and the dead letters
 * collected. What the end-to-end test in module system-tests checks on the real stack, without
 * Kafka, PostgreSQL or Elasticsearch: each change once, attributed to its transaction's actor,
 * chained per entity, personal values encrypted for their subjects, a poison record a dead letter,
 * and the log verifying against its signed checkpoints.
 */
class AuditJobITCase {

    private static final String ANNA_EMAIL = "anna.lukasiewicz@example.eu";
    private static final String ANNA_PHONE = "+49 30 1234567";
    private static final String ANNA_NEW_PHONE = "+33 1 23 45 67 89";
    private static final String OTTO_EMAIL = "otto.other@example.eu";

    @TempDir Path signingKeys;

    private final String run = UUID.randomUUID().toString();
    private final AuditOutputs out = new AuditOutputs();

    @AfterEach
    void forget() {
        TestAuditResources.forget(run);
        out.clear();
    }

    @Test
    void everyChangeIsAuditedOnceAttributedChainedEncryptedAndTheLogVerifies() throws Exception {
        DebeziumLog raw = new DebeziumLog(Instant.parse("2025-03-01T10:00:00Z"));
        Map<String, Object> anna =
                row(
                        "contacts",
                        "id",
                        1,
                        "first_name",
                        "Anna",
                        "last_name",
                        "Łukasiewicz",
                        "email",
                        ANNA_EMAIL,
                        "phone",
                        ANNA_PHONE,
                        "locale",
                        "de-DE",
                        "region",
                        "EU");
        raw.begin().actor("agent", "7", "created on the phone").insert("contacts", anna).commit();
        long insertTx = 770;
        Map<String, Object> annaNewPhone = with(anna, "phone", ANNA_NEW_PHONE);
        raw.begin()
                .actor("customer", "1", "changed own phone")
                .update("contacts", anna, annaNewPhone)
                .commit();
        // a writer that names no actor
        Map<String, Object> annaFrench = with(annaNewPhone, "locale", "fr-FR");
        raw.begin().update("contacts", annaNewPhone, annaFrench).commit();
        Map<String, Object> otto =
                row(
                        "contacts",
                        "id",
                        2,
                        "first_name",
                        "Otto",
                        "last_name",
                        "Other",
                        "email",
                        OTTO_EMAIL);
        raw.begin().actor("agent", "7", "new contact").insert("contacts", otto).commit();
        // a ticket of Anna's that names Otto: encrypted for both of them
        raw.begin()
                .actor("customer", "1", "opened a ticket")
                .insert(
                        "tickets",
                        row(
                                "tickets",
                                "id",
                                10,
                                "contact_id",
                                1,
                                "subject",
                                "Invoice",
                                "description",
                                "Please copy my colleague " + OTTO_EMAIL,
                                "status",
                                "open",
                                "channel",
                                "email",
                                "custom_fields",
                                "{}"))
                .commit();
        long poisonOffset =
                raw.raw(
                        DebeziumLog.topic("contacts"),
                        DebeziumLog.utf8("{\"id\":1}"),
                        DebeziumLog.utf8("{not json"));
        raw.begin()
                .actor("agent", "7", "soft delete")
                .update("contacts", annaFrench, with(annaFrench, "deleted_at", DebeziumLog.CREATED))
                .commit();

        run(raw.records(), 3);

        // the log: every change once, indexes 0..n-1, nothing else
        List<AuditEntry> entries = out.entries();
        assertThat(entries)
                .extracting(AuditEntry::getLogIndex)
                .containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        assertThat(entries).allSatisfy(e -> assertThat(e.getKind()).isEqualTo("change"));
        assertThat(entries.stream().map(e -> e.getEntityId() + "@" + e.getLsn()).distinct())
                .hasSize(entries.size());
        assertThat(entries)
                .extracting(AuditEntry::getEntityId)
                .containsOnly("contacts/1", "contacts/2", "tickets/10");

        // one entity's entries: in source order, attributed, chained
        List<AuditEntry> annas = entity(entries, "contacts/1");
        assertThat(annas)
                .extracting(AuditEntry::getOp)
                .containsExactly("INSERT", "UPDATE", "UPDATE", "UPDATE");
        assertThat(annas).extracting(AuditEntry::getSeq).containsExactly(1L, 2L, 3L, 4L);
        assertThat(annas)
                .extracting(
                        e ->
                                e.getActor().getType()
                                        + ":"
                                        + e.getActor().getId()
                                        + ":"
                                        + e.getActor().getReason())
                .containsExactly(
                        "agent:7:created on the phone",
                        "customer:1:changed own phone",
                        "unknown:null:null",
                        "agent:7:soft delete");
        assertThat(annas.get(0).getTxId()).isEqualTo(insertTx);
        assertThat(annas.get(0).getSourceTopic()).isEqualTo(DebeziumLog.topic("contacts"));
        assertThat(annas.get(0).getSourceOffset()).isZero();
        assertThat(annas.get(0).getCommitTime()).isEqualTo(Instant.parse("2025-03-01T10:00:01Z"));
        assertThat(bytes(annas.get(0).getPrevHash())).isEqualTo(HashChain.genesis());
        for (int i = 1; i < annas.size(); i++) {
            assertThat(bytes(annas.get(i).getPrevHash()))
                    .as("prevHash of seq %d", i + 1)
                    .isEqualTo(bytes(annas.get(i - 1).getHash()));
        }
        assertThat(entity(entries, "contacts/2"))
                .singleElement()
                .satisfies(
                        e -> {
                            assertThat(e.getSeq()).isEqualTo(1L);
                            assertThat(bytes(e.getPrevHash())).isEqualTo(HashChain.genesis());
                        });
        assertThat(annas.get(1).getChanges())
                .singleElement()
                .satisfies(
                        ch -> {
                            assertThat(ch.getColumn()).isEqualTo("phone");
                            assertThat(ch.getPersonal()).isTrue();
                            assertThat(ch.getBefore()).isInstanceOf(ByteBuffer.class);
                            assertThat(ch.getAfter()).isInstanceOf(ByteBuffer.class);
                        });

        // personal values leave encrypted: not in any entry as written to the log
        for (AuditEntry e : entries) {
            String serialized = new String(bytes(e.toByteBuffer()), StandardCharsets.ISO_8859_1);
            for (String plain :
                    List.of(
                            ANNA_EMAIL,
                            ANNA_PHONE,
                            ANNA_NEW_PHONE,
                            "Łukasiewicz".substring(1),
                            OTTO_EMAIL,
                            "Please copy",
                            "Invoice")) {
                assertThat(serialized)
                        .as("%s in entry %d", plain, e.getLogIndex())
                        .doesNotContain(plain);
            }
        }
        // ... readable with the subjects' keys; erasing one subject hides what is theirs only
        SubjectCipher cipher = new SubjectCipher(TestAuditResources.keyStore(run));
        assertThat(decrypt(cipher, annas.get(0), "email")).isEqualTo(ANNA_EMAIL);
        assertThat(decrypt(cipher, annas.get(1), "phone")).isEqualTo(ANNA_NEW_PHONE);
        AuditEntry ticket = entity(entries, "tickets/10").get(0);
        assertThat(ticket.getActor().getType() + ":" + ticket.getActor().getId())
                .isEqualTo("customer:1");
        assertThat(ticket.getSubjectIds()).containsExactly("contact:1", "contact:2");
        assertThat(decrypt(cipher, ticket, "description"))
                .isEqualTo("Please copy my colleague " + OTTO_EMAIL);
        TestAuditResources.keyStore(run).shred("contact:2", "it-" + run, "gdpr-art-17");
        assertThat(
                        cipher.decrypt(
                                bytes(column(ticket, "description").getAfter()),
                                "tickets/10#description"))
                .isEqualTo(new Decrypted.Erased(List.of("contact:2")));
        assertThat(decrypt(cipher, ticket, "subject")).isEqualTo("Invoice");

        // the poison record: a dead letter naming where it was, the job went on
        assertThat(out.deadLetters.values())
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.getReason()).isEqualTo("MALFORMED_JSON");
                            assertThat(d.getJob()).isEqualTo("audit/normalize");
                            assertThat(d.getSourceTopic()).isEqualTo(DebeziumLog.topic("contacts"));
                            assertThat(d.getSourcePartition()).isZero();
                            assertThat(d.getSourceOffset()).isEqualTo(poisonOffset);
                            assertThat(bytes(d.getRawValue()))
                                    .isEqualTo(DebeziumLog.utf8("{not json"));
                        });

        // the whole log verifies against its signed checkpoints (one every 3 entries)
        List<AuditCheckpoint> signed = out.treeHeads();
        assertThat(signed).extracting(AuditCheckpoint::getTreeSize).containsExactly(3L, 6L);
        VerificationReport report = TestAuditResources.verify(signingKeys, entries, signed);
        assertThat(report.ok()).as(report.describe()).isTrue();
        // a changed entry does not
        AuditEntry forged = AuditOutputs.copy(entries.get(2));
        forged.setOp("DELETE");
        List<AuditEntry> tampered = new java.util.ArrayList<>(entries);
        tampered.set(2, forged);
        assertThat(TestAuditResources.verify(signingKeys, tampered, signed).ok()).isFalse();

        // the index gets the same entries as the log
        assertThat(out.index.values())
                .extracting(e -> e.getLogIndex() + ":" + hex(e.getHash()))
                .containsExactlyInAnyOrderElementsOf(
                        entries.stream()
                                .map(e -> e.getLogIndex() + ":" + hex(e.getHash()))
                                .toList());
    }

    @Test
    void aColumnAddedMidStreamIsOneSchemaEntryAndATruncateAnotherAndTheLogVerifies()
            throws Exception {
        DebeziumLog raw = new DebeziumLog(Instant.parse("2025-03-01T10:00:00Z"));
        Map<String, Object> anna = row("contacts", "id", 1, "email", ANNA_EMAIL);
        raw.begin().actor("agent", "7", "new contact").insert("contacts", anna).commit();
        // ALTER TABLE contacts ADD COLUMN nickname text: every change from here on shows it
        Map<String, Object> otto =
                DebeziumLog.withAddedColumn(
                        row("contacts", "id", 2, "email", OTTO_EMAIL), "nickname", "Otti");
        raw.begin().actor("agent", "7", "new contact").insert("contacts", otto).commit();
        long firstLsn = raw.lastLsn();
        Map<String, Object> annaAltered = DebeziumLog.withAddedColumn(anna, "nickname", null);
        raw.begin()
                .actor("customer", "1", "nickname")
                .update("contacts", annaAltered, with(annaAltered, "nickname", "Anni"))
                .commit();
        raw.begin().actor("database", "helpdesk_admin", "psql").truncate("tickets").commit();
        long truncateLsn = raw.lastLsn();
        raw.begin()
                .actor("agent", "7", "soft delete")
                .update(
                        "contacts",
                        with(annaAltered, "nickname", "Anni"),
                        with(
                                with(annaAltered, "nickname", "Anni"),
                                "deleted_at",
                                DebeziumLog.CREATED))
                .commit();

        run(raw.records(), 6);

        List<AuditEntry> entries = out.entries();
        // every change once, and exactly one entry per table event
        assertThat(entries)
                .extracting(AuditEntry::getLogIndex)
                .containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        assertThat(entries.stream().filter(e -> e.getKind().equals("change")))
                .extracting(e -> e.getEntityId() + " " + e.getOp())
                .containsExactlyInAnyOrder(
                        "contacts/1 INSERT",
                        "contacts/2 INSERT",
                        "contacts/1 UPDATE",
                        "contacts/1 UPDATE");
        assertThat(entity(entries, "schema/contacts"))
                .singleElement()
                .satisfies(
                        e -> {
                            assertThat(e.getKind()).isEqualTo("schema");
                            assertThat(e.getOp()).isEqualTo("ALTER");
                            assertThat(e.getSeq()).isEqualTo(1L);
                            assertThat(bytes(e.getPrevHash())).isEqualTo(HashChain.genesis());
                            assertThat(e.getLsn()).isEqualTo(firstLsn);
                            assertThat(e.getSubjectIds()).isEmpty();
                            assertThat(e.getActor().getType() + ":" + e.getActor().getId())
                                    .isEqualTo("lethe:audit/table-shapes");
                            assertThat(e.getAttributes())
                                    .containsEntry("table", "contacts")
                                    .containsEntry("added", "nickname")
                                    .containsEntry("removed", "")
                                    .containsEntry("firstLsn", Long.toString(firstLsn));
                        });
        assertThat(entity(entries, "schema/tickets"))
                .singleElement()
                .satisfies(
                        e -> {
                            assertThat(e.getKind()).isEqualTo("truncate");
                            assertThat(e.getOp()).isEqualTo("TRUNCATE");
                            assertThat(e.getLsn()).isEqualTo(truncateLsn);
                            // the truncating transaction's actor
                            assertThat(
                                            e.getActor().getType()
                                                    + ":"
                                                    + e.getActor().getId()
                                                    + ":"
                                                    + e.getActor().getReason())
                                    .isEqualTo("database:helpdesk_admin:psql");
                        });
        // the new column's values are logged, encrypted until it is classified (ADR 0006)
        AuditEntry ottoInserted = entity(entries, "contacts/2").get(0);
        assertThat(column(ottoInserted, "nickname").getPersonal()).isTrue();
        assertThat(
                        decrypt(
                                new SubjectCipher(TestAuditResources.keyStore(run)),
                                ottoInserted,
                                "nickname"))
                .isEqualTo("Otti");
        // names of columns, never values, in the table's entries
        for (AuditEntry e : entries) {
            if (e.getEntityId().startsWith("schema/")) {
                String serialized =
                        new String(bytes(e.toByteBuffer()), StandardCharsets.ISO_8859_1);
                assertThat(serialized).doesNotContain("Otti", "Anni", OTTO_EMAIL, ANNA_EMAIL);
            }
        }
        assertThat(out.deadLetters.values()).isEmpty();

        List<AuditCheckpoint> signed = out.treeHeads();
        assertThat(signed).extracting(AuditCheckpoint::getTreeSize).containsExactly(6L);
        VerificationReport report = TestAuditResources.verify(signingKeys, entries, signed);
        assertThat(report.ok()).as(report.describe()).isTrue();
    }

    private void run(List<RawRecord> records, int checkpointEvery) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
        JobSettings settings = settings(checkpointEvery);
        AuditJob.defineWorkflow(
                env,
                RawTopics.bounded(env, records, settings.idleTimeout()),
                out.sinks(),
                TestAuditResources.of(run, signingKeys),
                settings);
        env.execute("audit-job-itcase");
    }

    /** Addresses nothing is reached at: the topology must not connect anywhere. */
    static JobSettings settings(int checkpointEvery) {
        return OfflineSettings.of(
                "--audit-checkpoint-every", Integer.toString(checkpointEvery),
                "--audit-checkpoint-interval", "1h",
                "--idle-timeout", "30s");
    }

    private static List<AuditEntry> entity(List<AuditEntry> entries, String entityId) {
        return entries.stream()
                .filter(e -> e.getEntityId().equals(entityId))
                .sorted(Comparator.comparing(AuditEntry::getSeq))
                .toList();
    }

    private static AuditFieldChange column(AuditEntry entry, String column) {
        return entry.getChanges().stream()
                .filter(c -> c.getColumn().equals(column))
                .findFirst()
                .orElseThrow();
    }

    private static String decrypt(SubjectCipher cipher, AuditEntry entry, String column) {
        AuditFieldChange change = column(entry, column);
        assertThat(change.getPersonal()).as(column + " is personal").isTrue();
        Decrypted d = cipher.decrypt(bytes(change.getAfter()), entry.getEntityId() + "#" + column);
        assertThat(d).isInstanceOf(Decrypted.Plaintext.class);
        return ((Decrypted.Plaintext) d).text();
    }

    private static byte[] bytes(Object buffer) {
        ByteBuffer d = ((ByteBuffer) buffer).duplicate();
        byte[] b = new byte[d.remaining()];
        d.get(b);
        return b;
    }

    private static String hex(ByteBuffer b) {
        return java.util.HexFormat.of().formatHex(bytes(b));
    }
}
