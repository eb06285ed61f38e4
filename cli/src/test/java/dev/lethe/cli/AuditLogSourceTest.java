package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How {@code ./lethe audit verify} and {@code audit prove} read the log of record from Kafka,
 * against Kafka's {@link MockConsumer}: from offset 0 to the end offset seen when reading starts,
 * waiting (up to the catch-up time) for entries a checkpoint already covers, one partition only.
 */
@Timeout(60)
class AuditLogSourceTest {

    private static final String ENTRIES = "lethe.audit";
    private static final String CHECKPOINTS = "lethe.audit.checkpoints";

    private final AuditTestLogs log = new AuditTestLogs().ticketTraffic(12, 3, 5);

    /** Topics as the consumers see them; every consumer made is kept to check it was closed. */
    private static final class Topics {
        final Map<String, List<byte[]>> values = new HashMap<>();
        final Map<String, Integer> partitions = new HashMap<>();

        /** The end offset a reader sees at first, if less than what the topic holds. */
        final Map<String, Long> endSeenFirst = new HashMap<>();

        /** Values that arrive once the reader asks for the end offset again. */
        final Map<String, List<byte[]>> late = new HashMap<>();

        final List<MockConsumer<byte[], byte[]>> made = new ArrayList<>();

        Topics topic(String topic, List<byte[]> records) {
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
                                updateBeginningOffsets(Map.of(tp, 0L));
                                updateEndOffsets(
                                        Map.of(
                                                tp,
                                                endSeenFirst.getOrDefault(
                                                        tp.topic(), (long) v.size())));
                                for (int i = 0; i < v.size(); i++) {
                                    addRecord(
                                            new ConsumerRecord<>(tp.topic(), 0, i, null, v.get(i)));
                                }
                            }
                        }

                        @Override
                        public synchronized Map<TopicPartition, Long> endOffsets(
                                Collection<TopicPartition> tps) {
                            if (++endAsked == 2) {
                                for (TopicPartition tp : tps) {
                                    List<byte[]> arriving =
                                            late.getOrDefault(tp.topic(), List.of());
                                    long offset = values.getOrDefault(tp.topic(), List.of()).size();
                                    for (byte[] v : arriving) {
                                        addRecord(
                                                new ConsumerRecord<>(
                                                        tp.topic(), 0, offset++, null, v));
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

        AuditLogSource source(Duration catchUp) {
            return new AuditLogSource(this::newConsumer, ENTRIES, CHECKPOINTS, catchUp);
        }

        boolean allClosed() {
            return made.stream().allMatch(MockConsumer::closed);
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static List<byte[]> encoded(List<AuditEntry> entries) {
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

    private static List<byte[]> encodedCheckpoints(List<AuditCheckpoint> checkpoints) {
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

    private static List<AuditEntry> read(Iterable<AuditEntry> entries) {
        List<AuditEntry> out = new ArrayList<>();
        entries.forEach(out::add);
        return out;
    }

    @Test
    void theCheckpointsAreReadInTopicOrderAndTheConsumerClosed() {
        Topics topics = new Topics().topic(CHECKPOINTS, encodedCheckpoints(log.checkpoints));

        List<AuditCheckpoint> read = topics.source(Duration.ZERO).checkpoints();

        assertThat(log.checkpoints).hasSizeGreaterThan(1);
        assertThat(read).isEqualTo(log.checkpoints);
        assertThat(topics.allClosed()).isTrue();
    }

    @Test
    void theEntriesAreReadInLogOrderAndEachIterationReadsTheTopicFromTheStartAgain() {
        Topics topics = new Topics().topic(ENTRIES, encoded(log.entries));
        Iterable<AuditEntry> entries = topics.source(Duration.ZERO).entries(0);

        assertThat(read(entries)).isEqualTo(log.entries);
        assertThat(read(entries)).isEqualTo(log.entries);
        assertThat(topics.made).hasSize(2);
        assertThat(topics.allClosed()).isTrue();
    }

    @Test
    void entriesPastTheEndSeenWhenReadingStartsAreNotRead() {
        Topics topics = new Topics().topic(ENTRIES, encoded(log.entries));
        topics.endSeenFirst.put(ENTRIES, 5L);

        assertThat(read(topics.source(Duration.ZERO).entries(0)))
                .isEqualTo(log.entries.subList(0, 5));
    }

    @Test
    void entriesACheckpointAlreadyCoversAreAwaitedUntilTheyArrive() {
        Topics topics = new Topics().topic(ENTRIES, encoded(log.entries.subList(0, 8)));
        topics.late.put(ENTRIES, encoded(log.entries.subList(8, 12)));

        assertThat(read(topics.source(Duration.ofSeconds(30)).entries(12))).isEqualTo(log.entries);
        assertThat(topics.allClosed()).isTrue();
    }

    @Test
    void theWaitForEntriesThatNeverArriveEndsAfterTheCatchUpTimeWithWhatWasRead() {
        Topics topics = new Topics().topic(ENTRIES, encoded(log.entries.subList(0, 8)));

        List<AuditEntry> read = read(topics.source(Duration.ofMillis(300)).entries(12));

        assertThat(read).isEqualTo(log.entries.subList(0, 8));
        assertThat(topics.allClosed()).isTrue();
    }

    @Test
    void aMissingTopicIsNamedWithAHint() {
        Topics topics = new Topics();

        assertThatThrownBy(() -> topics.source(Duration.ZERO).checkpoints())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Kafka topic "
                                + CHECKPOINTS
                                + " does not exist: is the audit job running?");
        assertThat(topics.allClosed()).isTrue();
    }

    @Test
    void aTopicWithMoreThanOnePartitionIsRefused() {
        Topics topics = new Topics().topic(ENTRIES, encoded(log.entries));
        topics.partitions.put(ENTRIES, 2);

        assertThatThrownBy(() -> read(topics.source(Duration.ZERO).entries(0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Kafka topic "
                                + ENTRIES
                                + " has 2 partitions; the audit log of record has exactly one");
        assertThat(topics.allClosed()).isTrue();
    }
}
