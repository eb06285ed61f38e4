package dev.lethe.jobs.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A job on the local MiniCluster with the RocksDB backend (runs Flink for up to 90 s). */
class LocalFlinkClusterITCase {

    @TempDir Path dataDir;

    @Test
    void rocksdbKeepsKeyedStateOnLocalDiskAndCheckpointsIt() throws Exception {
        Configuration conf = LocalFlinkCluster.configuration(0, dataDir, 1, "rocksdb");
        assertThat(conf.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(200));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        env.fromSource(
                        new DataGeneratorSource<>(
                                i -> i,
                                Long.MAX_VALUE,
                                RateLimiterStrategy.perSecond(500),
                                Types.LONG),
                        WatermarkStrategy.noWatermarks(),
                        "numbers")
                .keyBy(i -> i % 50)
                .process(new CountPerKey())
                .sinkTo(new DiscardingSink<>());
        JobClient job = env.executeAsync("local-rocksdb");
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (!(completedCheckpoint() && rocksDbFiles()) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(completedCheckpoint()).as("a completed checkpoint").isTrue();
            assertThat(rocksDbFiles()).as("RocksDB files under <data-dir>/rocksdb").isTrue();
        } finally {
            job.cancel().get();
        }
    }

    private boolean completedCheckpoint() throws Exception {
        try (Stream<Path> files = Files.walk(dataDir.resolve("checkpoints"))) {
            return files.anyMatch(
                    p ->
                            p.getFileName().toString().equals("_metadata")
                                    && p.getParent().getFileName().toString().startsWith("chk-"));
        }
    }

    private boolean rocksDbFiles() throws Exception {
        Path root = dataDir.resolve("rocksdb");
        if (!Files.isDirectory(root)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.anyMatch(p -> p.getFileName().toString().startsWith("MANIFEST-"));
        }
    }

    /** Keyed state, so that the job has something for the backend to keep. */
    private static final class CountPerKey extends KeyedProcessFunction<Long, Long, Long> {
        private transient ValueState<Long> count;

        @Override
        public void open(OpenContext context) {
            count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Long.class));
        }

        @Override
        public void processElement(Long value, Context ctx, Collector<Long> out) throws Exception {
            long n = count.value() == null ? 1 : count.value() + 1;
            count.update(n);
            out.collect(n);
        }
    }
}
