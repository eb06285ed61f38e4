package dev.lethe.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.jobs.LetheJob;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.retention.RetentionSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LetheJobsTest {

    @TempDir Path dataDir;

    private LetheJobs jobs() {
        StackOptions o = new StackOptions();
        new CommandLine(o).parseArgs("--data-dir", dataDir.toString());
        return new LetheJobs(o.resolve(Map.of()), System.out);
    }

    private Path checkpoint(String job, int generation, int n, Instant written) throws Exception {
        Path chk =
                dataDir.resolve("flink/checkpoints")
                        .resolve(LetheJobs.jobId(job, generation).toHexString())
                        .resolve("chk-" + n);
        Files.createDirectories(chk);
        Path meta = Files.writeString(chk.resolve("_metadata"), "x");
        Files.setLastModifiedTime(meta, FileTime.from(written));
        return chk;
    }

    @Test
    void aJobThatFailedForGoodIsResubmittedOnceTheClusterHasATaskManager() {
        List<String> all = LetheJobs.ALL.stream().map(LetheJob::jobName).toList();
        String failed = all.get(1); // its latest run FAILED: runningJobs() does not list it
        java.util.Set<String> running = new java.util.HashSet<>(all);
        running.remove(failed);

        assertThat(LetheJobs.toResubmit(java.util.OptionalInt.of(1), running))
                .containsExactly(failed);
        // without a TaskManager (Flink starting, or stalled: the supervisor restarts it) none is
        assertThat(LetheJobs.toResubmit(java.util.OptionalInt.of(0), running)).isEmpty();
        assertThat(LetheJobs.toResubmit(java.util.OptionalInt.empty(), running)).isEmpty();
        assertThat(LetheJobs.toResubmit(java.util.OptionalInt.of(1), java.util.Set.copyOf(all)))
                .isEmpty();
        assertThat(LetheJobs.toResubmit(java.util.OptionalInt.of(1), java.util.Set.of()))
                .containsExactlyElementsOf(all);
    }

    @Test
    void jobIdsAreFixedPerNameAndGeneration() {
        assertThat(LetheJobs.jobId("lethe-audit", 0)).isEqualTo(LetheJobs.jobId("lethe-audit"));
        assertThat(
                        List.of(
                                LetheJobs.jobId("lethe-audit", 0),
                                LetheJobs.jobId("lethe-audit", 1),
                                LetheJobs.jobId("lethe-discovery", 0)))
                .doesNotHaveDuplicates();
    }

    @Test
    void resumesFromTheNewestCompletedCheckpointOfAnyGeneration() throws Exception {
        assertThat(jobs().latestCheckpoint("lethe-audit")).isEmpty();
        checkpoint("lethe-audit", 0, 41, Instant.parse("2026-01-01T00:00:00Z"));
        Path newest = checkpoint("lethe-audit", 1, 3, Instant.parse("2026-01-02T00:00:00Z"));
        checkpoint("lethe-discovery", 0, 99, Instant.parse("2026-01-03T00:00:00Z"));
        // an incomplete checkpoint (no _metadata) never counts
        Files.createDirectories(
                dataDir.resolve("flink/checkpoints")
                        .resolve(LetheJobs.jobId("lethe-audit", 1).toHexString())
                        .resolve("chk-4"));

        assertThat(jobs().latestCheckpoint("lethe-audit")).contains(newest);
    }

    /**
     * What the stack submits is what each job's main would read from the same arguments: the
     * stack's addresses, the job's own users, the shipped catalog and policy, the job's name.
     */
    @Test
    void theArgumentsOfEachJobParseBackIntoTheSettingsItsMainUses() {
        StackOptions o = new StackOptions();
        new CommandLine(o).parseArgs("--data-dir", dataDir.toString());
        StackSettings s = o.resolve(Map.of());
        LetheJobs jobs = new LetheJobs(s, System.out);
        for (LetheJob job : LetheJobs.ALL) {
            List<String> args = jobs.arguments(job.jobName());
            ComponentRole role = LetheJobs.role(job.jobName());
            JobSettings parsed = job.settings(args);
            JobSettings expected =
                    JobSettings.of(
                                    s.kafkaBootstrap(),
                                    s.elasticsearchUrl(),
                                    s.elasticsearchUserOf(role),
                                    s.postgresJdbcUrl(),
                                    s.postgresUserOf(role))
                            .withJobName(job.jobName())
                            .withKafkaUser(s.managesKafka() ? s.kafkaUserOf(role) : "");
            assertThat(parsed).as(job.jobName()).isEqualTo(expected);
            assertThat(jobs.jobSettings(job.jobName())).isEqualTo(parsed);
            assertThat(job.retentionSettings(args)).isEqualTo(RetentionSettings.defaults());
        }
        assertThat(LetheJobs.ALL)
                .extracting(LetheJob::jobName)
                .containsExactly("lethe-audit", "lethe-discovery", "lethe-retention");
    }

    @Test
    void theStacksRetentionPolicyIsTheRetentionJobs() throws Exception {
        Path policy = Files.writeString(dataDir.resolve("policy.yaml"), "version: 1");
        StackOptions o = new StackOptions();
        new CommandLine(o)
                .parseArgs(
                        "--data-dir", dataDir.toString(), "--retention-policy", policy.toString());
        LetheJobs jobs = new LetheJobs(o.resolve(Map.of()), System.out);
        List<String> args = jobs.arguments("lethe-retention");
        assertThat(LetheJob.RETENTION.retentionSettings(args).policyPath())
                .isEqualTo(policy.toAbsolutePath().toString());
    }

    @Test
    void theJobsReachElasticsearchWhereTheStackSaysTheyDo() {
        StackOptions local = new StackOptions();
        new CommandLine(local).parseArgs("--data-dir", dataDir.toString());
        StackSettings s = local.resolve(Map.of());
        assertThat(s.jobsElasticsearchUrl()).isEqualTo(s.elasticsearchUrl());

        StackOptions proxied = new StackOptions();
        new CommandLine(proxied)
                .parseArgs(
                        "--data-dir",
                        dataDir.toString(),
                        "--jobs-elasticsearch-url",
                        "http://127.0.0.1:41234");
        StackSettings p = proxied.resolve(Map.of());
        assertThat(p.elasticsearchUrl()).isEqualTo(s.elasticsearchUrl()); // everyone else: direct
        LetheJobs jobs = new LetheJobs(p, System.out);
        for (LetheJob job : LetheJobs.ALL) {
            assertThat(jobs.jobSettings(job.jobName()).elasticsearchUrl())
                    .as(job.jobName())
                    .hasToString("http://127.0.0.1:41234");
        }

        StackOptions env = new StackOptions();
        new CommandLine(env).parseArgs("--data-dir", dataDir.toString());
        assertThat(
                        env.resolve(Map.of("LETHE_JOBS_ELASTICSEARCH_URL", "http://es-jobs:9200"))
                                .jobsElasticsearchUrl())
                .hasToString("http://es-jobs:9200");
        StackOptions bad = new StackOptions();
        new CommandLine(bad)
                .parseArgs("--data-dir", dataDir.toString(), "--jobs-elasticsearch-url", "es:9200");
        assertThatThrownBy(() -> bad.resolve(Map.of()))
                .hasMessageContaining("--jobs-elasticsearch-url must be an http(s) URL");
    }
}
