package dev.lethe.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.audit.Actor;
import dev.lethe.events.AuditEntry;
import dev.lethe.events.DeadLetter;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.config.Secrets;
import dev.lethe.local.CaptureTopics;
import dev.lethe.local.ComponentHealth;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import dev.lethe.simulator.LoadResult;
import dev.lethe.testing.AuditTestJobs;
import dev.lethe.testing.CommittedChanges;
import dev.lethe.testing.SetUpAndSubmit;
import dev.lethe.testing.SharedStack;
import dev.lethe.testing.SteadyLoad;
import dev.lethe.testing.TestJobArgs;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * No single row stops any component: during a steady load, the rows a helpdesk really gets and a
 * forged event are written — a 50 MB description inserted then updated, a switchboard number shared
 * by 300 contacts, a ticket naming 300 people, a 3 MB custom_fields object, a 2 MB single token, a
 * column added mid-load (and dropped), a TRUNCATE of a governed table, and a raw event with an
 * escaped lone surrogate. Then: no job restarted, the Connect task was RUNNING at every probe, and
 * every change PostgreSQL committed on a governed table (read independently from a {@code
 * test_decoding} slot made before the load) is in the audit log exactly once by (entity, LSN),
 * including the changes of contacts while the catalog did not know their new column.
 */
class PoisonRowsITCase {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void poisonRowsDuringALoadStopNothingAndEveryGoodChangeIsAuditedOnce() throws Exception {
        StackSettings s = SharedStack.settings();
        System.setProperty(Secrets.ELASTICSEARCH_PASSWORD, s.elasticsearchPassword().orElseThrow());
        String run = AuditTestJobs.run("poison");
        CommittedChanges committedChanges = CommittedChanges.from(s, run);
        String slot = committedChanges.slot();
        JobSettings audit = AuditTestJobs.settings(s, run, 20);
        JobSettings discovery =
                JobSettings.parse(
                        TestJobArgs.of(
                                        s,
                                        dev.lethe.local.ComponentRole.DISCOVERY,
                                        "discovery-" + run,
                                        "discovery-" + run,
                                        "2s")
                                .toArray(String[]::new));
        JobClient auditJob = SetUpAndSubmit.audit(remote(s), audit);
        JobClient discoveryJob = SetUpAndSubmit.discovery(remote(s), discovery);
        List<String> connectStates = new ArrayList<>();
        AtomicReference<Boolean> probing = new AtomicReference<>(true);
        CompletableFuture<Void> connectProbe =
                CompletableFuture.runAsync(
                        () -> {
                            StackProbe probe = new StackProbe(s, Map.of());
                            while (probing.get()) {
                                ComponentHealth h = probe.probe("connect");
                                if (!h.healthy()) {
                                    synchronized (connectStates) {
                                        connectStates.add(h.detail());
                                    }
                                }
                                sleep(1000);
                            }
                        });
        try {
            CompletableFuture<LoadResult> loading =
                    SteadyLoad.start(s, 20, Duration.ofSeconds(90), run.hashCode());
            sleep(3000);
            try (Connection c = StackProbe.connectPostgres(s)) {
                c.setAutoCommit(false);

                // a 50 MB pasted log, inserted then updated
                String huge = "2026-12-05 ERROR spool full; retry in 5s\n".repeat(1_220_000);
                Actor.agent(7, "huge description").emit(c);
                long ticket = insertTicket(c, "log", huge, "{}");
                c.commit();
                Actor.agent(7, "huge description again").emit(c);
                exec(c, "UPDATE tickets SET description = description || 'x' WHERE id = " + ticket);
                c.commit();
                huge = null;

                // a switchboard number 300 contacts share, and a ticket naming 300 people
                Actor.agent(7, "a company's staff").emit(c);
                StringBuilder everyone = new StringBuilder("cc:");
                for (int i = 0; i < 300; i++) {
                    String email = "staff" + i + "." + run + "@example.eu";
                    exec(
                            c,
                            "INSERT INTO contacts (email, phone) VALUES ('"
                                    + email
                                    + "', '+49 30 9999000')");
                    everyone.append(' ').append(email);
                }
                c.commit();
                Actor.agent(7, "the switchboard and a mailing list").emit(c);
                insertTicket(c, "switchboard", "Call +49 30 9999000 please", "{}");
                insertTicket(c, "newsletter", everyone.toString(), "{}");
                c.commit();

                // a 3 MB custom_fields object and a 2 MB single token
                StringBuilder fields = new StringBuilder("{");
                for (int i = 0; i < 30_000; i++) {
                    fields.append(i == 0 ? "" : ",")
                            .append("\"k")
                            .append(i)
                            .append("\":\"")
                            .append("v".repeat(90))
                            .append('"');
                }
                fields.append('}');
                Actor.agent(7, "huge custom fields and a long token").emit(c);
                insertTicket(c, "fields", "see fields", fields.toString());
                insertTicket(c, "token", "a".repeat(2_000_000), "{}");
                insertTicket(c, "token200k", "@" + "ab".repeat(100_000), "{}");
                c.commit();

                // a column added mid-load, used, then dropped
                c.setAutoCommit(true);
                exec(c, "ALTER TABLE contacts ADD COLUMN nickname_" + slot + " text");
                sleep(3000);
                exec(c, "ALTER TABLE contacts DROP COLUMN nickname_" + slot);
                exec(c, "TRUNCATE consents");
            }

            // a forged raw event with an escaped lone surrogate
            forgeRawEvent(s);

            LoadResult loaded = loading.get();
            assertThat(loaded.total()).as("the load ran").isGreaterThan(100);

            // a marker change after everything: once it is in the audit log, so is all before it
            long marker;
            try (Connection c = StackProbe.connectPostgres(s)) {
                c.setAutoCommit(false);
                Actor.agent(7, "marker").emit(c);
                marker =
                        id(
                                c,
                                "INSERT INTO contacts (email) VALUES (?) RETURNING id",
                                "marker." + run + "@example.eu");
                c.commit();
            }
            String markerEntity = "contacts/" + marker;
            List<AuditEntry> entries =
                    AuditTestJobs.entries(
                            audit.auditTopic(),
                            e -> true,
                            l -> l.stream().anyMatch(e -> e.getEntityId().equals(markerEntity)),
                            Duration.ofMinutes(4));
            assertThat(entries)
                    .as("the marker reached the audit log")
                    .anyMatch(e -> e.getEntityId().equals(markerEntity));
            List<String> committed = committedChanges.read();
            assertThat(committed)
                    .as("changes read from the independent slot")
                    .hasSizeGreaterThan(500);
            // the marker, a contact, leaves at once; a ticket, thread or comment naming someone
            // waits for event time to pass its commit (its subjects as of its position, ADR 0008):
            // read on until every committed change is there, or the bound passes
            entries =
                    AuditTestJobs.entries(
                            audit.auditTopic(),
                            e -> true,
                            l -> CommittedChanges.compare(committed, l).missing().isEmpty(),
                            Duration.ofMinutes(2));
            dev.lethe.local.IndependentSlot.Comparison compared =
                    CommittedChanges.compare(committed, entries);
            List<String> missing = compared.missing();
            List<String> doubled = compared.doubled();
            assertThat(doubled).as("changes logged twice").isEmpty();
            // a column added mid-load takes nothing out of the log (fail safe: its values are
            // encrypted as personal data until classified)
            assertThat(missing).as("committed changes never logged").isEmpty();

            for (JobClient job : List.of(auditJob, discoveryJob)) {
                assertThat(restarts(s, job)).as("restarts of " + job.getJobID()).isZero();
            }
            probing.set(false);
            connectProbe.get();
            assertThat(connectStates).as("Connect probes that were not RUNNING").isEmpty();
        } finally {
            probing.set(false);
            auditJob.cancel().get();
            discoveryJob.cancel().get();
            committedChanges.close();
        }
    }

    private static void forgeRawEvent(StackSettings s) throws Exception {
        Properties p = s.captureKafkaClient();
        String value =
                "{\"before\":null,\"after\":{\"id\":999999001,\"contact_id\":1,\"agent_id\":null,"
                        + "\"subject\":\"forged\",\"description\":\"lone \\ud800 surrogate\","
                        + "\"status\":\"open\",\"channel\":\"email\",\"custom_fields\":\"{}\","
                        + "\"created_at\":1764900000000000,\"updated_at\":1764900000000000,"
                        + "\"closed_at\":null,\"deleted_at\":null},\"source\":{\"table\":\"tickets\","
                        + "\"lsn\":1,\"txId\":1,\"ts_ms\":1764900000000},\"op\":\"c\","
                        + "\"ts_ms\":1764900000000}";
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(
                            new ProducerRecord<>(
                                    CaptureTopics.tableTopic("tickets"),
                                    "{\"id\":999999001}".getBytes(StandardCharsets.UTF_8),
                                    value.getBytes(StandardCharsets.UTF_8)))
                    .get();
        }
    }

    private static List<DeadLetter> deadLetters(String topic) {
        return AuditTestJobs.read(
                topic,
                b -> DeadLetter.fromByteBuffer(ByteBuffer.wrap(b)),
                d -> true,
                l -> false,
                Duration.ofSeconds(5));
    }

    /**
     * How often the job restarted: the time it last entered RESTARTING (0 if never, Flink's job
     * details) and its exception history (each failure that caused a restart is an entry).
     */
    private static long restarts(StackSettings s, JobClient job) throws Exception {
        JsonNode details = flinkRest(s, "/jobs/" + job.getJobID());
        JsonNode exceptions = flinkRest(s, "/jobs/" + job.getJobID() + "/exceptions");
        long restarting = details.path("timestamps").path("RESTARTING").asLong(-1);
        assertThat(restarting)
                .as("job details of " + job.getJobID() + ": " + details)
                .isNotNegative();
        return (restarting > 0 ? 1 : 0)
                + exceptions.path("exceptionHistory").path("entries").size();
    }

    private static JsonNode flinkRest(StackSettings s, String path) throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        String body =
                http.send(
                                java.net.http.HttpRequest.newBuilder(s.flinkUrl().resolve(path))
                                        .build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString())
                        .body();
        return JSON.readTree(body);
    }

    private static StreamExecutionEnvironment remote(StackSettings s) {
        return SetUpAndSubmit.flinkOf(s);
    }

    private static long id(Connection c, String sql, String value) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, value);
            try (ResultSet r = ps.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    /**
     * A ticket with an owner of its own, made in the same statement (the load may delete any
     * contact it did not see a ticket of).
     */
    private static long insertTicket(
            Connection c, String subject, String description, String fields) throws Exception {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "WITH owner AS (INSERT INTO contacts (first_name, email) VALUES ('Pia',"
                                + " 'pia.' || md5(random()::text) || '@example.eu') RETURNING id)"
                                + " INSERT INTO tickets (contact_id, subject, description,"
                                + " custom_fields) SELECT id, ?, ?, ?::jsonb FROM owner RETURNING"
                                + " id")) {
            ps.setString(1, subject);
            ps.setString(2, description);
            ps.setString(3, fields);
            try (ResultSet r = ps.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    private static void exec(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @SuppressWarnings("unused")
    private static Set<String> none() {
        return new HashSet<>();
    }
}
