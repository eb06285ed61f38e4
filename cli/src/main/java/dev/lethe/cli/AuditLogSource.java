package dev.lethe.cli;

import dev.lethe.audit.EntryRecord;
import dev.lethe.audit.TreeHeadRecord;
import dev.lethe.events.AuditCheckpoint;
import dev.lethe.events.AuditEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Properties;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the audit log of record from Kafka: the entries topic ({@code lethe.audit}, one partition,
 * in logIndex order) and the checkpoints topic, {@code read_committed}, from offset 0 to the end
 * offset seen when reading starts. Nothing is committed and no consumer group is joined: an
 * auditor's read leaves no trace in the cluster.
 *
 * <p>The audit job commits entries and checkpoints in two Kafka transactions at the same Flink
 * checkpoint; for a moment the checkpoints topic can be ahead of the entries topic. Reading the
 * checkpoints first and then the entries until they reach the latest checkpoint's {@code treeSize}
 * (waiting at most {@link #DEFAULT_CATCH_UP}) avoids reporting that moment as a truncation.
 */
final class AuditLogSource {

    /** How long reading waits for entries a checkpoint already covers. */
    static final Duration DEFAULT_CATCH_UP = Duration.ofSeconds(15);

    private static final Duration POLL = Duration.ofMillis(200);

    private final Supplier<Consumer<byte[], byte[]>> consumers;
    private final String entriesTopic;
    private final String checkpointsTopic;
    private final Duration catchUp;

    /** Where the last complete read of the entries topic stopped (its next offset); -1: none. */
    private volatile long entriesEnd = -1;

    /**
     * @param client the Kafka client settings of who reads ({@code StackSettings.kafkaClient()})
     */
    AuditLogSource(
            Properties client, String entriesTopic, String checkpointsTopic, Duration catchUp) {
        this(() -> consumer(client), entriesTopic, checkpointsTopic, catchUp);
    }

    /** Reads with a new consumer from {@code consumers} for every read (a mock in tests). */
    AuditLogSource(
            Supplier<Consumer<byte[], byte[]>> consumers,
            String entriesTopic,
            String checkpointsTopic,
            Duration catchUp) {
        this.consumers = consumers;
        this.entriesTopic = entriesTopic;
        this.checkpointsTopic = checkpointsTopic;
        this.catchUp = catchUp;
    }

    /**
     * Every checkpoint, in topic order.
     *
     * @throws IllegalStateException at a record that is not a strictly encoded checkpoint: {@code
     *     audit verify} reports where
     */
    List<AuditCheckpoint> checkpoints() {
        List<AuditCheckpoint> all = new ArrayList<>();
        for (TreeHeadRecord r : checkpointRecords()) {
            if (r.isMalformed()) {
                throw new IllegalStateException(
                        "a record of "
                                + checkpointsTopic
                                + " is not an audit checkpoint ("
                                + r.malformed()
                                + "): run audit verify");
            }
            all.add(r.checkpoint());
        }
        return all;
    }

    /** Every record of the checkpoints topic, in topic order, each decoded strictly. */
    List<TreeHeadRecord> checkpointRecords() {
        List<TreeHeadRecord> all = new ArrayList<>();
        read(checkpointsTopic, 0, TreeHeadRecord::decode).forEachRemaining(all::add);
        return all;
    }

    /** A record of a topic with its offset. */
    record Positioned<T>(long offset, T value) {}

    /** The offsets a topic holds: from its log start to its (last-stable) end. */
    record Span(long start, long end) {
        boolean holds(long offset) {
            return offset >= start && offset < end;
        }
    }

    /** The span of the checkpoints topic. */
    Span checkpointsSpan() {
        return span(checkpointsTopic);
    }

    /** The span of the entries topic. */
    Span entriesSpan() {
        return span(entriesTopic);
    }

    private Span span(String topic) {
        TopicPartition tp = new TopicPartition(topic, 0);
        try (Consumer<byte[], byte[]> consumer = consumers.get()) {
            checkSinglePartition(consumer, topic);
            consumer.assign(List.of(tp));
            long start = consumer.beginningOffsets(List.of(tp)).getOrDefault(tp, 0L);
            long end = consumer.endOffsets(List.of(tp)).getOrDefault(tp, 0L);
            return new Span(start, end);
        }
    }

    /**
     * The records of the checkpoints topic from {@code offset} on, with their offsets, each decoded
     * strictly (an incremental verification reads the head it starts from and what follows).
     */
    List<Positioned<TreeHeadRecord>> checkpointRecordsFrom(long offset) {
        List<Positioned<TreeHeadRecord>> all = new ArrayList<>();
        TopicPartition tp = new TopicPartition(checkpointsTopic, 0);
        try (Consumer<byte[], byte[]> consumer = consumers.get()) {
            checkSinglePartition(consumer, checkpointsTopic);
            consumer.assign(List.of(tp));
            if (offset <= 0) {
                consumer.seekToBeginning(List.of(tp));
            } else {
                consumer.seek(tp, offset);
            }
            long end = consumer.endOffsets(List.of(tp)).getOrDefault(tp, 0L);
            long deadline = System.nanoTime() + catchUp.toNanos();
            while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL).records(tp)) {
                    deadline = System.nanoTime() + catchUp.toNanos(); // progress
                    if (r.offset() < end) {
                        all.add(new Positioned<>(r.offset(), TreeHeadRecord.decode(r.value())));
                    }
                }
            }
        }
        return all;
    }

    /**
     * The records of the entries topic from {@code offset} on, in log order, read as {@link
     * #records} reads from 0 (to the end offset, at least {@code atLeast} records within the
     * catch-up time). {@code mark.offsetAfter()} then tells the offset after the {@code
     * mark.records()}-th record read (where a later read continues from), or -1 if fewer were read.
     */
    Iterable<EntryRecord> recordsFrom(long offset, long atLeast, Mark mark) {
        return () -> read(entriesTopic, offset, atLeast, EntryRecord::decode, mark);
    }

    /**
     * The entries with these logIndexes, read from the entries topic below offset {@code
     * endOffset}: the first one's offset is found by bisection (an entry's offset is at least its
     * logIndex; transaction markers take offsets too), then the topic is read on to the last one.
     * Records that do not decode are skipped (a verification reports them).
     */
    List<AuditEntry> entriesAt(java.util.SortedSet<Long> logIndexes, long endOffset) {
        List<AuditEntry> found = new ArrayList<>();
        if (logIndexes.isEmpty()) {
            return found;
        }
        TopicPartition tp = new TopicPartition(entriesTopic, 0);
        try (Consumer<byte[], byte[]> consumer = consumers.get()) {
            consumer.assign(List.of(tp));
            long first = logIndexes.first();
            long last = logIndexes.last();
            long lo = Math.max(first, consumer.beginningOffsets(List.of(tp)).getOrDefault(tp, 0L));
            long hi = endOffset;
            // the least offset whose first entry at or after it has logIndex >= first
            while (lo < hi) {
                long mid = lo + (hi - lo) / 2;
                AuditEntry e = firstEntryFrom(consumer, tp, mid, endOffset, catchUp);
                if (e == null || e.getLogIndex() >= first) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            consumer.seek(tp, lo);
            long deadline = System.nanoTime() + catchUp.toNanos();
            while (consumer.position(tp) < endOffset && System.nanoTime() < deadline) {
                boolean done = false;
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL).records(tp)) {
                    deadline = System.nanoTime() + catchUp.toNanos(); // progress
                    if (r.offset() >= endOffset) {
                        done = true;
                        break;
                    }
                    EntryRecord e = EntryRecord.decode(r.value());
                    if (e.isMalformed()) {
                        continue;
                    }
                    long at = e.entry().getLogIndex();
                    if (logIndexes.contains(at)) {
                        found.add(e.entry());
                    }
                    if (at >= last) {
                        done = true;
                        break;
                    }
                }
                if (done) {
                    break;
                }
            }
        }
        return found;
    }

    private static AuditEntry firstEntryFrom(
            Consumer<byte[], byte[]> consumer,
            TopicPartition tp,
            long offset,
            long endOffset,
            Duration wait) {
        consumer.seek(tp, offset);
        long deadline = System.nanoTime() + wait.toNanos();
        while (consumer.position(tp) < endOffset && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL).records(tp)) {
                if (r.offset() >= endOffset) {
                    return null;
                }
                EntryRecord e = EntryRecord.decode(r.value());
                if (!e.isMalformed()) {
                    return e.entry();
                }
            }
        }
        return null;
    }

    /** Where the n-th record of a read ended (set while reading). */
    static final class Mark {
        private final long records;
        private volatile long offsetAfter = -1;

        Mark(long records) {
            this.records = records;
            if (records == 0) {
                offsetAfter = Long.MIN_VALUE;
            }
        }

        long records() {
            return records;
        }

        /** the offset after the mark's record; the read's start offset when it marks 0 records */
        long offsetAfter() {
            return offsetAfter;
        }
    }

    /**
     * The entries, in log order; each iteration reads the topic again from offset 0.
     *
     * @param atLeast keep reading (up to the catch-up time) until this many entries were read
     * @throws IllegalStateException (when iterating) at a record that is not a strictly encoded
     *     entry: {@code audit verify} reports where
     */
    Iterable<AuditEntry> entries(long atLeast) {
        return () ->
                read(
                        entriesTopic,
                        atLeast,
                        b -> {
                            EntryRecord r = EntryRecord.decode(b);
                            if (r.isMalformed()) {
                                throw new IllegalStateException(
                                        "a record of "
                                                + entriesTopic
                                                + " is not an audit entry ("
                                                + r.malformed()
                                                + "): run audit verify");
                            }
                            return r.entry();
                        });
    }

    /**
     * The records of the entries topic, in log order, each decoded strictly ({@link
     * EntryRecord#decode}): an entry, or why the record is not one. Each iteration reads the topic
     * again from offset 0.
     *
     * @param atLeast keep reading (up to the catch-up time) until this many records were read
     */
    Iterable<EntryRecord> records(long atLeast) {
        return () -> read(entriesTopic, atLeast, EntryRecord::decode);
    }

    /** As {@link #records(long)}, marking where the {@code mark.records()}-th record ended. */
    Iterable<EntryRecord> records(long atLeast, Mark mark) {
        return () -> read(entriesTopic, 0, atLeast, EntryRecord::decode, mark);
    }

    /**
     * The entries committed after the last complete read of {@link #records}/{@link #entries} (the
     * horizon), read until one with {@code logIndex >= through} is there or {@code bound} has
     * passed. Records that do not decode are skipped: they are past the horizon, the next
     * verification reports them.
     */
    List<AuditEntry> tail(long through, Duration bound) {
        List<AuditEntry> tail = new ArrayList<>();
        if (entriesEnd < 0) {
            return tail;
        }
        TopicPartition tp = new TopicPartition(entriesTopic, 0);
        long deadline = System.nanoTime() + bound.toNanos();
        try (Consumer<byte[], byte[]> consumer = consumers.get()) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, entriesEnd);
            long highest = -1;
            while (highest < through && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL).records(tp)) {
                    EntryRecord e = EntryRecord.decode(r.value());
                    if (!e.isMalformed()) {
                        tail.add(e.entry());
                        highest = Math.max(highest, e.entry().getLogIndex());
                    }
                }
            }
        }
        return tail;
    }

    private <T> Iterator<T> read(String topic, long atLeast, Decoder<T> decoder) {
        return read(topic, 0, atLeast, decoder, null);
    }

    /**
     * Throws, naming the topic, unless it exists with exactly one partition (the log of record has
     * one): a missing topic is named at once instead of a client timeout.
     */
    private static void checkSinglePartition(Consumer<byte[], byte[]> consumer, String topic) {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(15));
        if (partitions == null || partitions.isEmpty()) {
            throw new IllegalArgumentException(
                    "Kafka topic " + topic + " does not exist: is the audit job running?");
        }
        if (partitions.size() != 1) {
            throw new IllegalArgumentException(
                    "Kafka topic "
                            + topic
                            + " has "
                            + partitions.size()
                            + " partitions; the audit log of record has exactly one");
        }
    }

    /** Single-partition topics only: the log of record has exactly one partition. */
    private <T> Iterator<T> read(
            String topic, long fromOffset, long atLeast, Decoder<T> decoder, Mark mark) {
        Consumer<byte[], byte[]> consumer = consumers.get();
        try {
            checkSinglePartition(consumer, topic);
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
        TopicPartition tp = new TopicPartition(topic, 0);
        consumer.assign(List.of(tp));
        if (fromOffset <= 0) {
            consumer.seekToBeginning(List.of(tp));
        } else {
            consumer.seek(tp, fromOffset);
        }
        if (mark != null && mark.records() == 0) {
            mark.offsetAfter = consumer.position(tp);
        }
        return new RecordIterator<>(consumer, tp, atLeast, decoder, mark);
    }

    /** A read_committed consumer without a group (it assigns and seeks itself). */
    static KafkaConsumer<byte[], byte[]> consumer(Properties client) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(64 * 1024 * 1024));
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(16 * 1024 * 1024));
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @FunctionalInterface
    interface Decoder<T> extends Function<byte[], T> {
        T decode(byte[] bytes) throws IOException;

        @Override
        default T apply(byte[] bytes) {
            try {
                return decode(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * Streams a partition up to its (last-stable) end offset; closes the consumer at the end. Holds
     * at most one poll's records ({@code max.poll.records}) as bytes, each decoded only when it is
     * handed out: a whole-log read holds no more than that, however long the log.
     */
    private final class RecordIterator<T> implements Iterator<T> {
        private final Consumer<byte[], byte[]> consumer;
        private final TopicPartition tp;
        private final long atLeast;
        private final Function<byte[], T> decoder;
        private final Mark mark;
        // the records, not their values: a value may be null (a tombstone, malformed here)
        private final ArrayDeque<ConsumerRecord<byte[], byte[]>> buffered = new ArrayDeque<>();
        private long end;
        private long read;
        private final long catchUpDeadline;
        private boolean closed;

        RecordIterator(
                Consumer<byte[], byte[]> consumer,
                TopicPartition tp,
                long atLeast,
                Function<byte[], T> decoder,
                Mark mark) {
            this.consumer = consumer;
            this.tp = tp;
            this.atLeast = atLeast;
            this.decoder = decoder;
            this.mark = mark;
            this.end = endOffset();
            this.catchUpDeadline = System.nanoTime() + catchUp.toNanos();
        }

        private long endOffset() {
            Map<TopicPartition, Long> ends = consumer.endOffsets(List.of(tp));
            return ends.getOrDefault(tp, 0L);
        }

        @Override
        public boolean hasNext() {
            while (buffered.isEmpty() && !closed) {
                if (consumer.position(tp) >= end) {
                    if (read >= atLeast || System.nanoTime() > catchUpDeadline) {
                        close();
                        break;
                    }
                    end = endOffset();
                    if (consumer.position(tp) >= end) {
                        sleep();
                        continue;
                    }
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL).records(tp)) {
                    if (r.offset() < end || read < atLeast) {
                        buffered.add(r);
                        read++;
                        if (mark != null && read == mark.records()) {
                            mark.offsetAfter = r.offset() + 1;
                        }
                    }
                }
            }
            return !buffered.isEmpty();
        }

        @Override
        public T next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return decoder.apply(buffered.poll().value());
        }

        private void close() {
            closed = true;
            if (tp.topic().equals(entriesTopic)) {
                entriesEnd = consumer.position(tp);
            }
            consumer.close(Duration.ofSeconds(2));
        }

        private void sleep() {
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
            }
        }
    }
}
