package dev.lethe.jobs.purge;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.events.PurgeReceipt;
import dev.lethe.jobs.kafka.KafkaClients;
import dev.lethe.jobs.kafka.LetheTopics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The outbox relay: publishes the receipts of {@code lethe.purge_log} not yet published to {@code
 * lethe.purge.receipts} (key = receipt id, value = {@link PurgeReceipt} in Avro single-object
 * encoding), in log order, and marks them published once Kafka acknowledged them. A crash after the
 * send and before the mark publishes that receipt again with the same id: consumers deduplicate on
 * {@code receiptId}; a receipt is never lost, since it was committed with the purge.
 */
public final class ReceiptRelay implements AutoCloseable {

    public static final String DEFAULT_TOPIC = "lethe.purge.receipts";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource dataSource;
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private AutoCloseable owned;

    /**
     * @param user the Kafka user the relay publishes as (empty: the process's, {@link
     *     KafkaClients#forUser})
     */
    public ReceiptRelay(DataSource dataSource, String bootstrap, String user, String topic) {
        this.dataSource = dataSource;
        this.topic = topic;
        Properties p = KafkaClients.forUser(bootstrap, user);
        p.put("enable.idempotence", "true");
        p.put("acks", "all");
        LetheTopics.withMessageLimit(p);
        this.producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Publishes up to {@code max} unpublished receipts; returns how many. */
    public int publishPending(int max) throws Exception {
        List<PurgeReceipt> receipts = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement s =
                    c.prepareStatement(
                            "SELECT receipt_id, command_id, request_id, table_name, entity_id,"
                                    + " key_json, subject_ids, action, outcome, reason, policy_rule,"
                                    + " deadline, executed_at, attributes_json FROM lethe.purge_log"
                                    + " WHERE published_at IS NULL ORDER BY seq LIMIT ?")) {
                s.setInt(1, max);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        receipts.add(receipt(r));
                    }
                }
            }
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (PurgeReceipt receipt : receipts) {
                ByteBuffer value = receipt.toByteBuffer();
                byte[] bytes = new byte[value.remaining()];
                value.get(bytes);
                sent.add(
                        producer.send(
                                new ProducerRecord<>(
                                        topic,
                                        receipt.getReceiptId().getBytes(StandardCharsets.UTF_8),
                                        bytes)));
            }
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
            try (PreparedStatement s =
                    c.prepareStatement(
                            "UPDATE lethe.purge_log SET published_at = now()"
                                    + " WHERE receipt_id = ANY (?)")) {
                s.setArray(
                        1,
                        c.createArrayOf(
                                "text",
                                receipts.stream().map(PurgeReceipt::getReceiptId).toArray()));
                s.executeUpdate();
            }
        }
        return receipts.size();
    }

    static PurgeReceipt receipt(ResultSet r) throws SQLException {
        try {
            Map<String, String> key =
                    JSON.readValue(r.getString("key_json"), new TypeReference<>() {});
            Map<String, String> attributes =
                    JSON.readValue(r.getString("attributes_json"), new TypeReference<>() {});
            String subjects = r.getString("subject_ids");
            Timestamp deadline = r.getTimestamp("deadline");
            return PurgeReceipt.newBuilder()
                    .setReceiptId(r.getString("receipt_id"))
                    .setCommandId(r.getString("command_id"))
                    .setRequestId(r.getString("request_id"))
                    .setTable(r.getString("table_name"))
                    .setKey(key)
                    .setEntityId(r.getString("entity_id"))
                    .setSubjectIds(
                            subjects.isEmpty() ? List.of() : Arrays.asList(subjects.split(",")))
                    .setAction(r.getString("action"))
                    .setOutcome(r.getString("outcome"))
                    .setReason(r.getString("reason"))
                    .setPolicyRule(r.getString("policy_rule"))
                    .setDeadline(deadline == null ? null : deadline.toInstant())
                    .setExecutedAt(r.getTimestamp("executed_at").toInstant())
                    .setAttributes(attributes)
                    .build();
        } catch (java.io.IOException e) {
            throw new SQLException("unreadable purge_log row " + r.getString("receipt_id"), e);
        }
    }

    @Override
    public void close() {
        try {
            producer.close();
        } finally {
            if (owned != null) {
                try {
                    owned.close();
                } catch (Exception e) {
                    throw new IllegalStateException("cannot close the relay's connection pool", e);
                }
            }
        }
    }

    /**
     * Closes {@code resource} (the connection pool the job made for this {@code relay}) when this
     * closes; a restarted operator then leaves no pool behind.
     */
    public ReceiptRelay closing(AutoCloseable resource) {
        this.owned = resource;
        return this;
    }
}
