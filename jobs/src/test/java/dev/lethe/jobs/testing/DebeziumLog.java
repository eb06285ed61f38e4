package dev.lethe.jobs.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.jobs.kafka.RawRecord;
import dev.lethe.normalize.HelpdeskTables;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The raw topics as the helpdesk's Debezium connector (PostgreSQL, pgoutput, JSON converter without
 * schemas, prefix {@code helpdesk}) fills them, in commit order: each transaction its {@code
 * lethe.actor} message on {@code helpdesk.message}, then its changes on {@code
 * helpdesk.public.<table>}, all with the transaction's id and commit time, growing LSNs and
 * per-topic offsets. Records are read back as a Kafka consumer of the job would deliver them.
 *
 * <pre>
 * DebeziumLog log = new DebeziumLog(Instant.parse("2025-03-01T10:00:00Z"));
 * log.begin().actor("agent", "7", "created on the phone");
 * log.insert("contacts", DebeziumLog.row("contacts", "id", 1, "email", "anna@example.eu"));
 * log.commit();
 * </pre>
 */
public final class DebeziumLog {

    public static final String PREFIX = "helpdesk";
    public static final String MESSAGE_TOPIC = PREFIX + ".message";
    public static final String TRANSACTION_TOPIC = PREFIX + ".transaction";

    /** {@code created_at}/{@code updated_at} of rows that do not name their own. */
    public static final String CREATED = "2025-03-01T09:00:00.123456Z";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<RawRecord> records = new ArrayList<>();
    private final Map<String, Long> offsets = new HashMap<>();
    private Instant clock;
    private long lsn = 24_000_000L;
    private long nextTxId = 770L;
    private Long txId;
    private Instant committed;
    private boolean transactionMetadata;
    private boolean countsMessages;
    private long totalOrder;
    private final Map<String, Long> collectionOrders = new LinkedHashMap<>();

    /** A log whose first transaction commits at {@code start}; each next one 1 s later. */
    public DebeziumLog(Instant start) {
        this.clock = start;
    }

    /** The topic of a helpdesk table. */
    public static String topic(String table) {
        return PREFIX + ".public." + table;
    }

    /**
     * A full row of {@code table} (every column Debezium captures, so the normalizer accepts it):
     * the given columns, {@code created_at}/{@code updated_at} = {@link #CREATED}, the rest null.
     */
    public static Map<String, Object> row(String table, Object... columnsAndValues) {
        Set<String> columns = HelpdeskTables.columns(table);
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("not a helpdesk table: " + table);
        }
        Map<String, Object> row = new LinkedHashMap<>();
        for (String c : columns) {
            row.put(c, c.equals("created_at") || c.equals("updated_at") ? CREATED : null);
        }
        for (int i = 0; i < columnsAndValues.length; i += 2) {
            String column = (String) columnsAndValues[i];
            if (!columns.contains(column)) {
                throw new IllegalArgumentException(table + " has no column " + column);
            }
            row.put(column, columnsAndValues[i + 1]);
        }
        return row;
    }

    /** {@code row} with {@code column} set to {@code value}. */
    public static Map<String, Object> with(Map<String, Object> row, String column, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(row);
        if (!copy.containsKey(column)) {
            throw new IllegalArgumentException("the row has no column " + column);
        }
        copy.put(column, value);
        return copy;
    }

    /**
     * From here on, as with {@code provide.transaction.metadata}: each change carries its {@code
     * transaction} block, and each transaction's BEGIN and END (with its event count per table) go
     * to {@link #TRANSACTION_TOPIC}.
     */
    public DebeziumLog withTransactionMetadata() {
        return withTransactionMetadata(true);
    }

    /**
     * As {@link #withTransactionMetadata()}; {@code countsMessages}: the actor messages carry a
     * transaction block and the END counts them under a data collection of their own, as Debezium 3
     * does; false for a connector that does not count them.
     */
    public DebeziumLog withTransactionMetadata(boolean countsMessages) {
        transactionMetadata = true;
        this.countsMessages = countsMessages;
        return this;
    }

    /** How Debezium 3.6 names the data collection of logical-decoding messages in an END. */
    public static final String MESSAGE_COLLECTION =
            "io.debezium.connector.postgresql.LogicalDecodingMessageMonitor$LogicalDecodingMessageId@62b4b2fd";

    /** Starts a transaction committed 1 s after the previous one. */
    public DebeziumLog begin() {
        return begin(Duration.ofSeconds(1));
    }

    /** Starts a transaction committed {@code after} the previous one. */
    public DebeziumLog begin(Duration after) {
        if (txId != null) {
            throw new IllegalStateException("transaction " + txId + " is still open");
        }
        txId = nextTxId++;
        clock = clock.plus(after);
        committed = clock;
        totalOrder = 0;
        collectionOrders.clear();
        if (transactionMetadata) {
            boundary("BEGIN");
        }
        return this;
    }

    public DebeziumLog commit() {
        requireTransaction();
        if (transactionMetadata) {
            boundary("END");
        }
        txId = null;
        return this;
    }

    /** A BEGIN or END record of the open transaction, as Debezium writes it. */
    private void boundary(String status) {
        ObjectNode value = JSON.createObjectNode();
        value.put("status", status);
        value.put("id", txId + ":" + (lsn + 8));
        value.put("ts_ms", committed.toEpochMilli());
        if (status.equals("END")) {
            value.put("event_count", totalOrder);
            var collections = value.putArray("data_collections");
            collectionOrders.forEach(
                    (collection, count) ->
                            collections
                                    .addObject()
                                    .put("data_collection", collection)
                                    .put("event_count", count));
        } else {
            value.putNull("event_count");
            value.putNull("data_collections");
        }
        ObjectNode key = JSON.createObjectNode().put("id", txId + ":" + (lsn + 8));
        append(TRANSACTION_TOPIC, write(key), write(value));
    }

    /** The transaction's id (Debezium's {@code source.txId}). */
    public long txId() {
        requireTransaction();
        return txId;
    }

    /** The transaction's commit time ({@code source.ts_ms}). */
    public Instant committed() {
        requireTransaction();
        return committed;
    }

    /** The transactional {@code lethe.actor} message a writer emits before its changes. */
    public DebeziumLog actor(String type, String id, String reason) {
        requireTransaction();
        ObjectNode actor = JSON.createObjectNode();
        actor.put("type", type);
        actor.put("id", id);
        actor.put("reason", reason);
        return message("lethe.actor", write(actor));
    }

    /**
     * The transactional {@code lethe.schema} message of a migration (helpdesk migration V6), its
     * content as given (JSON).
     */
    public DebeziumLog migration(String contentJson) {
        requireTransaction();
        return message("lethe.schema", utf8(contentJson));
    }

    private DebeziumLog message(String prefix, byte[] content) {
        ObjectNode message = JSON.createObjectNode();
        message.put("prefix", prefix);
        message.put("content", Base64.getEncoder().encodeToString(content));
        ObjectNode value = envelope("m", "", "", null, null);
        value.set("message", message);
        ObjectNode key = JSON.createObjectNode().put("prefix", prefix);
        append(MESSAGE_TOPIC, write(key), write(value));
        return this;
    }

    public DebeziumLog insert(String table, Map<String, Object> after) {
        return change("c", table, null, after);
    }

    public DebeziumLog update(String table, Map<String, Object> before, Map<String, Object> after) {
        return change("u", table, before, after);
    }

    public DebeziumLog delete(String table, Map<String, Object> before) {
        return change("d", table, before, null);
    }

    /** A {@code TRUNCATE} of {@code table}: an event with no key, no before and no after. */
    public DebeziumLog truncate(String table) {
        requireTransaction();
        append(topic(table), null, write(envelope("t", "public", table, null, null)));
        return this;
    }

    /** The one raw record of a transaction that truncates {@code table}. */
    public static RawRecord truncateOf(String table) {
        DebeziumLog log = new DebeziumLog(Instant.parse("2025-03-01T10:00:00Z"));
        log.begin().truncate(table).commit();
        return log.records().get(0);
    }

    /**
     * The one raw record of a migration's {@code lethe.schema} message: {@code contacts.nickname}
     * added by a migration tool ({@code migrator}, with flyway).
     */
    public static RawRecord nicknameAdded() {
        DebeziumLog log = new DebeziumLog(Instant.parse("2025-03-01T10:00:00Z"));
        log.begin()
                .migration(
                        "{\"command\":\"ALTER TABLE\",\"table\":\"contacts\",\"change\":\"altered\","
                                + "\"added\":[\"nickname character varying(40)\"],"
                                + "\"columns\":[\"id bigint NOT NULL\",\"nickname character varying(40)\"],"
                                + "\"publications\":[\"lethe_helpdesk\"],"
                                + "\"actor\":{\"type\":\"database\",\"id\":\"migrator\","
                                + "\"reason\":\"application=flyway; role=migrator; client=local\"}}")
                .commit();
        return log.records().get(0);
    }

    /**
     * {@code row} with a column the helpdesk's schema does not have (added by a migration), set to
     * {@code value}.
     */
    public static Map<String, Object> withAddedColumn(
            Map<String, Object> row, String column, Object value) {
        if (row.containsKey(column)) {
            throw new IllegalArgumentException("the row has a column " + column + " already");
        }
        Map<String, Object> copy = new LinkedHashMap<>(row);
        copy.put(column, value);
        return copy;
    }

    /** A record with any bytes on {@code topic} (a poison record), at the next offset. */
    public long raw(String topic, byte[] key, byte[] value) {
        return append(topic, key, value).offset;
    }

    /** The records so far, in the order they were written. */
    public List<RawRecord> records() {
        return List.copyOf(records);
    }

    /**
     * The records so far, then those from index {@code from} on once more at offsets 100 further:
     * Debezium sending them again after a restart (the same LSNs, the same transactions' ENDs).
     */
    public List<RawRecord> recordsRedeliveredFrom(int from) {
        List<RawRecord> all = new ArrayList<>(records);
        for (RawRecord r : records.subList(from, records.size())) {
            all.add(
                    RawRecord.of(
                            r.topic,
                            r.partition,
                            r.offset + 100,
                            r.key,
                            r.value,
                            r.kafkaTimestamp));
        }
        return all;
    }

    /** The LSN of the last record written. */
    public long lastLsn() {
        return lsn;
    }

    private DebeziumLog change(
            String op, String table, Map<String, Object> before, Map<String, Object> after) {
        requireTransaction();
        ObjectNode value = envelope(op, "public", table, before, after);
        Map<String, Object> image = after != null ? after : before;
        ObjectNode key = JSON.createObjectNode();
        key.set("id", JSON.valueToTree(image.get("id")));
        append(topic(table), write(key), write(value));
        return this;
    }

    private ObjectNode envelope(
            String op,
            String schema,
            String table,
            Map<String, Object> before,
            Map<String, Object> after) {
        lsn += 8;
        ObjectNode value = JSON.createObjectNode();
        if (!op.equals("m")) {
            value.set("before", before == null ? null : JSON.valueToTree(before));
            value.set("after", after == null ? null : JSON.valueToTree(after));
        }
        ObjectNode source = value.putObject("source");
        source.put("version", "3.1.2.Final");
        source.put("connector", "postgresql");
        source.put("name", PREFIX);
        source.put("ts_ms", committed.toEpochMilli());
        source.put("ts_us", committed.toEpochMilli() * 1_000L);
        source.put("ts_ns", committed.toEpochMilli() * 1_000_000L);
        source.put("snapshot", "false");
        source.put("db", "helpdesk");
        source.put("sequence", "[null,\"" + lsn + "\"]");
        source.put("schema", schema);
        source.put("table", table);
        source.put("txId", txId);
        source.put("lsn", lsn);
        source.putNull("xmin");
        value.put("op", op);
        long captured = committed.toEpochMilli() + 40;
        value.put("ts_ms", captured);
        value.put("ts_us", captured * 1_000L);
        value.put("ts_ns", captured * 1_000_000L);
        boolean message = op.equals("m");
        if (transactionMetadata && (!message || countsMessages)) {
            ObjectNode tx = value.putObject("transaction");
            tx.put("id", txId + ":" + lsn);
            tx.put("total_order", ++totalOrder);
            tx.put(
                    "data_collection_order",
                    collectionOrders.merge(
                            message ? MESSAGE_COLLECTION : schema + "." + table, 1L, Long::sum));
        } else if (!message) {
            value.putNull("transaction");
        }
        return value;
    }

    private RawRecord append(String topic, byte[] key, byte[] value) {
        long offset = offsets.merge(topic, 1L, Long::sum) - 1;
        long kafkaTimestamp = (committed != null ? committed : clock).toEpochMilli() + 50;
        RawRecord r = RawRecord.of(topic, 0, offset, key, value, kafkaTimestamp);
        records.add(r);
        return r;
    }

    private void requireTransaction() {
        if (txId == null) {
            throw new IllegalStateException("no open transaction: begin() first");
        }
    }

    private static byte[] write(Object tree) {
        try {
            return JSON.writeValueAsBytes(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** UTF-8 bytes. */
    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
