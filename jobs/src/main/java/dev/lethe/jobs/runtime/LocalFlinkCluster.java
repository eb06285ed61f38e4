package dev.lethe.jobs.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.state.rocksdb.RocksDBOptions;

/**
 * Lethe's local Flink: a MiniCluster in its own process with its REST endpoint open, so jobs are
 * submitted to it exactly as to a standalone Flink cluster.
 *
 * <p>Usage: {@code LocalFlinkCluster <rest-port> <data-dir> [task-slots] [state-backend]}.
 * Checkpoints and savepoints go under {@code <data-dir>}, so a restarted stack can resume jobs from
 * them. State backend {@code hashmap} (the default: state in the heap, full checkpoints) or {@code
 * rocksdb} (state in RocksDB under {@code <data-dir>/rocksdb}, incremental checkpoints).
 */
public final class LocalFlinkCluster {

    private LocalFlinkCluster() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 4) {
            System.err.println(
                    "usage: LocalFlinkCluster <rest-port> <data-dir> [task-slots]"
                            + " [hashmap|rocksdb]");
            System.exit(2);
        }
        int restPort = Integer.parseInt(args[0]);
        Path dataDir = Path.of(args[1]).toAbsolutePath();
        int slots = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        String stateBackend = args.length > 3 ? args[3] : "hashmap";
        Configuration conf = configuration(restPort, dataDir, slots, stateBackend);

        MiniCluster cluster =
                new MiniCluster(
                        new MiniClusterConfiguration.Builder()
                                .setConfiguration(conf)
                                .setNumTaskManagers(1)
                                .setNumSlotsPerTaskManager(slots)
                                .build());
        cluster.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    try {
                                        cluster.close();
                                    } catch (Exception e) {
                                        System.err.println("flink: stop failed: " + e);
                                    }
                                    stopped.countDown();
                                },
                                "flink-stop"));
        System.out.println("LETHE-READY flink " + cluster.getRestAddress().get());
        stopped.await();
    }

    /** Managed memory per slot with RocksDB (native memory, outside the heap). */
    static final int ROCKSDB_MANAGED_MIB_PER_SLOT = 64;

    /**
     * The MiniCluster's configuration: REST on localhost, checkpoints and savepoints under {@code
     * dataDir}, {@code stateBackend} ({@code hashmap} or {@code rocksdb}).
     */
    public static Configuration configuration(
            int restPort, Path dataDir, int slots, String stateBackend) throws IOException {
        Files.createDirectories(dataDir.resolve("checkpoints"));
        Files.createDirectories(dataDir.resolve("savepoints"));
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.PORT, restPort);
        switch (stateBackend) {
            case "hashmap" -> conf.set(StateBackendOptions.STATE_BACKEND, "hashmap");
            case "rocksdb" -> {
                conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
                // a checkpoint uploads the files written since the last one, not all state
                conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
                conf.set(
                        RocksDBOptions.LOCAL_DIRECTORIES,
                        dataDir.resolve("rocksdb").toAbsolutePath().toString());
            }
            default ->
                    throw new IllegalArgumentException(
                            "state backend must be hashmap or rocksdb, got '" + stateBackend + "'");
        }
        conf.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                dataDir.resolve("checkpoints").toUri().toString());
        conf.set(
                CheckpointingOptions.SAVEPOINT_DIRECTORY,
                dataDir.resolve("savepoints").toUri().toString());
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, slots);
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.ofMebiBytes(64));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.ofMebiBytes(64));
        // RocksDB's block cache and memtables come from managed memory, split evenly between the
        // slots: 8 MiB a slot made it flush tiny files and compact all the time under a backlog
        conf.set(
                TaskManagerOptions.MANAGED_MEMORY_SIZE,
                MemorySize.ofMebiBytes(
                        "rocksdb".equals(stateBackend)
                                ? ROCKSDB_MANAGED_MIB_PER_SLOT * (long) slots
                                : 64));
        return conf;
    }
}
