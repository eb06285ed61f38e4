package dev.lethe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.catalog.ColumnClassification;
import dev.lethe.jobs.audit.LetheActionEntries;
import dev.lethe.jobs.kafka.LetheTopics;
import dev.lethe.jobs.kafka.ReplayPlan;
import dev.lethe.jobs.kafka.Replays;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Records data-subject requests Lethe carried out (an Art. 15/20 export), and Lethe's other actions
 * (a classification, a replay of dead letters), on the Kafka topic {@value #TOPIC}, one JSON object
 * per request, for the audit job to chain into the audit log. A record names the subject id, who
 * asked, why, when, how many items, and the SHA-256 of each file written; never the exported data.
 */
final class AuditRequests {

    /** The topic of data-subject request records. */
    static final String TOPIC = "lethe.audit.requests";

    private static final ObjectMapper JSON = new ObjectMapper();

    private AuditRequests() {}

    /** The record of one export. */
    static byte[] exportRecord(
            String subjectId,
            String requestedBy,
            String reason,
            int items,
            long mentions,
            List<Path> files,
            Instant at)
            throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "export");
        n.put("subjectId", subjectId);
        n.put("requestedBy", requestedBy);
        if (reason != null) {
            n.put("reason", reason);
        }
        n.put("at", at.toString());
        n.put("items", items);
        n.put("mentions", mentions);
        ArrayNode fs = n.putArray("files");
        for (Path f : files) {
            fs.addObject().put("name", f.getFileName().toString()).put("sha256", sha256(f));
        }
        return JSON.writeValueAsBytes(n);
    }

    /** The record of a column classified at run time (kind {@code classification}). */
    static byte[] classificationRecord(ColumnClassification c) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "classification");
        n.put("table", c.table());
        n.put("column", c.column());
        n.put("category", c.category().catalogName());
        n.put("personal", c.personal());
        n.put("classifiedBy", c.classifiedBy());
        if (!c.note().isEmpty()) {
            n.put("note", c.note());
        }
        n.put("at", c.classifiedAt().toString());
        return JSON.writeValueAsBytes(n);
    }

    /**
     * The record of a replay of dead letters (kind {@code deadletter-replay}): who, the reason
     * code, how many to which job, the selection, the raw records' positions (at most {@link
     * LetheActionEntries#REPLAY_SOURCES_LISTED}, the rest counted) and the first and last dead
     * letter's own position. No value of a letter.
     *
     * @param table the --table selection, or null
     * @param since the --since selection's start, or null
     */
    static byte[] deadLetterReplayRecord(
            String reason,
            String replayedBy,
            String note,
            Instant at,
            String table,
            Instant since,
            ReplayPlan plan)
            throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", LetheActionEntries.DEADLETTER_REPLAY);
        n.put("deadLetterReason", reason);
        n.put("replayedBy", replayedBy);
        if (note != null) {
            n.put("note", note);
        }
        n.put("at", at.toString());
        n.put("count", plan.replay().size());
        ObjectNode jobs = n.putObject("byJob");
        for (ReplayPlan.Letter l : plan.replay()) {
            String job = Replays.target(l.letter().getJob()).orElseThrow();
            jobs.put(job, jobs.path(job).asLong(0) + 1);
        }
        if (table != null) {
            n.put("table", table);
        }
        if (since != null) {
            n.put("since", since.toString());
        }
        ArrayNode sources = n.putArray("sources");
        int listed = 0;
        for (ReplayPlan.Letter l : plan.replay()) {
            if (listed++ < LetheActionEntries.REPLAY_SOURCES_LISTED) {
                sources.add(l.source());
            }
        }
        n.put("sourcesOmitted", Math.max(0, plan.replay().size() - sources.size()));
        if (!plan.replay().isEmpty()) {
            n.put("firstDeadLetter", plan.replay().get(0).position());
            n.put("lastDeadLetter", plan.replay().get(plan.replay().size() - 1).position());
        }
        return JSON.writeValueAsBytes(n);
    }

    /**
     * Sends a record and waits until Kafka has it (acks=all).
     *
     * @param client the Kafka client settings of who sends it ({@code StackSettings.kafkaClient()})
     */
    static void send(Properties client, String subjectId, byte[] record) throws Exception {
        LetheTopics.ensure(
                client,
                dev.lethe.jobs.kafka.TopicReplication.BROKER_DEFAULT,
                List.of(TOPIC),
                List.of());
        Properties p = new Properties();
        p.putAll(client);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(
                            new ProducerRecord<>(
                                    TOPIC, subjectId.getBytes(StandardCharsets.UTF_8), record))
                    .get(30, TimeUnit.SECONDS);
        }
    }

    static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
