package dev.lethe.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.events.AuditCheckpoint;
import dev.lethe.events.AuditEntry;
import dev.lethe.jobs.audit.AuditJob;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.config.Secrets;
import dev.lethe.jobs.elasticsearch.ElasticsearchConnection;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import dev.lethe.testing.AuditTestJobs;
import dev.lethe.testing.SetUpAndSubmit;
import dev.lethe.testing.SharedStack;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * {@code ./lethe audit} against the audit job on the real stack: the log verifies; after the Flink
 * process is killed (SIGKILL) mid-stream and the stack restarted, the job restored from its latest
 * retained checkpoint still audits every change (also those made while it was down) exactly once
 * and the chains verify; an export record is chained as an entry; a proof checks offline; and a
 * hash changed in the Elasticsearch copy makes verify fail naming that document.
 */
class AuditCliITCase {

    private static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void verifyProveAndExactlyOnceAcrossAKillNineOfFlinkAndARestart() throws Exception {
        StackSettings s = SharedStack.settings();
        System.setProperty(Secrets.ELASTICSEARCH_PASSWORD, s.elasticsearchPassword().orElseThrow());
        String run = UUID.randomUUID().toString().substring(0, 8);
        JobSettings settings = settings(s, run);
        JobID jobId = JobID.generate();
        List<String> topics =
                List.of(
                        "--audit-topic",
                        settings.auditTopic(),
                        "--audit-checkpoint-topic",
                        settings.auditCheckpointTopic(),
                        "--data-dir",
                        s.dataDir().toString());

        JobClient job = submit(s, settings, jobId, Optional.empty());
        long contact;
        String entity;
        try (Connection c = StackProbe.connectPostgres(s)) {
            c.setAutoCommit(false);
            Actor.agent(7, "created on the phone").emit(c);
            contact = insertContact(c, "cli." + run + "@example.eu");
            c.commit();
            entity = "contacts/" + contact;
        }
        // an export Lethe carried out, as ./lethe subject export records it
        String exportRecord =
                "{\"type\":\"export\",\"subjectId\":\"contact:"
                        + contact
                        + "\",\"requestedBy\":\"dpo-"
                        + run
                        + "\",\"at\":\"2025-04-02T10:00:00Z\",\"items\":1,\"mentions\":0,\"files\":[]}";
        send(s, AuditJob.AUDIT_REQUESTS_TOPIC, "contact:" + contact, exportRecord);

        AtomicInteger written = new AtomicInteger(1);
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer =
                new Thread(
                        () -> {
                            try (Connection c = StackProbe.connectPostgres(s)) {
                                for (int i = 0; i < 400 && !stop.get(); i++) {
                                    edit(c, contact, "l" + i);
                                    written.incrementAndGet();
                                    Thread.sleep(150);
                                }
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        });
        try {
            // the export entry is in the subject's chain
            List<AuditEntry> exports =
                    await(
                            settings.auditTopic(),
                            e ->
                                    e.getEntityId().equals("subjects/contact:" + contact)
                                            && e.getKind().equals("export"),
                            l -> !l.isEmpty());
            assertThat(exports)
                    .singleElement()
                    .satisfies(
                            e -> {
                                assertThat(e.getOp()).isEqualTo("EXPORT");
                                assertThat(e.getActor().getId()).isEqualTo("dpo-" + run);
                            });

            // kill -9 the Flink process mid-stream, changes coming in
            writer.start();
            await(settings.auditTopic(), e -> e.getEntityId().equals(entity), l -> l.size() >= 8);
            awaitCheckpointFile(s, jobId);
        } catch (AssertionError | RuntimeException e) {
            stop.set(true);
            job.cancel().get();
            throw e;
        }
        ProcessHandle flink =
                ProcessHandle.of(SharedStack.stack().processes().get("flink").pid()).orElseThrow();
        flink.destroyForcibly();
        flink.onExit().get(30, TimeUnit.SECONDS);
        stop.set(true);
        writer.join();
        // the whole stack restarts from its data directory; more changes while the job is down
        SharedStack.restart();
        try (Connection c = StackProbe.connectPostgres(s)) {
            for (int i = 0; i < 5; i++) {
                edit(c, contact, "after-restart-" + i);
                written.incrementAndGet();
            }
        }
        Path restoreFrom = latestCheckpoint(s, jobId).orElseThrow();
        job = submit(s, settings, JobID.generate(), Optional.of(restoreFrom));
        try {
            writer.join();
            int changes = written.get();
            List<AuditEntry> mine =
                    await(
                            settings.auditTopic(),
                            e -> e.getEntityId().equals(entity),
                            l -> l.size() >= changes);
            // a barrier, not a sleep: one more change of the same entity, committed after all
            // the others; its entry follows every entry of the entity in the chain, so once it
            // is read, a duplicate of an earlier change would have been read before it
            try (Connection c = StackProbe.connectPostgres(s)) {
                edit(c, contact, "marker");
            }
            long markerSeq = changes + 1;
            mine =
                    await(
                            settings.auditTopic(),
                            e -> e.getEntityId().equals(entity),
                            l -> l.stream().anyMatch(e -> e.getSeq() == markerSeq));
            assertThat(mine).hasSize(changes + 1);
            assertThat(mine).extracting(AuditEntry::getSeq).isSorted().doesNotHaveDuplicates();
            assertThat(mine.get(mine.size() - 1).getSeq()).isEqualTo(markerSeq);
            assertThat(mine.stream().map(AuditEntry::getLsn).distinct()).hasSize(changes + 1);

            // wait until a signed checkpoint covers the whole log
            long total = count(settings.auditTopic());
            await(
                    settings.auditCheckpointTopic(),
                    b -> AuditCheckpoint.fromByteBuffer(ByteBuffer.wrap(b)),
                    c -> c.getTreeSize() >= total,
                    l -> !l.isEmpty());

            // ./lethe audit verify: log of record, checkpoints and the index copy. Its own
            // break-glass access record lands in this log after the horizon, in the index first
            // and in the log at the job's next checkpoint: the bound on that wait is generous,
            // since a restored job's first checkpoints can be slow under the whole suite's load
            AuditTestJobs.Cli ok =
                    cli(
                            concat(
                                    List.of(
                                            "audit",
                                            "verify",
                                            "--audit-index",
                                            settings.auditIndex(),
                                            "--pending-bound",
                                            "120s"),
                                    topics));
            assertThat(ok.code()).as(ok.out()).isZero();
            assertThat(ok.out()).startsWith("OK: ").contains("all match the log");

            // ./lethe audit prove <entity>#2, checked offline
            AuditTestJobs.Cli proof = cli(concat(List.of("audit", "prove", entity + "#2"), topics));
            assertThat(proof.code()).as(proof.out()).isZero();
            Path proofFile = Files.createTempFile("audit-proof", ".json");
            Files.writeString(proofFile, proof.out());
            AuditTestJobs.Cli checked =
                    cli(
                            List.of(
                                    "audit",
                                    "check-proof",
                                    proofFile.toString(),
                                    "--data-dir",
                                    s.dataDir().toString()));
            assertThat(checked.code()).as(checked.out()).isZero();
            assertThat(checked.out())
                    .startsWith("OK: entry logIndex " + mine.get(1).getLogIndex() + " ");

            // ./lethe audit log shows the entity's changes with their actor
            AuditTestJobs.Cli log =
                    cli(concat(List.of("audit", "log", "--key", entity, "--limit", "2"), topics));
            assertThat(log.code()).as(log.out()).isZero();
            assertThat(log.out()).contains(entity + " seq " + changes).contains("by agent:7");

            // tamper with the index copy: one document's hash
            String docId = entity + "#1";
            try (ElasticsearchConnection.Clients es =
                    new ElasticsearchConnection(s.elasticsearchUrl(), s.elasticsearchUser())
                            .open(s.elasticsearchPassword().orElseThrow())) {
                es.client()
                        .update(
                                u ->
                                        u.index(settings.auditIndex())
                                                .id(docId)
                                                .doc(Map.of("hash", "00".repeat(32))),
                                Map.class);
            }
            AuditTestJobs.Cli tampered =
                    cli(
                            concat(
                                    List.of(
                                            "audit",
                                            "verify",
                                            "--audit-index",
                                            settings.auditIndex()),
                                    topics));
            assertThat(tampered.code()).as(tampered.out()).isEqualTo(1);
            assertThat(tampered.out())
                    .startsWith("FAILED")
                    .contains(
                            "index: MODIFIED document "
                                    + docId
                                    + " logIndex "
                                    + mine.get(0).getLogIndex());
        } finally {
            job.cancel().get();
        }
    }

    private static JobSettings settings(StackSettings s, String run) {
        return AuditTestJobs.settings(s, "cli-" + run, 5);
    }

    private static JobClient submit(
            StackSettings s, JobSettings settings, JobID jobId, Optional<Path> restore)
            throws Exception {
        Configuration conf = new Configuration();
        conf.setString("$internal.pipeline.job-id", jobId.toHexString());
        conf.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        restore.ifPresent(p -> conf.set(StateRecoveryOptions.SAVEPOINT_PATH, p.toString()));
        StreamExecutionEnvironment env = SetUpAndSubmit.flinkOf(s, conf);
        return SetUpAndSubmit.audit(env, settings);
    }

    private static Optional<Path> latestCheckpoint(StackSettings s, JobID jobId) throws Exception {
        Path dir = s.dataDir().resolve("flink/checkpoints").resolve(jobId.toHexString());
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> chks = Files.list(dir)) {
            return chks.filter(p -> p.getFileName().toString().startsWith("chk-"))
                    .filter(p -> Files.isRegularFile(p.resolve("_metadata")))
                    .max(
                            Comparator.comparingLong(
                                    p -> Long.parseLong(p.getFileName().toString().substring(4))));
        }
    }

    private static void awaitCheckpointFile(StackSettings s, JobID jobId) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (latestCheckpoint(s, jobId).isEmpty()) {
            assertThat(System.nanoTime()).as("a completed Flink checkpoint").isLessThan(deadline);
            Thread.sleep(300);
        }
    }

    /** One committed update of the contact's locale, by agent 7. */
    private static void edit(Connection c, long contact, String locale) throws Exception {
        c.setAutoCommit(false);
        Actor.agent(7, "edit " + locale).emit(c);
        try (PreparedStatement ps =
                c.prepareStatement("UPDATE contacts SET locale = ? WHERE id = ?")) {
            ps.setString(1, locale);
            ps.setLong(2, contact);
            ps.executeUpdate();
        }
        c.commit();
    }

    private static long insertContact(Connection c, String email) throws Exception {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "INSERT INTO contacts (first_name, last_name, email) VALUES ('Cli', 'Audit', ?)"
                                + " RETURNING id")) {
            ps.setString(1, email);
            ResultSet rs = ps.executeQuery();
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void send(StackSettings s, String topic, String key, String value)
            throws Exception {
        Properties p = s.kafkaClient();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(
                            new ProducerRecord<>(
                                    topic,
                                    key.getBytes(StandardCharsets.UTF_8),
                                    value.getBytes(StandardCharsets.UTF_8)))
                    .get();
        }
    }

    private static AuditTestJobs.Cli cli(List<String> args) {
        return AuditTestJobs.cli(args);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static long count(String topic) {
        Properties p = consumerProperties();
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            return c.endOffsets(List.of(tp)).get(tp) > 0 ? awaitAll(topic).size() : 0;
        }
    }

    private static List<AuditEntry> awaitAll(String topic) {
        return await(topic, e -> true, l -> false, Duration.ofSeconds(3));
    }

    private static List<AuditEntry> await(
            String topic, Predicate<AuditEntry> filter, Predicate<List<AuditEntry>> done) {
        return await(topic, filter, done, WAIT);
    }

    private static List<AuditEntry> await(
            String topic,
            Predicate<AuditEntry> filter,
            Predicate<List<AuditEntry>> done,
            Duration wait) {
        return await(topic, b -> AuditEntry.fromByteBuffer(ByteBuffer.wrap(b)), filter, done, wait);
    }

    private static <T> List<T> await(
            String topic, Decoder<T> decode, Predicate<T> filter, Predicate<List<T>> done) {
        return await(topic, decode, filter, done, WAIT);
    }

    /** Reads {@code topic} read_committed from the start until {@code done} or {@code wait}. */
    private static <T> List<T> await(
            String topic,
            Decoder<T> decode,
            Predicate<T> filter,
            Predicate<List<T>> done,
            Duration wait) {
        return AuditTestJobs.read(topic, decode::decode, filter, done, wait);
    }

    private static Properties consumerProperties() {
        return AuditTestJobs.consumerProperties();
    }

    interface Decoder<T> {
        T decode(byte[] b) throws Exception;
    }
}
