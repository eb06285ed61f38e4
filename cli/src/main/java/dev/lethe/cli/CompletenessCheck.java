package dev.lethe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.audit.Completeness;
import dev.lethe.audit.Completeness.RawChange;
import dev.lethe.audit.CompletenessWatermark;
import dev.lethe.audit.EntryRecord;
import dev.lethe.events.AuditEntry;
import dev.lethe.local.CaptureTopics;
import dev.lethe.normalize.ChangeNormalizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * The incremental completeness check ({@code audit reconcile --state FILE}, and the audit monitor
 * on its ticks): from where the watermark ({@link CompletenessWatermark}) stands, the log's change
 * entries to the end of the entries topic, then the raw topics to their end offsets, normalized as
 * the audit job normalizes them; the watermark moves on and is saved (JSON, 0600, written
 * atomically). Each run reads only what was added since the last one.
 */
final class CompletenessCheck {

    /** How long a read waits without progress before it gives up (Kafka unreachable). */
    static final Duration STALL = Duration.ofSeconds(30);

    private static final Duration POLL = Duration.ofMillis(200);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<org.apache.kafka.clients.consumer.Consumer<byte[], byte[]>> consumers;
    private final String entriesTopic;
    private final List<String> rawTopics;

    /** The stack's log and raw topics, read with {@code client}'s settings. */
    CompletenessCheck(Properties client, String entriesTopic) {
        this(
                () -> AuditLogSource.consumer(client),
                entriesTopic,
                CaptureTopics.TABLES.stream().map(CaptureTopics::tableTopic).toList());
    }

    /** Reads with a new consumer from {@code consumers} for each topic (a mock in tests). */
    CompletenessCheck(
            Supplier<org.apache.kafka.clients.consumer.Consumer<byte[], byte[]>> consumers,
            String entriesTopic,
            List<String> rawTopics) {
        this.consumers = consumers;
        this.entriesTopic = entriesTopic;
        this.rawTopics = rawTopics;
    }

    /** One run from {@code w} at {@code now}: {@code w} moves on; what the run found. */
    CompletenessWatermark.Run run(CompletenessWatermark w, Duration bound, Instant now) {
        w.begin(now);
        readLog(w);
        readRaw(w);
        return w.finish(bound);
    }

    /** The log's change entries after the watermark, to the entries topic's end offset now. */
    private void readLog(CompletenessWatermark w) {
        TopicPartition tp = new TopicPartition(entriesTopic, 0);
        try (var consumer = consumers.get()) {
            List<PartitionInfo> infos =
                    consumer.partitionsFor(entriesTopic, Duration.ofSeconds(15));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalArgumentException(
                        "Kafka topic "
                                + entriesTopic
                                + " does not exist: is the audit job running?");
            }
            consumer.assign(List.of(tp));
            long begin = consumer.beginningOffsets(List.of(tp)).getOrDefault(tp, 0L);
            long end = consumer.endOffsets(List.of(tp)).getOrDefault(tp, 0L);
            long from = w.entriesOffset();
            if (end < from) {
                w.logReadBack(
                        entriesTopic
                                + " ends at offset "
                                + end
                                + ", before offset "
                                + from
                                + " the check had reached",
                        begin);
                from = begin;
            } else if (from < begin) {
                w.logReadBack(
                        entriesTopic
                                + ": offsets "
                                + from
                                + " to "
                                + (begin - 1)
                                + " were deleted before they were checked",
                        begin);
                from = begin;
            }
            read(
                    consumer,
                    tp,
                    from,
                    end,
                    r -> {
                        EntryRecord e = EntryRecord.decode(r.value());
                        if (e.isMalformed()) {
                            return; // audit verify reports it
                        }
                        AuditEntry entry = e.entry();
                        if ("change".equals(entry.getKind()) && entry.getLsn() != null) {
                            w.logged(
                                    entry.getEntityId(),
                                    entry.getLsn(),
                                    entry.getLogIndex(),
                                    entry.getCommitTime(),
                                    entry.getSourceTopic(),
                                    entry.getSourcePartition(),
                                    entry.getSourceOffset());
                        }
                    });
            w.entriesRead(end);
        }
    }

    /** Each raw topic-partition from where the watermark stands to its end offset now. */
    private void readRaw(CompletenessWatermark w) {
        ChangeNormalizer normalizer = ChangeNormalizer.forHelpdesk();
        try (var consumer = consumers.get()) {
            for (String topic : rawTopics) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(15));
                if (infos == null) {
                    continue; // a table nobody has changed yet has no topic
                }
                for (PartitionInfo info : infos) {
                    TopicPartition tp = new TopicPartition(topic, info.partition());
                    consumer.assign(List.of(tp));
                    long begin = consumer.beginningOffsets(List.of(tp)).getOrDefault(tp, 0L);
                    long end = consumer.endOffsets(List.of(tp)).getOrDefault(tp, 0L);
                    long from = w.startPartition(topic, tp.partition(), begin, end);
                    read(
                            consumer,
                            tp,
                            from,
                            end,
                            r ->
                                    AuditReconciliation.rawChange(normalizer, r)
                                            .ifPresent(w::captured));
                    w.partitionRead(topic, tp.partition(), end);
                }
            }
        }
    }

    /** The records of {@code tp} in [from, end), in offset order. */
    private static void read(
            org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer,
            TopicPartition tp,
            long from,
            long end,
            Consumer<ConsumerRecord<byte[], byte[]>> each) {
        if (from >= end) {
            return;
        }
        consumer.seek(tp, from);
        long stalled = System.nanoTime() + STALL.toNanos();
        while (consumer.position(tp) < end) {
            boolean progress = false;
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL).records(tp)) {
                progress = true;
                if (r.offset() >= from && r.offset() < end) {
                    each.accept(r);
                }
            }
            if (progress) {
                stalled = System.nanoTime() + STALL.toNanos();
            } else if (System.nanoTime() > stalled) {
                throw new IllegalStateException(
                        "could not read "
                                + tp
                                + " to offset "
                                + end
                                + " (stopped at "
                                + consumer.position(tp)
                                + ")");
            }
        }
    }

    /** The watermark kept in {@code file} for the log in {@code entriesTopic}; empty if none. */
    static Optional<CompletenessWatermark> read(Path file, String entriesTopic) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        JsonNode n;
        try {
            n = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(
                    "the completeness state " + file + " is not JSON: " + e.getMessage());
        }
        if (!entriesTopic.equals(n.path("entriesTopic").asText())) {
            throw new IllegalArgumentException(
                    "the completeness state "
                            + file
                            + " is for the log in "
                            + n.path("entriesTopic").asText()
                            + ", not "
                            + entriesTopic
                            + ": give the state file of this log");
        }
        try {
            return Optional.of(CompletenessWatermark.fromJson(n));
        } catch (RuntimeException e) {
            throw new IOException(
                    "the completeness state "
                            + file
                            + " cannot be used ("
                            + e.getMessage()
                            + "): remove it to check the whole log again");
        }
    }

    /** Writes {@code w} to {@code file} atomically, readable by its owner only. */
    static void write(Path file, CompletenessWatermark w, String entriesTopic) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("entriesTopic", entriesTopic);
        n.setAll(w.toJson());
        OwnerOnlyFiles.write(file, JSON.writeValueAsString(n));
    }

    /** A run as one JSON object (the keys of audit reconcile --json, and more). */
    static ObjectNode json(CompletenessWatermark.Run r, CompletenessWatermark w) {
        ObjectNode out = JSON.createObjectNode();
        out.put("complete", r.complete());
        out.put("incremental", true);
        out.put("rawChanges", r.rawChanges());
        out.put("redelivered", r.redelivered());
        out.put("entries", r.entries());
        out.put("checked", r.checked());
        out.put("beyondRawRetention", r.beyondRawRetention());
        out.put("checkedThrough", r.logIndex());
        out.put("pending", r.pending());
        out.put("oldestPending", r.oldestPending() == null ? null : r.oldestPending().toString());
        ArrayNode missing = out.putArray("missing");
        for (CompletenessWatermark.Pending p : r.gaps()) {
            pending(missing.addObject(), p);
        }
        ArrayNode doubled = out.putArray("doubled");
        for (Completeness.Doubled d : r.doubles()) {
            ObjectNode o = doubled.addObject();
            o.put("entityId", d.entityId());
            o.put("lsn", d.lsn());
            ArrayNode idx = o.putArray("logIndexes");
            d.logIndexes().forEach(idx::add);
        }
        ArrayNode late = out.putArray("late");
        for (CompletenessWatermark.Pending p : r.late()) {
            pending(late.addObject(), p);
        }
        ArrayNode problems = out.putArray("problems");
        r.problems().forEach(problems::add);
        ObjectNode totals = out.putObject("totals");
        totals.put("checked", w.checkedTotal());
        totals.put("gaps", w.gapsTotal());
        totals.put("openGaps", w.openGaps().size());
        totals.put("doubles", w.doublesTotal());
        totals.put("late", w.lateTotal());
        totals.put("problems", w.problemsTotal());
        totals.put("runs", w.runs());
        return out;
    }

    private static void pending(ObjectNode m, CompletenessWatermark.Pending p) {
        RawChange c = p.change();
        m.put("entityId", c.entityId());
        m.put("lsn", c.lsn());
        m.put("topic", c.topic());
        m.put("partition", c.partition());
        m.put("offset", c.offset());
        m.put("commitTime", c.commitTime() == null ? null : c.commitTime().toString());
        m.put("firstSeen", p.firstSeen().toString());
    }

    /** A run in text, as {@link AuditReconciliation#text} prints a whole-log check. */
    static String text(CompletenessWatermark.Run r, CompletenessWatermark w) {
        StringBuilder out = new StringBuilder();
        String counts =
                r.rawChanges()
                        + " new changes in the raw topics ("
                        + r.redelivered()
                        + " redelivered events), "
                        + r.entries()
                        + " new change entries in the log ("
                        + r.beyondRawRetention()
                        + " older than the raw topics' retention, not checked); "
                        + w.checkedTotal()
                        + " changes checked through logIndex "
                        + r.logIndex()
                        + ", "
                        + r.pending()
                        + " pending";
        if (r.complete()) {
            out.append("OK: every change checked is in the audit log exactly once: ")
                    .append(counts)
                    .append('\n');
        } else {
            out.append("FAILED: ")
                    .append(r.gaps().size())
                    .append(" missing, ")
                    .append(r.doubles().size())
                    .append(" doubled, ")
                    .append(r.problems().size())
                    .append(" raw topics or log read back: ")
                    .append(counts)
                    .append('\n');
        }
        r.problems().forEach(p -> out.append("  READ BACK ").append(p).append('\n'));
        r.gaps().stream()
                .limit(AuditReconciliation.LISTED)
                .forEach(
                        p ->
                                out.append("  MISSING ")
                                        .append(p.change().describe())
                                        .append(" committed ")
                                        .append(p.change().commitTime())
                                        .append(", first seen ")
                                        .append(p.firstSeen())
                                        .append('\n'));
        if (r.gaps().size() > AuditReconciliation.LISTED) {
            out.append("  ... and ")
                    .append(r.gaps().size() - AuditReconciliation.LISTED)
                    .append(" more missing\n");
        }
        AuditReconciliation.listDoubled(out, r.doubles());
        r.late()
                .forEach(
                        p ->
                                out.append("  LATE ")
                                        .append(p.change().describe())
                                        .append(": its entry came after the gap was reported\n"));
        return out.toString();
    }
}
