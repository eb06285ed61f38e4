package dev.lethe.jobs.testing;

import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.kafka.CommitTimeWatermarks;
import dev.lethe.jobs.kafka.PartitionHeads;
import dev.lethe.jobs.kafka.RawRecord;
import dev.lethe.jobs.kafka.Replays;
import dev.lethe.jobs.kafka.TransactionWatermarks;
import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.InstantiationUtil;

/**
 * Fixed raw records in place of the Kafka source, read the way the Kafka source reads the raw
 * topics: one split per topic partition, the splits spread over the source's subtasks, each split
 * in offset order with its own commit-time watermarks ({@link CommitTimeWatermarks}, as {@code
 * RawTopicsSource}), a reader's splits interleaved in the order the records were written (a
 * consumer polls all its partitions at once).
 *
 * <p>Bounded: the job's input ends after the last record (event time then jumps to the end, and
 * every event-time timer fires). Kept open: the source stays up after the last record, as a Kafka
 * source with nothing new would, so processing-time timers can fire; the test cancels the job.
 */
public final class RawTopics implements Source<RawRecord, RawTopics.Split, Void> {

    private static final long serialVersionUID = 1L;

    private final List<Split> splits;
    private final boolean keptOpen;

    private RawTopics(List<RawRecord> records, boolean keptOpen) {
        Map<String, Split> byPartition = new LinkedHashMap<>();
        for (int i = 0; i < records.size(); i++) {
            RawRecord r = records.get(i);
            // a replayed dead letter is read from the replay topic, whatever position it names
            String split = r.replayed() ? Replays.TOPIC + "-0" : r.topic + "-" + r.partition;
            byPartition.computeIfAbsent(split, Split::new).records.add(Entry.of(i, r));
        }
        this.splits = List.copyOf(byPartition.values());
        this.keptOpen = keptOpen;
    }

    /** The records as a bounded stream: the job finishes after the last one. */
    public static DataStream<RawRecord> bounded(
            StreamExecutionEnvironment env, List<RawRecord> records, Duration idleTimeout) {
        return stream(env, new RawTopics(records, false), idleTimeout);
    }

    /** The records as a stream that stays open after the last one, until the job is cancelled. */
    public static DataStream<RawRecord> keptOpen(
            StreamExecutionEnvironment env, List<RawRecord> records, Duration idleTimeout) {
        return stream(env, new RawTopics(records, true), idleTimeout);
    }

    /**
     * {@link #keptOpen}, event time moved by complete transactions ({@link TransactionWatermarks})
     * as the jobs move it, the partitions' heads where those of {@code all} end.
     */
    /** The uid of the transaction watermarks (and their ledger) in the tests' topologies. */
    public static final String TRANSACTIONS_UID = "test-transactions";

    public static DataStream<RawRecord> keptOpenByTransactions(
            StreamExecutionEnvironment env,
            List<RawRecord> records,
            List<RawRecord> all,
            JobSettings settings) {
        return TransactionWatermarks.apply(
                keptOpen(env, records, settings.idleTimeout()),
                settings,
                TRANSACTIONS_UID,
                heads(all));
    }

    private static DataStream<RawRecord> stream(
            StreamExecutionEnvironment env, RawTopics source, Duration idleTimeout) {
        return env.fromSource(
                        source,
                        CommitTimeWatermarks.strategy(
                                idleTimeout, PartitionHeads.fixed(source.ends())),
                        "raw-topics",
                        TypeInformation.of(RawRecord.class))
                .uid("test-raw-topics");
    }

    /** Each partition's end offset: a reader that has read its last record is caught up. */
    private Map<String, Long> ends() {
        Map<String, Long> ends = new LinkedHashMap<>();
        for (Split split : splits) {
            for (Entry e : split.records) {
                if (e.replayOf() != null) {
                    continue; // the replay topic is not among the partition heads
                }
                ends.merge(
                        PartitionHeads.name(e.topic(), e.partition()), e.offset() + 1, Math::max);
            }
        }
        return ends;
    }

    /** Where the partitions of {@code records} end, as the brokers would say. */
    public static PartitionHeads.Factory heads(List<RawRecord> records) {
        return PartitionHeads.fixed(new RawTopics(records, false).ends());
    }

    @Override
    public Boundedness getBoundedness() {
        return keptOpen ? Boundedness.CONTINUOUS_UNBOUNDED : Boundedness.BOUNDED;
    }

    @Override
    public SplitEnumerator<Split, Void> createEnumerator(SplitEnumeratorContext<Split> context) {
        return new Enumerator(context, splits);
    }

    @Override
    public SplitEnumerator<Split, Void> restoreEnumerator(
            SplitEnumeratorContext<Split> context, Void checkpoint) {
        return new Enumerator(context, splits);
    }

    @Override
    public SimpleVersionedSerializer<Split> getSplitSerializer() {
        return new SplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<Void> getEnumeratorCheckpointSerializer() {
        return new SimpleVersionedSerializer<>() {
            @Override
            public int getVersion() {
                return 1;
            }

            @Override
            public byte[] serialize(Void v) {
                return new byte[0];
            }

            @Override
            public Void deserialize(int version, byte[] bytes) {
                return null;
            }
        };
    }

    @Override
    public SourceReader<RawRecord, Split> createReader(SourceReaderContext context) {
        return new Reader(keptOpen);
    }

    /** One raw record with its place in the order the records were written. */
    record Entry(
            int seq,
            String topic,
            int partition,
            long offset,
            byte[] key,
            byte[] value,
            long commitTimeMillis,
            long kafkaTimestamp,
            String transactionId,
            long totalOrder,
            String replayOf)
            implements Serializable {

        static Entry of(int seq, RawRecord r) {
            return new Entry(
                    seq,
                    r.topic,
                    r.partition,
                    r.offset,
                    r.key,
                    r.value,
                    r.commitTimeMillis,
                    r.kafkaTimestamp,
                    r.transactionId,
                    r.totalOrder,
                    r.replayOf);
        }

        RawRecord toRecord() {
            RawRecord r =
                    new RawRecord(
                            topic, partition, offset, key, value, commitTimeMillis, kafkaTimestamp);
            r.transactionId = transactionId;
            r.totalOrder = totalOrder;
            r.replayOf = replayOf;
            return r;
        }
    }

    /** One topic partition: its records and how many of them were read. */
    public static final class Split implements SourceSplit, Serializable {
        private static final long serialVersionUID = 1L;

        final String id;
        final List<Entry> records = new ArrayList<>();
        int next;

        Split(String id) {
            this.id = id;
        }

        @Override
        public String splitId() {
            return id;
        }

        boolean exhausted() {
            return next >= records.size();
        }

        Split copy() {
            Split s = new Split(id);
            s.records.addAll(records);
            s.next = next;
            return s;
        }
    }

    private static final class SplitSerializer implements SimpleVersionedSerializer<Split> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(Split split) throws IOException {
            return InstantiationUtil.serializeObject(split);
        }

        @Override
        public Split deserialize(int version, byte[] bytes) throws IOException {
            try {
                return InstantiationUtil.deserializeObject(bytes, RawTopics.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IOException(e);
            }
        }
    }

    /** Split i goes to subtask i mod parallelism, when that reader registers. */
    private static final class Enumerator implements SplitEnumerator<Split, Void> {
        private final SplitEnumeratorContext<Split> context;
        private final List<Split> splits;

        Enumerator(SplitEnumeratorContext<Split> context, List<Split> splits) {
            this.context = context;
            this.splits = splits;
        }

        @Override
        public void start() {}

        @Override
        public void handleSplitRequest(int subtask, String host) {}

        @Override
        public void addSplitsBack(List<Split> back, int subtask) {
            throw new IllegalStateException("the test source does not support failover");
        }

        @Override
        public void addReader(int subtask) {
            int parallelism = context.currentParallelism();
            for (int i = 0; i < splits.size(); i++) {
                if (i % parallelism == subtask) {
                    context.assignSplit(splits.get(i).copy(), subtask);
                }
            }
            context.signalNoMoreSplits(subtask);
        }

        @Override
        public Void snapshotState(long checkpointId) {
            return null;
        }

        @Override
        public void close() {}
    }

    /** Emits its splits' records in the order they were written, each through its split output. */
    private static final class Reader implements SourceReader<RawRecord, Split> {
        private final boolean keptOpen;
        private final List<Split> splits = new ArrayList<>();
        private final Map<String, SourceOutput<RawRecord>> outputs = new LinkedHashMap<>();
        private boolean noMoreSplits;
        private CompletableFuture<Void> available = new CompletableFuture<>();

        Reader(boolean keptOpen) {
            this.keptOpen = keptOpen;
        }

        @Override
        public void start() {}

        @Override
        public InputStatus pollNext(ReaderOutput<RawRecord> output) {
            for (Split s : splits) {
                if (!s.exhausted() && !outputs.containsKey(s.id)) {
                    // before any record: every partition holds event time back from the start
                    outputs.put(s.id, output.createOutputForSplit(s.id));
                }
            }
            Split first = null;
            for (Split s : splits) {
                if (!s.exhausted()
                        && (first == null
                                || s.records.get(s.next).seq()
                                        < first.records.get(first.next).seq())) {
                    first = s;
                }
            }
            if (first == null) {
                if (noMoreSplits && !keptOpen) {
                    return InputStatus.END_OF_INPUT;
                }
                if (available.isDone()) {
                    available = new CompletableFuture<>();
                }
                return InputStatus.NOTHING_AVAILABLE;
            }
            outputs.get(first.id).collect(first.records.get(first.next++).toRecord());
            if (first.exhausted() && !keptOpen) {
                output.releaseOutputForSplit(first.id);
                outputs.remove(first.id);
            }
            return InputStatus.MORE_AVAILABLE;
        }

        @Override
        public List<Split> snapshotState(long checkpointId) {
            List<Split> state = new ArrayList<>();
            for (Split s : splits) {
                state.add(s.copy());
            }
            return state;
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            return available;
        }

        @Override
        public void addSplits(List<Split> added) {
            splits.addAll(added);
            available.complete(null);
        }

        @Override
        public void notifyNoMoreSplits() {
            noMoreSplits = true;
            available.complete(null);
        }

        @Override
        public void close() {}
    }
}
