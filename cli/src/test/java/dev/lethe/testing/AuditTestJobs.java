package dev.lethe.testing;

import dev.lethe.cli.Lethe;
import dev.lethe.events.AuditEntry;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.local.StackSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What the audit ITCases share: job settings on a test's own topics and index (so tests on the
 * shared stack do not see each other's entries), reading a topic read_committed, and running {@code
 * ./lethe} in-process.
 */
public final class AuditTestJobs {

    private AuditTestJobs() {}

    /** The audit job's settings on topics and an index of its own, named after {@code run}. */
    public static JobSettings settings(StackSettings s, String run, int checkpointEvery) {
        return JobSettings.parse(args(s, run, checkpointEvery).toArray(String[]::new));
    }

    /** The arguments of {@link #settings}, for a test that changes some. */
    public static List<String> args(StackSettings s, String run, int checkpointEvery) {
        List<String> args =
                TestJobArgs.of(s, dev.lethe.local.ComponentRole.AUDIT, run, "audit-" + run, "1s");
        args.addAll(
                List.of(
                        "--audit-topic", "lethe.audit." + run,
                        "--audit-checkpoint-topic", "lethe.audit.checkpoints." + run,
                        "--audit-index", "lethe-audit-" + run,
                        "--audit-checkpoint-every", Integer.toString(checkpointEvery),
                        "--audit-checkpoint-interval", "2s"));
        return args;
    }

    /** A fresh run name: {@code prefix-<8 hex>}. */
    public static String run(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Decodes a record value. */
    public interface Decoder<T> {
        T decode(byte[] b) throws Exception;
    }

    /** Audit entries of {@code topic}, until {@code done} or {@code wait}. */
    public static List<AuditEntry> entries(
            String topic,
            Predicate<AuditEntry> filter,
            Predicate<List<AuditEntry>> done,
            Duration wait) {
        return read(topic, b -> AuditEntry.fromByteBuffer(ByteBuffer.wrap(b)), filter, done, wait);
    }

    /** Reads {@code topic} read_committed from the start until {@code done} or {@code wait}. */
    public static <T> List<T> read(
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

    public static Properties consumerProperties() {
        Properties p = SharedStack.settings().kafkaClient();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return p;
    }

    /** What {@code ./lethe} printed and its exit code. */
    /**
     * {@code ./lethe audit reconcile --json --settle 120s} on the audit log {@code auditTopic}:
     * every change of the raw topics in the log exactly once.
     */
    public static Cli reconcile(StackSettings s, String auditTopic) throws Exception {
        return cli(
                List.of(
                        "audit",
                        "reconcile",
                        "--json",
                        "--settle",
                        "120s",
                        "--audit-topic",
                        auditTopic,
                        "--data-dir",
                        s.dataDir().toString()));
    }

    public record Cli(int code, String out) {}

    /** The reason the end-to-end tests give when they read the stores directly. */
    public static final String BREAK_GLASS = "end-to-end test";

    /**
     * {@code args}, with {@code --break-glass} added to the commands that otherwise go through
     * Lethe's server ({@code subject find/export/erase}, {@code audit log/verify/prove}, {@code
     * purges}): these tests read their own topics and indices with the stack's secrets, recorded as
     * break-glass accesses. ServerITCase covers the same commands through the server.
     */
    public static List<String> direct(List<String> args) {
        if (args.size() < 1 || args.contains("--break-glass")) {
            return args;
        }
        String command = args.get(0);
        String sub = args.size() > 1 ? args.get(1) : "";
        boolean governed =
                ("subject".equals(command) && List.of("find", "export", "erase").contains(sub))
                        || ("audit".equals(command)
                                && List.of("log", "verify", "prove").contains(sub))
                        || ("purges".equals(command) && !args.contains("approve-backlog"));
        if (!governed) {
            return args;
        }
        List<String> all = new java.util.ArrayList<>(args);
        all.add("--break-glass");
        all.add(BREAK_GLASS);
        return all;
    }

    /**
     * Runs {@code ./lethe args} in this JVM; the commands that go through the server read the
     * stores directly instead ({@link #direct}).
     */
    public static Cli cli(List<String> args) {
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Lethe.run(direct(args).toArray(String[]::new));
        } finally {
            System.setOut(out);
        }
        return new Cli(code, captured.toString(StandardCharsets.UTF_8));
    }
}
