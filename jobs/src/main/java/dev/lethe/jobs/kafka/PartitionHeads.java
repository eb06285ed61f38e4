package dev.lethe.jobs.kafka;

import java.io.Serializable;
import java.util.Map;
import java.util.Set;

/**
 * Whether a source reader has read a raw partition up to its head: the evidence {@link
 * CommitTimeWatermarks} needs before it lets a quiet partition's watermark follow the wall clock. A
 * partition without records for a while is not necessarily caught up: while a job works through a
 * backlog, the Kafka consumer can leave a partition unread for seconds while it hands out the
 * records of others, and a partition it has not read from yet says nothing at all.
 *
 * <p>Answers are as of a look taken after {@code since} (the caller's last record); {@code false}
 * when there is none yet (a look is then started, never waited for) or when the brokers cannot be
 * reached: a reader that cannot prove it is caught up holds its watermark.
 *
 * <p>One instance per source reader, shared by the generators of its splits.
 */
public interface PartitionHeads {

    /**
     * Whether the next offset to read of {@code partition}, {@code next}, was its end at a look.
     */
    boolean caughtUp(String partition, long next, long since);

    /**
     * Whether every raw partition this reader has not read a record from yet had nothing for it at
     * a look: empty, or the job's committed offset at its end.
     */
    boolean restSettled(long since);

    /** Notes that this reader has read a record of {@code partition}. */
    void delivered(String partition);

    /** The name of a topic partition, as the answers use it: {@code topic-partition}. */
    static String name(String topic, int partition) {
        return topic + "-" + partition;
    }

    /** Makes the heads of one reader (on the task manager; the factory is serialized). */
    interface Factory extends Serializable {
        PartitionHeads create();
    }

    /**
     * Fixed ends, for a source whose records are all known up front (tests): a partition is caught
     * up once its last record is read; the rest is settled when every partition has delivered or is
     * empty.
     */
    static Factory fixed(Map<String, Long> ends) {
        Map<String, Long> copy = Map.copyOf(ends);
        return () -> new FixedHeads(copy);
    }

    /** {@link #fixed}'s heads. */
    final class FixedHeads implements PartitionHeads {
        private final Map<String, Long> ends;
        private final Set<String> delivered = java.util.concurrent.ConcurrentHashMap.newKeySet();

        FixedHeads(Map<String, Long> ends) {
            this.ends = ends;
        }

        @Override
        public boolean caughtUp(String partition, long next, long since) {
            return next >= ends.getOrDefault(partition, 0L);
        }

        @Override
        public boolean restSettled(long since) {
            return ends.entrySet().stream()
                    .allMatch(e -> e.getValue() == 0L || delivered.contains(e.getKey()));
        }

        @Override
        public void delivered(String partition) {
            delivered.add(partition);
        }
    }
}
