package dev.lethe.bench;

import dev.lethe.audit.Actor;
import dev.lethe.discovery.LocationDocument;
import dev.lethe.jobs.LetheJob;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.local.CaptureTopics;
import dev.lethe.local.Http;
import dev.lethe.local.LetheJobs;
import dev.lethe.local.LocalStack;
import dev.lethe.local.StackOptions;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Capture throughput, in two phases on one stack, each saying what ran beside it.
 *
 * <p><b>Capture alone</b>: the stack is started without Lethe's Flink jobs, so nothing but capture
 * works on the workload. The same committed workload is read twice from the WAL, once raw (pgoutput
 * straight from a replication slot through pgjdbc's replication API: the physical limit) and once
 * by Debezium into Kafka. Both read a backlog (Debezium's connector is paused while the workload is
 * written), so the two rates are comparable: their ratio is the capture target.
 *
 * <p><b>End to end</b> (left out with {@code --capture-only}): Lethe's jobs are then submitted into
 * the same stack as {@code up} submits them; once they have caught up on the first workload, a
 * second of the same size is written with the connector paused and timed from resuming it until its
 * changes are in the raw topic, every audit entry is searchable in {@code lethe-audit} (counted by
 * its actor) and the location index has stopped growing (its count still for {@code --quiet}
 * seconds and the discovery job's lag 0; the end is the count's last change, as {@code bench scale}
 * times a job's output).
 *
 * <p>Also the stack's start time and each process's RSS.
 */
@Command(
        name = "capture",
        mixinStandardHelpOptions = true,
        description = {
            "Capture alone (no Flink job): Debezium-to-Kafka rate vs raw pgoutput decoding. Then end"
                    + " to end (Lethe's jobs on): changes/s from capture into the audit and"
                    + " location indexes. Stack start time and RSS."
        })
final class CaptureBench implements Callable<Integer> {

    @Mixin StackOptions options;

    @Option(names = "--rows", defaultValue = "200000", description = "Rows in each workload.")
    int rows;

    @Option(
            names = "--rows-per-transaction",
            defaultValue = "1000",
            description = "Rows per transaction.")
    int rowsPerTx;

    @Option(
            names = "--capture-only",
            description =
                    "Measure capture alone only: no Flink job is submitted at any point, no end to"
                            + " end.")
    boolean captureOnly;

    @Option(
            names = "--quiet",
            defaultValue = "15",
            description =
                    "Seconds the location index must stay unchanged, with the discovery job's lag"
                            + " 0, to count a workload as located (default ${DEFAULT-VALUE}).")
    int quietSeconds;

    @Option(
            names = "--timeout",
            defaultValue = "30",
            description = "Minutes each wait for the jobs may take (default ${DEFAULT-VALUE}).")
    int timeoutMinutes;

    private static final String RAW_SLOT = "lethe_bench_raw";

    /** The actor of the capture-alone workload's transactions. */
    static final String ALONE_ACTOR = "bench";

    /** The actor of the end-to-end workload's transactions. */
    static final String END_TO_END_ACTOR = "bench-end-to-end";

    private static final Duration POLL = Duration.ofMillis(100);

    /** Checks the options; a message names each one that is out of range. */
    void validate() {
        List<String> wrong = new ArrayList<>();
        if (rows < 1) {
            wrong.add("--rows must be at least 1");
        }
        if (rowsPerTx < 1) {
            wrong.add("--rows-per-transaction must be at least 1");
        }
        if (quietSeconds < 1) {
            wrong.add("--quiet must be at least 1 second");
        }
        if (timeoutMinutes < 1) {
            wrong.add("--timeout must be at least 1 minute");
        }
        if (!wrong.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", wrong));
        }
    }

    @Override
    public Integer call() throws Exception {
        validate();
        StackSettings s = options.resolve();
        // capture alone: the stack's servers only; the jobs come later, into the same stack
        LocalStack stack = new LocalStack(s, System.out).withJobs(false);
        BenchStacks.requireNoneRunning(stack, s);
        System.out.println(
                "capture alone: starting the stack without Lethe's Flink jobs"
                        + (captureOnly ? " (--capture-only: none will run)" : ""));
        long t0 = System.nanoTime();
        stack.up();
        double upSeconds = (System.nanoTime() - t0) / 1e9;
        s = options.resolve();
        try {
            CaptureReport report = run(s, stack, upSeconds);
            System.out.println();
            report.lines().forEach(System.out::println);
            return 0;
        } finally {
            stack.down();
        }
    }

    private CaptureReport run(StackSettings s, LocalStack stack, double upSeconds)
            throws Exception {
        String topic = CaptureTopics.tableTopic("contacts");
        try (Admin admin = Admin.create(s.kafkaClient())) {
            CaptureReport.CaptureAlone alone;
            try (RawWalDecoder raw = new RawWalDecoder(s, RAW_SLOT)) {
                alone = captureAlone(s, admin, topic, raw);
            }
            Optional<CaptureReport.EndToEnd> endToEnd =
                    captureOnly ? Optional.empty() : Optional.of(endToEnd(s, admin, topic));
            Map<String, Long> pids = stack.pids();
            Map<String, Long> rss = new LinkedHashMap<>();
            for (String component : StackProbe.COMPONENTS) {
                Long pid = pids.get(component);
                rss.put(component, pid == null ? 0 : ProcessMemory.rssBytes(pid));
            }
            return new CaptureReport(
                    rows,
                    rowsPerTx,
                    upSeconds,
                    alone,
                    endToEnd,
                    rss,
                    captureOnly
                            ? "after capture alone; no Flink job ran"
                            : "after end to end, the jobs running");
        }
    }

    /** The workload read raw and by Debezium, with no Flink job running. */
    private CaptureReport.CaptureAlone captureAlone(
            StackSettings s, Admin admin, String topic, RawWalDecoder raw) throws Exception {
        long before = endOffset(admin, topic);
        pause(s, true);
        long w0 = System.nanoTime();
        writeWorkload(s, ALONE_ACTOR);
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
        // printed now too: the end-to-end phase takes minutes and may fail on its own
        System.out.printf(
                "capture alone: raw decode %.0f changes/s (%.1f s), Debezium → Kafka %.0f"
                        + " changes/s (%.1f s): %.1f %%%n",
                rows / rawSeconds,
                rawSeconds,
                rows / debeziumSeconds,
                debeziumSeconds,
                100 * rawSeconds / debeziumSeconds);
        return new CaptureReport.CaptureAlone(writeSeconds, rawSeconds, debeziumSeconds);
    }

    /**
     * Lethe's jobs submitted into the stack, caught up on the capture-alone workload; then a second
     * workload timed from resuming capture until it is in the audit and location indexes.
     */
    private CaptureReport.EndToEnd endToEnd(StackSettings s, Admin admin, String topic)
            throws Exception {
        LetheJobs jobs = new LetheJobs(s, System.out);
        String beside = BenchStacks.jobsOn();
        System.out.println("end to end: submitting " + beside);
        long j0 = System.nanoTime();
        List<String> failed = jobs.startAll();
        double submitSeconds = (System.nanoTime() - j0) / 1e9;
        if (!failed.isEmpty()) {
            throw new IllegalStateException(
                    "jobs "
                            + failed
                            + " could not be submitted, so there is no end to end to measure;"
                            + " see <data-dir>/logs/flink.log");
        }
        List<JobSettings> settings = new ArrayList<>();
        for (LetheJob job : LetheJobs.ALL) {
            settings.add(jobs.jobSettings(job.jobName()));
        }
        JobSettings discovery = jobs.jobSettings(LetheJob.DISCOVERY.jobName());

        // the jobs first take the capture-alone workload, already in Kafka
        Arrived caughtUp = awaitArrived(s, ALONE_ACTOR, -1, j0, settings);
        double catchUpSeconds = (caughtUp.end() - j0) / 1e9;
        System.out.printf(
                "end to end: the jobs caught up on the capture-alone workload %.1f s after"
                        + " submitting%n",
                catchUpSeconds);

        long before = endOffset(admin, topic);
        long locationsBefore = Arrivals.count(s, LocationDocument.INDEX);
        pause(s, true);
        long w0 = System.nanoTime();
        writeWorkload(s, END_TO_END_ACTOR);
        double writeSeconds = (System.nanoTime() - w0) / 1e9;
        long d0 = System.nanoTime();
        pause(s, false);
        Arrived arrived =
                awaitArrived(
                        s,
                        END_TO_END_ACTOR,
                        locationsBefore,
                        d0,
                        List.of(discovery),
                        () -> endOffset(admin, topic) >= before + rows);
        System.out.printf(
                "end to end: in the raw topic %.1f s, audited %.1f s, located %.1f s after"
                        + " resuming capture%n",
                (arrived.captured() - d0) / 1e9,
                (arrived.audited() - d0) / 1e9,
                (arrived.located() - d0) / 1e9);
        return new CaptureReport.EndToEnd(
                beside,
                submitSeconds,
                catchUpSeconds,
                writeSeconds,
                (arrived.captured() - d0) / 1e9,
                (arrived.audited() - d0) / 1e9,
                (arrived.located() - d0) / 1e9,
                arrived.locations());
    }

    /** When a workload reached each place ({@link System#nanoTime}), and the locations it added. */
    private record Arrived(long captured, long audited, long located, long locations) {
        long end() {
            return Math.max(audited, located);
        }
    }

    /** Whether the raw topic holds the workload yet. */
    private interface Captured {
        boolean yet() throws Exception;
    }

    private Arrived awaitArrived(
            StackSettings s, String actor, long locationsBefore, long start, List<JobSettings> jobs)
            throws Exception {
        return awaitArrived(s, actor, locationsBefore, start, jobs, () -> true);
    }

    /**
     * Polls until the workload of {@code actor} is captured, all its audit entries are searchable
     * and the location index has settled ({@link OutputWatch}) with the lag of each of {@code jobs}
     * 0.
     */
    private Arrived awaitArrived(
            StackSettings s,
            String actor,
            long locationsBefore,
            long start,
            List<JobSettings> jobs,
            Captured captured)
            throws Exception {
        OutputWatch locations =
                new OutputWatch(locationsBefore, start, Duration.ofSeconds(quietSeconds));
        long capturedAt = 0;
        long auditedAt = 0;
        long deadline = start + Duration.ofMinutes(timeoutMinutes).toNanos();
        while (true) {
            long now = System.nanoTime();
            if (capturedAt == 0 && captured.yet()) {
                capturedAt = now;
            }
            if (auditedAt == 0 && Arrivals.count(s, AUDIT_INDEX, "actor.id", actor) >= rows) {
                auditedAt = now;
            }
            locations.observe(Arrivals.count(s, LocationDocument.INDEX), now);
            if (capturedAt != 0 && auditedAt != 0 && locations.settled(now) && lagless(s, jobs)) {
                return new Arrived(
                        capturedAt, auditedAt, locations.lastChangeAt(), locations.grown());
            }
            if (now > deadline) {
                throw new IllegalStateException(
                        String.format(
                                "the %s workload was not in both indexes within %d min:"
                                        + " captured %b, audited %b, %d locations added",
                                actor,
                                timeoutMinutes,
                                capturedAt != 0,
                                auditedAt != 0,
                                locations.grown()));
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    private static final String AUDIT_INDEX = JobSettings.DEFAULT_AUDIT_INDEX;

    private static boolean lagless(StackSettings s, List<JobSettings> jobs) throws Exception {
        for (JobSettings j : jobs) {
            if (Arrivals.lag(s, j) != 0) {
                return false;
            }
        }
        return true;
    }

    private void writeWorkload(StackSettings s, String actor) throws Exception {
        try (Connection c = StackProbe.connectPostgres(s);
                Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            String pad = "x".repeat(120);
            for (int done = 0; done < rows; done += rowsPerTx) {
                int n = Math.min(rowsPerTx, rows - done);
                // Actor.emit also tells the helpdesk-side trigger that the transaction has its
                // actor (a bare message would be followed by the trigger's database actor)
                Actor.system(actor, "capture benchmark").emit(c);
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
        Http.Response r = Http.put(s.connectorUrl(action), "", null);
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
