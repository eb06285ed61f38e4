package dev.lethe.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.cli.Lethe;
import dev.lethe.connectors.Actor;
import dev.lethe.events.AuditCheckpoint;
import dev.lethe.events.AuditEntry;
import dev.lethe.jobs.audit.AuditJob;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.config.Secrets;
import dev.lethe.jobs.elasticsearch.ElasticsearchConnection;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import dev.lethe.testing.SharedStack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
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
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * {@code ./lethe audit} against the audit job on the real stack: the log verifies; the job killed
 * mid-stream and restored from its latest retained checkpoint still audits every change exactly
 * once and the chains verify; an export record is chained as an entry; a proof checks offline; and
 * a hash changed in the Elasticsearch copy makes verify fail naming that document.
 */
class AuditCliITCase {

    private static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void verifyProveAndExactlyOnceAcrossAKillAndRestore() throws Exception {
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
        Thread writer =
                new Thread(
                        () -> {
                            try (Connection c = StackProbe.connectPostgres(s)) {
                                c.setAutoCommit(false);
                                for (int i = 0; i < 40; i++) {
                                    Actor.agent(7, "edit " + i).emit(c);
                                    try (PreparedStatement ps =
                                            c.prepareStatement(
                                                    "UPDATE contacts SET locale = ? WHERE id = ?")) {
                                        ps.setString(1, "l" + i);
                                        ps.setLong(2, contact);
                                        ps.executeUpdate();
                                    }
                                    c.commit();
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

            // kill the job mid-stream: changes keep coming while it is down
            writer.start();
            await(settings.auditTopic(), e -> e.getEntityId().equals(entity), l -> l.size() >= 8);
            awaitCheckpointFile(s, jobId);
            job.cancel().get();
        } catch (AssertionError | RuntimeException e) {
            job.cancel().get();
            throw e;
        }
        Thread.sleep(1_500);
        Path restoreFrom = latestCheckpoint(s, jobId).orElseThrow();
        // a cancelled job's id stays taken in this Flink process: the restored run gets a new one
        job = submit(s, settings, JobID.generate(), Optional.of(restoreFrom));
        try {
            writer.join();
            int changes = written.get();
            List<AuditEntry> mine =
                    await(
                            settings.auditTopic(),
                            e -> e.getEntityId().equals(entity),
                            l -> l.size() >= changes);
            Thread.sleep(3_000); // a duplicate would arrive within the next checkpoint
            mine =
                    await(
                            settings.auditTopic(),
                            e -> e.getEntityId().equals(entity),
                            l -> false,
                            Duration.ofSeconds(3));
            assertThat(mine).hasSize(changes);
            assertThat(mine).extracting(AuditEntry::getSeq).isSorted().doesNotHaveDuplicates();
            assertThat(mine.get(mine.size() - 1).getSeq()).isEqualTo(changes);
            assertThat(mine.stream().map(AuditEntry::getLsn).distinct()).hasSize(changes);

            // wait until a signed checkpoint covers the whole log
            long total = count(settings.auditTopic());
            await(
                    settings.auditCheckpointTopic(),
                    b -> AuditCheckpoint.fromByteBuffer(ByteBuffer.wrap(b)),
                    c -> c.getTreeSize() >= total,
                    l -> !l.isEmpty());

            // ./lethe audit verify: log of record, checkpoints and the index copy
            Cli ok =
                    cli(
                            concat(
                                    List.of(
                                            "audit",
                                            "verify",
                                            "--audit-index",
                                            settings.auditIndex()),
                                    topics));
            assertThat(ok.code()).as(ok.out()).isZero();
            assertThat(ok.out()).startsWith("OK: ").contains("all match the log");

            // ./lethe audit prove <entity>#2, checked offline
            Cli proof = cli(concat(List.of("audit", "prove", entity + "#2"), topics));
            assertThat(proof.code()).as(proof.out()).isZero();
            Path proofFile = Files.createTempFile("audit-proof", ".json");
            Files.writeString(proofFile, proof.out());
            Cli checked =
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
            Cli log = cli(concat(List.of("audit", "log", "--key", entity, "--limit", "2"), topics));
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
            Cli tampered =
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
        return JobSettings.parse(
                new String[] {
                    "--kafka-bootstrap",
                    s.kafkaBootstrap(),
                    "--elasticsearch-url",
                    s.elasticsearchUrl().toString(),
                    "--elasticsearch-user",
                    s.elasticsearchUser(),
                    "--postgres-url",
                    s.postgresJdbcUrl(),
                    "--postgres-user",
                    s.postgresUser(),
                    "--audit-topic",
                    "lethe.audit.cli-" + run,
                    "--audit-checkpoint-topic",
                    "lethe.audit.checkpoints.cli-" + run,
                    "--dead-letter-topic",
                    "lethe.deadletter.cli-" + run,
                    "--audit-index",
                    "lethe-audit-cli-" + run,
                    "--checkpoint-interval",
                    "1s",
                    "--audit-checkpoint-every",
                    "5",
                    "--audit-checkpoint-interval",
                    "2s",
                    "--idle-timeout",
                    "2s",
                    "--job-name",
                    "audit-cli-" + run
                });
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
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createRemoteEnvironment(
                        "127.0.0.1", s.flinkUrl().getPort(), conf);
        return AuditJob.submit(env, settings);
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
        Properties p = new Properties();
        p.put("bootstrap.servers", s.kafkaBootstrap());
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

    record Cli(int code, String out) {}

    private static Cli cli(List<String> args) {
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Lethe.run(args.toArray(String[]::new));
        } finally {
            System.setOut(out);
        }
        return new Cli(code, captured.toString(StandardCharsets.UTF_8));
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
        List<T> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(
                        consumerProperties(),
                        new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + wait.toNanos();
            while (!done.test(found) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(300))) {
                    T v;
                    try {
                        v = decode.decode(r.value());
                    } catch (Exception e) {
                        throw new IllegalStateException("undecodable record", e);
                    }
                    if (filter.test(v)) {
                        found.add(v);
                    }
                }
            }
        }
        return found;
    }

    private static Properties consumerProperties() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedStack.settings().kafkaBootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return p;
    }

    interface Decoder<T> {
        T decode(byte[] b) throws Exception;
    }
}
