package dev.lethe.jobs.kafka;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Event time = the database commit time; watermarks per Kafka partition (the Kafka source runs one
 * generator per partition), so the job's event time is the commit time every raw topic has reached.
 *
 * <p>Each topic of Debezium's is written in commit order, so a partition's watermark is the commit
 * time of its latest record (minus 1 ms: records of the same millisecond may follow).
 *
 * <p><b>Quiet partitions.</b> A partition without records for {@code idleTimeout} <em>that the
 * reader has read to its end</em> ({@link PartitionHeads}, from the brokers' offsets) is caught up:
 * any record it gets next was committed after {@code now - idleTimeout} (assuming capture takes
 * less than that). Its watermark then follows the wall clock at {@code now - idleTimeout}, instead
 * of being left out as Flink's {@code withIdleness} does: when <em>every</em> partition is quiet,
 * event time still advances and the last changes still leave the actor join and the chain. Quiet
 * alone is no proof: while a job works through a backlog (a new job over the raw topics, a restart
 * after an outage), the consumer can leave a partition unread for seconds while it hands out the
 * records of others, and a partition it has not read yet has said nothing. Counting such a
 * partition as caught up let event time run ahead of records still to come (a thread's ticket read
 * after event time had passed the thread's commit). A partition not read from yet counts once every
 * such partition of the raw topics is empty or the job's committed offset is at its end; the raw
 * topics are read by one source subtask, which holds all of them.
 *
 * <p><b>Replays.</b> A replayed dead letter ({@link RawRecord#replayed()}) is left out: it is late
 * by nature and names another partition's position. The replay topic's partition thus never has a
 * watermark of its own; it is idle once quiet for {@code idleTimeout}, like a raw partition that
 * has delivered nothing (so, when the job starts, event time leaves its start that much later).
 */
public final class CommitTimeWatermarks {

    private CommitTimeWatermarks() {}

    /** The raw topics' strategy: the brokers' offsets tell when a quiet partition is caught up. */
    public static WatermarkStrategy<RawRecord> strategy(
            Duration idleTimeout, PartitionHeads.Factory heads) {
        return new Strategy(idleTimeout.toMillis(), heads);
    }

    /** One reader's generators share one {@link PartitionHeads}. */
    static final class Strategy implements WatermarkStrategy<RawRecord> {
        private static final long serialVersionUID = 1L;

        private final long idleMs;
        private final PartitionHeads.Factory headsFactory;
        private transient PartitionHeads heads;

        Strategy(long idleMs, PartitionHeads.Factory headsFactory) {
            this.idleMs = idleMs;
            this.headsFactory = headsFactory;
        }

        @Override
        public synchronized WatermarkGenerator<RawRecord> createWatermarkGenerator(
                WatermarkGeneratorSupplier.Context context) {
            if (heads == null) {
                heads = headsFactory.create();
            }
            return new Generator(idleMs, System::currentTimeMillis, heads);
        }

        @Override
        public TimestampAssigner<RawRecord> createTimestampAssigner(
                TimestampAssignerSupplier.Context context) {
            return (record, previous) -> record.eventTime();
        }
    }

    /** The clock of a generator (the wall clock, or a test's). */
    public interface Clock {
        long millis();
    }

    /** One partition's watermarks. */
    public static final class Generator implements WatermarkGenerator<RawRecord> {
        private final long idleMs;
        private final Clock clock;
        private final PartitionHeads heads;
        private long maxTimestamp = Long.MIN_VALUE;
        private long lastRecordAt;
        private String partition;
        private long next;
        private long emitted = Long.MIN_VALUE;
        private boolean idle;

        public Generator(long idleMs, Clock clock, PartitionHeads heads) {
            this.idleMs = idleMs;
            this.clock = clock;
            this.heads = heads;
            this.lastRecordAt = clock.millis();
        }

        @Override
        public void onEvent(RawRecord record, long timestamp, WatermarkOutput output) {
            if (record.replayed()) {
                // a dead letter fed back (Replays): its commit time is long past and its position
                // is another partition's; the replay topic's partition stays one that has read
                // nothing, idle once quiet
                return;
            }
            maxTimestamp = Math.max(maxTimestamp, timestamp);
            lastRecordAt = clock.millis();
            idle = false; // its next watermark makes it count again
            if (partition == null) {
                partition = PartitionHeads.name(record.topic, record.partition);
                heads.delivered(partition);
            }
            next = record.offset + 1;
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            long now = clock.millis();
            if (partition == null) {
                // nothing read through this generator: a split with nothing to read yet, or the
                // source's main output (Flink gives it a generator too; the Kafka source emits
                // every record through its splits). It never follows the wall clock: it leaves the
                // minimum (idle) once no raw partition has anything unread for a reader that has
                // not read from it, and holds it (at no watermark) until then.
                if (!idle && now - lastRecordAt >= idleMs && heads.restSettled(lastRecordAt)) {
                    idle = true;
                    output.markIdle();
                }
                return;
            }
            long watermark = maxTimestamp == Long.MIN_VALUE ? Long.MIN_VALUE : maxTimestamp - 1;
            if (now - lastRecordAt >= idleMs && heads.caughtUp(partition, next, lastRecordAt)) {
                watermark = Math.max(watermark, now - idleMs);
            }
            if (watermark > emitted) {
                emitted = watermark;
                output.emitWatermark(new Watermark(watermark));
            }
        }
    }
}
