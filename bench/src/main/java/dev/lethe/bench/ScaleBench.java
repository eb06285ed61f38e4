package dev.lethe.bench;

import dev.lethe.jobs.config.JobSettings;
import dev.lethe.local.LetheJobs;
import dev.lethe.local.LocalStack;
import dev.lethe.local.StackOptions;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import dev.lethe.simulator.HelpdeskGenerator;
import dev.lethe.simulator.SeedResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Growing with the helpdesk: for each size, a fresh local stack (no jobs) is seeded with that many
 * contacts ({@code ./lethe seed}: about ten rows each, free text naming other people), capture is
 * let finish, and then each job alone (audit, discovery, retention, in turn, the others not
 * running) processes the whole backlog from the raw topics. Per job and size: the changes per
 * second from its start until its output holds everything (its consumer group's lag is 0 and its
 * index's document count has not changed for {@code --quiet} seconds; the end is the last change),
 * the CPU of the Flink process per change, PostgreSQL's CPU per thousand changes (nothing else
 * writes to it then: what it spends is on the job's behalf — the key store in Lethe's schema
 * included), and the sequential scans of {@code contacts} the job caused. The targets compare the
 * sizes and the jobs in the same run: CPU per change at the largest size within 1.2x of the
 * smallest, the audit backlog rate within 2x of discovery's, no sequential scan of contacts.
 */
@Command(
        name = "scale",
        mixinStandardHelpOptions = true,
        description =
                "Each job alone on the backlog of a seeded helpdesk of each size: changes per"
                        + " second, CPU per change, PostgreSQL CPU and contacts' sequential scans.")
final class ScaleBench implements Callable<Integer> {

    @Mixin StackOptions options;

    @Option(
            names = "--sizes",
            split = ",",
            defaultValue = "10000,100000",
            description = "Contacts to seed, one stack per size (default 10000,100000).")
    List<Integer> sizes;

    @Option(names = "--seed", defaultValue = "7", description = "Random seed (default 7).")
    long seed;

    @Option(
            names = "--quiet",
            defaultValue = "15",
            description =
                    "Seconds a job's output must stay unchanged, with no lag, to count as done"
                            + " (default 15).")
    int quietSeconds;

    @Option(
            names = "--timeout",
            defaultValue = "90",
            description = "Minutes one job may take on one backlog (default 90).")
    int timeoutMinutes;

    /** One job on one backlog. */
    record Run(
            int contacts,
            String job,
            long changes,
            double seconds,
            double flinkCpuMsPerChange,
            double postgresCpuMsPer1k,
            long contactsSeqScans) {

        double rate() {
            return changes / seconds;
        }
    }

    private static final List<String> JOBS =
            List.of("lethe-audit", "lethe-discovery", "lethe-retention");

    @Override
    public Integer call() throws Exception {
        if (sizes.isEmpty() || sizes.stream().anyMatch(n -> n < 100)) {
            throw new IllegalArgumentException("--sizes must list contact counts of at least 100");
        }
        StackSettings base = options.resolve();
        List<Run> runs = new ArrayList<>();
        for (int contacts : sizes) {
            Path dir = base.dataDir().resolve("scale-" + contacts);
            if (Files.exists(dir.resolve("stack.json"))) {
                throw new IllegalArgumentException(
                        dir
                                + " holds a stack already: the benchmark needs fresh data; remove it"
                                + " or pass another --data-dir");
            }
            options.withDataDir(dir);
            runs.addAll(size(contacts));
        }
        print(runs);
        return 0;
    }

    private List<Run> size(int contacts) throws Exception {
        StackSettings s = options.resolve();
        LocalStack stack = new LocalStack(s, System.out).withJobs(false);
        BenchStacks.requireNoneRunning(stack, s);
        stack.up();
        List<Run> runs = new ArrayList<>();
        try {
            s = options.resolve();
            SeedResult seeded;
            try (Connection c = StackProbe.connectPostgres(s)) {
                seeded =
                        HelpdeskGenerator.seed(
                                c,
                                contacts,
                                seed,
                                s.dataDir().resolve("ground-truth-" + contacts + ".jsonl"));
            }
            System.out.printf(
                    "seeded %d contacts: %d tickets, %d threads, %d comments in %.1f s%n",
                    seeded.contacts(),
                    seeded.tickets(),
                    seeded.threads(),
                    seeded.comments(),
                    seeded.elapsed().toMillis() / 1000.0);
            JobSettings settings = new LetheJobs(s, System.out).jobSettings("scale");
            List<String> tables = new ArrayList<>(settings.rawTopics());
            tables.remove(settings.actorTopic()); // actor messages are not changes
            long changes = awaitCaptured(s, tables);
            System.out.printf("captured: %d change events on the raw table topics%n", changes);
            for (String job : JOBS) {
                runs.add(run(s, stack, contacts, job, changes));
            }
        } finally {
            stack.down();
        }
        return runs;
    }

    /** Waits until the raw topics stop growing; their change events (messages included). */
    private static long awaitCaptured(StackSettings s, List<String> topics) throws Exception {
        long last = -1;
        int stable = 0;
        while (stable < 5) {
            Thread.sleep(1000);
            long now =
                    Arrivals.endOffsets(s, topics).values().stream()
                            .mapToLong(Long::longValue)
                            .sum();
            stable = now == last ? stable + 1 : 0;
            last = now;
        }
        return last;
    }

    private Run run(StackSettings s, LocalStack stack, int contacts, String job, long changes)
            throws Exception {
        LetheJobs jobs = new LetheJobs(s, System.out);
        JobSettings settings = jobs.jobSettings(job);
        LongSupplier output = outputOf(s, job);
        Map<String, Long> pids = new HashMap<>(stack.pids());
        ProcessCpu.postmaster(s.postgresPort()).ifPresent(pid -> pids.put("postgres", pid));
        Map<String, Long> cpuBefore = ProcessCpu.millis(pids);
        long scansBefore = contactsSeqScans(s);
        long start = System.nanoTime();
        jobs.start(job);
        boolean writesIndex = output != null;
        long lastChange = start;
        long lastOutput = -1;
        long deadline = start + Duration.ofMinutes(timeoutMinutes).toNanos();
        while (true) {
            Thread.sleep(1000);
            long now = System.nanoTime();
            if (writesIndex) {
                long out = output.getAsLong();
                if (out != lastOutput) {
                    lastOutput = out;
                    lastChange = now;
                }
            }
            boolean caughtUp = Arrivals.lag(s, settings) == 0;
            if (!writesIndex && caughtUp) {
                // no index to watch: done when its committed offsets reached the end (offsets
                // are committed at checkpoints, so this is late by up to one interval)
                lastChange = now;
                break;
            }
            if (caughtUp && now - lastChange >= Duration.ofSeconds(quietSeconds).toNanos()) {
                break;
            }
            if (now > deadline) {
                throw new IllegalStateException(
                        job + " did not process the backlog in " + timeoutMinutes + " min");
            }
        }
        Map<String, Long> used = ProcessCpu.between(cpuBefore, ProcessCpu.millis(pids));
        long scans = contactsSeqScans(s) - scansBefore;
        jobs.cancel(job);
        double seconds = (lastChange - start) / 1e9;
        Run r =
                new Run(
                        contacts,
                        job,
                        changes,
                        seconds,
                        (double) used.getOrDefault("flink", 0L) / changes,
                        used.getOrDefault("postgres", 0L) * 1000.0 / changes,
                        scans);
        System.out.printf(
                "%s, %d contacts: %.0f changes/s over %.1f s, flink %.3f CPU ms/change,"
                        + " postgres %.1f CPU ms/1k changes, %d seq scans of contacts%n",
                job,
                contacts,
                r.rate(),
                seconds,
                r.flinkCpuMsPerChange(),
                r.postgresCpuMsPer1k(),
                scans);
        return r;
    }

    /** What tells that a job still writes: its index's document count; null for retention. */
    private static LongSupplier outputOf(StackSettings s, String job) {
        String index =
                switch (job) {
                    case "lethe-audit" -> "lethe-audit";
                    case "lethe-discovery" -> "lethe-locations";
                    default -> null;
                };
        if (index == null) {
            return null;
        }
        return () -> Arrivals.count(s, index);
    }

    private static long contactsSeqScans(StackSettings s) throws Exception {
        try (Connection c = StackProbe.connectPostgres(s);
                PreparedStatement q =
                        c.prepareStatement(
                                "SELECT seq_scan FROM pg_stat_user_tables WHERE relname ="
                                        + " 'contacts' AND schemaname = 'public'");
                ResultSet r = q.executeQuery()) {
            return r.next() ? r.getLong(1) : 0;
        }
    }

    private static void print(List<Run> runs) {
        System.out.println();
        System.out.println(
                BenchStacks.besideLine(
                        BenchStacks.JOBS_OFF
                                + " while seeding and capturing; then each job alone, the others"
                                + " not submitted"));
        System.out.println(
                "| contacts | job | changes | changes/s | Flink CPU ms/change | PostgreSQL CPU"
                        + " ms/1k changes | seq scans of contacts |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (Run r : runs) {
            System.out.printf(
                    "| %d | %s | %d | %.0f | %.3f | %.1f | %d |%n",
                    r.contacts(),
                    r.job(),
                    r.changes(),
                    r.rate(),
                    r.flinkCpuMsPerChange(),
                    r.postgresCpuMsPer1k(),
                    r.contactsSeqScans());
        }
        int smallest = runs.stream().mapToInt(Run::contacts).min().orElse(0);
        int largest = runs.stream().mapToInt(Run::contacts).max().orElse(0);
        System.out.println();
        for (String job : JOBS) {
            Run small = find(runs, smallest, job);
            Run large = find(runs, largest, job);
            if (small != null && large != null && smallest != largest) {
                System.out.printf(
                        "%s: CPU per change at %d contacts / at %d: %.2fx (target <= 1.2x)%n",
                        job,
                        largest,
                        smallest,
                        large.flinkCpuMsPerChange() / small.flinkCpuMsPerChange());
            }
        }
        for (int n : runs.stream().map(Run::contacts).distinct().toList()) {
            Run audit = find(runs, n, "lethe-audit");
            Run discovery = find(runs, n, "lethe-discovery");
            if (audit != null && discovery != null) {
                System.out.printf(
                        "%d contacts: discovery's backlog rate / audit's: %.2fx (target <= 2x)%n",
                        n, discovery.rate() / audit.rate());
            }
        }
        long scans = runs.stream().mapToLong(Run::contactsSeqScans).sum();
        System.out.printf("sequential scans of contacts by the jobs: %d (target 0)%n", scans);
    }

    private static Run find(List<Run> runs, int contacts, String job) {
        return runs.stream()
                .filter(r -> r.contacts() == contacts && r.job().equals(job))
                .findFirst()
                .orElse(null);
    }
}
