package dev.lethe.jobs.testing;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Jobs on a MiniCluster that start from a savepoint, or from nothing. */
public final class Savepoints {

    private Savepoints() {}

    /**
     * A local environment of {@code parallelism} whose job restores {@code savepoint} (none if
     * null): a state in the savepoint without its operator fails the restore.
     */
    public static StreamExecutionEnvironment restoring(int parallelism, String savepoint) {
        Configuration conf = new Configuration();
        if (savepoint != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
            conf.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, false);
        }
        return StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
    }
}
