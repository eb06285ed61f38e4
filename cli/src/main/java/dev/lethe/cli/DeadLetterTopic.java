package dev.lethe.cli;

import dev.lethe.events.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a topic of Lethe's (the dead letters, the replays) from a time, or its beginning, to its
 * end offsets taken at the start, committed records only, without a consumer group. Only the window
 * is read, found through the timestamp index ({@code offsetsForTimes}).
 */
final class DeadLetterTopic {

    /** What is done with each record read. */
    interface Visitor {
        void record(ConsumerRecord<byte[], byte[]> record);
    }

    /** What is done with each dead letter read; {@code letter} is null for an unreadable one. */
    interface LetterVisitor {
        void letter(ConsumerRecord<byte[], byte[]> record, DeadLetter letter);
    }

    private DeadLetterTopic() {}

    /**
     * Reads {@code topic} from {@code since} (null: its beginning) to its end, within {@code
     * within}; returns false if the time ran out first. A topic that does not exist reads as empty.
     */
    static boolean read(
            Properties client, String topic, Instant since, Duration within, Visitor visitor) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> partitions = c.partitionsFor(topic, Duration.ofSeconds(5));
            if (partitions == null || partitions.isEmpty()) {
                return true;
            }
            List<TopicPartition> tps =
                    partitions.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps, Duration.ofSeconds(5));
            Map<TopicPartition, Long> start;
            if (since == null) {
                start = c.beginningOffsets(tps, Duration.ofSeconds(5));
            } else {
                Map<TopicPartition, Long> query = new HashMap<>();
                tps.forEach(tp -> query.put(tp, since.toEpochMilli()));
                Map<TopicPartition, OffsetAndTimestamp> from =
                        c.offsetsForTimes(query, Duration.ofSeconds(5));
                start = new HashMap<>();
                for (TopicPartition tp : tps) {
                    OffsetAndTimestamp o = from.get(tp);
                    start.put(tp, o == null ? end.get(tp) : o.offset());
                }
            }
            Map<TopicPartition, Long> remaining = new HashMap<>();
            for (TopicPartition tp : tps) {
                c.seek(tp, start.get(tp));
                if (start.get(tp) < end.get(tp)) {
                    remaining.put(tp, end.get(tp));
                }
            }
            long deadline = System.nanoTime() + within.toNanos();
            while (!remaining.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    Long stop = remaining.get(tp);
                    if (stop == null || r.offset() >= stop) {
                        continue; // written after the end offsets were taken
                    }
                    if (r.offset() + 1 >= stop) {
                        remaining.remove(tp);
                    }
                    visitor.record(r);
                }
                for (TopicPartition tp : List.copyOf(remaining.keySet())) {
                    if (c.position(tp) >= remaining.get(tp)) {
                        remaining.remove(tp); // transaction markers past the last record
                    }
                }
            }
            return remaining.isEmpty();
        }
    }

    /** {@link #read} of a dead-letter topic, each value decoded ({@code DeadLetter}). */
    static boolean readLetters(
            Properties client, String topic, Instant since, Duration within, LetterVisitor v) {
        return read(
                client,
                topic,
                since,
                within,
                r -> {
                    if (r.value() == null) {
                        return;
                    }
                    DeadLetter d;
                    try {
                        d = DeadLetter.fromByteBuffer(ByteBuffer.wrap(r.value()));
                    } catch (Exception e) {
                        d = null;
                    }
                    v.letter(r, d);
                });
    }
}
