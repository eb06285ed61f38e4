package dev.lethe.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.jobs.audit.AuditJob;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.discovery.DiscoveryJob;
import dev.lethe.jobs.retention.RetentionJob;
import dev.lethe.jobs.retention.RetentionSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Runs Lethe's Flink jobs on the stack's Flink cluster. Each job has a fixed job id (derived from
 * its name), so its checkpoints live in one directory; a job submitted again after a restart
 * resumes from its latest completed checkpoint, and one already running is left alone.
 */
public final class LetheJobs {

    /** A Lethe job: its name and how to submit it. */
    public record Job(String name, Submitter submitter) {}

    @FunctionalInterface
    public interface Submitter {
        void submit(StreamExecutionEnvironment env, JobSettings settings) throws Exception;
    }

    public static final List<Job> ALL =
            List.of(
                    new Job("lethe-audit", (env, s) -> AuditJob.submit(env, s)),
                    new Job(DiscoveryJob.JOB_NAME, (env, s) -> DiscoveryJob.submit(env, s)),
                    new Job(RetentionSettings.JOB_NAME, (env, s) -> RetentionJob.submit(env, s)));

    private static final ObjectMapper JSON = new ObjectMapper();

    private final StackSettings s;
    private final PrintStream out;

    public LetheJobs(StackSettings settings, PrintStream out) {
        this.s = settings;
        this.out = out;
    }

    public JobSettings jobSettings(String jobName) {
        return JobSettings.of(
                        s.kafkaBootstrap(),
                        s.elasticsearchUrl(),
                        s.elasticsearchUser(),
                        s.postgresJdbcUrl(),
                        s.postgresUser())
                .withJobName(jobName);
    }

    /**
     * Submits every job that is not running yet. A job that cannot be submitted is reported and the
     * others still start; returns the names of the jobs that failed.
     */
    public List<String> startAll() throws Exception {
        List<String> failed = new java.util.ArrayList<>();
        // the client side of a submission (creating topics and indices) reads the same secrets
        // the TaskManagers get from their environment
        s.elasticsearchPassword()
                .ifPresent(pw -> System.setProperty("LETHE_ELASTICSEARCH_PASSWORD", pw));
        System.setProperty("LETHE_POSTGRES_PASSWORD", s.postgresPassword());
        Map<String, String> running = runningJobs();
        for (Job job : ALL) {
            if (running.containsKey(job.name())) {
                out.printf(
                        "  job %-22s already running (%s)%n", job.name(), running.get(job.name()));
                continue;
            }
            Optional<Path> restore = latestCheckpoint(job.name());
            Configuration conf = new Configuration();
            conf.setString("$internal.pipeline.job-id", jobId(job.name()).toHexString());
            conf.set(
                    CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                    org.apache.flink.configuration.ExternalizedCheckpointRetention
                            .RETAIN_ON_CANCELLATION);
            conf.set(
                    CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE,
                    CheckpointingMode.EXACTLY_ONCE);
            restore.ifPresent(p -> conf.set(StateRecoveryOptions.SAVEPOINT_PATH, p.toString()));
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createRemoteEnvironment(
                            s.flinkUrl().getHost(), s.flinkUrl().getPort(), conf);
            try {
                job.submitter().submit(env, jobSettings(job.name()));
            } catch (Exception | LinkageError e) {
                failed.add(job.name());
                out.printf(
                        "  job %-22s FAILED to submit: %s%n",
                        job.name(), StackProbe.reason(e).replaceFirst("^unreachable: ", ""));
                continue;
            }
            out.printf(
                    "  job %-22s submitted%s%n",
                    job.name(), restore.map(p -> ", resumed from " + p.getFileName()).orElse(""));
        }
        return failed;
    }

    /** Names of the jobs the cluster runs (or is starting), with their job ids. */
    public Map<String, String> runningJobs() throws Exception {
        Http.Response r = Http.get(s.flinkUrl().resolve("/jobs/overview"), null);
        Map<String, String> running = new LinkedHashMap<>();
        if (!r.ok()) {
            return running;
        }
        for (JsonNode j : JSON.readTree(r.body()).path("jobs")) {
            String state = j.path("state").asText();
            if (List.of("RUNNING", "CREATED", "INITIALIZING", "RESTARTING").contains(state)) {
                running.put(j.path("name").asText(), j.path("jid").asText());
            }
        }
        return running;
    }

    /** The fixed id of a job: the same name always gives the same id. */
    static JobID jobId(String name) {
        try {
            byte[] d =
                    MessageDigest.getInstance("SHA-256")
                            .digest(("lethe-job:" + name).getBytes(StandardCharsets.UTF_8));
            return new JobID(java.util.Arrays.copyOf(d, 16));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The newest completed checkpoint of a job in the local Flink's checkpoint directory. */
    Optional<Path> latestCheckpoint(String name) throws IOException {
        Path dir = s.dataDir().resolve("flink/checkpoints").resolve(jobId(name).toHexString());
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> chks = Files.list(dir)) {
            return chks.filter(p -> p.getFileName().toString().startsWith("chk-"))
                    .filter(p -> Files.isRegularFile(p.resolve("_metadata")))
                    .max(
                            Comparator.comparingLong(
                                    p -> Long.parseLong(p.getFileName().toString().substring(4))));
        }
    }
}
