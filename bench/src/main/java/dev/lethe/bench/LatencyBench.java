package dev.lethe.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.local.Http;
import dev.lethe.local.StackOptions;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import dev.lethe.simulator.LoadGenerator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Commit → searchable, for both kinds of writer, in both indexes: on a fresh local stack with its
 * jobs, under a steady {@code ./lethe load}, contacts are inserted one per transaction, alternately
 * by a writer that names its actor ({@code lethe.actor} message first, as {@code ./lethe load}
 * does) and by one that does not (as {@code psql} or any application unaware of Lethe: the actor
 * trigger names the database role). Each is timed from the moment its commit returned until a term
 * query finds it in {@code lethe-audit} ({@code entityId}) and in {@code lethe-locations} ({@code
 * recordId}), polled every {@link #POLL}. The baseline, in the same run: a document written
 * straight into a scratch index with the same refresh, timed the same way (what Elasticsearch alone
 * costs); each p50 is also given as a multiple of it. The audit entries of the second writer must
 * name the database role, not {@code unknown}.
 */
@Command(
        name = "latency",
        mixinStandardHelpOptions = true,
        description =
                "Commit to found in lethe-audit and lethe-locations, for writers with and without an"
                        + " actor message, under a steady load; against Elasticsearch alone.")
final class LatencyBench implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration POLL = ChangeProbe.POLL;
    private static final Duration FIND_TIMEOUT = Duration.ofSeconds(60);

    /** A sample this slow (ms) in either index is broken down by stage. */
    static final long SLOW_MS = 1000;

    @Mixin StackOptions options;

    @Option(
            names = "--rate",
            defaultValue = "100",
            description = "Steady load, operations per second (default 100).")
    int rate;

    @Option(
            names = "--samples",
            defaultValue = "60",
            description = "Contacts timed per writer (default 60).")
    int samples;

    @Option(
            names = "--warmup",
            defaultValue = "30",
            description = "Seconds of load before the first sample (default 30).")
    int warmupSeconds;

    /**
     * One timed contact: found after {@code auditMs} and {@code locationsMs}; its change reached
     * the raw topic {@code kafkaMs} after the commit (-1: unknown), committed at {@code
     * committedAtMillis} (wall clock).
     */
    record Sample(
            String writer,
            String entity,
            long auditMs,
            long locationsMs,
            String actorType,
            long committedAtMillis,
            long kafkaMs) {
        boolean complete() {
            return auditMs >= 0 && locationsMs >= 0;
        }

        Sample reachedKafka(CaptureClock clock) {
            long at = clock.reachedKafka(entity).orElse(Long.MIN_VALUE);
            return new Sample(
                    writer,
                    entity,
                    auditMs,
                    locationsMs,
                    actorType,
                    committedAtMillis,
                    at == Long.MIN_VALUE ? -1 : Math.max(0, at - committedAtMillis));
        }
    }

    @Override
    public Integer call() throws Exception {
        if (samples < 5 || rate < 0 || warmupSeconds < 0) {
            throw new IllegalArgumentException("--samples must be >= 5, --rate and --warmup >= 0");
        }
        return BenchStacks.onFreshStack(options, (stack, s) -> measure(s));
    }

    private int measure(StackSettings s) throws Exception {
        List<Long> baseline = baseline(s, samples);
        Duration loadFor =
                Duration.ofSeconds(warmupSeconds)
                        .plus(Duration.ofSeconds(samples * 2L * 5)); // ample; stopped after
        LoadGenerator load =
                LoadGenerator.builder()
                        .dataSource(s.postgresDataSource("lethe-bench-latency"))
                        .rate(Math.max(rate, 1))
                        .duration(loadFor)
                        .seed(11)
                        .build();
        CompletableFuture<?> loading =
                rate == 0 ? CompletableFuture.completedFuture(null) : load.runInBackground();
        Thread.sleep(warmupSeconds * 1000L);
        List<Sample> timed = new ArrayList<>();
        try (CaptureClock clock = CaptureClock.start(s)) {
            try {
                for (int i = 0; i < samples * 2; i++) {
                    boolean named = i % 2 == 0;
                    timed.add(sample(s, named));
                }
            } finally {
                load.stop();
                loading.exceptionally(e -> null).join();
            }
            Thread.sleep(1_000); // the clock's last records
            timed = timed.stream().map(t -> t.reachedKafka(clock)).toList();
        }
        print(s, timed, baseline);
        printStages(timed);
        lateOrMissing(s, timed);
        return 0;
    }

    /** One contact: insert, commit, then poll both indexes until it is found in each. */
    private static Sample sample(StackSettings s, boolean namesActor) throws Exception {
        ChangeProbe.Committed probe = ChangeProbe.insertContact(s, namesActor);
        ChangeProbe.Found found = ChangeProbe.awaitFound(s, probe, FIND_TIMEOUT);
        return new Sample(
                namesActor ? "with actor message" : "without",
                probe.entity(),
                found.auditMs(),
                found.locationsMs(),
                found.actorType(),
                probe.committedAtMillis(),
                -1);
    }

    /**
     * The samples not found in time, looked up once more after the load: found late (and where
     * not), or never. Names record ids only.
     */
    private static void lateOrMissing(StackSettings s, List<Sample> timed) throws Exception {
        List<Sample> incomplete = timed.stream().filter(t -> !t.complete()).toList();
        if (incomplete.isEmpty()) {
            return;
        }
        Thread.sleep(FIND_TIMEOUT.toMillis());
        System.out.println();
        for (Sample t : incomplete) {
            boolean inAudit = firstHit(s, "lethe-audit", "entityId", t.entity()) != null;
            boolean inLocations = firstHit(s, "lethe-locations", "recordId", t.entity()) != null;
            String row;
            try (Connection c = StackProbe.connectPostgres(s);
                    PreparedStatement ps =
                            c.prepareStatement(
                                    "SELECT deleted_at IS NOT NULL FROM contacts WHERE id = ?")) {
                ps.setLong(1, Long.parseLong(t.entity().substring("contacts/".length())));
                try (ResultSet r = ps.executeQuery()) {
                    row = !r.next() ? "deleted since" : r.getBoolean(1) ? "soft-deleted" : "live";
                }
            }
            System.out.printf(
                    "not found within %d s: %s (%s, row %s): in lethe-audit %s, in"
                            + " lethe-locations %s a minute later%n",
                    FIND_TIMEOUT.toSeconds(),
                    t.entity(),
                    t.writer(),
                    row,
                    t.auditMs() >= 0 ? "in time" : inAudit ? "yes" : "NO",
                    t.locationsMs() >= 0 ? "in time" : inLocations ? "yes" : "NO");
        }
    }

    /** Elasticsearch alone: a document into a scratch index, timed until a term query finds it. */
    private static List<Long> baseline(StackSettings s, int n) throws Exception {
        String index = "lethe-bench-latency-" + UUID.randomUUID().toString().substring(0, 8);
        String auth = auth(s);
        URI base = s.elasticsearchUrl();
        Http.put(
                base.resolve("/" + index),
                "{\"mappings\":{\"properties\":{\"recordId\":{\"type\":\"keyword\"}}}}",
                auth);
        List<Long> out = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                String record = "contacts/" + i;
                long start = System.nanoTime();
                Http.Response r =
                        Http.post(
                                base.resolve("/" + index + "/_doc"),
                                JSON.writeValueAsString(Map.of("recordId", record)),
                                auth);
                if (!r.ok()) {
                    throw new IllegalStateException("baseline write: HTTP " + r.status());
                }
                while (firstHit(s, index, "recordId", record) == null) {
                    Thread.sleep(POLL.toMillis());
                }
                out.add((System.nanoTime() - start) / 1_000_000);
            }
        } finally {
            HttpRequest.Builder delete = HttpRequest.newBuilder(base.resolve("/" + index)).DELETE();
            if (auth != null) {
                delete.header("Authorization", auth);
            }
            HttpClient.newHttpClient().send(delete.build(), HttpResponse.BodyHandlers.discarding());
        }
        return out;
    }

    private static JsonNode firstHit(StackSettings s, String index, String field, String value)
            throws Exception {
        return ChangeProbe.firstHit(s, index, field, value);
    }

    private static String auth(StackSettings s) {
        return ChangeProbe.auth(s);
    }

    private void print(StackSettings s, List<Sample> timed, List<Long> baseline) {
        long baseP50 = percentile(baseline, 50);
        System.out.printf(
                "%nlatency: %d contacts per writer under a steady load of %d/s; polled every %d"
                        + " ms%n",
                samples, rate, POLL.toMillis());
        System.out.println(
                BenchStacks.besideLine(
                        BenchStacks.jobsOn() + "; the steady `./lethe load` of " + rate + "/s"));
        System.out.printf(
                "baseline (Elasticsearch alone: write, then found by a term query): p50 %d / p95 %d"
                        + " / max %d ms%n%n",
                baseP50, percentile(baseline, 95), Collections.max(baseline));
        System.out.println(
                "| writer | audit index p50 / p95 / p99 / max | location index p50 / p95 / p99 /"
                        + " max | audit p50 ÷ baseline | actor in the audit entries | not found |");
        System.out.println("|---|---|---|---|---|---|");
        Map<String, List<Sample>> byWriter = new TreeMap<>(Collections.reverseOrder());
        for (Sample t : timed) {
            byWriter.computeIfAbsent(t.writer(), w -> new ArrayList<>()).add(t);
        }
        byWriter.forEach(
                (writer, list) -> {
                    List<Long> audit = new ArrayList<>();
                    List<Long> locations = new ArrayList<>();
                    Map<String, Integer> actors = new TreeMap<>();
                    int missing = 0;
                    for (Sample t : list) {
                        if (t.auditMs() >= 0) {
                            audit.add(t.auditMs());
                            actors.merge(t.actorType(), 1, Integer::sum);
                        }
                        if (t.locationsMs() >= 0) {
                            locations.add(t.locationsMs());
                        }
                        if (t.auditMs() < 0 || t.locationsMs() < 0) {
                            missing++;
                        }
                    }
                    System.out.printf(
                            "| %s | %s | %s | %s | %s | %d |%n",
                            writer,
                            summary(audit),
                            summary(locations),
                            audit.isEmpty()
                                    ? "-"
                                    : String.format(
                                            "%.1fx",
                                            percentile(audit, 50) / (double) Math.max(1, baseP50)),
                            actors,
                            missing);
                });
        System.out.println(
                "\ntargets (issue: searchable within a second): p50 <= 500 ms, p99 <= 1000 ms in"
                        + " both indexes for both writers; the second writer's entries name the"
                        + " database role.");
    }

    /**
     * Where the time goes: capture (commit → the change's record in the raw topic, by Connect's
     * clock) for every sample, and for the slowest (over {@value #SLOW_MS} ms, or the slowest 2 %
     * in either index) capture and the jobs' part (raw topic → searchable) in each index.
     */
    private static void printStages(List<Sample> timed) {
        List<Long> capture = timed.stream().map(Sample::kafkaMs).filter(ms -> ms >= 0).toList();
        System.out.printf(
                "%ncapture (commit -> raw topic), all samples: %s (%d of %d seen in the raw"
                        + " topic)%n",
                summary(capture), capture.size(), timed.size());
        List<Long> audit = timed.stream().map(Sample::auditMs).filter(ms -> ms >= 0).toList();
        List<Long> locations =
                timed.stream().map(Sample::locationsMs).filter(ms -> ms >= 0).toList();
        if (audit.isEmpty() || locations.isEmpty()) {
            return;
        }
        long auditSlow = Math.min(SLOW_MS, percentile(audit, 98));
        long locationsSlow = Math.min(SLOW_MS, percentile(locations, 98));
        List<Sample> slow =
                timed.stream()
                        .filter(t -> t.auditMs() >= auditSlow || t.locationsMs() >= locationsSlow)
                        .sorted(
                                java.util.Comparator.comparingLong(
                                                (Sample t) ->
                                                        Math.max(t.auditMs(), t.locationsMs()))
                                        .reversed())
                        .toList();
        System.out.printf(
                "slowest samples (audit >= %d ms or locations >= %d ms): capture | jobs -> audit |"
                        + " jobs -> locations%n",
                auditSlow, locationsSlow);
        System.out.println(
                "| entity | writer | commit -> raw topic | raw topic -> lethe-audit | raw topic ->"
                        + " lethe-locations |");
        System.out.println("|---|---|---:|---:|---:|");
        for (Sample t : slow) {
            System.out.printf(
                    "| %s | %s | %s | %s | %s |%n",
                    t.entity(),
                    t.writer(),
                    ms(t.kafkaMs()),
                    t.kafkaMs() < 0 || t.auditMs() < 0 ? "-" : ms(t.auditMs() - t.kafkaMs()),
                    t.kafkaMs() < 0 || t.locationsMs() < 0
                            ? "-"
                            : ms(t.locationsMs() - t.kafkaMs()));
        }
    }

    private static String ms(long ms) {
        return ms < 0 ? "-" : ms + " ms";
    }

    private static String summary(List<Long> values) {
        if (values.isEmpty()) {
            return "none found";
        }
        return String.format(
                "%d / %d / %d / %d ms",
                percentile(values, 50),
                percentile(values, 95),
                percentile(values, 99),
                Collections.max(values));
    }

    static long percentile(List<Long> values, int p) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }
}
