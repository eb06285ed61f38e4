package dev.lethe.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.jobs.LetheJob;
import dev.lethe.testing.SharedStack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What {@code ./lethe up} does with Lethe's jobs ({@link LetheJobs#startAll}), on the real stack:
 * the three jobs are submitted under their fixed ids with exactly-once checkpoints, each signing in
 * to Kafka as its own user (a job the broker refused would restart, never completing a checkpoint);
 * a second call leaves them running; after they are cancelled, the next call resubmits each under a
 * new id and resumes it from its newest retained checkpoint.
 */
class LetheJobsITCase {

    @Test
    void jobsStartOnceAndResumeFromTheirNewestCheckpoint() throws Exception {
        StackSettings s = SharedStack.settings();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        LetheJobs jobs = new LetheJobs(s, new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            assertThat(jobs.startAll()).as(log.toString()).isEmpty();
            Map<String, String> first = jobs.runningJobs();
            for (LetheJob job : LetheJobs.ALL) {
                assertThat(first).containsKey(job.jobName());
                assertThat(isFixedId(job.jobName(), first.get(job.jobName())))
                        .as("the id of %s is one of its fixed generation ids", job.jobName())
                        .isTrue();
                assertThat(get(s, "/jobs/" + first.get(job.jobName()) + "/checkpoints/config"))
                        .contains("\"mode\":\"exactly_once\"");
            }
            for (LetheJob job : LetheJobs.ALL) {
                awaitCompletedCheckpoint(s, job.jobName(), first.get(job.jobName()));
            }

            log.reset();
            assertThat(jobs.startAll()).isEmpty();
            assertThat(jobs.runningJobs()).isEqualTo(first);
            assertThat(log.toString()).contains("already running");

            String audit = "lethe-audit";
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (jobs.latestCheckpoint(audit).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(500);
            }
            assertThat(jobs.latestCheckpoint(audit))
                    .as("a retained checkpoint of " + audit)
                    .isPresent();

            cancelAll(s, jobs);
            log.reset();
            assertThat(jobs.startAll()).as(log.toString()).isEmpty();
            Map<String, String> second = jobs.runningJobs();
            assertThat(second.get(audit)).isNotEqualTo(first.get(audit));
            assertThat(log.toString())
                    .containsPattern("job lethe-audit +submitted, resumed from chk-");
        } finally {
            cancelAll(s, jobs);
        }
    }

    /**
     * Waits until this run of the job completed a checkpoint: every task is running, its Kafka
     * sources, sinks and (for the audit log) transactions accepted by the broker for its user.
     */
    private static void awaitCompletedCheckpoint(StackSettings s, String name, String jid)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            last = get(s, "/jobs/" + jid + "/checkpoints");
            java.util.regex.Matcher m =
                    java.util.regex.Pattern.compile("\"completed\":(\\d+)").matcher(last);
            if (m.find() && Long.parseLong(m.group(1)) > 0) {
                return;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError(
                "job "
                        + name
                        + " completed no checkpoint in 120 s (refused by Kafka? see"
                        + " <data-dir>/logs/flink.log): "
                        + last);
    }

    private static boolean isFixedId(String name, String jid) {
        for (int g = 0; g < 64; g++) {
            if (LetheJobs.jobId(name, g).toHexString().equals(jid)) {
                return true;
            }
        }
        return false;
    }

    private static void cancelAll(StackSettings s, LetheJobs jobs) throws Exception {
        for (String jid : jobs.runningJobs().values()) {
            HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(
                                            s.flinkUrl().resolve("/jobs/" + jid + "?mode=cancel"))
                                    .method("PATCH", HttpRequest.BodyPublishers.noBody())
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!jobs.runningJobs().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(300);
        }
        assertThat(jobs.runningJobs()).as("jobs still running after cancel").isEmpty();
    }

    private static String get(StackSettings s, String path) throws Exception {
        URI uri = s.flinkUrl().resolve(path);
        return HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
                .body()
                .replace(" ", "");
    }
}
