package dev.lethe.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.jobs.LetheJob;
import dev.lethe.jobs.config.JobSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
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

    /** Lethe's jobs, in the order they are submitted. */
    public static final List<LetheJob> ALL = List.of(LetheJob.values());

    private static final ObjectMapper JSON = new ObjectMapper();

    private final StackSettings s;
    private final PrintStream out;

    public LetheJobs(StackSettings settings, PrintStream out) {
        this.s = settings;
        this.out = out;
    }

    /**
     * A job's arguments as the stack submits it ({@link LetheJob#arguments}, as {@code docker/}'s
     * {@code submit-jobs} passes them): the stack's addresses, the job's own users in PostgreSQL,
     * Elasticsearch and Kafka ({@link StackSettings#as}; on a Kafka Lethe does not manage, the
     * configured user, as the process's {@code LETHE_KAFKA_USER}), the shipped catalog and the
     * retention policy ({@code --retention-policy}, else the shipped one).
     */
    public List<String> arguments(String jobName) {
        ComponentRole role = role(jobName);
        return LetheJob.named(jobName)
                .arguments(
                        new LetheJob.Deployment(
                                s.kafkaBootstrap(),
                                s.managesKafka() ? s.kafkaUserOf(role) : "",
                                s.jobsElasticsearchUrl(),
                                s.elasticsearchUserOf(role),
                                s.postgresJdbcUrl(),
                                s.postgresUserOf(role),
                                "",
                                s.retentionPolicy().map(Path::toString).orElse("")));
    }

    /** A job's shared settings as the stack submits it: its {@link #arguments}, parsed. */
    public JobSettings jobSettings(String jobName) {
        return LetheJob.named(jobName).settings(arguments(jobName));
    }

    /** The component a job signs in to the stores as. */
    static ComponentRole role(String jobName) {
        return switch (LetheJob.named(jobName)) {
            case DISCOVERY -> ComponentRole.DISCOVERY;
            case RETENTION -> ComponentRole.RETENTION;
            case AUDIT -> ComponentRole.AUDIT;
        };
    }

    /**
     * Submits every job that is not running yet. A job that cannot be submitted is reported and the
     * others still start; returns the names of the jobs that failed.
     */
    public List<String> startAll() throws Exception {
        List<String> failed = new java.util.ArrayList<>();
        Map<String, String> running = runningJobs();
        for (LetheJob job : ALL) {
            if (!start(job, running)) {
                failed.add(job.jobName());
            }
        }
        return failed;
    }

    /**
     * Submits the job of this name unless it runs (resumed from its latest checkpoint, as {@link
     * #startAll} does); false if it could not be submitted (reported).
     */
    public boolean start(String name) throws Exception {
        return start(LetheJob.named(name), runningJobs());
    }

    private boolean start(LetheJob job, Map<String, String> running) throws Exception {
        // the client side of a submission (creating topics and indices) reads the same secrets
        // the TaskManagers get from their environment
        s.publishSecrets();
        if (running.containsKey(job.jobName())) {
            out.printf(
                    "  job %-22s already running (%s)%n",
                    job.jobName(), running.get(job.jobName()));
            return true;
        }
        Optional<Path> restore = latestCheckpoint(job.jobName());
        Configuration conf = new Configuration();
        conf.setString("$internal.pipeline.job-id", freeJobId(job.jobName()).toHexString());
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
            // the same bootstrap as a job's main on a cluster (docker/'s submit-jobs)
            List<String> args = arguments(job.jobName());
            job.setUp(args);
            job.submit(env, args);
        } catch (Exception | LinkageError e) {
            out.printf(
                    "  job %-22s FAILED to submit: %s%n",
                    job.jobName(), StackProbe.reason(e).replaceFirst("^unreachable: ", ""));
            return false;
        }
        out.printf(
                "  job %-22s submitted%s%n",
                job.jobName(), restore.map(p -> ", resumed from " + p.getFileName()).orElse(""));
        return true;
    }

    /** Cancels the running job of this name, if any (its latest checkpoint is kept). */
    public void cancel(String name) throws Exception {
        String id = runningJobs().get(name);
        if (id == null) {
            return;
        }
        Http.Response r = Http.patch(s.flinkUrl().resolve("/jobs/" + id + "?mode=cancel"), null);
        if (!r.ok()) {
            throw new IllegalStateException(
                    "Flink did not cancel " + name + ": HTTP " + r.status() + " " + r.body());
        }
    }

    /**
     * The jobs to submit again: those not {@code running} (never submitted, cancelled, or whose
     * latest run FAILED for good), once the cluster has a TaskManager to run them; none while it
     * has none or does not answer (starting, or stalled and about to be restarted).
     */
    static List<String> toResubmit(OptionalInt taskManagers, Set<String> running) {
        if (taskManagers.isEmpty() || taskManagers.getAsInt() == 0) {
            return List.of();
        }
        return ALL.stream().map(LetheJob::jobName).filter(n -> !running.contains(n)).toList();
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

    /** The fixed id of a job's generation: the same name and generation give the same id. */
    static JobID jobId(String name, int generation) {
        try {
            String seed = "lethe-job:" + name + (generation == 0 ? "" : "#" + generation);
            byte[] d =
                    MessageDigest.getInstance("SHA-256")
                            .digest(seed.getBytes(StandardCharsets.UTF_8));
            return new JobID(java.util.Arrays.copyOf(d, 16));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static JobID jobId(String name) {
        return jobId(name, 0);
    }

    /**
     * The first generation's id this cluster has not seen: a Flink cluster refuses an id it already
     * ran (say, a job that failed for good and is submitted again without a cluster restart).
     */
    JobID freeJobId(String name) throws Exception {
        for (int g = 0; g < MAX_GENERATIONS; g++) {
            JobID id = jobId(name, g);
            if (Http.get(s.flinkUrl().resolve("/jobs/" + id.toHexString()), null).status() == 404) {
                return id;
            }
        }
        throw new LocalStack.StackException(
                "the Flink cluster already ran job "
                        + name
                        + " "
                        + MAX_GENERATIONS
                        + " times: restart it (./lethe down; ./lethe up)");
    }

    private static final int MAX_GENERATIONS = 64;

    /**
     * The newest completed checkpoint of a job (any generation) in the local Flink's checkpoint
     * directory.
     */
    Optional<Path> latestCheckpoint(String name) throws IOException {
        Path root = s.dataDir().resolve("flink/checkpoints");
        Optional<Path> newest = Optional.empty();
        long newestTime = Long.MIN_VALUE;
        for (int g = 0; g < MAX_GENERATIONS; g++) {
            Path dir = root.resolve(jobId(name, g).toHexString());
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> chks = Files.list(dir)) {
                for (Path c : (Iterable<Path>) chks::iterator) {
                    Path meta = c.resolve("_metadata");
                    if (c.getFileName().toString().startsWith("chk-")
                            && Files.isRegularFile(meta)) {
                        long t = Files.getLastModifiedTime(meta).toMillis();
                        if (t > newestTime) {
                            newestTime = t;
                            newest = Optional.of(c);
                        }
                    }
                }
            }
        }
        return newest;
    }
}
