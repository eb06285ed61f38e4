package dev.lethe.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.cli.AuditMonitors;
import dev.lethe.jobs.config.Secrets;
import dev.lethe.local.LetheJobs;
import dev.lethe.local.StackSettings;
import dev.lethe.simulator.LoadResult;
import dev.lethe.testing.AuditTestJobs;
import dev.lethe.testing.SharedStack;
import dev.lethe.testing.SteadyLoad;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The soak of the live log: Lethe's three jobs as {@code ./lethe up} runs them, under a steady load
 * for a long time (default a day), with the audit monitor {@code up} runs watching every tree head,
 * and {@code audit verify} run every few minutes, alternately whole-log and incrementally from a
 * kept state. Nothing may raise a finding: every verify exits 0 (what is ahead of the log is
 * pending), the monitor's findings stay 0 and it keeps verifying new heads; at the end, with the
 * load stopped, a final verify with {@code --completeness} shows every captured change in the log
 * exactly once.
 *
 * <p>Not part of {@code ./mvnw verify}: run it with the {@code soak} profile, e.g. {@code ./mvnw -o
 * verify -pl system-tests -am -Psoak -Dlethe.soak.duration=PT24H -Dlethe.soak.rate=50}. Properties:
 * {@code lethe.soak.duration} (ISO-8601, default {@code PT24H}), {@code lethe.soak.rate}
 * (operations per second, default 50), {@code lethe.soak.verify-every} (default {@code PT10M}). The
 * figures go to stdout and {@code target/soak-report.txt}.
 */
class AuditLiveSoak {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aLongLoadRaisesNothing() throws Exception {
        Duration duration = Duration.parse(System.getProperty("lethe.soak.duration", "PT24H"));
        int rate = Integer.getInteger("lethe.soak.rate", 50);
        Duration verifyEvery =
                Duration.parse(System.getProperty("lethe.soak.verify-every", "PT10M"));
        StackSettings s = SharedStack.settings();
        System.setProperty(Secrets.ELASTICSEARCH_PASSWORD, s.elasticsearchPassword().orElseThrow());
        Path state = s.dataDir().resolve("soak-verifier-state.json");
        LetheJobs jobs =
                new LetheJobs(s, new PrintStream(System.out, true, StandardCharsets.UTF_8));
        List<String> report = new ArrayList<>();
        Instant started = Instant.now();
        assertThat(jobs.startAll()).as("the three jobs start").isEmpty();
        AuditMonitors.Watch monitor = AuditMonitors.asUp(s);
        try {
            CompletableFuture<LoadResult> loading = SteadyLoad.start(s, rate, duration, 20261206);
            long runs = 0;
            long maxPending = 0;
            long lastHorizon = -1;
            Instant nextVerify = Instant.now().plus(Duration.ofMinutes(1));
            while (!loading.isDone()) {
                AuditMonitors.Outcome watched = monitor.now();
                assertThat(watched.findings())
                        .as("the monitor raised a finding after %s: %s", since(started), watched)
                        .isZero();
                if (Instant.now().isAfter(nextVerify)) {
                    List<String> extra =
                            runs % 2 == 1 ? List.of("--state", state.toString()) : List.of();
                    AuditTestJobs.Cli verify = verify(s, extra);
                    JsonNode out = JSON.readTree(verify.out());
                    assertThat(verify.code())
                            .as(
                                    "verify %d %s after %s: %s",
                                    runs, extra, since(started), verify.out())
                            .isZero();
                    long pending = out.path("index").path("pending").asLong();
                    long horizon = out.path("horizon").path("logIndex").asLong();
                    maxPending = Math.max(maxPending, pending);
                    assertThat(horizon)
                            .as("the log moves on under the load (run %d)", runs)
                            .isGreaterThan(lastHorizon);
                    lastHorizon = horizon;
                    String line =
                            String.format(
                                    "%s verify %d%s: exit 0, horizon %d, pending %d; monitor:"
                                            + " %d verifications through logIndex %d (tree head"
                                            + " %d), 0 findings",
                                    since(started),
                                    runs,
                                    extra.isEmpty() ? " (whole log)" : " (--state)",
                                    horizon,
                                    pending,
                                    watched.verifications(),
                                    watched.logIndex(),
                                    watched.checkpointSeq());
                    System.out.println(line);
                    report.add(line);
                    runs++;
                    nextVerify = Instant.now().plus(verifyEvery);
                }
                Thread.sleep(10_000);
            }
            LoadResult load = loading.get();

            // the load is over: the log catches up, the monitor verifies its last head, and the
            // log holds every captured change exactly once
            AuditTestJobs.Cli last = null;
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (System.nanoTime() < deadline) {
                last = verify(s, List.of("--completeness", "--pending-bound", "120s"));
                if (last.code() == 0
                        && JSON.readTree(last.out()).path("index").path("pending").asLong() == 0) {
                    break;
                }
                Thread.sleep(15_000);
            }
            assertThat(last.code()).as("the final verify: %s", last.out()).isZero();
            JsonNode finalReport = JSON.readTree(last.out());
            assertThat(finalReport.path("completeness").path("complete").asBoolean())
                    .as("every captured change is in the log exactly once: %s", last.out())
                    .isTrue();
            Thread.sleep(3 * AuditMonitors.TICK.toMillis());
            AuditMonitors.Outcome watched = monitor.stop();
            assertThat(watched.findings()).as("the monitor's findings: %s", watched).isZero();
            assertThat(watched.verifications())
                    .as("the monitor verified tree heads all along")
                    .isGreaterThan(duration.toMinutes());
            String summary =
                    String.format(
                            "soak: %s at %d ops/s requested (%.1f achieved), %d operations;"
                                    + " %d verify runs, all exit 0, max pending %d; final"
                                    + " verify --completeness: %s captured changes, each"
                                    + " logged once; monitor: %d"
                                    + " verifications through tree head %d (logIndex %d), 0"
                                    + " findings",
                            duration,
                            rate,
                            load.achievedRate(),
                            load.total(),
                            runs,
                            maxPending,
                            finalReport.path("completeness").path("rawChanges").asText(),
                            watched.verifications(),
                            watched.checkpointSeq(),
                            watched.logIndex());
            System.out.println(summary);
            report.add(summary);
        } finally {
            monitor.stop();
            for (dev.lethe.jobs.LetheJob job : LetheJobs.ALL) {
                jobs.cancel(job.jobName());
            }
            Files.write(Path.of("target", "soak-report.txt"), report);
        }
    }

    private static String since(Instant started) {
        Duration d = Duration.between(started, Instant.now());
        return String.format("%dh%02dm", d.toHours(), d.toMinutesPart());
    }

    private static AuditTestJobs.Cli verify(StackSettings s, List<String> extra) {
        List<String> args =
                new ArrayList<>(
                        List.of("audit", "verify", "--json", "--data-dir", s.dataDir().toString()));
        args.addAll(extra);
        return AuditTestJobs.cli(args);
    }
}
