package dev.lethe.jobs.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local cluster's configuration; running a job on it is {@link LocalFlinkClusterITCase}. */
class LocalFlinkClusterTest {

    @TempDir Path dataDir;

    @Test
    void rocksDbGetsIncrementalCheckpointsAndMemoryForItsCachesTheHeapNeither() throws Exception {
        Configuration rocks = LocalFlinkCluster.configuration(0, dataDir, 8, "rocksdb");
        assertThat(rocks.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
        assertThat(rocks.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
        // managed memory is split evenly between slots: 64 MiB each for block cache and memtables
        assertThat(rocks.get(TaskManagerOptions.MANAGED_MEMORY_SIZE))
                .isEqualTo(MemorySize.ofMebiBytes(64 * 8));

        Configuration conf = LocalFlinkCluster.configuration(0, dataDir, 8, "hashmap");
        assertThat(conf.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("hashmap");
        assertThat(conf.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isFalse();
        assertThat(conf.get(TaskManagerOptions.MANAGED_MEMORY_SIZE))
                .isEqualTo(MemorySize.ofMebiBytes(64));
        assertThatThrownBy(() -> LocalFlinkCluster.configuration(0, dataDir, 1, "memory"))
                .hasMessageContaining("hashmap or rocksdb, got 'memory'");
    }
}
