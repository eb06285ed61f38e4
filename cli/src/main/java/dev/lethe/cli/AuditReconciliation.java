package dev.lethe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.audit.Completeness;
import dev.lethe.audit.Completeness.RawChange;
import dev.lethe.events.AuditEntry;
import dev.lethe.events.ChangeEvent;
import dev.lethe.local.CaptureTopics;
import dev.lethe.normalize.ChangeNormalizer;
import dev.lethe.normalize.EntityId;
import dev.lethe.normalize.Normalized;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code audit reconcile} and {@code audit verify --completeness}: the raw topics read up to their
 * end offsets when it starts, normalized as the audit job normalizes them, against the change
 * entries of the log of record ({@link Completeness}).
 */
final class AuditReconciliation {

    /** Gaps and doubles printed one by one in text output; the rest are counted. */
    static final int LISTED = 50;

    private AuditReconciliation() {}

    /**
     * Reads the raw topics, then the log; while changes are missing, reads the log again every 2 s
     * for up to {@code settle} (the audit job commits its entries with its checkpoints).
     */
    static Completeness.Report reconcile(
            java.util.Properties client, AuditLogSource source, Duration settle)
            throws InterruptedException {
        List<RawChange> raw = readRawChanges(client);
        long deadline = System.nanoTime() + settle.toNanos();
        while (true) {
            Completeness attempt = new Completeness();
            raw.forEach(attempt::captured);
            for (AuditEntry e : source.entries(0)) {
                if ("change".equals(e.getKind())) {
                    attempt.logged(e.getEntityId(), e.getLsn(), e.getLogIndex());
                }
            }
            Completeness.Report report = attempt.report();
            if (report.complete() || !report.doubled().isEmpty() || System.nanoTime() > deadline) {
                return report;
            }
            Thread.sleep(2_000);
        }
    }

    /**
     * The change a raw-topic record captured, normalized as the audit job normalizes it, with its
     * raw position; empty for what is not a row change (a tombstone, a message, a malformed event).
     */
    static java.util.Optional<RawChange> rawChange(
            ChangeNormalizer normalizer, ConsumerRecord<byte[], byte[]> r) {
        Normalized n =
                normalizer.normalize(r.topic(), r.partition(), r.offset(), r.key(), r.value());
        if (!(n instanceof Normalized.Change change)) {
            return java.util.Optional.empty();
        }
        ChangeEvent event = change.event();
        return java.util.Optional.of(
                new RawChange(
                        EntityId.of(event),
                        event.getSource().getLsn(),
                        r.topic(),
                        r.partition(),
                        r.offset(),
                        event.getSource().getCommitTime()));
    }

    /** Every change event of the helpdesk's raw topics, up to their end offsets now. */
    private static List<RawChange> readRawChanges(java.util.Properties client) {
        List<RawChange> raw = new ArrayList<>();
        ChangeNormalizer normalizer = ChangeNormalizer.forHelpdesk();
        try (Consumer<byte[], byte[]> consumer = AuditLogSource.consumer(client)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String table : CaptureTopics.TABLES) {
                String topic = CaptureTopics.tableTopic(table);
                List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(15));
                if (infos == null) {
                    continue; // a table nobody has changed yet has no topic
                }
                infos.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            if (partitions.isEmpty()) {
                throw new IllegalStateException(
                        "no raw topic "
                                + CaptureTopics.PREFIX
                                + ".public.* exists: is capture running?");
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
            end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
            while (!end.isEmpty()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    Long stop = end.get(tp);
                    if (stop == null || r.offset() >= stop) {
                        continue;
                    }
                    rawChange(normalizer, r).ifPresent(raw::add);
                }
                end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
            }
        }
        return raw;
    }

    static ObjectNode json(Completeness.Report r) {
        ObjectNode out = new ObjectMapper().createObjectNode();
        out.put("complete", r.complete());
        out.put("rawChanges", r.rawChanges());
        out.put("redelivered", r.redelivered());
        out.put("entries", r.entries());
        out.put("beyondRawRetention", r.beyondRawRetention());
        ArrayNode missing = out.putArray("missing");
        for (RawChange c : r.missing()) {
            ObjectNode m = missing.addObject();
            m.put("entityId", c.entityId());
            m.put("lsn", c.lsn());
            m.put("topic", c.topic());
            m.put("partition", c.partition());
            m.put("offset", c.offset());
            m.put("commitTime", c.commitTime().toString());
        }
        ArrayNode doubled = out.putArray("doubled");
        for (Completeness.Doubled d : r.doubled()) {
            ObjectNode o = doubled.addObject();
            o.put("entityId", d.entityId());
            o.put("lsn", d.lsn());
            ArrayNode idx = o.putArray("logIndexes");
            d.logIndexes().forEach(idx::add);
        }
        return out;
    }

    /** The doubled changes, the first {@link #LISTED} each on a line, the rest counted. */
    static void listDoubled(StringBuilder out, List<Completeness.Doubled> doubled) {
        doubled.stream()
                .limit(LISTED)
                .forEach(
                        d ->
                                out.append("  DOUBLED ")
                                        .append(d.entityId())
                                        .append(" at LSN ")
                                        .append(d.lsn())
                                        .append(": log indexes ")
                                        .append(d.logIndexes())
                                        .append('\n'));
        if (doubled.size() > LISTED) {
            out.append("  ... and ").append(doubled.size() - LISTED).append(" more doubled\n");
        }
    }

    static String text(Completeness.Report r) {
        StringBuilder out = new StringBuilder();
        String counts =
                r.rawChanges()
                        + " changes in the raw topics ("
                        + r.redelivered()
                        + " redelivered events), "
                        + r.entries()
                        + " change entries in the log ("
                        + r.beyondRawRetention()
                        + " older than the raw topics' retention, not checked)";
        if (r.complete()) {
            return "OK: every change is in the audit log exactly once: " + counts + "\n";
        }
        out.append("FAILED: ")
                .append(r.missing().size())
                .append(" missing, ")
                .append(r.doubled().size())
                .append(" doubled: ")
                .append(counts)
                .append('\n');
        r.missing().stream()
                .limit(LISTED)
                .forEach(
                        c ->
                                out.append("  MISSING ")
                                        .append(c.describe())
                                        .append(" committed ")
                                        .append(c.commitTime())
                                        .append('\n'));
        if (r.missing().size() > LISTED) {
            out.append("  ... and ").append(r.missing().size() - LISTED).append(" more missing\n");
        }
        listDoubled(out, r.doubled());
        return out.toString();
    }
}
