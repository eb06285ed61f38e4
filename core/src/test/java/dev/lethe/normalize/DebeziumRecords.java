package dev.lethe.normalize;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Raw Kafka records as the helpdesk Debezium connector (3.x, pgoutput, JSON converter with {@code
 * schemas.enable=false}, topic prefix {@code helpdesk}) writes them, built by intent: {@code
 * insertOf("contacts", contact(42)).inTransaction(771).toRecord()}.
 */
final class DebeziumRecords {

    static final Instant COMMITTED = Instant.parse("2025-03-15T16:02:11.004Z");
    static final Instant CAPTURED = Instant.parse("2025-03-15T16:02:11.250Z");

    private static final ObjectMapper JSON = new ObjectMapper();

    private DebeziumRecords() {}

    /** A record as a Kafka consumer sees it. */
    record RawRecord(String topic, int partition, long offset, byte[] key, byte[] value) {
        RawRecord withKey(String json) {
            return new RawRecord(topic, partition, offset, bytes(json), value);
        }

        RawRecord withKey(byte[] bytes) {
            return new RawRecord(topic, partition, offset, bytes, value);
        }

        RawRecord withValue(String json) {
            return new RawRecord(topic, partition, offset, key, bytes(json));
        }

        RawRecord withValue(byte[] bytes) {
            return new RawRecord(topic, partition, offset, key, bytes);
        }

        String valueText() {
            return value == null ? null : new String(value, StandardCharsets.UTF_8);
        }
    }

    static Event insertOf(String table, Row row) {
        return new Event("c", table).after(row).keyedBy(row);
    }

    static Event updateOf(String table, Row before, Row after) {
        return new Event("u", table).before(before).after(after).keyedBy(after);
    }

    static Event deleteOf(String table, Row before) {
        return new Event("d", table).before(before).keyedBy(before);
    }

    /** A row read by the initial snapshot (source.snapshot "true", op "r"). */
    static Event snapshotReadOf(String table, Row row) {
        return new Event("r", table).after(row).keyedBy(row).snapshotMarker("true");
    }

    /** A TRUNCATE: no key, no before or after. */
    static Event truncateOf(String table) {
        return new Event("t", table).unkeyed();
    }

    /** The transactional lethe.actor message a writer emits, content being the actor JSON. */
    static Event actorMessageOf(String actorJson) {
        return messageOf("lethe.actor", actorJson.getBytes(StandardCharsets.UTF_8));
    }

    static Event messageOf(String prefix, byte[] content) {
        Event event = new Event("m", "");
        event.message.put("prefix", prefix);
        event.message.put("content", Base64.getEncoder().encodeToString(content));
        event.key.put("prefix", prefix);
        event.schema = "";
        return event;
    }

    static byte[] bytes(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    /** One change event under construction. */
    static final class Event {
        private String op;
        private final String table;
        private String schema = "public";
        private Row before;
        private Row after;
        private final Map<String, Object> key = new LinkedHashMap<>();
        private boolean keyed = true;
        private final Map<String, Object> message = new LinkedHashMap<>();
        private Long txId = 771L;
        private long lsn = 24_023_128L;
        private Instant committed = COMMITTED;
        private Instant captured = CAPTURED;
        private String snapshot = "false";
        private int partition = 0;
        private long offset = 4_211L;

        private Event(String op, String table) {
            this.op = op;
            this.table = table;
        }

        Event before(Row row) {
            this.before = row;
            return this;
        }

        Event after(Row row) {
            this.after = row;
            return this;
        }

        /** The record key holds the row's primary key, {@code id}. */
        Event keyedBy(Row row) {
            key.clear();
            key.put("id", row.columns().get("id"));
            return this;
        }

        Event unkeyed() {
            keyed = false;
            return this;
        }

        Event inTransaction(long txId) {
            this.txId = txId;
            return this;
        }

        Event outsideTransaction() {
            this.txId = null;
            return this;
        }

        Event atLsn(long lsn) {
            this.lsn = lsn;
            return this;
        }

        Event committedAt(Instant committed) {
            this.committed = committed;
            return this;
        }

        Event capturedAt(Instant captured) {
            this.captured = captured;
            return this;
        }

        /** No envelope ts_ms/ts_us/ts_ns (Debezium declares them optional). */
        Event withoutCaptureTime() {
            this.captured = null;
            return this;
        }

        /** source.snapshot: "true", "first", "last", "incremental", "false", ... */
        Event snapshotMarker(String marker) {
            this.snapshot = marker;
            return this;
        }

        Event withOp(String op) {
            this.op = op;
            return this;
        }

        Event at(int partition, long offset) {
            this.partition = partition;
            this.offset = offset;
            return this;
        }

        RawRecord toRecord() {
            String topic = op.equals("m") ? "helpdesk.message" : "helpdesk." + schema + "." + table;
            return new RawRecord(topic, partition, offset, keyed ? keyJson() : null, valueJson());
        }

        private byte[] keyJson() {
            return write(JSON.valueToTree(key));
        }

        private byte[] valueJson() {
            ObjectNode value = JSON.createObjectNode();
            if (!op.equals("t") && !op.equals("m")) {
                value.set("before", before == null ? null : JSON.valueToTree(before.columns()));
                value.set("after", after == null ? null : JSON.valueToTree(after.columns()));
            }
            ObjectNode source = value.putObject("source");
            source.put("version", "3.6.1.Final");
            source.put("connector", "postgresql");
            source.put("name", "helpdesk");
            source.put("ts_ms", committed.toEpochMilli());
            source.put("ts_us", committed.toEpochMilli() * 1_000L);
            source.put("ts_ns", committed.toEpochMilli() * 1_000_000L);
            source.put("snapshot", snapshot);
            source.put("db", "helpdesk");
            source.put("sequence", "[\"24023119\",\"" + lsn + "\"]");
            source.put("schema", schema);
            source.put("table", table);
            if (txId == null) {
                source.putNull("txId");
            } else {
                source.put("txId", txId);
            }
            source.put("lsn", lsn);
            source.putNull("xmin");
            if (!op.equals("m")) {
                value.putNull("transaction");
            }
            value.put("op", op);
            if (captured != null) {
                value.put("ts_ms", captured.toEpochMilli());
                value.put("ts_us", captured.toEpochMilli() * 1_000L + 123);
                value.put("ts_ns", captured.toEpochMilli() * 1_000_000L + 123_456);
            }
            if (op.equals("m")) {
                value.set("message", JSON.valueToTree(message));
            }
            return write(value);
        }

        private static byte[] write(Object tree) {
            try {
                return JSON.writeValueAsBytes(tree);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
