package dev.lethe.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.audit.Completeness.Doubled;
import dev.lethe.audit.Completeness.RawChange;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The watermark of completeness: what an incremental completeness check ({@link Completeness}, run
 * again and again) keeps between runs, so that each run reads only what the raw topics and the log
 * hold after it. Matching is by (entity, LSN), as {@link Completeness} matches.
 *
 * <p>A run is: {@link #begin}; the log's change entries after {@link #logIndex()} ({@link
 * #logged}); then each raw topic-partition from {@link #startPartition} to its end offset ({@link
 * #captured}, {@link #partitionRead}); then {@link #finish}. The log is read <em>before</em> the
 * raw topics: a change's raw event is in its raw topic before the audit job reads it, so every
 * entry read has its raw event below the raw end offsets taken afterwards, and an entry never waits
 * for its raw event from one run to the next.
 *
 * <p>State, in bounded memory:
 *
 * <ul>
 *   <li>per raw topic-partition, the offset read through (the next one to read);
 *   <li>the log's logIndex checked through, and the entries topic's offset after it;
 *   <li>the raw changes still waiting for their entry ({@link Pending}, with when a run first saw
 *       them), and the gaps reported whose entry has not come;
 *   <li>per entity, the lowest and highest LSN read from the raw topics. One entity's raw events
 *       are in one partition (Debezium keys by primary key) and their LSNs grow in that partition
 *       (a row's changes commit one after the other), except when Debezium delivers again after a
 *       restart: so a raw change at or below the highest LSN read is a redelivery, and an entry
 *       between the lowest and the highest whose change is neither waiting nor a reported gap
 *       repeats a change already checked: a double. Entries of one entity do <em>not</em> always
 *       reach the log in LSN order (the audit job's {@code OrderEntityChanges} lets an entry
 *       overdue for an earlier one leave without it, and emits the earlier one late), which is why
 *       the raw side's order is what the state relies on, not the log's.
 * </ul>
 *
 * <p>A raw change without its entry is pending until both: a run first saw it at least the bound
 * ago, and the log has moved past it (it holds the entry of a later event of the same raw
 * partition; for entries that name no raw position, its entries reach a commit time more than the
 * bound after the change's): then it is a gap, named with its raw topic, partition and offset. A
 * log that is behind (the audit job catching up after a restart) or quiet keeps it pending. An
 * entry that comes after its gap was reported is counted late.
 */
public final class CompletenessWatermark {

    /** The state's JSON format. */
    public static final int FORMAT = 1;

    /** A raw change without its entry yet, and when a run first saw it. */
    public record Pending(RawChange change, Instant firstSeen) {
        public Pending {
            Objects.requireNonNull(change, "change");
            Objects.requireNonNull(firstSeen, "firstSeen");
        }
    }

    /**
     * What one run found.
     *
     * @param rawChanges new changes read from the raw topics
     * @param redelivered raw events that repeat a change already read (not an error)
     * @param entries change entries read from the log
     * @param checked raw changes whose entry the run found
     * @param gaps raw changes without an entry past the bound, in raw-topic order
     * @param doubles entries of a change already logged; logIndexes are the ones this run read (an
     *     entry checked by an earlier run is not named again)
     * @param late reported gaps whose entry came in this run
     * @param problems raw topics or the log read back from where the watermark stands: truncated,
     *     recreated, or records deleted before they were checked
     * @param pending raw changes still waiting for their entry
     * @param oldestPending when a run first saw the oldest of them (null: none)
     * @param beyondRawRetention entries whose change the raw topics no longer hold (older than
     *     their retention, or than the first run)
     * @param logIndex the log checked through (-1: nothing yet)
     */
    public record Run(
            long rawChanges,
            long redelivered,
            long entries,
            long checked,
            List<Pending> gaps,
            List<Doubled> doubles,
            List<Pending> late,
            List<String> problems,
            long pending,
            Instant oldestPending,
            long beyondRawRetention,
            long logIndex) {

        public boolean complete() {
            return gaps.isEmpty() && doubles.isEmpty() && problems.isEmpty();
        }
    }

    /** A raw topic-partition. */
    public record Partition(String topic, int partition) implements Comparable<Partition> {
        @Override
        public int compareTo(Partition o) {
            int c = topic.compareTo(o.topic);
            return c != 0 ? c : Integer.compare(partition, o.partition);
        }

        @Override
        public String toString() {
            return topic + "-" + partition;
        }
    }

    private record Key(String entityId, long lsn) {}

    // kept between runs
    private final TreeMap<Partition, Long> rawOffsets = new TreeMap<>();
    private long logIndex = -1;
    private long rereadThrough = -1;
    private long entriesOffset;
    private Instant logReached;
    private final TreeMap<Partition, Long> loggedOffsets = new TreeMap<>();
    private final Map<Key, Pending> pending = new LinkedHashMap<>();
    private final Map<Key, Pending> openGaps = new LinkedHashMap<>();
    private final Map<String, long[]> entities = new HashMap<>();
    private long checkedTotal;
    private long gapsTotal;
    private long doublesTotal;
    private long lateTotal;
    private long problemsTotal;
    private long runs;
    private Instant lastRun;

    // one run
    private Instant now;
    private final Map<Key, List<Long>> runEntries = new HashMap<>();
    private final Map<Key, Long> runMatched = new HashMap<>();
    private final Set<Partition> runPartitions = new HashSet<>();
    private final List<Pending> runLate = new ArrayList<>();
    private final List<String> runProblems = new ArrayList<>();
    private long runRaw;
    private long runRedelivered;
    private long runEntriesRead;
    private long runChecked;
    private long runBeyond;

    /** Starts a run at {@code now} (a change first seen in it is first seen then). */
    public void begin(Instant now) {
        this.now = Objects.requireNonNull(now, "now");
        rereadThrough = -1;
        runEntries.clear();
        runMatched.clear();
        runPartitions.clear();
        runLate.clear();
        runProblems.clear();
        runRaw = 0;
        runRedelivered = 0;
        runEntriesRead = 0;
        runChecked = 0;
        runBeyond = 0;
    }

    /** The log's logIndex checked through (-1: none). */
    public long logIndex() {
        return logIndex;
    }

    /** The entries topic's offset after the last entry checked: where the next run reads from. */
    public long entriesOffset() {
        return entriesOffset;
    }

    /** Where the entries topic was read to (its end offset when the run read it). */
    public void entriesRead(long offset) {
        entriesOffset = offset;
    }

    /**
     * Notes that the entries topic no longer holds what the watermark was checked through (it ends
     * before {@link #entriesOffset()}, or its records from there were deleted): a problem; the
     * check goes on from {@code from}.
     */
    public void logReadBack(String detail, long from) {
        problem("the log: " + detail);
        entriesOffset = from;
        rereadThrough = logIndex;
    }

    /**
     * A change entry of the log, read from {@link #entriesOffset()} on. Each record is read once,
     * so an entry that repeats another's logIndex is still an entry (a replayed copy); only after a
     * read-back are the entries up to the logIndex checked before skipped.
     */
    public void logged(String entityId, long lsn, long index, Instant commitTime) {
        logged(entityId, lsn, index, commitTime, null, null, null);
    }

    /**
     * As {@link #logged(String, long, long, Instant)}, with the raw position the entry names (its
     * {@code sourceTopic}, {@code sourcePartition}, {@code sourceOffset}; null when it names none):
     * the log has then read that raw partition through that offset.
     */
    public void logged(
            String entityId,
            long lsn,
            long index,
            Instant commitTime,
            String sourceTopic,
            Integer sourcePartition,
            Long sourceOffset) {
        if (index <= rereadThrough) {
            return; // checked before the log was read back
        }
        logIndex = Math.max(logIndex, index);
        runEntriesRead++;
        if (commitTime != null && (logReached == null || commitTime.isAfter(logReached))) {
            logReached = commitTime;
        }
        if (sourceTopic != null && sourcePartition != null && sourceOffset != null) {
            loggedOffsets.merge(
                    new Partition(sourceTopic, sourcePartition), sourceOffset, Math::max);
        }
        Key key = new Key(entityId, lsn);
        if (pending.remove(key) != null) {
            matched(key, index);
            return;
        }
        Pending gap = openGaps.remove(key);
        if (gap != null) {
            runLate.add(gap);
            lateTotal++;
            runMatched.put(key, index);
            return;
        }
        runEntries.computeIfAbsent(key, k -> new ArrayList<>(1)).add(index);
    }

    private void matched(Key key, long index) {
        runChecked++;
        checkedTotal++;
        runMatched.put(key, index);
    }

    /**
     * Where to read a raw topic-partition from, given the offsets it holds now: the offset the
     * watermark stands at, or its beginning when it is new. A partition that ends before that
     * offset (truncated or recreated) or no longer holds it (records deleted before they were
     * checked) is a problem, and is read from its beginning.
     */
    public long startPartition(String topic, int partition, long beginning, long end) {
        Partition p = new Partition(topic, partition);
        runPartitions.add(p);
        Long kept = rawOffsets.get(p);
        if (kept == null) {
            return beginning;
        }
        if (kept > end) {
            problem(
                    p
                            + " ends at offset "
                            + end
                            + ", before offset "
                            + kept
                            + " the check had reached: the topic was truncated or recreated;"
                            + " read again from offset "
                            + beginning);
            return beginning;
        }
        if (kept < beginning) {
            problem(
                    p
                            + ": offsets "
                            + kept
                            + " to "
                            + (beginning - 1)
                            + " were deleted before they were checked (the topic now starts at "
                            + beginning
                            + ")");
            return beginning;
        }
        return kept;
    }

    /** A change event read from a raw topic-partition, in offset order. */
    public void captured(RawChange c) {
        long[] seen = entities.get(c.entityId());
        if (seen != null && c.lsn() <= seen[1]) {
            runRedelivered++;
            return;
        }
        if (seen == null) {
            entities.put(c.entityId(), new long[] {c.lsn(), c.lsn()});
        } else {
            seen[1] = c.lsn();
        }
        runRaw++;
        Key key = new Key(c.entityId(), c.lsn());
        List<Long> logged = runEntries.get(key);
        if (logged != null) {
            long index = logged.remove(0);
            if (logged.isEmpty()) {
                runEntries.remove(key);
            }
            matched(key, index);
            return;
        }
        pending.put(key, new Pending(c, now));
    }

    /** A raw topic-partition was read up to {@code end} (exclusive). */
    public void partitionRead(String topic, int partition, long end) {
        rawOffsets.put(new Partition(topic, partition), end);
    }

    private void problem(String detail) {
        runProblems.add(detail);
        problemsTotal++;
    }

    /** Ends the run: what its entries and pending changes come to, with this bound. */
    public Run finish(Duration bound) {
        for (Partition p : rawOffsets.keySet()) {
            if (!runPartitions.contains(p)) {
                problem(p + " no longer exists: the raw topic was deleted");
            }
        }
        rawOffsets.keySet().retainAll(runPartitions);
        List<Doubled> doubles = new ArrayList<>();
        for (Map.Entry<Key, List<Long>> e : runEntries.entrySet()) {
            Key k = e.getKey();
            long[] seen = entities.get(k.entityId());
            if (seen != null && k.lsn() >= seen[0] && k.lsn() <= seen[1]) {
                List<Long> indexes = new ArrayList<>();
                Long first = runMatched.get(k);
                if (first != null) {
                    indexes.add(first);
                }
                indexes.addAll(e.getValue());
                indexes.sort(Comparator.naturalOrder());
                doubles.add(new Doubled(k.entityId(), k.lsn(), indexes));
                doublesTotal += e.getValue().size();
            } else {
                runBeyond += e.getValue().size();
            }
        }
        runEntries.clear();
        doubles.sort(Comparator.comparing(Doubled::entityId).thenComparingLong(Doubled::lsn));
        List<Pending> gaps = new ArrayList<>();
        var it = pending.entrySet().iterator();
        while (it.hasNext()) {
            var e = it.next();
            Pending p = e.getValue();
            boolean waited = !p.firstSeen().plus(bound).isAfter(now);
            boolean logPassed = logPassed(p.change(), bound);
            if (waited && logPassed) {
                gaps.add(p);
                openGaps.put(e.getKey(), p);
                gapsTotal++;
                it.remove();
            }
        }
        gaps.sort(RAW_ORDER);
        runs++;
        lastRun = now;
        return new Run(
                runRaw,
                runRedelivered,
                runEntriesRead,
                runChecked,
                gaps,
                doubles,
                List.copyOf(runLate),
                List.copyOf(runProblems),
                pending.size(),
                oldestPending(),
                runBeyond,
                logIndex);
    }

    /**
     * Whether the log has moved past a raw change: it holds an entry of a later event of the same
     * raw partition (the audit job reads a partition in offset order; partitions are not aligned
     * with one another, so one far ahead in time says nothing of another); for a partition no entry
     * names, its entries reach a commit time more than {@code bound} after the change's.
     */
    private boolean logPassed(RawChange c, Duration bound) {
        Long through = loggedOffsets.get(new Partition(c.topic(), c.partition()));
        if (through != null) {
            return through > c.offset();
        }
        return logReached != null
                && c.commitTime() != null
                && logReached.isAfter(c.commitTime().plus(bound));
    }

    private static final Comparator<Pending> RAW_ORDER =
            Comparator.comparing((Pending p) -> p.change().topic())
                    .thenComparingInt(p -> p.change().partition())
                    .thenComparingLong(p -> p.change().offset());

    private Instant oldestPending() {
        return pending.values().stream()
                .map(Pending::firstSeen)
                .min(Comparator.naturalOrder())
                .orElse(null);
    }

    /** The raw topic-partitions and the offsets they are checked through. */
    public Map<Partition, Long> rawOffsets() {
        return java.util.Collections.unmodifiableMap(rawOffsets);
    }

    /** Raw changes waiting for their entry, in raw-topic order. */
    public List<Pending> pending() {
        List<Pending> all = new ArrayList<>(pending.values());
        all.sort(RAW_ORDER);
        return all;
    }

    /** Gaps reported whose entry has not come, in raw-topic order. */
    public List<Pending> openGaps() {
        List<Pending> all = new ArrayList<>(openGaps.values());
        all.sort(RAW_ORDER);
        return all;
    }

    /** Raw changes whose entry was found, over all runs. */
    public long checkedTotal() {
        return checkedTotal;
    }

    public long gapsTotal() {
        return gapsTotal;
    }

    public long doublesTotal() {
        return doublesTotal;
    }

    public long lateTotal() {
        return lateTotal;
    }

    public long problemsTotal() {
        return problemsTotal;
    }

    public long runs() {
        return runs;
    }

    /** When the last run finished (null: never). */
    public Instant lastRun() {
        return lastRun;
    }

    /** The highest commit time of the change entries checked (null: none). */
    public Instant logReached() {
        return logReached;
    }

    /** Entities whose raw changes the watermark tracks. */
    public int entities() {
        return entities.size();
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The state as JSON: offsets, counters, entity ids ({@code contacts/42}) and LSNs only. */
    public ObjectNode toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("format", FORMAT);
        n.put("logIndex", logIndex);
        n.put("entriesOffset", entriesOffset);
        n.put("logReached", logReached == null ? null : logReached.toString());
        n.put("runs", runs);
        n.put("lastRun", lastRun == null ? null : lastRun.toString());
        n.put("checked", checkedTotal);
        n.put("gaps", gapsTotal);
        n.put("doubles", doublesTotal);
        n.put("late", lateTotal);
        n.put("problems", problemsTotal);
        writeOffsets(n.putArray("loggedOffsets"), loggedOffsets);
        writeOffsets(n.putArray("rawOffsets"), rawOffsets);
        writePending(n.putArray("pending"), pending());
        writePending(n.putArray("openGaps"), openGaps());
        ObjectNode ent = n.putObject("entities");
        new TreeMap<>(entities).forEach((id, lsns) -> ent.putArray(id).add(lsns[0]).add(lsns[1]));
        return n;
    }

    private static void writeOffsets(ArrayNode out, Map<Partition, Long> offsets) {
        offsets.forEach(
                (p, o) -> {
                    ObjectNode r = out.addObject();
                    r.put("topic", p.topic());
                    r.put("partition", p.partition());
                    r.put("offset", o);
                });
    }

    private static void writePending(ArrayNode out, List<Pending> all) {
        for (Pending p : all) {
            ObjectNode o = out.addObject();
            RawChange c = p.change();
            o.put("entityId", c.entityId());
            o.put("lsn", c.lsn());
            o.put("topic", c.topic());
            o.put("partition", c.partition());
            o.put("offset", c.offset());
            o.put("commitTime", c.commitTime() == null ? null : c.commitTime().toString());
            o.put("firstSeen", p.firstSeen().toString());
        }
    }

    /**
     * The state written by {@link #toJson()}.
     *
     * @throws IllegalArgumentException when it is not such a state
     */
    public static CompletenessWatermark fromJson(JsonNode n) {
        if (n.path("format").asInt() != FORMAT) {
            throw new IllegalArgumentException("format " + n.path("format") + " is not " + FORMAT);
        }
        CompletenessWatermark w = new CompletenessWatermark();
        w.logIndex = n.path("logIndex").asLong(-1);
        w.entriesOffset = n.path("entriesOffset").asLong();
        w.logReached = instant(n, "logReached");
        w.runs = n.path("runs").asLong();
        w.lastRun = instant(n, "lastRun");
        w.checkedTotal = n.path("checked").asLong();
        w.gapsTotal = n.path("gaps").asLong();
        w.doublesTotal = n.path("doubles").asLong();
        w.lateTotal = n.path("late").asLong();
        w.problemsTotal = n.path("problems").asLong();
        readOffsets(n.path("rawOffsets"), w.rawOffsets);
        readOffsets(n.path("loggedOffsets"), w.loggedOffsets);
        readPending(n.path("pending"), w.pending);
        readPending(n.path("openGaps"), w.openGaps);
        n.path("entities")
                .fields()
                .forEachRemaining(
                        e ->
                                w.entities.put(
                                        e.getKey(),
                                        new long[] {
                                            e.getValue().path(0).asLong(),
                                            e.getValue().path(1).asLong()
                                        }));
        return w;
    }

    private static void readOffsets(JsonNode list, Map<Partition, Long> into) {
        for (JsonNode r : list) {
            into.put(
                    new Partition(required(r, "topic").asText(), r.path("partition").asInt()),
                    required(r, "offset").asLong());
        }
    }

    private static void readPending(JsonNode list, Map<Key, Pending> into) {
        for (JsonNode o : list) {
            RawChange c =
                    new RawChange(
                            required(o, "entityId").asText(),
                            required(o, "lsn").asLong(),
                            required(o, "topic").asText(),
                            o.path("partition").asInt(),
                            required(o, "offset").asLong(),
                            instant(o, "commitTime"));
            Instant firstSeen = instant(o, "firstSeen");
            if (firstSeen == null) {
                throw new IllegalArgumentException("no firstSeen");
            }
            into.put(new Key(c.entityId(), c.lsn()), new Pending(c, firstSeen));
        }
    }

    private static JsonNode required(JsonNode n, String field) {
        if (!n.hasNonNull(field)) {
            throw new IllegalArgumentException("no " + field);
        }
        return n.path(field);
    }

    private static Instant instant(JsonNode n, String field) {
        return n.hasNonNull(field) ? Instant.parse(n.path(field).asText()) : null;
    }
}
