package dev.lethe.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.cli.DurationConverter;
import dev.lethe.cli.Lethe;
import dev.lethe.jobs.LetheJob;
import dev.lethe.local.ComponentHealth;
import dev.lethe.local.Http;
import dev.lethe.local.IndependentSlot;
import dev.lethe.local.LetheJobs;
import dev.lethe.local.LocalStack;
import dev.lethe.local.StackOptions;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import dev.lethe.simulator.LoadGenerator;
import dev.lethe.simulator.LoadResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The faults issue's suite on a real stack: a fresh local stack with its jobs and supervisor (as
 * {@code ./lethe up --detach} leaves it) under a steady {@code ./lethe load}, while faults are
 * injected one after another ({@link Fault}: {@code kill -9} of Kafka, Connect, Flink and
 * Elasticsearch, PostgreSQL's immediate shutdown, Elasticsearch frozen, the network between the
 * jobs and Elasticsearch and between Connect and Kafka stalled, a {@code down} + {@code up}).
 * Nobody repairs anything: each fault is timed until every component is healthy again with Lethe's
 * three jobs running. After the load, every change PostgreSQL committed on a governed table (an
 * {@link IndependentSlot} made before the load) must be in the audit log of record exactly once by
 * (entity, LSN), and {@code ./lethe audit reconcile} must exit 0. Exit code 0 only when nothing was
 * lost or doubled, reconcile passed and every fault was recovered from.
 */
@Command(
        name = "faults",
        mixinStandardHelpOptions = true,
        description =
                "Faults under a steady load on a fresh stack (kill -9 of each server, PostgreSQL's"
                        + " immediate shutdown, Elasticsearch frozen, the networks jobs to"
                        + " Elasticsearch and Connect to Kafka stalled, down + up); then every"
                        + " committed change must be in the audit log exactly once by LSN.")
final class FaultsBench implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SLOT = "lethe_bench_faults";

    @Mixin StackOptions options;

    @Option(
            names = "--rate",
            defaultValue = "40",
            description = "Steady load, operations per second (default 40).")
    int rate;

    @Option(
            names = "--faults",
            defaultValue = Fault.ALL,
            description = "The faults to inject, comma-separated (default: ${DEFAULT-VALUE}).")
    String faults;

    @Option(
            names = "--repeat",
            defaultValue = "2",
            description = "Rounds: each fault is injected this many times (default 2).")
    int repeat;

    @Option(
            names = "--interval",
            defaultValue = "20",
            description = "Seconds of load between a recovery and the next fault (default 20).")
    int intervalSeconds;

    @Option(
            names = "--freeze",
            defaultValue = "60",
            description = "Seconds Elasticsearch stays frozen (default 60).")
    int freezeSeconds;

    @Option(
            names = "--stall",
            defaultValue = "60",
            description =
                    "Seconds the network between the jobs and Elasticsearch stays stalled"
                            + " (default 60).")
    int stallSeconds;

    @Option(
            names = "--purge-window",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description =
                    "The bench's policy deletes soft-deleted records this long after deleted_at,"
                            + " so purges fall due during the faults (default 30s). With a"
                            + " --retention-policy of your own, give its window for soft-deleted"
                            + " records here.")
    Duration purgeWindow;

    @Option(
            names = "--purge-bound",
            defaultValue = "90s",
            converter = DurationConverter.class,
            description =
                    "How long after its deadline a purge may come, faults and all (default 90s).")
    Duration purgeBound;

    @Option(
            names = "--recovery-timeout",
            defaultValue = "300",
            description = "Seconds a fault may take to heal before the run fails (default 300).")
    int recoveryTimeoutSeconds;

    /**
     * One injected fault, how long the stack took to be whole again (every component healthy, the
     * jobs running) and to have recovered (-1: not in time): a change committed once it was whole
     * is searchable in the audit and the location index. Counted from the kill, the shutdown, the
     * {@code down}, or the end of a freeze or a stall.
     */
    record Injected(Fault fault, long atSecond, long wholeMs, long recoveredMs, String detail) {}

    /** The proxies the stalled-network faults stall, by fault. */
    private final Map<Fault, StalledNetwork> networks = new EnumMap<>(Fault.class);

    @Override
    public Integer call() throws Exception {
        List<Fault> order = Fault.schedule(Fault.parse(faults), repeat);
        Fault.requireStack(order, options.resolve().kafkaBrokers());
        if (rate < 1
                || intervalSeconds < 0
                || freezeSeconds < 1
                || stallSeconds < 1
                || recoveryTimeoutSeconds < 10) {
            throw new IllegalArgumentException(
                    "--rate, --freeze and --stall must be >= 1, --interval >= 0,"
                            + " --recovery-timeout >= 10");
        }
        StackSettings settings = options.resolve();
        if (settings.retentionPolicy().isEmpty()) {
            options.useRetentionPolicy(PurgeCheck.writePolicy(settings.dataDir(), purgeWindow));
        }
        try {
            if (Fault.stallsJobsToElasticsearch(order)) {
                StalledNetwork n = StalledNetwork.inFrontOf(settings.elasticsearchUrl());
                networks.put(Fault.JOBS_ELASTICSEARCH_STALL, n);
                options.useJobsElasticsearchUrl(n.url(settings.elasticsearchUrl()));
            }
            if (Fault.stallsConnectToKafka(order)) {
                int listener = StalledNetwork.freePort();
                StalledNetwork n = StalledNetwork.inFrontOf("127.0.0.1", listener);
                networks.put(Fault.CONNECT_KAFKA_STALL, n);
                options.useConnectKafkaListener(listener, n.port());
            }
            return BenchStacks.onFreshStack(
                    options,
                    (stack, s) -> {
                        stack.ensureSupervisor();
                        return run(stack, s, order);
                    });
        } finally {
            networks.values().forEach(StalledNetwork::close);
            // the proxies are gone: a later ./lethe up on this data directory goes direct
            LocalStack.forgetRecorded(
                    options.resolve(),
                    "jobsElasticsearchUrl",
                    "connectKafkaListenerPort",
                    "connectKafkaAdvertisedPort");
        }
    }

    private int run(LocalStack stack, StackSettings s, List<Fault> order) throws Exception {
        awaitWhole(s, Duration.ofSeconds(recoveryTimeoutSeconds));
        List<Injected> injected = new ArrayList<>();
        LoadResult loaded;
        List<String> committed;
        PurgeCheck.Result purges;
        try (IndependentSlot slot =
                IndependentSlot.create(s, SLOT, IndependentSlot.governedTables())) {
            LoadGenerator load =
                    LoadGenerator.builder()
                            .dataSource(s.postgresDataSource("lethe-bench-faults"))
                            .rate(rate)
                            .duration(Duration.ofDays(1)) // stopped after the last fault
                            .seed(14)
                            .build();
            CompletableFuture<LoadResult> loading = load.runInBackground();
            long t0 = System.nanoTime();
            try {
                for (Fault f : order) {
                    Thread.sleep(intervalSeconds * 1000L);
                    long at = (System.nanoTime() - t0) / 1_000_000_000L;
                    System.out.printf("%4d s  %s%n", at, f.description());
                    Injected i = inject(stack, s, f, at);
                    System.out.printf(
                            "        %s%n",
                            i.recoveredMs() < 0
                                    ? "NOT recovered: " + i.detail()
                                    : String.format(
                                            "whole again after %.1f s, a new change searchable"
                                                    + " after %.1f s",
                                            i.wholeMs() / 1000.0, i.recoveredMs() / 1000.0));
                    injected.add(i);
                    if (i.recoveredMs() < 0) {
                        break; // what follows would measure a broken stack
                    }
                }
                Thread.sleep(intervalSeconds * 1000L);
            } finally {
                load.stop();
                loaded = loading.join();
            }
            // the purges falling due after the load are in the changes compared below
            purges = PurgeCheck.check(s, purgeWindow, purgeBound, Instant.now());
            IndependentSlot.commitMarker(s, "bench-faults");
            committed = slot.read();
        }
        Map<String, Integer> logged =
                IndependentSlot.awaitLogged(s, committed, Duration.ofMinutes(5));
        IndependentSlot.Comparison compared = IndependentSlot.compareCounts(committed, logged);
        Reconciled reconciled = reconcile(s);
        LocationIndexCheck.Result locations =
                LocationIndexCheck.check(
                        s, locatedTables(), Duration.ofSeconds(20), Duration.ofMinutes(5));
        boolean ok =
                compared.missing().isEmpty()
                        && compared.doubled().isEmpty()
                        && reconciled.code() == 0
                        && locations.ok()
                        && purges.ok()
                        && injected.size() == order.size()
                        && injected.stream().allMatch(i -> i.recoveredMs() >= 0);
        print(injected, loaded, committed.size(), compared, reconciled, locations, purges, ok);
        return ok ? 0 : 1;
    }

    /** The helpdesk's tables discovery locates data in: every table of the catalog but Lethe's. */
    private static List<String> locatedTables() {
        return dev.lethe.catalog.PersonalDataCatalog.loadDefault().tables().stream()
                .filter(t -> !t.startsWith("lethe_"))
                .sorted()
                .toList();
    }

    /** Injects {@code f} and waits until the stack is whole again. */
    private Injected inject(LocalStack stack, StackSettings s, Fault f, long at) throws Exception {
        long started = System.nanoTime();
        Duration timeout = Duration.ofSeconds(recoveryTimeoutSeconds);
        Long before = f.component() == null ? null : stack.pids().get(f.component());
        switch (f) {
            case KAFKA, KAFKA_BROKER, CONNECT, FLINK, ELASTICSEARCH -> {
                ProcessHandle p = ProcessHandle.of(before).orElseThrow();
                p.destroyForcibly();
                p.onExit().join();
            }
            case POSTGRES -> {
                long postmaster =
                        Long.parseLong(
                                Files.readAllLines(
                                                s.dataDir().resolve("postgres/data/postmaster.pid"))
                                        .get(0)
                                        .trim());
                signal("QUIT", postmaster);
                ProcessHandle.of(postmaster).ifPresent(h -> h.onExit().join());
            }
            case ELASTICSEARCH_FREEZE -> {
                signal("STOP", before);
                try {
                    Thread.sleep(freezeSeconds * 1000L);
                } finally {
                    signal("CONT", before);
                }
                started = System.nanoTime(); // a freeze's outage is its own length: timed after
            }
            case JOBS_ELASTICSEARCH_STALL, CONNECT_KAFKA_STALL -> {
                StalledNetwork network = networks.get(f);
                network.stall();
                try {
                    Thread.sleep(stallSeconds * 1000L);
                } finally {
                    network.release();
                }
                started = System.nanoTime(); // as a freeze: timed after
            }
            case RESTART -> {
                stack.down();
                stack.up();
                stack.ensureSupervisor();
            }
        }
        long whole;
        try {
            if (f.endsProcess()) {
                awaitNewProcess(stack, f.component(), before, timeout);
            }
            awaitWhole(s, timeout.minusNanos(System.nanoTime() - started));
            whole = (System.nanoTime() - started) / 1_000_000;
        } catch (IllegalStateException e) {
            return new Injected(f, at, -1, -1, e.getMessage());
        }
        ChangeProbe.Committed probe = null;
        while (probe == null) {
            try {
                probe = ChangeProbe.insertContact(s, false);
            } catch (java.sql.SQLException e) {
                if (System.nanoTime() - started > timeout.toNanos()) {
                    return new Injected(
                            f, at, whole, -1, "no change committed: SQL state " + e.getSQLState());
                }
                Thread.sleep(500);
            }
        }
        Duration left = timeout.minusNanos(System.nanoTime() - started);
        ChangeProbe.Found found = ChangeProbe.awaitFound(s, probe, left);
        if (!found.complete()) {
            return new Injected(
                    f,
                    at,
                    whole,
                    -1,
                    probe.entity()
                            + ", committed once the stack was whole, not found in"
                            + (found.auditMs() < 0 ? " lethe-audit" : "")
                            + (found.locationsMs() < 0 ? " lethe-locations" : "")
                            + " within "
                            + left.toSeconds()
                            + " s");
        }
        return new Injected(f, at, whole, (System.nanoTime() - started) / 1_000_000, "");
    }

    private static void signal(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
        }
    }

    /** Waits until the supervisor has started {@code component} again (a new pid). */
    private static void awaitNewProcess(
            LocalStack stack, String component, Long before, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Long now = stack.pids().get(component);
            if (now != null && !now.equals(before)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(component + " was not started again");
            }
            Thread.sleep(250);
        }
    }

    /**
     * Waits until every component is healthy and each of Lethe's jobs has a RUNNING run; throws
     * naming what is not, after {@code timeout}.
     */
    static void awaitWhole(StackSettings s, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        while (true) {
            List<String> broken = new ArrayList<>();
            for (ComponentHealth h : new StackProbe(s, Map.of()).all()) {
                if (!h.healthy()) {
                    broken.add(h.component() + ": " + h.detail());
                }
            }
            if (broken.isEmpty()) {
                for (LetheJob job : LetheJobs.ALL) {
                    if (!jobRunning(s, job.jobName())) {
                        broken.add("job " + job.jobName() + " not RUNNING");
                    }
                }
            }
            if (broken.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not whole again: " + broken);
            }
            Thread.sleep(250);
        }
    }

    /** Whether the latest run of the job {@code name} is RUNNING. */
    private static boolean jobRunning(StackSettings s, String name) throws Exception {
        Http.Response r = Http.get(s.flinkUrl().resolve("/jobs/overview"), null);
        if (!r.ok()) {
            return false;
        }
        JsonNode latest = null;
        for (JsonNode j : JSON.readTree(r.body()).path("jobs")) {
            if (name.equals(j.path("name").asText())
                    && (latest == null
                            || j.path("start-time").asLong()
                                    > latest.path("start-time").asLong())) {
                latest = j;
            }
        }
        return latest != null && "RUNNING".equals(latest.path("state").asText());
    }

    /** What {@code ./lethe audit reconcile} said. */
    record Reconciled(int code, JsonNode report) {}

    private static Reconciled reconcile(StackSettings s) throws Exception {
        List<String> args =
                new ArrayList<>(List.of("audit", "reconcile", "--json", "--settle", "120s"));
        args.addAll(BenchStacks.cliStackArgs(s));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            code = Lethe.run(args.toArray(String[]::new));
        } finally {
            System.setOut(stdout);
        }
        JsonNode report;
        try {
            report = JSON.readTree(out.toString(StandardCharsets.UTF_8));
        } catch (Exception e) {
            report = JSON.createObjectNode();
        }
        return new Reconciled(code, report == null ? JSON.createObjectNode() : report);
    }

    private void print(
            List<Injected> injected,
            LoadResult loaded,
            int changes,
            IndependentSlot.Comparison compared,
            Reconciled reconciled,
            LocationIndexCheck.Result locations,
            PurgeCheck.Result purges,
            boolean ok) {
        System.out.println();
        System.out.println("| at | fault | whole again after | a new change searchable after |");
        System.out.println("|---:|---|---:|---:|");
        for (Injected i : injected) {
            System.out.printf(
                    "| %d s | %s | %s | %s |%n",
                    i.atSecond(),
                    i.fault().description(),
                    i.wholeMs() < 0
                            ? "not in " + recoveryTimeoutSeconds + " s"
                            : seconds(i.wholeMs()),
                    i.recoveredMs() < 0
                            ? "not in " + recoveryTimeoutSeconds + " s"
                            : seconds(i.recoveredMs()));
        }
        List<Long> recovered =
                injected.stream().map(Injected::recoveredMs).filter(ms -> ms >= 0).toList();
        MeasureTable.printHeader(System.out);
        System.out.printf(
                "| faults injected | %d of %d |%n",
                injected.size(), repeat * Fault.parse(faults).size());
        System.out.printf(
                "| load | %d operations at %.1f/s requested %d (%d failed while a store was away) |%n",
                loaded.total(), loaded.achievedRate(), rate, loaded.failed());
        System.out.printf("| committed changes checked (independent slot) | %d |%n", changes);
        System.out.printf(
                "| lost | %d%s |%n", compared.missing().size(), first(compared.missing()));
        System.out.printf(
                "| duplicated | %d%s |%n", compared.doubled().size(), first(compared.doubled()));
        System.out.printf(
                "| audit reconcile | exit %d, %s raw changes |%n",
                reconciled.code(), reconciled.report().path("rawChanges").asText("?"));
        System.out.printf("| location index against the database | %s |%n", locations.summary());
        System.out.printf(
                "| purges against their deadlines (bound %d s) | %s |%n",
                purgeBound.toSeconds(), purges.summary());
        System.out.printf(
                "| recovery (a new change searchable) p50 / max | %s / %s |%n",
                seconds(Recovery.median(recovered)), seconds(Recovery.max(recovered)));
        System.out.println(BenchStacks.besideRow(BenchStacks.jobsOn() + ", the supervisor"));
        System.out.println(ok ? "PASS" : "FAIL");
    }

    private static String first(List<String> changes) {
        return changes.isEmpty() ? "" : " (first " + changes.get(0) + ")";
    }

    private static String seconds(long ms) {
        return ms < 0 ? "-" : String.format("%.1f s", ms / 1000.0);
    }

    /** The median and maximum of recovery times (ms); -1 for none. */
    static final class Recovery {
        private Recovery() {}

        static long median(List<Long> ms) {
            if (ms.isEmpty()) {
                return -1;
            }
            List<Long> sorted = ms.stream().sorted().toList();
            return sorted.get((sorted.size() - 1) / 2);
        }

        static long max(List<Long> ms) {
            return ms.stream().mapToLong(Long::longValue).max().orElse(-1);
        }
    }
}
