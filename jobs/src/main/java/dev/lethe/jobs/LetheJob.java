package dev.lethe.jobs;

import dev.lethe.jobs.audit.AuditJob;
import dev.lethe.jobs.config.JobOptions;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.discovery.DiscoveryJob;
import dev.lethe.jobs.retention.RetentionJob;
import dev.lethe.jobs.retention.RetentionSettings;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Lethe's Flink jobs, each with its options and one way in: {@code --name value} arguments, parsed
 * by {@link #options()} (the shared options of {@link JobSettings} and the job's own). A job's
 * {@code main} (what {@code flink run} starts on a cluster) and the local stack's submission both
 * go through {@link #submit}; both build their arguments with {@link #arguments(Deployment)}.
 */
public enum LetheJob {
    AUDIT("lethe-audit", AuditJob.class, JobSettings.AUDIT_OPTIONS),
    DISCOVERY(DiscoveryJob.JOB_NAME, DiscoveryJob.class, List.of()),
    RETENTION(RetentionSettings.JOB_NAME, RetentionJob.class, RetentionSettings.OPTIONS);

    private final String jobName;
    private final Class<?> mainClass;
    private final JobOptions options;

    LetheJob(String jobName, Class<?> mainClass, List<JobOptions.Option<?>> own) {
        this.jobName = jobName;
        this.mainClass = mainClass;
        this.options = JobSettings.options(jobName, own);
    }

    /** The Flink job name (and Kafka consumer group) unless {@code --job-name} says otherwise. */
    public String jobName() {
        return jobName;
    }

    /** The class {@code flink run -c} starts. */
    public String mainClass() {
        return mainClass.getName();
    }

    /** The options the job takes: the shared ones and its own. */
    public JobOptions options() {
        return options;
    }

    /** The job of this name. */
    public static LetheJob named(String jobName) {
        for (LetheJob j : values()) {
            if (j.jobName.equals(jobName)) {
                return j;
            }
        }
        throw new IllegalArgumentException("no Lethe job " + jobName);
    }

    /**
     * What differs between two installations of the jobs: where the stores are, as whom each job
     * signs in, and the operator's catalog and retention policy files (empty: the shipped ones).
     * Every other option keeps its default on both the local stack and {@code docker/}.
     */
    public record Deployment(
            String kafkaBootstrap,
            String kafkaUser,
            URI elasticsearchUrl,
            String elasticsearchUser,
            String postgresUrl,
            String postgresUser,
            String catalog,
            String retentionPolicy) {

        /** Option texts by name. */
        Map<String, String> texts() {
            return Map.of(
                    JobSettings.KAFKA_BOOTSTRAP.name(), kafkaBootstrap,
                    JobSettings.KAFKA_USER.name(), kafkaUser,
                    JobSettings.ELASTICSEARCH_URL.name(), elasticsearchUrl.toString(),
                    JobSettings.ELASTICSEARCH_USER.name(), elasticsearchUser,
                    JobSettings.POSTGRES_URL.name(), postgresUrl,
                    JobSettings.POSTGRES_USER.name(), postgresUser,
                    JobSettings.CATALOG.name(), catalog,
                    RetentionSettings.POLICY.name(), retentionPolicy);
        }
    }

    /**
     * The arguments this job is given on a deployment: every value of {@code deployment} the job
     * takes, as {@code --name value} (the local stack's submission and {@code docker/}'s {@code
     * submit-jobs} pass the same options).
     */
    public List<String> arguments(Deployment deployment) {
        return JobOptions.arguments(deployment.texts(), options);
    }

    /** The shared settings of these arguments, parsed as {@link #submit} parses them. */
    public JobSettings settings(List<String> args) {
        return JobSettings.from(options.parse(args.toArray(String[]::new)));
    }

    /** The retention job's own settings of these arguments (defaults for another job). */
    public RetentionSettings retentionSettings(List<String> args) {
        return RetentionSettings.from(options.parse(args.toArray(String[]::new)));
    }

    /**
     * The bootstrap of this job: parses the arguments (every problem at once, with the usage) and
     * creates, if missing, what the job writes to — its topics, its index (an index of an earlier
     * version brought up to date), its tables — checking what it needs of the helpdesk. Idempotent:
     * {@code ./lethe up} and a job's {@link #main} ({@code docker/}'s {@code submit-jobs}) run it
     * before every submission.
     */
    public void setUp(List<String> args) throws Exception {
        JobOptions.Values values = options.parse(args.toArray(String[]::new));
        JobSettings settings = JobSettings.from(values);
        switch (this) {
            case AUDIT -> AuditJob.setUp(settings);
            case DISCOVERY -> DiscoveryJob.setUp(settings);
            case RETENTION -> RetentionJob.setUp(settings, RetentionSettings.from(values));
        }
    }

    /**
     * Parses the arguments (every problem at once, with the usage) and submits the job on {@code
     * env}; {@link #setUp} first.
     */
    public JobClient submit(StreamExecutionEnvironment env, List<String> args) throws Exception {
        JobOptions.Values values = options.parse(args.toArray(String[]::new));
        JobSettings settings = JobSettings.from(values);
        return switch (this) {
            case AUDIT -> AuditJob.submit(env, settings);
            case DISCOVERY -> DiscoveryJob.submit(env, settings);
            case RETENTION -> RetentionJob.submit(env, settings, RetentionSettings.from(values));
        };
    }

    /**
     * A job's {@code main}: runs its bootstrap ({@link #setUp}), submits it on the environment of
     * the process ({@code flink run}'s cluster) and, unless submitted detached ({@code flink run
     * -d}), waits for it to end. A bad argument ends the process with the problems and the usage.
     */
    public void main(String[] args) throws Exception {
        List<String> arguments = List.of(args);
        setUp(arguments);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobClient client = submit(env, arguments);
        if (attached(env)) {
            client.getJobExecutionResult().get();
        }
    }

    /** False only when the submitter said detached ({@code flink run -d}). */
    static boolean attached(StreamExecutionEnvironment env) {
        return env.getConfiguration().getOptional(DeploymentOptions.ATTACHED).orElse(true);
    }
}
