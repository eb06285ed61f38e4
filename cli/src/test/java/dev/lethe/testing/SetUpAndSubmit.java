package dev.lethe.testing;

import dev.lethe.jobs.audit.AuditJob;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.discovery.DiscoveryJob;
import dev.lethe.jobs.retention.RetentionJob;
import dev.lethe.jobs.retention.RetentionSettings;
import dev.lethe.local.StackSettings;
import dev.lethe.normalize.ChangeNormalizer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A test's own job on the real stack, as {@code ./lethe up} starts one: the job's bootstrap (its
 * topics, index and tables: {@code setUp}), then its submission.
 */
public final class SetUpAndSubmit {

    private SetUpAndSubmit() {}

    /** The Flink of the stack {@code s} describes, as a remote environment to submit jobs to. */
    public static StreamExecutionEnvironment flinkOf(StackSettings s) {
        return StreamExecutionEnvironment.createRemoteEnvironment(
                "127.0.0.1", s.flinkUrl().getPort());
    }

    /** The same with {@code conf} (e.g. a savepoint to restore from). */
    public static StreamExecutionEnvironment flinkOf(StackSettings s, Configuration conf) {
        return StreamExecutionEnvironment.createRemoteEnvironment(
                "127.0.0.1", s.flinkUrl().getPort(), conf);
    }

    public static JobClient audit(StreamExecutionEnvironment env, JobSettings settings)
            throws Exception {
        AuditJob.setUp(settings);
        return AuditJob.submit(env, settings);
    }

    /** The audit job with a version's own normalizer. */
    public static JobClient audit(
            StreamExecutionEnvironment env, JobSettings settings, ChangeNormalizer normalizer)
            throws Exception {
        AuditJob.setUp(settings);
        return AuditJob.submit(env, settings, normalizer);
    }

    public static JobClient discovery(StreamExecutionEnvironment env, JobSettings settings)
            throws Exception {
        DiscoveryJob.setUp(settings);
        return DiscoveryJob.submit(env, settings);
    }

    public static JobClient retention(StreamExecutionEnvironment env, JobSettings settings)
            throws Exception {
        return retention(env, settings, RetentionSettings.defaults());
    }

    public static JobClient retention(
            StreamExecutionEnvironment env, JobSettings settings, RetentionSettings retention)
            throws Exception {
        RetentionJob.setUp(settings, retention);
        return RetentionJob.submit(env, settings, retention);
    }
}
