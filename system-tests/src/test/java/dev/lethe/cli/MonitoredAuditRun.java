package dev.lethe.cli;

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
import java.util.function.BiFunction;
import java.util.function.Predicate;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * An audit job of its own on the shared stack (its own topics and index, a tree head every 2 s) and
 * an audit monitor watching its log, ticked by the test: what the monitor's ITCases on a real log
 * start from. Closing it cancels the job.
 */
final class MonitoredAuditRun implements AutoCloseable {

    /** How long a test waits for the monitor's state. */
    static final Duration WAIT = Duration.ofMinutes(3);

    final StackSettings shared;
    final String run;
    final JobSettings settings;
    final AuditMonitor monitor;
    private final String label;
    private final JobClient job;

    private MonitoredAuditRun(
            StackSettings shared,
            String label,
            String run,
            JobSettings settings,
            JobClient job,
            AuditMonitor monitor) {
        this.shared = shared;
        this.label = label;
        this.run = run;
        this.settings = settings;
        this.job = job;
        this.monitor = monitor;
    }

    /**
     * Submits the run's audit job and builds its monitor (state and witness in {@code stateDir},
     * verifying at every tick), to which {@code more} may add checks of the run's log.
     */
    static MonitoredAuditRun start(
            String label, Path stateDir, BiFunction<AuditMonitor, JobSettings, AuditMonitor> more)
            throws Exception {
        StackSettings shared = SharedStack.settings();
        System.setProperty(
                Secrets.ELASTICSEARCH_PASSWORD, shared.elasticsearchPassword().orElseThrow());
        String run = AuditTestJobs.run(label);
        JobSettings settings = AuditTestJobs.settings(shared, run, 2);
        JobClient job = SetUpAndSubmit.audit(SetUpAndSubmit.flinkOf(shared), settings);
        try {
            AuditTopics topics = new AuditTopics();
            topics.entries = settings.auditTopic();
            topics.checkpoints = settings.auditCheckpointTopic();
            // no --public-key: the monitor trusts the key ./lethe up pinned in <data>/audit-trust
            AuditMonitor monitor =
                    more.apply(
                            new AuditMonitor(
                                            shared,
                                            topics,
                                            settings.auditIndex(),
                                            stateDir.resolve(AuditMonitor.FILE))
                                    .withWitness(stateDir.resolve("witness.jsonl"))
                                    .everyTick(),
                            settings);
            return new MonitoredAuditRun(shared, label, run, settings, job, monitor);
        } catch (Exception | Error e) {
            job.cancel().get();
            throw e;
        }
    }

    /** Inserts the run's {@code i}-th contact, in a transaction with an agent's actor message. */
    void change(int i) throws Exception {
        try (Connection c = StackProbe.connectPostgres(shared)) {
            c.setAutoCommit(false);
            Actor.agent(7, label + " test").emit(c);
            try (Statement st = c.createStatement()) {
                st.executeUpdate(
                        "INSERT INTO contacts (email) VALUES ('"
                                + label
                                + "."
                                + i
                                + "."
                                + run
                                + "@example.eu')");
            }
            c.commit();
        }
    }

    /** Writes {@code entry} into the run's audit topic, as a replay or a forger would. */
    void append(AuditEntry entry) throws Exception {
        try (KafkaProducer<byte[], byte[]> p =
                new KafkaProducer<>(
                        shared.kafkaClient(),
                        new ByteArraySerializer(),
                        new ByteArraySerializer())) {
            p.send(
                            new ProducerRecord<>(
                                    settings.auditTopic(),
                                    entry.getEntityId().getBytes(StandardCharsets.UTF_8),
                                    AvroRecords.bytes(entry)))
                    .get();
        }
    }

    AuditMonitor.State awaitState(Predicate<AuditMonitor.State> done) throws Exception {
        return MonitorTicks.awaitState(monitor, done, WAIT);
    }

    /** Waits for {@code done}, committing the run's next change after each tick, from {@code i}. */
    AuditMonitor.State awaitStateChanging(Predicate<AuditMonitor.State> done, int[] next)
            throws Exception {
        return MonitorTicks.awaitState(monitor, done, WAIT, () -> change(next[0]++));
    }

    @Override
    public void close() throws Exception {
        job.cancel().get();
    }
}
