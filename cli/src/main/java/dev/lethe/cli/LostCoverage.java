package dev.lethe.cli;

import dev.lethe.events.DeadLetter;
import dev.lethe.jobs.kafka.ReplayPlan;
import dev.lethe.jobs.kafka.Replays;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Dead letters whose raw record the raw topics no longer hold: their source offset is below the
 * source partition's earliest offset (retention deleted it). The jobs cannot read those records
 * again, so they are coverage lost unless a dead letter still carries the raw record (then it can
 * be replayed from the letter) or it was replayed already. Reported by position, never dropped.
 */
final class LostCoverage {

    private LostCoverage() {}

    /** A dead letter as far as lost coverage is concerned: positions, reason, job; no bytes. */
    record Letter(
            String position,
            Instant failedAt,
            String job,
            String reason,
            String sourceTopic,
            int sourcePartition,
            long sourceOffset,
            String table,
            boolean replayable) {

        static Letter of(String position, DeadLetter d, String rawTopicPrefix) {
            return new Letter(
                    position,
                    d.getFailedAt(),
                    d.getJob(),
                    d.getReason(),
                    d.getSourceTopic(),
                    d.getSourcePartition(),
                    d.getSourceOffset(),
                    Replays.table(d.getSourceTopic(), rawTopicPrefix).orElse(null),
                    Replays.replayable(d, rawTopicPrefix));
        }

        String source() {
            return Replays.position(sourceTopic, sourcePartition, sourceOffset);
        }
    }

    /**
     * One letter whose raw record is gone from its topic.
     *
     * @param earliestOffset the source partition's earliest offset now (-1: the partition is gone)
     * @param replayed whether a replay of this letter was made already
     */
    record Lost(Letter letter, long earliestOffset, boolean replayed) {

        /** What can still be done: replayed, replayable from the letter, or nothing (lost). */
        String state() {
            if (replayed) {
                return "replayed";
            }
            return letter.replayable() ? "replayable from the dead letter" : "lost";
        }
    }

    /**
     * The letters among {@code letters} whose source offset is below {@code earliest} for their
     * source partition (-1: the partition is gone, everything of it is lost), oldest first. Letters
     * without a real source position (an index's rejects) and of partitions {@code earliest} does
     * not know are left out.
     */
    static List<Lost> find(
            Collection<Letter> letters,
            Map<TopicPartition, Long> earliest,
            Collection<ReplayPlan.Made> made) {
        Set<String> replayed = new HashSet<>();
        made.forEach(m -> replayed.add(m.deadLetter()));
        List<Lost> lost = new ArrayList<>();
        for (Letter l : letters) {
            if (l.sourcePartition() < 0 || l.sourceOffset() < 0) {
                continue;
            }
            Long first = earliest.get(new TopicPartition(l.sourceTopic(), l.sourcePartition()));
            if (first != null && (first < 0 || l.sourceOffset() < first)) {
                lost.add(new Lost(l, first, replayed.contains(l.position())));
            }
        }
        lost.sort(Comparator.comparing(x -> x.letter().failedAt()));
        return lost;
    }

    /** The source partitions the letters name. */
    static Set<TopicPartition> sources(Collection<Letter> letters) {
        Set<TopicPartition> out = new HashSet<>();
        for (Letter l : letters) {
            if (l.sourcePartition() >= 0 && l.sourceOffset() >= 0) {
                out.add(new TopicPartition(l.sourceTopic(), l.sourcePartition()));
            }
        }
        return out;
    }

    /**
     * Each partition's earliest offset now; -1 for a partition that no longer exists; a topic that
     * cannot be looked at (not allowed, no answer) is left out.
     */
    static Map<TopicPartition, Long> earliest(Properties client, Set<TopicPartition> partitions) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        Map<TopicPartition, Long> out = new HashMap<>();
        if (partitions.isEmpty()) {
            return out;
        }
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            Set<TopicPartition> existing = new HashSet<>();
            Set<String> topics = new HashSet<>();
            partitions.forEach(tp -> topics.add(tp.topic()));
            for (String topic : topics) {
                List<PartitionInfo> info;
                try {
                    info = c.partitionsFor(topic, Duration.ofSeconds(5));
                } catch (org.apache.kafka.common.KafkaException e) {
                    continue; // not known either way: not reported
                }
                Set<Integer> found = new HashSet<>();
                if (info != null) {
                    info.forEach(i -> found.add(i.partition()));
                }
                for (TopicPartition tp : partitions) {
                    if (tp.topic().equals(topic)) {
                        if (found.contains(tp.partition())) {
                            existing.add(tp);
                        } else {
                            out.put(tp, -1L);
                        }
                    }
                }
            }
            if (!existing.isEmpty()) {
                out.putAll(c.beginningOffsets(existing, Duration.ofSeconds(5)));
            }
        }
        return out;
    }
}
