package dev.lethe.jobs.kafka;

import dev.lethe.events.DeadLetter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which dead letters one {@code ./lethe deadletters replay} feeds back, exactly once. Flink-free.
 *
 * <p>A dead letter is known by its own position in the dead-letter topic. It is left out when:
 *
 * <ul>
 *   <li>it does not match the selection (reason, written since, table), or cannot be replayed
 *       ({@link Replays#replayable}: no raw value, not a normalizer's, not a table's);
 *   <li>a replay names its position already ({@link Replays#HEADER_DEAD_LETTER});
 *   <li>a replay of the same raw record for the same job was made after the letter was written: the
 *       letter is a second copy of one replayed then (the jobs write dead letters at least once,
 *       and a job restored from a checkpoint rejects a record again). A letter written after the
 *       last replay of its raw record is that replay's own failure, and is replayed;
 *   <li>another letter of the selection is for the same raw record and job (the first, in the
 *       dead-letter topic's order, is replayed).
 * </ul>
 *
 * @param replay the letters to replay, in the dead-letter topic's order
 * @param alreadyReplayed matching letters a replay covers already
 * @param duplicates matching letters for the same raw record and job as one replayed now
 * @param notReplayable matching letters that cannot be replayed (no raw value, ...)
 */
public record ReplayPlan(
        List<Letter> replay, int alreadyReplayed, int duplicates, int notReplayable) {

    /** A dead letter and its own position in the dead-letter topic. */
    public record Letter(String topic, int partition, long offset, DeadLetter letter) {

        /** Its own position, {@code lethe.deadletter/0@12}. */
        public String position() {
            return Replays.position(topic, partition, offset);
        }

        /** The raw record it was, {@code helpdesk.public.contacts/0@17}. */
        public String source() {
            return Replays.position(
                    letter.getSourceTopic(), letter.getSourcePartition(), letter.getSourceOffset());
        }
    }

    /**
     * A replay already made, as read back from {@value Replays#TOPIC}.
     *
     * @param deadLetter the dead letter's position
     * @param job the job it was for
     * @param source the raw record's position
     * @param at the replay record's timestamp
     */
    public record Made(String deadLetter, String job, String source, Instant at) {}

    /**
     * What to replay.
     *
     * @param reason the reason code (required)
     * @param since only letters written since then, or null for all
     * @param table only letters of this table's raw topic, or null for all
     */
    public record Selection(String reason, Instant since, String table) {

        boolean matches(DeadLetter d, String rawTopicPrefix) {
            return reason.equals(d.getReason())
                    && (since == null || !d.getFailedAt().isBefore(since))
                    && (table == null
                            || Replays.table(d.getSourceTopic(), rawTopicPrefix)
                                    .map(table::equals)
                                    .orElse(false));
        }
    }

    /** The letters of the selection among {@code letters}, less what {@code made} covers. */
    public static ReplayPlan of(
            List<Letter> letters, List<Made> made, Selection selection, String rawTopicPrefix) {
        Set<String> replayedLetters = new HashSet<>();
        Map<String, Instant> lastReplay = new HashMap<>();
        for (Made m : made) {
            replayedLetters.add(m.deadLetter());
            lastReplay.merge(m.job() + " " + m.source(), m.at(), (a, b) -> a.isAfter(b) ? a : b);
        }
        List<Letter> ordered = new ArrayList<>(letters);
        ordered.sort(
                Comparator.comparing(Letter::topic)
                        .thenComparingInt(Letter::partition)
                        .thenComparingLong(Letter::offset));
        List<Letter> replay = new ArrayList<>();
        Set<String> chosen = new HashSet<>();
        int already = 0;
        int duplicates = 0;
        int notReplayable = 0;
        for (Letter l : ordered) {
            DeadLetter d = l.letter();
            if (!selection.matches(d, rawTopicPrefix)) {
                continue;
            }
            if (!Replays.replayable(d, rawTopicPrefix)) {
                notReplayable++;
                continue;
            }
            String key = Replays.target(d.getJob()).orElseThrow() + " " + l.source();
            Instant last = lastReplay.get(key);
            if (replayedLetters.contains(l.position())
                    || (last != null && !d.getFailedAt().isAfter(last))) {
                already++;
            } else if (!chosen.add(key)) {
                duplicates++;
            } else {
                replay.add(l);
            }
        }
        return new ReplayPlan(List.copyOf(replay), already, duplicates, notReplayable);
    }
}
