package dev.lethe.bench;

import dev.lethe.cli.Lethe;
import dev.lethe.events.AuditEntry;
import dev.lethe.jobs.kafka.AvroRecords;
import dev.lethe.jobs.kafka.LetheTopics;
import dev.lethe.local.LocalStack;
import dev.lethe.local.StackOptions;
import dev.lethe.local.StackSettings;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The memory of a whole-log read: {@code ./lethe audit log --json --limit 0} over N synthetic
 * entries ({@link SyntheticAuditLog}) and over N/10, each written to a fresh topic of a stack of
 * its own as the audit job writes its log (the sink's serializer {@link AvroRecords}, keyed by
 * entity, in Kafka transactions), then read by the command in this JVM (break-glass, the log of
 * record read directly, values left encrypted) to an output that keeps nothing, while {@link
 * PeakHeap} samples the used heap. Constant memory: the peaks of both reads about equal.
 */
@Command(
        name = "audit-log",
        mixinStandardHelpOptions = true,
        description = {
            "Peak heap and rate of ./lethe audit log --json --limit 0 (in this JVM, to a null"
                    + " output) over N synthetic entries and over N/10, each written to a fresh"
                    + " topic of a stack of its own; the ratio of the peaks is about 1 when the"
                    + " read holds no more for a longer log. Start with a small -Xmx"
                    + " (LETHE_JAVA_OPTS) to make a held log fail."
        })
final class AuditLogBench implements Callable<Integer> {

    /** The fresh topics' names start with it (Lethe's own user may write {@code lethe.*}). */
    static final String TOPIC_PREFIX = "lethe.bench.audit-log-";

    /** Once per entry of {@code audit log --json}: how the printed entries are counted. */
    static final String ENTRY_MARKER = "\"logIndex\"";

    @Option(
            names = "--entries",
            defaultValue = "1000000",
            description =
                    "Entries of the long log (default ${DEFAULT-VALUE}); the baseline has a tenth.")
    long entries;

    @Option(
            names = "--entities",
            defaultValue = "50000",
            description =
                    "Tickets and contacts the changes are spread over (default ${DEFAULT-VALUE}).")
    int entities;

    @Option(
            names = "--per-transaction",
            defaultValue = "5000",
            description =
                    "Entries per Kafka transaction when writing, as the audit job commits per"
                            + " checkpoint (default ${DEFAULT-VALUE}).")
    int perTransaction;

    @Option(
            names = "--sample-ms",
            defaultValue = "10",
            description = "How often the used heap is sampled (default ${DEFAULT-VALUE} ms).")
    int sampleMs;

    @Mixin StackOptions options;

    /** What a read of one topic measured. */
    record Read(
            long entries,
            double seconds,
            long outputBytes,
            long heapBefore,
            long peakUsed,
            long peakAfterGc,
            int collections) {
        double perSecond() {
            return entries / seconds;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (entries < 10 || entities < 3 || perTransaction < 1 || sampleMs < 1) {
            throw new IllegalArgumentException(
                    "--entries at least 10, --entities at least 3, --per-transaction and"
                            + " --sample-ms at least 1");
        }
        long baseline = entries / 10;
        StackSettings s = options.resolve();
        LocalStack stack = new LocalStack(s, System.out).withJobs(false);
        BenchStacks.requireNoneRunning(stack, s);
        stack.up();
        List<String> rows = new ArrayList<>();
        try {
            s = options.resolve();
            long stamp = System.currentTimeMillis();
            String small = TOPIC_PREFIX + baseline + "-" + stamp;
            String large = TOPIC_PREFIX + entries + "-" + stamp;
            rows.add(write(s, small, baseline));
            rows.add(write(s, large, entries));
            System.out.println("warm-up: reading the baseline once (not reported)");
            read(s, small, baseline);
            Read base = read(s, small, baseline);
            Read full = read(s, large, entries);
            rows.add(row(String.format("N/10 = %,d", baseline), base));
            rows.add(row(String.format("N = %,d", entries), full));
            rows.add(
                    String.format(
                            "| **peak heap used, N / N/10** | **%.2f×** (after GC: %s) |",
                            (double) full.peakUsed() / base.peakUsed(),
                            base.peakAfterGc() > 0 && full.peakAfterGc() > 0
                                    ? String.format(
                                            "%.2f×",
                                            (double) full.peakAfterGc() / base.peakAfterGc())
                                    : "no collection in one of the reads"));
        } finally {
            MeasureTable.printHeader(System.out);
            System.out.println(BenchStacks.besideRow(BenchStacks.JOBS_OFF));
            System.out.printf(
                    "| JVM | max heap %,d MB (-Xmx, LETHE_JAVA_OPTS), %s; used heap sampled every"
                            + " %d ms |%n",
                    Runtime.getRuntime().maxMemory() / 1_000_000, collectors(), sampleMs);
            rows.forEach(System.out::println);
            System.out.flush();
            stack.down();
        }
        return 0;
    }

    /** Writes {@code count} synthetic entries to a new log-of-record topic; returns its row. */
    private String write(StackSettings s, String topic, long count) throws Exception {
        LetheTopics.ensure(
                s.kafkaClient(),
                dev.lethe.jobs.kafka.TopicReplication.BROKER_DEFAULT,
                List.of(topic),
                List.of());
        long t0 = System.nanoTime();
        long bytes = write(s.kafkaClient(), topic, new SyntheticAuditLog(count, entities, 42));
        double seconds = (System.nanoTime() - t0) / 1e9;
        String row =
                String.format(
                        "| written to `%s` | %,d entries, %,.1f MB of values (%,.0f B per entry),"
                                + " in %.1f s, %,d per transaction |",
                        topic, count, bytes / 1e6, (double) bytes / count, seconds, perTransaction);
        System.out.println(row);
        return row;
    }

    /**
     * Writes the entries as the audit job's log sink does: {@link AvroRecords} (Avro single-object
     * encoding, keyed by entity id), a transactional producer committing every {@link
     * #perTransaction} entries (read_committed readers see them then). Returns the values' bytes.
     */
    long write(Properties client, String topic, Iterator<AuditEntry> log) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "lethe-bench-" + topic);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        LetheTopics.withMessageLimit(p);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            return write(producer, topic, log, perTransaction);
        }
    }

    /** Writes with {@code producer} (transactional), committing every {@code perTransaction}. */
    static long write(
            Producer<byte[], byte[]> producer,
            String topic,
            Iterator<AuditEntry> log,
            int perTransaction) {
        AvroRecords<AuditEntry> serializer = sinkSerializer(topic);
        long bytes = 0;
        long inTransaction = 0;
        producer.initTransactions();
        producer.beginTransaction();
        while (log.hasNext()) {
            ProducerRecord<byte[], byte[]> r = serializer.serialize(log.next(), null, null);
            bytes += r.value().length;
            producer.send(r);
            if (++inTransaction == perTransaction) {
                producer.commitTransaction();
                producer.beginTransaction();
                inTransaction = 0;
            }
        }
        producer.commitTransaction();
        return bytes;
    }

    /** The serializer of the audit job's log sink ({@code AuditJob.sinks}), for {@code topic}. */
    static AvroRecords<AuditEntry> sinkSerializer(String topic) {
        return new AvroRecords<>(topic, e -> e.getEntityId());
    }

    /**
     * {@code ./lethe audit log --json --limit 0} on {@code topic} in this JVM, its output counted
     * and dropped, the heap sampled while it runs.
     */
    private Read read(StackSettings s, String topic, long expected) throws Exception {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "audit",
                                "log",
                                "--json",
                                "--limit",
                                "0",
                                "--no-decrypt",
                                "--audit-topic",
                                topic,
                                // the log of record read directly (recorded as a break-glass
                                // access): the command's own cost, not the server's
                                "--break-glass",
                                "audit-log benchmark"));
        args.addAll(BenchStacks.cliStackArgs(s));
        long heapBefore = PeakHeap.usedAfterGc();
        CountingNullOutput out = new CountingNullOutput(ENTRY_MARKER);
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        int code;
        long t0;
        double seconds;
        PeakHeap peak = PeakHeap.start(Duration.ofMillis(sampleMs));
        try {
            System.setOut(new PrintStream(out, false, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            t0 = System.nanoTime();
            code = Lethe.run(args.toArray(String[]::new));
            System.out.flush();
            seconds = (System.nanoTime() - t0) / 1e9;
        } finally {
            peak.close();
            System.setOut(stdout);
            System.setErr(stderr);
        }
        if (code != 0 || out.markers() != expected) {
            throw new IllegalStateException(
                    "audit log on "
                            + topic
                            + " exited with "
                            + code
                            + " and printed "
                            + out.markers()
                            + " of "
                            + expected
                            + " entries: "
                            + err.toString(StandardCharsets.UTF_8).strip());
        }
        Read r =
                new Read(
                        expected,
                        seconds,
                        out.bytes(),
                        heapBefore,
                        peak.peakUsed(),
                        peak.peakAfterGc(),
                        peak.collections());
        System.out.println(row("read of " + expected, r));
        return r;
    }

    static String row(String which, Read r) {
        return String.format(
                "| %s: `audit log --json --limit 0` | %,d entries in %.1f s: **%,.0f entries/s**;"
                        + " **peak heap used %,.0f MB** (after GC at most %,.0f MB, %d"
                        + " collections; %,.0f MB held before); %,.0f MB printed |",
                which,
                r.entries(),
                r.seconds(),
                r.perSecond(),
                r.peakUsed() / 1e6,
                r.peakAfterGc() / 1e6,
                r.collections(),
                r.heapBefore() / 1e6,
                r.outputBytes() / 1e6);
    }

    private static String collectors() {
        List<String> names = new ArrayList<>();
        for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            names.add(gc.getName());
        }
        return String.join(", ", names);
    }
}
