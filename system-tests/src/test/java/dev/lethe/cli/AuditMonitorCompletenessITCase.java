package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.audit.Actor;
import dev.lethe.events.AuditEntry;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.config.Secrets;
import dev.lethe.jobs.kafka.AvroRecords;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import dev.lethe.testing.AuditTestJobs;
import dev.lethe.testing.SetUpAndSubmit;
import dev.lethe.testing.SharedStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit monitor's completeness check on a real log: with its verifications it checks the raw
 * topics against the log incrementally, {@code status} shows the changes checked through a
 * logIndex, and an entry replayed into the log is a double: a finding, {@code
 * monitor.completeness.doubles} and attention.
 */
class AuditMonitorCompletenessITCase {

    @TempDir Path stateDir;

    @Test
    void theMonitorChecksCompletenessWithItsVerificationsAndReportsADouble() throws Exception {
        StackSettings shared = SharedStack.settings();
        System.setProperty(
                Secrets.ELASTICSEARCH_PASSWORD, shared.elasticsearchPassword().orElseThrow());
        String run = AuditTestJobs.run("completeness");
        JobSettings settings = AuditTestJobs.settings(shared, run, 2);
        JobClient job =
                SetUpAndSubmit.audit(
                        StreamExecutionEnvironment.createRemoteEnvironment(
                                "127.0.0.1", shared.flinkUrl().getPort()),
                        settings);
        AuditTopics topics = new AuditTopics();
        topics.entries = settings.auditTopic();
        topics.checkpoints = settings.auditCheckpointTopic();
        AuditMonitor monitor =
                new AuditMonitor(
                                shared,
                                topics,
                                settings.auditIndex(),
                                stateDir.resolve(AuditMonitor.FILE))
                        .withWitness(stateDir.resolve("witness.jsonl"))
                        .everyTick()
                        .withCompleteness(
                                new CompletenessCheck(shared.kafkaClient(), settings.auditTopic()),
                                AuditMonitor.COMPLETENESS_BOUND);
        try {
            change(run, 0);
            change(run, 1);
            int[] next = {2};
            AuditMonitor.State checked =
                    awaitState(
                            monitor,
                            st -> st.completeness() != null && st.completeness().checked() > 0,
                            () -> change(run, next[0]++));
            assertThat(checked.completeness().attention())
                    .as(checked.completeness().summary())
                    .isFalse();
            assertThat(monitor.completenessFile()).exists();
            JsonNode status =
                    StatusCommand.json(List.of(), StatusCommand.Findings.NONE.withMonitor(checked));
            assertThat(status.path("monitor").path("completeness").path("checked").asLong())
                    .isEqualTo(checked.completeness().checked());
            assertThat(status.path("monitor").path("completeness").path("health").asText())
                    .isEqualTo("healthy");

            // an entry of the log written into it again: the same change twice
            List<AuditEntry> log =
                    AuditTestJobs.entries(
                            settings.auditTopic(),
                            e -> "change".equals(e.getKind()),
                            l -> false,
                            Duration.ofSeconds(3));
            AuditEntry replayed = AuditEntry.newBuilder(log.get(log.size() - 1)).build();
            try (KafkaProducer<byte[], byte[]> p =
                    new KafkaProducer<>(
                            shared.kafkaClient(),
                            new ByteArraySerializer(),
                            new ByteArraySerializer())) {
                p.send(
                                new ProducerRecord<>(
                                        settings.auditTopic(),
                                        replayed.getEntityId().getBytes(StandardCharsets.UTF_8),
                                        AvroRecords.bytes(replayed)))
                        .get();
            }
            AuditMonitor.State doubled =
                    awaitState(
                            monitor,
                            st -> st.completeness() != null && st.completeness().doubles() > 0,
                            () -> change(run, next[0]++));
            assertThat(doubled.needsAttention()).isTrue();
            assertThat(doubled.findings()).isPositive();
            JsonNode after =
                    StatusCommand.json(List.of(), StatusCommand.Findings.NONE.withMonitor(doubled));
            assertThat(after.path("monitor").path("health").asText()).isEqualTo("attention");
            assertThat(after.path("monitor").path("completeness").path("doubles").asLong())
                    .isPositive();
        } finally {
            job.cancel().get();
        }
    }

    /** Ticks the monitor every second, running {@code meanwhile} each time, until {@code done}. */
    private static AuditMonitor.State awaitState(
            AuditMonitor monitor, Predicate<AuditMonitor.State> done, ThrowingRunnable meanwhile)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        Optional<AuditMonitor.State> state = Optional.empty();
        List<String> lines = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            monitor.tick().ifPresent(lines::add);
            state = AuditMonitor.readFile(monitor.stateFile());
            if (state.isPresent() && done.test(state.get())) {
                return state.get();
            }
            meanwhile.run();
            Thread.sleep(1_000);
        }
        throw new AssertionError(
                "the monitor's state never got there: " + state + "; it logged " + lines);
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static void change(String run, int i) throws Exception {
        try (Connection c = StackProbe.connectPostgres(SharedStack.settings())) {
            c.setAutoCommit(false);
            Actor.agent(7, "completeness test").emit(c);
            try (Statement st = c.createStatement()) {
                st.executeUpdate(
                        "INSERT INTO contacts (email) VALUES ('completeness."
                                + i
                                + "."
                                + run
                                + "@example.eu')");
            }
            c.commit();
        }
    }
}
