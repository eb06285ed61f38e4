package dev.lethe.retention;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import dev.lethe.audit.Actor;
import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.crypto.Decrypted;
import dev.lethe.crypto.SubjectCipher;
import dev.lethe.discovery.LocationDocument;
import dev.lethe.events.AuditEntry;
import dev.lethe.jobs.audit.LetheActionEntries;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.config.Secrets;
import dev.lethe.jobs.elasticsearch.ElasticsearchConnection;
import dev.lethe.jobs.purge.JdbcPurgeExecutor;
import dev.lethe.jobs.purge.PurgeCommand;
import dev.lethe.jobs.purge.PurgeOutcome;
import dev.lethe.jobs.purge.ReceiptRelay;
import dev.lethe.jobs.retention.RetentionSettings;
import dev.lethe.keys.FileMasterKeySource;
import dev.lethe.keys.JdbcSubjectKeyStore;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import dev.lethe.testing.AuditTestJobs;
import dev.lethe.testing.AuditTestJobs.Cli;
import dev.lethe.testing.SetUpAndSubmit;
import dev.lethe.testing.SharedStack;
import dev.lethe.testing.TestJobArgs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Retention and erasure on the real stack, with the retention and discovery jobs and a policy of
 * seconds: a soft-deleted ticket is purged from the database and the index when its window ends, a
 * restored one stays; an erasure request recorded by {@code ./lethe subject erase} removes the
 * person from every table and the index, redacts their email in another customer's comment and
 * shreds their key (what was encrypted for them reads as erased); the audit job's log of record
 * still verifies after the erasure (entries, chains, signed checkpoints, the index copy) and {@code
 * ./lethe audit log} shows the person's values, readable before, as erased; a replayed purge does
 * nothing. A crash between a purge and its receipt (the relay crashed after the send and before the
 * mark, the retention job restored from a savepoint taken before the purge, so its timer fires
 * again) deletes nothing twice and loses no receipt: the receipt is published again with the same
 * id, the log of record holds it once and still verifies.
 */
class RetentionITCase {

    private static final Duration WAIT = Duration.ofSeconds(90);

    /** The audit job starts from the raw topics' beginning: it may have a backlog to catch up. */
    private static final Duration AUDIT_WAIT = Duration.ofSeconds(240);

    @Test
    void windowsEndErasuresRunAndReplaysDoNothing(@TempDir Path dir) throws Exception {
        StackSettings s = SharedStack.settings();
        System.setProperty(Secrets.ELASTICSEARCH_PASSWORD, s.elasticsearchPassword().orElseThrow());
        String run = UUID.randomUUID().toString().substring(0, 8);
        Path policy = dir.resolve("retention-policy.yaml");
        Files.writeString(
                policy,
                String.join(
                        "\n",
                        "version: 1",
                        "erasure:",
                        "  deadline: P1M",
                        "rules:",
                        "  - id: tickets.soft-deleted",
                        "    table: tickets",
                        "    since: deleted_at",
                        "    after: PT4S",
                        "    action: delete",
                        "  - id: tickets.closed",
                        "    table: tickets",
                        "    since: closed_at",
                        "    when: { status: closed }",
                        "    after: P6Y",
                        "    action: anonymize",
                        "    anonymize: { subject: redacted, description: null }",
                        ""));
        JobSettings retention = settings(s, "retention-it-" + run);
        // the discovery job as its own user: its bootstrap creates the location index when no
        // earlier test did
        JobSettings discovery =
                JobSettings.parse(
                        TestJobArgs.of(
                                        s,
                                        dev.lethe.local.ComponentRole.DISCOVERY,
                                        "discovery-it-" + run,
                                        "discovery-it-" + run,
                                        "2s")
                                .toArray(String[]::new));
        JobSettings audit = AuditTestJobs.settings(s, "retention-" + run, 5);
        List<String> auditTopics =
                List.of(
                        "--audit-topic",
                        audit.auditTopic(),
                        "--audit-checkpoint-topic",
                        audit.auditCheckpointTopic(),
                        "--data-dir",
                        s.dataDir().toString());
        JobClient auditJob = SetUpAndSubmit.audit(SetUpAndSubmit.flinkOf(s), audit);
        StreamExecutionEnvironment env = SetUpAndSubmit.flinkOf(s);
        JobClient discoveryJob = SetUpAndSubmit.discovery(env, discovery);
        RetentionSettings retentionSettings =
                RetentionSettings.defaults()
                        .withPolicyPath(policy.toString())
                        .withRetryInterval(Duration.ofSeconds(2));
        JobClient retentionJob =
                SetUpAndSubmit.retention(
                        retentionEnvironment(s, null), retention, retentionSettings);
        try (Connection c = StackProbe.connectPostgres(s);
                ElasticsearchConnection.Clients clients =
                        new ElasticsearchConnection(s.elasticsearchUrl(), s.elasticsearchUser())
                                .open(s.elasticsearchPassword().orElseThrow())) {
            ElasticsearchClient es = clients.client();
            c.setAutoCommit(false);
            Actor.agent(7, "test data").emit(c);
            String erasedEmail = "erase.me." + run + "@example.eu";
            long erased = contact(c, "Wei", "Li", erasedEmail);
            update(c, "UPDATE contacts SET phone = '+86 138 1234 5678' WHERE id = ?", erased);
            long other = contact(c, "Otto", "Stays", "otto." + run + "@example.eu");
            long erasedTicket = ticket(c, erased, "closed");
            long otherTicket = ticket(c, other, "solved");
            long mention = comment(c, otherTicket, "please also ask " + erasedEmail + " today");
            // another customer's text that mentions the person by name and phone, with words
            // that hold the name's letters: only the mentions may change
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE tickets SET description = ? WHERE id = ?")) {
                ps.setString(1, WEI_LI_TEXT);
                ps.setLong(2, otherTicket);
                ps.executeUpdate();
            }
            long deletedTicket = ticket(c, other, "solved");
            long restoredTicket = ticket(c, other, "solved");
            c.commit();

            // the person's data key exists, as the audit job would have created it
            JdbcSubjectKeyStore keys = keyStore(s);
            keys.createSchema();
            String subject = "contact:" + erased;
            byte[] envelope =
                    new SubjectCipher(keys)
                            .encrypt(
                                    "secret".getBytes(StandardCharsets.UTF_8),
                                    List.of(subject),
                                    "it");

            // indexed before the soft delete: its window (4 s) is shorter than discovery's lag
            await(() -> indexed(es, "tickets/" + deletedTicket) > 0, "ticket indexed");
            await(() -> indexed(es, "comments/" + mention) > 0, "mention indexed");

            // the retention job's state before the soft delete: a crash after the purge restores
            // from a checkpoint taken before it, so the purge's timer runs again
            String beforePurge = savepoint(retentionJob, dir.resolve("savepoints"));

            Actor.agent(7, "delete and restore").emit(c);
            update(
                    c,
                    "UPDATE tickets SET deleted_at = now() WHERE id IN (?, ?)",
                    deletedTicket,
                    restoredTicket);
            c.commit();
            Actor.agent(7, "restore").emit(c);
            update(c, "UPDATE tickets SET deleted_at = NULL WHERE id = ?", restoredTicket);
            c.commit();
            // a barrier for the restored ticket: a ticket soft deleted after the restore, so its
            // deadline comes later; once it is purged, the restored ticket's deadline has passed
            Actor.agent(7, "marker").emit(c);
            long markerTicket = ticket(c, other, "solved");
            c.commit();
            Actor.agent(7, "marker deleted").emit(c);
            update(c, "UPDATE tickets SET deleted_at = now() WHERE id = ?", markerTicket);
            c.commit();
            c.setAutoCommit(true);

            // the discovery index knows both tickets and the person
            // the index need only know the record holds the person's data: the redaction
            // detects every mention again on the locked row
            await(
                    () -> indexedColumn(es, "tickets/" + otherTicket, "description") >= 1,
                    "a mention in the other customer's ticket indexed");
            await(() -> indexed(es, "contacts/" + erased) > 0, "person indexed");

            // the window ends: the deleted ticket is purged from the database and the index
            await(() -> !exists(c, "tickets", deletedTicket), "soft-deleted ticket purged");
            await(() -> indexed(es, "tickets/" + deletedTicket) == 0, "ticket gone from index");
            await(() -> !exists(c, "tickets", markerTicket), "marker ticket purged");
            assertThat(exists(c, "tickets", restoredTicket)).as("restored ticket").isTrue();

            // scheduled purges are mirrored: the closed ticket's anonymization in six years
            await(() -> scheduled(c, "tickets/" + erasedTicket) == 1, "closed ticket scheduled");
            assertThat(scheduled(c, "tickets/" + restoredTicket)).as("restored").isZero();
            assertThat(scheduled(c, "tickets/" + deletedTicket)).as("purged").isZero();
            Cli plan = cli("purges", "--scheduled", "--data-dir", s.dataDir().toString());
            assertThat(plan.out()).contains("anonymize").contains("tickets/" + erasedTicket);

            // dry run: nothing happens, the plan names the person's rows and the mention
            Cli dry =
                    cli(
                            "subject",
                            "erase",
                            subject,
                            "--dry-run",
                            "--data-dir",
                            s.dataDir().toString(),
                            "--policy",
                            policy.toString());
            assertThat(dry.code()).as(dry.out()).isZero();
            assertThat(dry.out())
                    .contains("delete  contacts/" + erased)
                    .contains("delete  tickets/" + erasedTicket)
                    .contains("redact  comments/" + mention + " content")
                    .contains("redact  tickets/" + otherTicket + " description");
            assertThat(exists(c, "contacts", erased)).isTrue();

            // the audit log has the person's row, readable while their key exists
            String person = "contacts/" + erased;
            awaitAuditEntry(audit.auditTopic(), person, "INSERT");
            Cli readable = cli(concat(List.of("audit", "log", "--key", person), auditTopics));
            assertThat(readable.code()).as(readable.out()).isZero();
            assertThat(readable.out()).contains(erasedEmail).contains("\"Wei\"");

            // an erasure of what the catalog does not declare a subject, or of nobody, is
            // refused and records nothing
            long requests = count(c, "SELECT count(*) FROM lethe.erasure_requests");
            for (String nobody : List.of("custom_field_definition:1", "contact:999999999")) {
                Cli refused =
                        cli(
                                "subject",
                                "erase",
                                nobody,
                                "--reason",
                                "x",
                                "--data-dir",
                                s.dataDir().toString());
                assertThat(refused.code()).as(nobody + ": " + refused.out()).isNotZero();
            }
            assertThat(count(c, "SELECT count(*) FROM lethe.erasure_requests")).isEqualTo(requests);

            // ./lethe subject erase records the request; the retention job carries it out
            String requestId = "req-" + run;
            Cli erase =
                    cli(
                            "subject",
                            "erase",
                            subject,
                            "--reason",
                            "Art. 17 request",
                            "--request-id",
                            requestId,
                            "--wait",
                            "60s",
                            "--data-dir",
                            s.dataDir().toString(),
                            "--policy",
                            policy.toString());
            assertThat(erase.code()).as(erase.out()).isZero();
            assertThat(erase.out()).contains(requestId).contains("done");
            assertThat(exists(c, "contacts", erased)).isFalse();
            assertThat(exists(c, "tickets", erasedTicket)).isFalse();
            assertThat(count(c, "SELECT count(*) FROM tickets WHERE contact_id = ?", erased))
                    .isZero();
            assertThat(count(c, "SELECT count(*) FROM consents WHERE contact_id = ?", erased))
                    .isZero();
            assertThat(text(c, "SELECT content FROM comments WHERE id = ?", mention))
                    .doesNotContain(erasedEmail)
                    .contains("[erased]");
            assertThat(exists(c, "tickets", otherTicket)).isTrue();
            assertThat(text(c, "SELECT description FROM tickets WHERE id = ?", otherTicket))
                    .isEqualTo(
                            "Our delivery was late. [erased] from your team ([erased]) promised a"
                                    + " Litre of oil; please deliver it. [erased] said so.");
            await(() -> subjectDocs(es, subject) == 0, "person gone from the index");
            await(() -> scheduled(c, "tickets/" + erasedTicket) == 0, "schedule of erased ticket");
            await(() -> indexed(es, "contacts/" + erased) == 0, "person's row gone from index");

            // the key is shredded: what was encrypted for the person reads as erased
            JdbcSubjectKeyStore fresh = keyStore(s);
            assertThat(fresh.isErased(subject)).isTrue();
            assertThat(fresh.find(subject)).isEmpty();
            assertThat(new SubjectCipher(fresh).decrypt(envelope, "it"))
                    .isInstanceOf(Decrypted.Erased.class);

            // the log of record still verifies after the erasure, up to and with the purge's
            // delete of the person, and what it holds of the person now reads as erased
            AuditEntry purgeDelete = awaitAuditEntry(audit.auditTopic(), person, "DELETE");
            assertThat(purgeDelete.getActor().getType()).isEqualTo(Actor.LETHE_PURGE);
            Cli verified = awaitVerified(audit, auditTopics, purgeDelete.getLogIndex() + 1);
            assertThat(verified.out())
                    .startsWith("OK: ")
                    .doesNotContainPattern("(?m)^log: ")
                    .contains("all match the log");
            Cli erasedLog = cli(concat(List.of("audit", "log", "--key", person), auditTopics));
            assertThat(erasedLog.code()).as(erasedLog.out()).isZero();
            assertThat(erasedLog.out())
                    .contains(person + " seq 1")
                    .contains("by lethe-purge:" + requestId)
                    .contains(AUDIT_ERASED)
                    .doesNotContain(erasedEmail)
                    .doesNotContain("\"Wei\"")
                    .doesNotContain("[HASH MISMATCH]");

            Cli status = cli("subject", "erase", "--status", "--data-dir", s.dataDir().toString());
            assertThat(status.out()).contains(requestId).contains(subject).contains("done");

            // a replayed purge command changes nothing
            long rowsBefore = count(c, "SELECT count(*) FROM lethe.purge_log");
            Map<String, String> key = Map.of("id", Long.toString(erased));
            PurgeCommand replay =
                    PurgeCommand.erasure(
                            requestId, "contacts", key, "contacts/" + erased, PurgeAction.DELETE);
            PurgeOutcome again = executor(s, policy).execute(replay);
            assertThat(again.replay()).isTrue();
            assertThat(again.done()).isTrue();
            assertThat(count(c, "SELECT count(*) FROM lethe.purge_log")).isEqualTo(rowsBefore);

            Cli purges = cli("purges", "--data-dir", s.dataDir().toString());
            assertThat(purges.out())
                    .contains("tickets/" + deletedTicket)
                    .contains("contacts/" + erased);

            // a crash between the purge and its receipt: the soft-deleted ticket's purge is done
            // and its receipt is in the log of record; the relay crashes after the send, before
            // the mark (published_at back to NULL), and the retention job crashes and comes back
            // from its state before the purge (its timer fires again)
            String ticket = "tickets/" + deletedTicket;
            String receiptId =
                    string(
                            c,
                            "SELECT receipt_id FROM lethe.purge_log"
                                    + " WHERE entity_id = ? AND outcome = 'done'",
                            ticket);
            assertThat(awaitAuditEntry(audit.auditTopic(), ticket, "PURGE").getAttributes())
                    .containsEntry("receiptId", receiptId);
            retentionJob.cancel().get();
            try (PreparedStatement ps =
                    c.prepareStatement(
                            "UPDATE lethe.purge_log SET published_at = NULL"
                                    + " WHERE receipt_id = ?")) {
                ps.setString(1, receiptId);
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            retentionJob =
                    SetUpAndSubmit.retention(
                            retentionEnvironment(s, beforePurge), retention, retentionSettings);
            await(
                    () ->
                            string(
                                            c,
                                            "SELECT published_at::text FROM lethe.purge_log"
                                                    + " WHERE receipt_id = ?",
                                            receiptId)
                                    != null,
                    "receipt published again");
            // a later receipt of the same record (an erasure finding it gone) takes the same path
            // through the audit job after the replayed one: once it is in the log, the replay was
            // dealt with
            PurgeOutcome gone =
                    executor(s, policy)
                            .execute(
                                    PurgeCommand.erasure(
                                            "after-crash-" + run,
                                            "tickets",
                                            Map.of("id", Long.toString(deletedTicket)),
                                            ticket,
                                            PurgeAction.DELETE));
            assertThat(gone.done()).as(gone.reason()).isFalse();
            List<AuditEntry> ticketLog =
                    AuditTestJobs.entries(
                            audit.auditTopic(),
                            e -> e.getEntityId().equals(ticket),
                            l -> l.stream().anyMatch(e -> receiptOf(e, gone.receiptId())),
                            AUDIT_WAIT);
            assertThat(ticketLog).anyMatch(e -> receiptOf(e, gone.receiptId()));
            // deleted once, one receipt of it in the log though Kafka has it twice; the restored
            // ticket, whose soft delete the restore replayed too, stays
            assertThat(exists(c, "tickets", deletedTicket)).isFalse();
            assertThat(exists(c, "tickets", restoredTicket)).as("restored ticket").isTrue();
            assertThat(
                            count(
                                    c,
                                    "SELECT count(*) FROM lethe.purge_log WHERE outcome = 'done'"
                                            + " AND entity_id = 'tickets/' || ?",
                                    deletedTicket))
                    .isEqualTo(1);
            assertThat(ticketLog).filteredOn(e -> e.getOp().equals("DELETE")).hasSize(1);
            assertThat(ticketLog).filteredOn(e -> receiptOf(e, receiptId)).hasSize(1);
            assertThat(published(ReceiptRelay.DEFAULT_TOPIC, receiptId)).isEqualTo(2);
            Cli stillVerified =
                    awaitVerified(
                            audit,
                            auditTopics,
                            ticketLog.get(ticketLog.size() - 1).getLogIndex() + 1);
            assertThat(stillVerified.out()).startsWith("OK: ").contains("all match the log");
        } finally {
            retentionJob.cancel().get();
            discoveryJob.cancel().get();
            auditJob.cancel().get();
        }
    }

    /**
     * Where the retention job runs: the shared stack's Flink, restored from {@code savepoint} if
     * given.
     */
    private static StreamExecutionEnvironment retentionEnvironment(
            StackSettings s, String savepoint) {
        Configuration conf = new Configuration();
        if (savepoint != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        return SetUpAndSubmit.flinkOf(s, conf);
    }

    /** A savepoint of {@code job} in {@code dir}, once all its tasks run; its path. */
    private static String savepoint(JobClient job, Path dir) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                return job.triggerSavepoint(dir.toUri().toString(), SavepointFormatType.CANONICAL)
                        .get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                // not all tasks running yet
                assertThat(System.nanoTime())
                        .as("a savepoint: " + e.getCause())
                        .isLessThan(deadline);
                Thread.sleep(500);
            }
        }
    }

    /** Whether {@code e} is the entry of receipt {@code receiptId}. */
    private static boolean receiptOf(AuditEntry e, String receiptId) {
        return e.getKind().equals(LetheActionEntries.PURGE_RECEIPT)
                && receiptId.equals(e.getAttributes().get("receiptId"));
    }

    /** How many records of {@code topic} (one partition) have the key {@code key}. */
    private static long published(String topic, String key) {
        TopicPartition tp = new TopicPartition(topic, 0);
        byte[] wanted = key.getBytes(StandardCharsets.UTF_8);
        long found = 0;
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        AuditTestJobs.consumerProperties(),
                        new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (consumer.position(tp) < end) {
                assertThat(System.nanoTime()).as("read " + topic).isLessThan(deadline);
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(300))) {
                    if (Arrays.equals(r.key(), wanted)) {
                        found++;
                    }
                }
            }
        }
        return found;
    }

    private static String string(Connection c, String sql, String param) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, param);
            try (ResultSet r = ps.executeQuery()) {
                assertThat(r.next()).as(sql).isTrue();
                return r.getString(1);
            }
        }
    }

    /** How {@code audit log} shows a value whose subject's key was destroyed. */
    private static final String AUDIT_ERASED = "[erased]";

    /** The first entry of {@code entity} with {@code op} in the log of record. */
    private static AuditEntry awaitAuditEntry(String topic, String entity, String op) {
        return AuditTestJobs.entries(
                        topic,
                        e -> e.getEntityId().equals(entity) && e.getOp().equals(op),
                        l -> !l.isEmpty(),
                        AUDIT_WAIT)
                .stream()
                .findFirst()
                .orElseThrow(
                        () -> new AssertionError("no " + op + " of " + entity + " in " + topic));
    }

    /**
     * Runs {@code audit verify} until a signed checkpoint covers the first {@code entries} entries
     * and it passes (the index copy may trail the log by a moment), or the wait ends.
     */
    private static Cli awaitVerified(JobSettings audit, List<String> topics, long entries)
            throws Exception {
        long deadline = System.nanoTime() + AUDIT_WAIT.toNanos();
        Pattern treeSize = Pattern.compile("latest checkpoint \\d+ \\(treeSize (\\d+)\\)");
        Cli last;
        do {
            last =
                    cli(
                            concat(
                                    List.of("audit", "verify", "--audit-index", audit.auditIndex()),
                                    topics));
            Matcher m = treeSize.matcher(last.out());
            if (last.code() == 0 && m.find() && Long.parseLong(m.group(1)) >= entries) {
                return last;
            }
            Thread.sleep(1_000);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(
                "the log did not verify up to entry " + entries + " in time:\n" + last.out());
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static JobSettings settings(StackSettings s, String name) {
        return JobSettings.parse(
                TestJobArgs.of(s, dev.lethe.local.ComponentRole.RETENTION, name, name, "2s")
                        .toArray(String[]::new));
    }

    private static JdbcSubjectKeyStore keyStore(StackSettings s) {
        return JdbcSubjectKeyStore.builder()
                .dataSource(dataSource(s))
                .masterKeys(new FileMasterKeySource(s.dataDir().resolve("secrets/master.key")))
                .build();
    }

    private static JdbcPurgeExecutor executor(StackSettings s, Path policy) {
        PersonalDataCatalog catalog = PersonalDataCatalog.loadDefault();
        return new JdbcPurgeExecutor(
                dataSource(s), catalog, RetentionPolicy.load(policy, catalog), Clock.systemUTC());
    }

    private static PGSimpleDataSource dataSource(StackSettings s) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(s.postgresJdbcUrl());
        ds.setUser(s.postgresUser());
        ds.setPassword(s.postgresPassword());
        return ds;
    }

    private static long contact(Connection c, String first, String last, String email)
            throws Exception {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "INSERT INTO contacts (first_name, last_name, email) VALUES (?, ?, ?)"
                                + " RETURNING id")) {
            ps.setString(1, first);
            ps.setString(2, last);
            ps.setString(3, email);
            return single(ps);
        }
    }

    private static long ticket(Connection c, long contact, String status) throws Exception {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "INSERT INTO tickets (contact_id, subject, status, closed_at)"
                                + " VALUES (?, 'printer broken', ?, now()) RETURNING id")) {
            ps.setLong(1, contact);
            ps.setString(2, status);
            return single(ps);
        }
    }

    private static long comment(Connection c, long ticket, String content) throws Exception {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "INSERT INTO comments (ticket_id, content) VALUES (?, ?) RETURNING id")) {
            ps.setLong(1, ticket);
            ps.setString(2, content);
            return single(ps);
        }
    }

    private static long single(PreparedStatement ps) throws Exception {
        try (ResultSet r = ps.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }

    private static void update(Connection c, String sql, long... ids) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < ids.length; i++) {
                ps.setLong(i + 1, ids[i]);
            }
            ps.executeUpdate();
        }
    }

    private static boolean exists(Connection c, String table, long id) throws Exception {
        return count(c, "SELECT count(*) FROM " + table + " WHERE id = ?", id) > 0;
    }

    private static long count(Connection c, String sql, long... ids) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < ids.length; i++) {
                ps.setLong(i + 1, ids[i]);
            }
            return single(ps);
        }
    }

    private static long scheduled(Connection c, String entity) throws Exception {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT count(*) FROM lethe.purge_schedule WHERE entity_id = ?")) {
            ps.setString(1, entity);
            return single(ps);
        }
    }

    private static String text(Connection c, String sql, long id) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            try (ResultSet r = ps.executeQuery()) {
                r.next();
                return r.getString(1);
            }
        }
    }

    private static final String WEI_LI_TEXT =
            "Our delivery was late. Wei Li from your team (+86 138 1234 5678) promised a Litre of"
                    + " oil; please deliver it. Li said so.";

    private static long indexedColumn(ElasticsearchClient es, String record, String column)
            throws Exception {
        es.indices().refresh(r -> r.index(LocationDocument.INDEX));
        return es.count(
                        q ->
                                q.index(LocationDocument.INDEX)
                                        .query(
                                                x ->
                                                        x.bool(
                                                                b ->
                                                                        b.filter(
                                                                                        f ->
                                                                                                f
                                                                                                        .term(
                                                                                                                t ->
                                                                                                                        t.field(
                                                                                                                                        "recordId")
                                                                                                                                .value(
                                                                                                                                        record)))
                                                                                .filter(
                                                                                        f ->
                                                                                                f
                                                                                                        .term(
                                                                                                                t ->
                                                                                                                        t.field(
                                                                                                                                        "column")
                                                                                                                                .value(
                                                                                                                                        column))))))
                .count();
    }

    private static long indexed(ElasticsearchClient es, String record) throws Exception {
        es.indices().refresh(r -> r.index(LocationDocument.INDEX));
        return es.count(
                        q ->
                                q.index(LocationDocument.INDEX)
                                        .query(x -> x.term(t -> t.field("recordId").value(record))))
                .count();
    }

    private static long subjectDocs(ElasticsearchClient es, String subject) throws Exception {
        es.indices().refresh(r -> r.index(LocationDocument.INDEX));
        return es.count(
                        q ->
                                q.index(LocationDocument.INDEX)
                                        .query(
                                                x ->
                                                        x.term(
                                                                t ->
                                                                        t.field("subjectIds")
                                                                                .value(subject))))
                .count();
    }

    private static void await(Callable<Boolean> condition, String what) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.call()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(300);
        }
    }

    private static Cli cli(List<String> args) {
        return AuditTestJobs.cli(args);
    }

    private static Cli cli(String... args) {
        return AuditTestJobs.cli(List.of(args));
    }
}
