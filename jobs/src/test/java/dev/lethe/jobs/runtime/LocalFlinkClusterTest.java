package dev.lethe.jobs.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local cluster's configuration; running a job on it is {@link LocalFlinkClusterITCase}. */
class LocalFlinkClusterTest {

    @TempDir Path dataDir;

    @Test
    void theHeapBackendIsTheDefaultAndAnUnknownOneIsRefused() throws Exception {
        Configuration conf = LocalFlinkCluster.configuration(0, dataDir, 1, "hashmap");
        assertThat(conf.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("hashmap");
        assertThat(conf.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isFalse();
        assertThatThrownBy(() -> LocalFlinkCluster.configuration(0, dataDir, 1, "memory"))
                .hasMessageContaining("hashmap or rocksdb, got 'memory'");
    }
}
