package dev.lethe.cli;

import dev.lethe.events.AuditCheckpoint;
import dev.lethe.events.AuditEntry;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * The audit log's topics as Kafka's {@link MockConsumer}s see them, for tests of how the log of
 * record is read: each consumer made is kept, to check it was closed.
 */
final class MockAuditTopics {

    static final String ENTRIES = "lethe.audit";
    static final String CHECKPOINTS = "lethe.audit.checkpoints";

    final Map<String, List<byte[]>> values = new HashMap<>();

    /** Record keys of a topic, by offset (none: null keys). */
    final Map<String, List<byte[]>> keys = new HashMap<>();

    final Map<String, Integer> partitions = new HashMap<>();

    /** A topic's log start offset, when records below it were deleted. */
    final Map<String, Long> start = new HashMap<>();

    /** The end offset a reader sees at first, if less than what the topic holds. */
    final Map<String, Long> endSeenFirst = new HashMap<>();

    /** Values that arrive once the reader asks for the end offset again. */
    final Map<String, List<byte[]>> late = new HashMap<>();

    final List<MockConsumer<byte[], byte[]>> made = new ArrayList<>();

    MockAuditTopics topic(String topic, List<byte[]> records) {
        values.put(topic, new ArrayList<>(records));
        partitions.put(topic, 1);
        return this;
    }

    Consumer<byte[], byte[]> newConsumer() {
        MockConsumer<byte[], byte[]> c =
                new MockConsumer<>("earliest") {
                    private int endAsked;

                    @Override
                    public synchronized void assign(Collection<TopicPartition> tps) {
                        super.assign(tps);
                        for (TopicPartition tp : tps) {
                            List<byte[]> v = values.getOrDefault(tp.topic(), List.of());
                            long from = start.getOrDefault(tp.topic(), 0L);
                            updateBeginningOffsets(Map.of(tp, from));
                            updateEndOffsets(
                                    Map.of(
                                            tp,
                                            endSeenFirst.getOrDefault(
                                                    tp.topic(), (long) v.size())));
                            for (int i = (int) from; i < v.size(); i++) {
                                addRecord(record(tp.topic(), i, v.get(i)));
                            }
                        }
                    }

                    /** Reading again from an offset delivers its records again, as Kafka does. */
                    @Override
                    public synchronized void seek(TopicPartition tp, long offset) {
                        super.seek(tp, offset);
                        List<byte[]> v = values.getOrDefault(tp.topic(), List.of());
                        long from = Math.max(offset, start.getOrDefault(tp.topic(), 0L));
                        for (long i = from; i < v.size(); i++) {
                            addRecord(record(tp.topic(), i, v.get((int) i)));
                        }
                    }

                    @Override
                    public synchronized Map<TopicPartition, Long> endOffsets(
                            Collection<TopicPartition> tps) {
                        if (++endAsked == 2) {
                            for (TopicPartition tp : tps) {
                                List<byte[]> arriving = late.getOrDefault(tp.topic(), List.of());
                                long offset = values.getOrDefault(tp.topic(), List.of()).size();
                                for (byte[] v : arriving) {
                                    addRecord(
                                            new ConsumerRecord<>(tp.topic(), 0, offset++, null, v));
                                }
                                updateEndOffsets(Map.of(tp, offset));
                            }
                        }
                        return super.endOffsets(tps);
                    }
                };
        partitions.forEach(
                (topic, n) ->
                        c.updatePartitions(
                                topic,
                                IntStream.range(0, n)
                                        .mapToObj(
                                                p ->
                                                        new PartitionInfo(
                                                                topic,
                                                                p,
                                                                Node.noNode(),
                                                                new Node[0],
                                                                new Node[0]))
                                        .toList()));
        made.add(c);
        return c;
    }

    /** A keyed topic: {@code records} are key and value pairs, in offset order. */
    MockAuditTopics keyedTopic(String topic, List<byte[][]> records) {
        values.put(topic, new ArrayList<>(records.stream().map(r -> r[1]).toList()));
        keys.put(topic, new ArrayList<>(records.stream().map(r -> r[0]).toList()));
        partitions.put(topic, 1);
        return this;
    }

    private ConsumerRecord<byte[], byte[]> record(String topic, long offset, byte[] value) {
        List<byte[]> k = keys.get(topic);
        byte[] key = k == null || offset >= k.size() ? null : k.get((int) offset);
        return new ConsumerRecord<>(topic, 0, offset, key, value);
    }

    AuditLogSource source(Duration catchUp) {
        return new AuditLogSource(this::newConsumer, ENTRIES, CHECKPOINTS, catchUp);
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    static List<byte[]> encoded(List<AuditEntry> entries) {
        List<byte[]> out = new ArrayList<>();
        for (AuditEntry e : entries) {
            try {
                out.add(bytes(e.toByteBuffer()));
            } catch (java.io.IOException x) {
                throw new java.io.UncheckedIOException(x);
            }
        }
        return out;
    }

    static List<byte[]> encodedCheckpoints(List<AuditCheckpoint> checkpoints) {
        List<byte[]> out = new ArrayList<>();
        for (AuditCheckpoint c : checkpoints) {
            try {
                out.add(bytes(c.toByteBuffer()));
            } catch (java.io.IOException x) {
                throw new java.io.UncheckedIOException(x);
            }
        }
        return out;
    }

    boolean allClosed() {
        return made.stream().allMatch(MockConsumer::closed);
    }
}
