package dev.lethe.cli;

import dev.lethe.events.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The dead letters of a recent window ({@code ./lethe status}): how many, by reason code and by
 * source topic. Read from the timestamp index ({@code offsetsForTimes}), so only the window is
 * read, never the topic's seven days. Names reasons and topics, never values.
 *
 * @param since the window's start
 * @param total dead letters written since then
 * @param byReason reason code -> count, sorted
 * @param bySource source topic -> count, sorted
 */
record RecentDeadLetters(
        Instant since,
        long total,
        Map<String, Long> byReason,
        Map<String, Long> bySource,
        List<Letter> letters) {

    /** The most letters kept one by one ({@code ./lethe deadletters}); the rest are counted. */
    static final int KEPT = 1000;

    /**
     * One dead letter as {@code ./lethe deadletters} lists it: where it came from and why, never
     * its raw bytes.
     */
    record Letter(
            Instant failedAt,
            String job,
            String reason,
            String detail,
            String sourceTopic,
            int sourcePartition,
            long sourceOffset) {}

    RecentDeadLetters(
            Instant since, long total, Map<String, Long> byReason, Map<String, Long> bySource) {
        this(since, total, byReason, bySource, List.of());
    }

    /** The window {@code ./lethe status} reports. */
    static final Duration WINDOW = Duration.ofHours(1);

    /**
     * Reads {@code topic} from {@code since} to its end (empty counts if it does not exist), as the
     * Kafka client {@code client} ({@code StackSettings.kafkaClient()}), without a group.
     */
    static RecentDeadLetters read(Properties client, String topic, Instant since) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        Map<String, Long> reasons = new TreeMap<>();
        Map<String, Long> sources = new TreeMap<>();
        List<Letter> letters = new java.util.ArrayList<>();
        long total = 0;
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> partitions = c.partitionsFor(topic, Duration.ofSeconds(5));
            if (partitions == null || partitions.isEmpty()) {
                return new RecentDeadLetters(since, 0, reasons, sources);
            }
            List<TopicPartition> tps =
                    partitions.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(tps);
            Map<TopicPartition, Long> query = new HashMap<>();
            tps.forEach(tp -> query.put(tp, since.toEpochMilli()));
            Map<TopicPartition, OffsetAndTimestamp> from =
                    c.offsetsForTimes(query, Duration.ofSeconds(5));
            Map<TopicPartition, Long> end = c.endOffsets(tps, Duration.ofSeconds(5));
            Map<TopicPartition, Long> remaining = new HashMap<>();
            for (TopicPartition tp : tps) {
                OffsetAndTimestamp o = from.get(tp);
                long start = o == null ? end.get(tp) : o.offset();
                c.seek(tp, start);
                if (start < end.get(tp)) {
                    remaining.put(tp, end.get(tp));
                }
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!remaining.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() + 1 >= remaining.getOrDefault(tp, Long.MAX_VALUE)) {
                        remaining.remove(tp);
                    }
                    if (r.value() == null) {
                        continue;
                    }
                    total++;
                    try {
                        DeadLetter d = DeadLetter.fromByteBuffer(ByteBuffer.wrap(r.value()));
                        reasons.merge(d.getReason(), 1L, Long::sum);
                        sources.merge(d.getSourceTopic(), 1L, Long::sum);
                        if (letters.size() < KEPT) {
                            letters.add(
                                    new Letter(
                                            d.getFailedAt(),
                                            d.getJob(),
                                            d.getReason(),
                                            d.getDetail(),
                                            d.getSourceTopic(),
                                            d.getSourcePartition(),
                                            d.getSourceOffset()));
                        }
                    } catch (Exception e) {
                        reasons.merge("UNREADABLE_DEAD_LETTER", 1L, Long::sum);
                    }
                }
                for (TopicPartition tp : List.copyOf(remaining.keySet())) {
                    if (c.position(tp) >= remaining.get(tp)) {
                        remaining.remove(tp); // transaction markers past the last record
                    }
                }
            }
        }
        letters.sort(java.util.Comparator.comparing(Letter::failedAt));
        return new RecentDeadLetters(since, total, reasons, sources, letters);
    }

    /** {@code 3 in the last hour (SCHEMA_CHANGE 2, MALFORMED_JSON 1)} or {@code none ...}. */
    String summary() {
        if (total == 0) {
            return "none in the last hour";
        }
        StringBuilder s = new StringBuilder().append(total).append(" in the last hour (");
        boolean first = true;
        for (Map.Entry<String, Long> e : byReason.entrySet()) {
            s.append(first ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue());
            first = false;
        }
        return s.append(')').toString();
    }
}
