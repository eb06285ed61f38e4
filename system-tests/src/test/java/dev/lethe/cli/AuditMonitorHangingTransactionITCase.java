package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.local.StackSettings;
import dev.lethe.testing.AuditTestJobs;
import dev.lethe.testing.SharedStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A transaction left open on a log, as a producer killed in the middle of one leaves it, on the
 * real broker: {@code read_committed} readers see nothing from its first offset on, and the audit
 * monitor's ticks (no tree head on this log at all) report it once it has been open longer than the
 * bound (here 3 s), with its partition, start offset and transactional id; aborted, it has ended.
 */
class AuditMonitorHangingTransactionITCase {

    private static final Duration BOUND = Duration.ofSeconds(3);

    @TempDir Path stateDir;

    @Test
    void aTransactionLeftOpenOnTheLogIsReportedAsHangingUntilItIsAborted() throws Exception {
        StackSettings shared = SharedStack.settings();
        String run = AuditTestJobs.run("hanging");
        AuditTopics topics = new AuditTopics();
        topics.entries = "lethe.audit." + run;
        topics.checkpoints = "lethe.audit.checkpoints." + run;
        try (Admin admin = Admin.create(shared.kafkaClient())) {
            admin.createTopics(
                            List.of(
                                    new NewTopic(topics.entries, 1, (short) 1),
                                    new NewTopic(topics.checkpoints, 1, (short) 1)))
                    .all()
                    .get();
        }
        AuditMonitor monitor =
                new AuditMonitor(
                                shared,
                                topics,
                                "lethe-audit-" + run,
                                stateDir.resolve(AuditMonitor.FILE))
                        .withWitness(stateDir.resolve("witness.jsonl"))
                        .withTransactions(
                                new TransactionsCheck(
                                        shared.kafkaClient(),
                                        List.of(topics.entries, topics.checkpoints)),
                                BOUND);
        String transactionalId = "it-hanging-" + run;
        Properties p = shared.kafkaClient();
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "600000");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(record(topics.entries, "committed")).get();
            producer.commitTransaction();
            AuditMonitor.State young =
                    MonitorTicks.awaitState(
                            monitor, s -> s.transactions() != null, Duration.ofMinutes(1));
            assertThat(young.transactions().attention()).isFalse();
            assertThat(young.transactions().open()).isZero();

            producer.beginTransaction();
            long start = producer.send(record(topics.entries, "left open")).get().offset();
            assertThat(lastStableOffset(topics.entries))
                    .as("read_committed readers stop at the open transaction")
                    .isEqualTo(start);

            AuditMonitor.State hanging =
                    MonitorTicks.awaitState(
                            monitor,
                            s -> s.transactions() != null && s.transactions().attention(),
                            Duration.ofMinutes(1));
            assertThat(hanging.needsAttention()).isTrue();
            assertThat(hanging.findings()).isEqualTo(1);
            assertThat(hanging.finding())
                    .startsWith("transactions: 1 hanging on the log")
                    .contains(topics.entries + "-0 from offset " + start)
                    .contains("(" + transactionalId + ")");
            JsonNode t =
                    StatusCommand.json(List.of(), StatusCommand.Findings.NONE.withMonitor(hanging))
                            .path("monitor")
                            .path("transactions");
            assertThat(t.path("health").asText()).isEqualTo("attention");
            assertThat(t.path("open").asLong()).isEqualTo(1);
            JsonNode h = t.path("hanging").path(0);
            assertThat(h.path("topic").asText()).isEqualTo(topics.entries);
            assertThat(h.path("partition").asInt()).isZero();
            assertThat(h.path("startOffset").asLong()).isEqualTo(start);
            assertThat(h.path("transactionalId").asText()).isEqualTo(transactionalId);
            assertThat(h.path("coordinatorKnows").asBoolean()).isTrue();
            assertThat(h.path("ageSeconds").asLong()).isGreaterThanOrEqualTo(BOUND.toSeconds());

            producer.abortTransaction();
            AuditMonitor.State ended =
                    MonitorTicks.awaitState(
                            monitor,
                            s -> s.transactions() != null && !s.transactions().attention(),
                            Duration.ofMinutes(1));
            assertThat(ended.transactions().open()).isZero();
            assertThat(ended.findings()).isEqualTo(1);
            assertThat(lastStableOffset(topics.entries)).isGreaterThan(start);
        }
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String value) {
        return new ProducerRecord<>(
                topic,
                "k".getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8));
    }

    /** The end offset a {@code read_committed} reader sees: the partition's last stable offset. */
    private static long lastStableOffset(String topic) {
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(
                        AuditTestJobs.consumerProperties(),
                        new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
            return c.endOffsets(List.of(tp)).get(tp);
        }
    }
}
