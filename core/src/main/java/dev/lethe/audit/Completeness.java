package dev.lethe.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Whether the audit log holds every change capture delivered, exactly once: every change event of
 * the raw topics, by (entity, LSN), must have one change entry in the log. The raw side is fed with
 * {@link #captured}, the log side with {@link #logged}; {@link #report} names each gap with the
 * raw-topic position of its change and each double with its log indexes.
 *
 * <p>What it proves: the audit job lost and duplicated nothing of what reached the raw topics in
 * the range read. What it cannot: a change that never reached capture (that is the replication
 * slot's part: its confirmed position must not pass a change Debezium has not written), and a
 * change whose raw event has already left the raw topics (their retention): such entries are
 * counted as {@code beyondRawRetention}, not checked.
 */
public final class Completeness {

    /** One change event of a raw topic, where it is. */
    public record RawChange(
            String entityId,
            long lsn,
            String topic,
            int partition,
            long offset,
            Instant commitTime) {
        public RawChange {
            Objects.requireNonNull(entityId, "entityId");
            Objects.requireNonNull(topic, "topic");
        }

        /** {@code contacts/1858 at LSN 24023128 (helpdesk.public.contacts-0@5713)}. */
        public String describe() {
            return entityId
                    + " at LSN "
                    + lsn
                    + " ("
                    + topic
                    + "-"
                    + partition
                    + "@"
                    + offset
                    + ")";
        }
    }

    /** A change the log holds more than once: its log indexes. */
    public record Doubled(String entityId, long lsn, List<Long> logIndexes) {}

    /**
     * The outcome.
     *
     * @param rawChanges distinct changes read from the raw topics (a redelivered event counts once)
     * @param redelivered raw events that repeat a change already read (Debezium delivers at least
     *     once; not an error)
     * @param entries change entries read from the log
     * @param missing raw changes without an entry, in raw-topic order
     * @param doubled changes with more than one entry
     * @param beyondRawRetention entries whose change is older than the oldest raw event read
     */
    public record Report(
            long rawChanges,
            long redelivered,
            long entries,
            List<RawChange> missing,
            List<Doubled> doubled,
            long beyondRawRetention) {

        public boolean complete() {
            return missing.isEmpty() && doubled.isEmpty();
        }
    }

    private record Key(String entityId, long lsn) {}

    private final Map<Key, RawChange> captured = new HashMap<>();
    private final Map<Key, List<Long>> logged = new HashMap<>();
    private long redelivered;
    private long entries;

    /** A change event read from a raw topic. */
    public void captured(RawChange change) {
        if (captured.putIfAbsent(new Key(change.entityId(), change.lsn()), change) != null) {
            redelivered++;
        }
    }

    /** A change entry of the log. */
    public void logged(String entityId, long lsn, long logIndex) {
        entries++;
        logged.computeIfAbsent(new Key(entityId, lsn), k -> new ArrayList<>(1)).add(logIndex);
    }

    /** The changes read from the raw topics that no entry read so far holds. */
    public List<RawChange> missing() {
        List<RawChange> missing = new ArrayList<>();
        for (Map.Entry<Key, RawChange> c : captured.entrySet()) {
            if (!logged.containsKey(c.getKey())) {
                missing.add(c.getValue());
            }
        }
        missing.sort(
                Comparator.comparing(RawChange::topic)
                        .thenComparingInt(RawChange::partition)
                        .thenComparingLong(RawChange::offset));
        return missing;
    }

    public Report report() {
        List<Doubled> doubled = new ArrayList<>();
        long oldestRaw = Long.MAX_VALUE;
        Map<String, Long> oldestRawByEntity = new HashMap<>();
        for (RawChange c : captured.values()) {
            oldestRaw = Math.min(oldestRaw, c.lsn());
            oldestRawByEntity.merge(c.entityId(), c.lsn(), Math::min);
        }
        long beyond = 0;
        for (Map.Entry<Key, List<Long>> e : logged.entrySet()) {
            if (e.getValue().size() > 1) {
                doubled.add(
                        new Doubled(
                                e.getKey().entityId(),
                                e.getKey().lsn(),
                                e.getValue().stream().sorted().toList()));
            }
            if (!captured.containsKey(e.getKey()) && e.getKey().lsn() < oldestRaw) {
                beyond += e.getValue().size();
            }
        }
        doubled.sort(Comparator.comparing(Doubled::entityId).thenComparingLong(Doubled::lsn));
        return new Report(captured.size(), redelivered, entries, missing(), doubled, beyond);
    }
}
