package dev.lethe.cli;

import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.kafka.Replays;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The dead letters of a recent window ({@code ./lethe status}, {@code ./lethe deadletters}): how
 * many, by reason code, by source topic and by table. Read from the timestamp index ({@code
 * offsetsForTimes}), so only the window is read, never the topic's seven days. Names reasons,
 * tables and positions, never values.
 *
 * @param since the window's start
 * @param total dead letters written since then
 * @param byReason reason code -> count, sorted
 * @param bySource source topic -> count, sorted
 * @param byTable table (of a raw table topic {@code helpdesk.public.<table>}) -> count, sorted;
 *     letters of other topics are not counted here
 * @param letters the first {@link #KEPT} one by one, oldest first
 */
record RecentDeadLetters(
        Instant since,
        long total,
        Map<String, Long> byReason,
        Map<String, Long> bySource,
        Map<String, Long> byTable,
        List<Letter> letters) {

    /** The most letters kept one by one ({@code ./lethe deadletters}); the rest are counted. */
    static final int KEPT = 1000;

    /**
     * One dead letter as {@code ./lethe deadletters} lists it: where it came from and why, never
     * its raw bytes.
     *
     * @param table the table of its raw topic, or null for another topic
     * @param position its own position in the dead-letter topic ({@code lethe.deadletter/0@12})
     * @param replayable whether {@code ./lethe deadletters replay} can feed it back ({@link
     *     Replays#replayable}: it kept its raw record, ...)
     */
    record Letter(
            Instant failedAt,
            String job,
            String reason,
            String detail,
            String sourceTopic,
            int sourcePartition,
            long sourceOffset,
            String table,
            String position,
            boolean replayable) {}

    RecentDeadLetters(
            Instant since, long total, Map<String, Long> byReason, Map<String, Long> bySource) {
        this(since, total, byReason, bySource, Map.of(), List.of());
    }

    /** The window {@code ./lethe status} reports. */
    static final Duration WINDOW = Duration.ofHours(1);

    /**
     * Reads {@code topic} from {@code since} to its end (empty counts if it does not exist), as the
     * Kafka client {@code client} ({@code StackSettings.kafkaClient()}), without a group.
     */
    static RecentDeadLetters read(Properties client, String topic, Instant since) {
        Map<String, Long> reasons = new TreeMap<>();
        Map<String, Long> sources = new TreeMap<>();
        Map<String, Long> tables = new TreeMap<>();
        List<Letter> letters = new ArrayList<>();
        long[] total = {0};
        String prefix = JobSettings.DEFAULT_RAW_TOPIC_PREFIX;
        DeadLetterTopic.readLetters(
                client,
                topic,
                since,
                Duration.ofSeconds(10),
                (r, d) -> {
                    total[0]++;
                    if (d == null) {
                        reasons.merge("UNREADABLE_DEAD_LETTER", 1L, Long::sum);
                        return;
                    }
                    reasons.merge(d.getReason(), 1L, Long::sum);
                    sources.merge(d.getSourceTopic(), 1L, Long::sum);
                    String table = Replays.table(d.getSourceTopic(), prefix).orElse(null);
                    if (table != null) {
                        tables.merge(table, 1L, Long::sum);
                    }
                    if (letters.size() < KEPT) {
                        letters.add(
                                new Letter(
                                        d.getFailedAt(),
                                        d.getJob(),
                                        d.getReason(),
                                        d.getDetail(),
                                        d.getSourceTopic(),
                                        d.getSourcePartition(),
                                        d.getSourceOffset(),
                                        table,
                                        Replays.position(r.topic(), r.partition(), r.offset()),
                                        Replays.replayable(d, prefix)));
                    }
                });
        letters.sort(Comparator.comparing(Letter::failedAt));
        return new RecentDeadLetters(since, total[0], reasons, sources, tables, letters);
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
