package dev.lethe.jobs.kafka;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Event time = the database commit time; watermarks per Kafka partition (the Kafka source runs one
 * generator per partition), so the job's event time is the commit time every raw topic has reached.
 *
 * <p>Each topic of Debezium's is written in commit order, so a partition's watermark is the commit
 * time of its latest record (minus 1 ms: records of the same millisecond may follow).
 *
 * <p><b>Idle partitions.</b> A partition without records for {@code idleTimeout} is caught up: any
 * record it gets next was committed after {@code now - idleTimeout} (assuming capture takes less
 * than that). Its watermark then follows the wall clock at {@code now - idleTimeout}, instead of
 * being left out as Flink's {@code withIdleness} does: when <em>every</em> partition is quiet,
 * event time still advances and the last changes still leave the actor join and the chain. This
 * replaces {@code withIdleness}.
 */
public final class CommitTimeWatermarks {

    private CommitTimeWatermarks() {}

    public static WatermarkStrategy<RawRecord> strategy(Duration idleTimeout) {
        long idleMs = idleTimeout.toMillis();
        return WatermarkStrategy.<RawRecord>forGenerator(
                        ctx -> new Generator(idleMs, System::currentTimeMillis))
                .withTimestampAssigner((record, previous) -> record.eventTime());
    }

    /** The clock of a generator (the wall clock, or a test's). */
    public interface Clock {
        long millis();
    }

    /** One partition's watermarks. */
    public static final class Generator implements WatermarkGenerator<RawRecord> {
        private final long idleMs;
        private final Clock clock;
        private long maxTimestamp = Long.MIN_VALUE;
        private long lastRecordAt;
        private long emitted = Long.MIN_VALUE;

        public Generator(long idleMs, Clock clock) {
            this.idleMs = idleMs;
            this.clock = clock;
            this.lastRecordAt = clock.millis();
        }

        @Override
        public void onEvent(RawRecord record, long timestamp, WatermarkOutput output) {
            maxTimestamp = Math.max(maxTimestamp, timestamp);
            lastRecordAt = clock.millis();
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            long now = clock.millis();
            long watermark = maxTimestamp == Long.MIN_VALUE ? Long.MIN_VALUE : maxTimestamp - 1;
            if (now - lastRecordAt >= idleMs) {
                watermark = Math.max(watermark, now - idleMs);
            }
            if (watermark > emitted) {
                emitted = watermark;
                output.emitWatermark(new Watermark(watermark));
            }
        }
    }
}
