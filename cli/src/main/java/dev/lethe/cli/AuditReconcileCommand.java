package dev.lethe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.audit.Completeness;
import dev.lethe.audit.Completeness.RawChange;
import dev.lethe.events.AuditEntry;
import dev.lethe.events.ChangeEvent;
import dev.lethe.local.CaptureTopics;
import dev.lethe.local.StackOptions;
import dev.lethe.local.StackSettings;
import dev.lethe.normalize.ChangeNormalizer;
import dev.lethe.normalize.EntityId;
import dev.lethe.normalize.Normalized;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "reconcile",
        description = {
            "Checks the audit log against what capture delivered: every change event of the raw"
                    + " topics (helpdesk.public.<table>), by entity and LSN, must have exactly one"
                    + " change entry in the log of record. Names each missing change with its"
                    + " raw-topic position and each doubled one with its log indexes.",
            "The raw topics are read up to their end when the command starts; entries the audit"
                    + " job has not committed yet are waited for up to --settle.",
            "Exit code 0 when the log is complete, 1 when a change is missing or doubled."
        },
        mixinStandardHelpOptions = true)
final class AuditReconcileCommand implements Callable<Integer> {

    /** Gaps and doubles printed one by one in text output; the rest are counted. */
    static final int LISTED = 50;

    @Mixin AuditTopics topics;

    @Option(
            names = "--settle",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description =
                    "How long to wait for entries of changes already in the raw topics (the audit"
                            + " job commits with its checkpoints; default ${DEFAULT-VALUE}).")
    Duration settle = Duration.ofSeconds(60);

    @Option(names = "--json", description = "Print the result as one JSON object.")
    boolean json;

    @Mixin StackOptions options;

    @Override
    public Integer call() throws Exception {
        StackSettings s = options.resolve();
        readRawChanges(s.kafkaBootstrap());
        AuditLogSource source = topics.source(s);
        long deadline = System.nanoTime() + settle.toNanos();
        Completeness.Report report;
        while (true) {
            Completeness attempt = new Completeness();
            raw.forEach(attempt::captured);
            for (AuditEntry e : source.entries(0)) {
                if ("change".equals(e.getKind())) {
                    attempt.logged(e.getEntityId(), e.getLsn(), e.getLogIndex());
                }
            }
            report = attempt.report();
            if (report.complete() || !report.doubled().isEmpty() || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(2_000);
        }
        print(report);
        return report.complete() ? 0 : 1;
    }

    private final List<RawChange> raw = new ArrayList<>();

    /** Every change event of the helpdesk's raw topics, up to their end offsets now. */
    private void readRawChanges(String bootstrap) {
        ChangeNormalizer normalizer = ChangeNormalizer.forHelpdesk();
        try (Consumer<byte[], byte[]> consumer = AuditLogSource.consumer(bootstrap)) {
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
                    Normalized n =
                            normalizer.normalize(
                                    r.topic(), r.partition(), r.offset(), r.key(), r.value());
                    if (n instanceof Normalized.Change change) {
                        ChangeEvent event = change.event();
                        raw.add(
                                new RawChange(
                                        EntityId.of(event),
                                        event.getSource().getLsn(),
                                        r.topic(),
                                        r.partition(),
                                        r.offset(),
                                        event.getSource().getCommitTime()));
                    }
                }
                end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
            }
        }
    }

    private void print(Completeness.Report r) throws Exception {
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode out = mapper.createObjectNode();
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
            System.out.println(mapper.writeValueAsString(out));
            return;
        }
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
            System.out.println("OK: every change is in the audit log exactly once: " + counts);
            return;
        }
        System.out.println(
                "FAILED: "
                        + r.missing().size()
                        + " missing, "
                        + r.doubled().size()
                        + " doubled: "
                        + counts);
        r.missing().stream()
                .limit(LISTED)
                .forEach(
                        c ->
                                System.out.println(
                                        "  MISSING "
                                                + c.describe()
                                                + " committed "
                                                + c.commitTime()));
        if (r.missing().size() > LISTED) {
            System.out.println("  ... and " + (r.missing().size() - LISTED) + " more missing");
        }
        r.doubled().stream()
                .limit(LISTED)
                .forEach(
                        d ->
                                System.out.println(
                                        "  DOUBLED "
                                                + d.entityId()
                                                + " at LSN "
                                                + d.lsn()
                                                + ": log indexes "
                                                + d.logIndexes()));
        if (r.doubled().size() > LISTED) {
            System.out.println("  ... and " + (r.doubled().size() - LISTED) + " more doubled");
        }
    }
}
