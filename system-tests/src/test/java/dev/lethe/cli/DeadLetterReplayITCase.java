package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.events.AuditEntry;
import dev.lethe.events.DeadLetter;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.config.Secrets;
import dev.lethe.jobs.kafka.Replays;
import dev.lethe.local.CaptureTopics;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import dev.lethe.normalize.ChangeNormalizer;
import dev.lethe.normalize.HelpdeskTables;
import dev.lethe.testing.AuditTestJobs;
import dev.lethe.testing.SetUpAndSubmit;
import dev.lethe.testing.SharedStack;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./lethe deadletters} and {@code ./lethe deadletters replay} on the real stack, with an
 * audit job of the test's own: a poison record's dead letter listed by table, replayed once (the
 * job takes the replay as the record it rejected, which fails again: a new letter naming the
 * replay), the replay recorded in the audit log once, a second replay command skipping the letter
 * replayed; a change rejected by one version of the job and replayed through the fixed version,
 * deployed from the first one's savepoint, logged once; a letter whose record its topic no longer
 * holds reported as lost coverage.
 */
class DeadLetterReplayITCase {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aDeadLetterIsListedByTableReplayedOnceAndTheReplayIsInTheAuditLog() throws Exception {
        StackSettings s = SharedStack.settings();
        System.setProperty(Secrets.ELASTICSEARCH_PASSWORD, s.elasticsearchPassword().orElseThrow());
        String run = AuditTestJobs.run("replay");
        // in the poisoned value only (the run id also names the test's topics, which are listed)
        String secret = "value-" + Integer.toHexString(run.hashCode());
        JobSettings settings = AuditTestJobs.settings(s, run, 3);
        String dlq = settings.deadLetterTopic();
        StreamExecutionEnvironment env = SetUpAndSubmit.flinkOf(s);
        JobClient job = SetUpAndSubmit.audit(env, settings);
        try {
            long poison;
            try (KafkaProducer<byte[], byte[]> p =
                    new KafkaProducer<>(
                            s.captureKafkaClient(),
                            new ByteArraySerializer(),
                            new ByteArraySerializer())) {
                poison =
                        p.send(
                                        new ProducerRecord<>(
                                                CaptureTopics.tableTopic("tickets"),
                                                "{\"id\":1}".getBytes(StandardCharsets.UTF_8),
                                                ("{not json " + secret)
                                                        .getBytes(StandardCharsets.UTF_8)))
                                .get()
                                .offset();
            }
            List<DeadLetter> first = awaitLetters(dlq, poison, 1);
            assertThat(first.get(0).getReason()).isEqualTo("MALFORMED_JSON");

            // listed by table, never by value
            AuditTestJobs.Cli listed =
                    AuditTestJobs.cli(
                            List.of(
                                    "deadletters",
                                    "--topic",
                                    dlq,
                                    "--table",
                                    "tickets",
                                    "--json",
                                    "--data-dir",
                                    s.dataDir().toString()));
            assertThat(listed.code()).isZero();
            assertThat(listed.out()).doesNotContain(secret);
            JsonNode list = JSON.readTree(listed.out());
            assertThat(list.path("byTable").path("tickets").asLong()).isPositive();
            assertThat(list.path("letters"))
                    .anySatisfy(
                            l -> {
                                assertThat(l.path("table").asText()).isEqualTo("tickets");
                                assertThat(l.path("sourceOffset").asLong()).isEqualTo(poison);
                                assertThat(l.path("replayable").asBoolean()).isTrue();
                            });
            assertThat(list.path("lostCoverage").path("total").asLong()).isZero();

            // a dry run replays nothing
            AuditTestJobs.Cli dry = replay(s, dlq, "--dry-run");
            assertThat(dry.code()).isZero();
            assertThat(dry.out()).contains("would replay").doesNotContain(secret);
            // (the job has read the raw topics from their start: other tests' poison records are
            // its dead letters too, and are replayed alike)
            AuditTestJobs.Cli replayed = replay(s, dlq, "--replayed-by", "it-ops");
            assertThat(replayed.code()).as(replayed.out()).isZero();
            assertThat(replayed.out()).contains("Replayed ").doesNotContain(secret);

            // the job took the replay as the record it rejected: it fails again, a new letter
            List<DeadLetter> again = awaitLetters(dlq, poison, 2);
            String letterPosition = dlq + "/0@";
            assertThat(again.get(1).getDetail()).contains("(replay of " + letterPosition);

            // the replay in the audit log, once
            List<AuditEntry> recorded =
                    AuditTestJobs.entries(
                            settings.auditTopic(),
                            e ->
                                    e.getKind().equals("deadletter-replay")
                                            && e.getAttributes()
                                                    .getOrDefault("firstDeadLetter", "")
                                                    .startsWith(letterPosition),
                            l -> !l.isEmpty(),
                            WAIT);
            assertThat(recorded)
                    .singleElement()
                    .satisfies(
                            e -> {
                                assertThat(e.getEntityId()).isEqualTo("deadletters/MALFORMED_JSON");
                                assertThat(e.getOp()).isEqualTo("REPLAY");
                                assertThat(e.getActor().getId()).isEqualTo("it-ops");
                                assertThat(e.getAttributes().get("job.audit")).isNotNull();
                            });

            // a second replay skips the letters replayed (it replays only the failures since)
            AuditTestJobs.Cli second = replay(s, dlq, "--replayed-by", "it-ops");
            assertThat(second.code()).isZero();
            assertThat(second.out()).containsPattern("[1-9][0-9]* replayed before");
            String original =
                    letterPosition + positionOf(dlq, d -> d.getSourceOffset() == poison, 0);
            assertThat(replaysOf(original)).as("replays of " + original).isEqualTo(1);
        } finally {
            job.cancel().get();
        }
    }

    /**
     * The path a replay is for: a version of the job rejects a table's changes (its normalizer does
     * not know the table), the fixed version is deployed from its savepoint, and the replayed dead
     * letter is logged once, at its original position, as the change it was.
     */
    @Test
    void aChangeRejectedByOneVersionIsLoggedOnceWhenReplayedThroughTheFixedOne(
            @TempDir Path savepoints) throws Exception {
        StackSettings s = SharedStack.settings();
        System.setProperty(Secrets.ELASTICSEARCH_PASSWORD, s.elasticsearchPassword().orElseThrow());
        String run = AuditTestJobs.run("upgrade");
        JobSettings settings = AuditTestJobs.settings(s, run, 3);
        String dlq = settings.deadLetterTopic();
        Map<String, Set<String>> withoutConsents = new LinkedHashMap<>(HelpdeskTables.COLUMNS);
        withoutConsents.remove("consents");
        JobClient job =
                SetUpAndSubmit.audit(
                        environment(s, null), settings, new ChangeNormalizer(withoutConsents));
        long contact;
        long consent;
        try (Connection c = StackProbe.connectPostgres(s)) {
            contact =
                    insert(
                            c,
                            "INSERT INTO contacts (first_name, last_name, email, locale)"
                                    + " VALUES ('Ida', 'Upgrade', ?, 'de-DE') RETURNING id",
                            "ida." + run + "@example.eu");
            consent =
                    insert(
                            c,
                            "INSERT INTO consents (contact_id, purpose, granted) VALUES ("
                                    + contact
                                    + ", ?, true) RETURNING id",
                            "purpose-" + run);
        }
        String consentId = "consents/" + consent;
        try {
            // the old version logs the contact and rejects its consent
            assertThat(entriesOf(settings, "contacts/" + contact, l -> !l.isEmpty(), WAIT))
                    .isNotEmpty();
            List<DeadLetter> rejected =
                    AuditTestJobs.read(
                            dlq,
                            b -> DeadLetter.fromByteBuffer(ByteBuffer.wrap(b)),
                            d ->
                                    d.getSourceTopic().equals(CaptureTopics.tableTopic("consents"))
                                            && new String(
                                                            bytes(d.getRawValue()),
                                                            StandardCharsets.UTF_8)
                                                    .contains("purpose-" + run),
                            l -> !l.isEmpty(),
                            WAIT);
            assertThat(rejected).singleElement();
            assertThat(rejected.get(0).getReason()).isEqualTo("SCHEMA_CHANGE");
            assertThat(entriesOf(settings, consentId, l -> false, Duration.ofSeconds(3))).isEmpty();

            // the fixed version, from the old one's savepoint (which holds what it rejected)
            String savepoint =
                    job.stopWithSavepoint(
                                    false,
                                    savepoints.toUri().toString(),
                                    SavepointFormatType.CANONICAL)
                            .get(2, TimeUnit.MINUTES);
            job = SetUpAndSubmit.audit(environment(s, savepoint), settings);

            AuditTestJobs.Cli replayed =
                    replayOf(
                            s,
                            "SCHEMA_CHANGE",
                            dlq,
                            "--table",
                            "consents",
                            "--replayed-by",
                            "it-ops");
            assertThat(replayed.code()).as(replayed.out()).isZero();
            assertThat(replayed.out()).contains("Replayed ").doesNotContain("purpose-" + run);

            // logged once, as the insert it was, late in its chain
            List<AuditEntry> logged = entriesOf(settings, consentId, l -> !l.isEmpty(), WAIT);
            assertThat(logged)
                    .singleElement()
                    .satisfies(
                            e -> {
                                assertThat(e.getKind()).isEqualTo("change");
                                assertThat(e.getOp()).isEqualTo("INSERT");
                                assertThat(e.getLsn()).isNotNull();
                            });
            // the replay on the record, and a second command finds nothing left to replay
            assertThat(
                            AuditTestJobs.entries(
                                    settings.auditTopic(),
                                    e -> e.getEntityId().equals("deadletters/SCHEMA_CHANGE"),
                                    l -> !l.isEmpty(),
                                    WAIT))
                    .singleElement()
                    .satisfies(e -> assertThat(e.getActor().getId()).isEqualTo("it-ops"));
            AuditTestJobs.Cli second =
                    replayOf(
                            s,
                            "SCHEMA_CHANGE",
                            dlq,
                            "--table",
                            "consents",
                            "--replayed-by",
                            "it-ops");
            assertThat(second.code()).as(second.out()).isZero();
            assertThat(second.out()).containsPattern("[1-9][0-9]* replayed before");
            assertThat(entriesOf(settings, consentId, l -> false, Duration.ofSeconds(10)))
                    .as("the consent's entries after the second replay command")
                    .hasSize(1);
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void aLetterWhoseRecordItsTopicNoLongerHoldsIsLostCoverage() throws Exception {
        StackSettings s = SharedStack.settings();
        String run = AuditTestJobs.run("lost");
        String source = "lethe.it-source-" + run;
        String dlq = "lethe.deadletter.it-" + run;
        Properties p = s.kafkaClient();
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(
                            List.of(
                                    new NewTopic(source, 1, (short) 1),
                                    new NewTopic(dlq, 1, (short) 1)))
                    .all()
                    .get();
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(source, new byte[] {1})).get();
                producer.send(new ProducerRecord<>(source, new byte[] {2})).get();
                DeadLetter letter =
                        new DeadLetter(
                                "audit/normalize",
                                "MALFORMED_JSON",
                                "value is not valid JSON",
                                source,
                                0,
                                0L,
                                null,
                                ByteBuffer.wrap(("secret " + run).getBytes(StandardCharsets.UTF_8)),
                                Instant.now());
                producer.send(new ProducerRecord<>(dlq, bytes(letter.toByteBuffer()))).get();
            }
            // retention took the record
            admin.deleteRecords(
                            Map.of(new TopicPartition(source, 0), RecordsToDelete.beforeOffset(1)))
                    .all()
                    .get();
        }
        AuditTestJobs.Cli listed =
                AuditTestJobs.cli(
                        List.of(
                                "deadletters",
                                "--topic",
                                dlq,
                                "--json",
                                "--data-dir",
                                s.dataDir().toString()));
        assertThat(listed.code()).isZero();
        assertThat(listed.out()).doesNotContain("secret");
        JsonNode lost = JSON.readTree(listed.out()).path("lostCoverage");
        assertThat(lost.path("total").asLong()).isEqualTo(1);
        assertThat(lost.path("letters").get(0).path("sourceTopic").asText()).isEqualTo(source);
        assertThat(lost.path("letters").get(0).path("sourceOffset").asLong()).isZero();
        assertThat(lost.path("letters").get(0).path("earliestOffset").asLong()).isEqualTo(1);
        assertThat(lost.path("letters").get(0).path("deadLetter").asText()).isEqualTo(dlq + "/0@0");

        AuditTestJobs.Cli text =
                AuditTestJobs.cli(
                        List.of(
                                "deadletters",
                                "--topic",
                                dlq,
                                "--data-dir",
                                s.dataDir().toString()));
        assertThat(text.out())
                .contains("Lost coverage: 1")
                .contains(source + "/0@0")
                .doesNotContain("secret");
    }

    private static AuditTestJobs.Cli replay(StackSettings s, String dlq, String... more) {
        return replayOf(s, "MALFORMED_JSON", dlq, more);
    }

    private static AuditTestJobs.Cli replayOf(
            StackSettings s, String reason, String dlq, String... more) {
        List<String> args =
                new java.util.ArrayList<>(
                        List.of(
                                "deadletters",
                                "replay",
                                "--reason",
                                reason,
                                "--topic",
                                dlq,
                                "--data-dir",
                                s.dataDir().toString()));
        args.addAll(List.of(more));
        return AuditTestJobs.cli(args);
    }

    /** The letters of {@code dlq} for the tickets record at {@code offset}, at least {@code n}. */
    private static List<DeadLetter> awaitLetters(String dlq, long offset, int n) {
        List<DeadLetter> letters =
                AuditTestJobs.read(
                        dlq,
                        b -> DeadLetter.fromByteBuffer(ByteBuffer.wrap(b)),
                        d ->
                                d.getSourceOffset() == offset
                                        && d.getSourceTopic()
                                                .equals(CaptureTopics.tableTopic("tickets")),
                        l -> l.size() >= n,
                        WAIT);
        assertThat(letters).hasSizeGreaterThanOrEqualTo(n);
        return letters;
    }

    /** The offset in {@code dlq} of the {@code index}-th letter matching {@code which}. */
    private static long positionOf(
            String dlq, java.util.function.Predicate<DeadLetter> which, int index) {
        List<Long> offsets = new java.util.ArrayList<>();
        DeadLetterTopic.readLetters(
                SharedStack.settings().kafkaClient(),
                dlq,
                null,
                WAIT,
                (r, d) -> {
                    if (d != null && which.test(d)) {
                        offsets.add(r.offset());
                    }
                });
        return offsets.get(index);
    }

    /** How many records of the replay topic replay the dead letter at {@code position}. */
    private static long replaysOf(String position) {
        long[] n = {0};
        DeadLetterTopic.read(
                SharedStack.settings().kafkaClient(),
                Replays.TOPIC,
                null,
                WAIT,
                r -> {
                    if (position.equals(Replays.deadLetterOf(r.headers()))) {
                        n[0]++;
                    }
                });
        return n[0];
    }

    /** The entries of {@code entityId} in the run's audit log. */
    private static List<AuditEntry> entriesOf(
            JobSettings settings,
            String entityId,
            java.util.function.Predicate<List<AuditEntry>> done,
            Duration wait) {
        return AuditTestJobs.entries(
                settings.auditTopic(), e -> e.getEntityId().equals(entityId), done, wait);
    }

    /** The shared stack's Flink, restoring {@code savepoint} when not null. */
    private static StreamExecutionEnvironment environment(StackSettings s, String savepoint) {
        Configuration conf = new Configuration();
        if (savepoint != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        return SetUpAndSubmit.flinkOf(s, conf);
    }

    private static long insert(Connection c, String sql, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
