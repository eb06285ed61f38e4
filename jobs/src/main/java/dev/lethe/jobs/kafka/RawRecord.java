package dev.lethe.jobs.kafka;

/**
 * One record of a raw (Debezium) topic as Kafka delivered it, with where it came from and the
 * commit time read from its envelope ({@link CommitTimes}). A Flink POJO.
 */
public class RawRecord {

    /** {@link #commitTimeMillis} of a record whose envelope has no readable commit time. */
    public static final long NO_COMMIT_TIME = Long.MIN_VALUE;

    public String topic;
    public int partition;
    public long offset;
    public byte[] key;
    public byte[] value;
    public long commitTimeMillis = NO_COMMIT_TIME;

    /** Kafka's record timestamp (the fallback event time). */
    public long kafkaTimestamp;

    /** The PostgreSQL transaction id from the envelope's source, or null. */
    public String transactionId;

    /** The event's position in its transaction ({@code transaction.total_order}), or -1. */
    public long totalOrder = -1;

    /**
     * For a dead letter fed back through the jobs ({@link Replays}): the dead letter's own position
     * ({@code lethe.deadletter/0@12}); {@link #topic}, {@link #partition} and {@link #offset} are
     * then the original raw record's. Null for a record read from its raw topic.
     */
    public String replayOf;

    public RawRecord() {}

    public RawRecord(
            String topic,
            int partition,
            long offset,
            byte[] key,
            byte[] value,
            long commitTimeMillis,
            long kafkaTimestamp) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.key = key;
        this.value = value;
        this.commitTimeMillis = commitTimeMillis;
        this.kafkaTimestamp = kafkaTimestamp;
    }

    /** A record with what {@link CommitTimes#header} read of its envelope. */
    public static RawRecord of(
            String topic,
            int partition,
            long offset,
            byte[] key,
            byte[] value,
            long kafkaTimestamp) {
        CommitTimes.Header h = CommitTimes.header(value);
        RawRecord r =
                new RawRecord(
                        topic, partition, offset, key, value, h.commitTimeMillis(), kafkaTimestamp);
        r.transactionId = h.transactionId();
        r.totalOrder = h.totalOrder();
        return r;
    }

    /** Whether this is a dead letter fed back through the jobs, not a record of a raw topic. */
    public boolean replayed() {
        return replayOf != null;
    }

    /** The commit time, or Kafka's timestamp if the envelope had none. */
    public long eventTime() {
        return commitTimeMillis != NO_COMMIT_TIME ? commitTimeMillis : kafkaTimestamp;
    }

    /** Names the position, never the content. */
    @Override
    public String toString() {
        return topic + "/" + partition + "@" + offset;
    }
}
