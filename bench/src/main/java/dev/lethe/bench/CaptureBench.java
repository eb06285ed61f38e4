package dev.lethe.bench;

import dev.lethe.local.CaptureTopics;
import dev.lethe.local.Http;
import dev.lethe.local.LocalStack;
import dev.lethe.local.StackOptions;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Capture throughput: the same committed workload read twice from the WAL, once raw (pgoutput
 * straight from a replication slot through pgjdbc's replication API: the physical limit) and once
 * by Debezium into Kafka. Both read a backlog (Debezium's connector is paused while the workload is
 * written), so the two rates are comparable. Also the stack's start time and each process's RSS.
 */
@Command(
        name = "capture",
        mixinStandardHelpOptions = true,
        description = "Debezium-to-Kafka rate vs raw pgoutput decoding; stack start time and RSS.")
final class CaptureBench implements Callable<Integer> {

    @Mixin StackOptions options;

    @Option(names = "--rows", defaultValue = "200000", description = "Rows in the workload.")
    int rows;

    @Option(
            names = "--rows-per-transaction",
            defaultValue = "1000",
            description = "Rows per transaction.")
    int rowsPerTx;

    private static final String RAW_SLOT = "lethe_bench_raw";

    @Override
    public Integer call() throws Exception {
        StackSettings s = options.resolve();
        LocalStack stack = new LocalStack(s, System.out);
        BenchStacks.requireNoneRunning(stack, s);
        long t0 = System.nanoTime();
        stack.up();
        double upSeconds = (System.nanoTime() - t0) / 1e9;
        s = options.resolve();
        try {
            return run(s, stack, upSeconds);
        } finally {
            stack.down();
        }
    }

    private int run(StackSettings s, LocalStack stack, double upSeconds) throws Exception {
        String topic = CaptureTopics.tableTopic("contacts");
        Properties ap = s.kafkaClient();
        try (RawWalDecoder raw = new RawWalDecoder(s, RAW_SLOT);
                Admin admin = Admin.create(ap)) {
            return measure(s, stack, upSeconds, admin, topic, raw);
        }
    }

    private int measure(
            StackSettings s,
            LocalStack stack,
            double upSeconds,
            Admin admin,
            String topic,
            RawWalDecoder raw)
            throws Exception {
        long before = endOffset(admin, topic);
        pause(s, true);
        long w0 = System.nanoTime();
        writeWorkload(s);
        double writeSeconds = (System.nanoTime() - w0) / 1e9;

        double rawSeconds = raw.read(rows);

        long d0 = System.nanoTime();
        pause(s, false);
        long target = before + rows;
        while (endOffset(admin, topic) < target) {
            Thread.sleep(20);
            if (System.nanoTime() - d0 > Duration.ofMinutes(10).toNanos()) {
                throw new IllegalStateException("Debezium did not deliver the workload in 10 min");
            }
        }
        double debeziumSeconds = (System.nanoTime() - d0) / 1e9;

        Map<String, Long> pids = stack.pids();
        long totalRss = 0;
        StringBuilder rss = new StringBuilder();
        for (String component : StackProbe.COMPONENTS) {
            Long pid = pids.get(component);
            long b = pid == null ? 0 : ProcessMemory.rssBytes(pid);
            totalRss += b;
            rss.append(String.format("| RSS %s | %.0f MiB |%n", component, b / 1048576.0));
        }
        double rawRate = rows / rawSeconds;
        double dbzRate = rows / debeziumSeconds;
        System.out.println();
        System.out.println("| measure | value |");
        System.out.println("|---|---|");
        System.out.printf(
                "| workload | %d rows of ~250 B, %d rows/transaction, written in %.1f s |%n",
                rows, rowsPerTx, writeSeconds);
        System.out.printf("| raw pgoutput decode (baseline) | %.0f changes/s |%n", rawRate);
        System.out.printf("| Debezium → Kafka | %.0f changes/s |%n", dbzRate);
        System.out.printf(
                "| **Debezium / raw** | **%.1f %%** (target ≥ 15 %%) |%n", 100 * dbzRate / rawRate);
        System.out.printf(
                "| stack start (`up`, all healthy) | %.1f s (target ≤ 60 s) |%n", upSeconds);
        System.out.print(rss);
        System.out.printf(
                "| **RSS whole stack** | **%.2f GiB** (target ≤ 6 GiB) |%n",
                totalRss / 1073741824.0);
        return 0;
    }

    private void writeWorkload(StackSettings s) throws Exception {
        try (Connection c = StackProbe.connectPostgres(s);
                Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            String pad = "x".repeat(120);
            for (int done = 0; done < rows; done += rowsPerTx) {
                int n = Math.min(rowsPerTx, rows - done);
                st.execute(
                        "SELECT pg_logical_emit_message(true, 'lethe.actor',"
                                + " '{\"type\":\"system\",\"id\":\"bench\",\"reason\":\"capture benchmark\"}')");
                st.execute(
                        "INSERT INTO contacts (first_name, last_name, email, phone, twitter_handle)"
                                + " SELECT 'Bénédicte', 'Østergård-"
                                + pad
                                + "',"
                                + " 'bench-' || g || '-' || txid_current() || '@example.eu',"
                                + " '+49 30 ' || (1000000 + g), '@bench' || g"
                                + " FROM generate_series(1, "
                                + n
                                + ") g");
                c.commit();
            }
        }
    }

    private static void pause(StackSettings s, boolean pause) throws Exception {
        String action = pause ? "pause" : "resume";
        Http.Response r =
                Http.put(
                        s.connectUrl()
                                .resolve("/connectors/" + StackSettings.CONNECTOR + "/" + action),
                        "",
                        null);
        if (!r.ok()) {
            throw new IllegalStateException("could not " + action + " the connector: " + r.body());
        }
        Thread.sleep(pause ? 3000 : 0); // the task stops polling at its next batch
    }

    private static long endOffset(Admin admin, String topic) throws Exception {
        TopicPartition tp = new TopicPartition(topic, 0);
        return admin.listOffsets(Map.of(tp, OffsetSpec.latest()))
                .partitionResult(tp)
                .get(10, TimeUnit.SECONDS)
                .offset();
    }
}
