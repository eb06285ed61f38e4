package dev.lethe.normalize;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.lethe.discovery.PersonalDataInText;
import dev.lethe.events.Actor;
import dev.lethe.events.ChangeEvent;
import dev.lethe.events.Operation;
import dev.lethe.events.SourcePosition;
import dev.lethe.normalize.Normalized.Rejected;
import java.io.IOException;
import java.io.Serializable;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Turns one raw Debezium record of the helpdesk connector into a {@link ChangeEvent}, the {@link
 * Actor} of a transaction, a {@link Normalized.Truncate} of a known table, or a {@link Rejected}
 * with a reason code.
 *
 * <p>Input: Debezium's PostgreSQL envelope written by Kafka Connect's JSON converter with {@code
 * schemas.enable=false}: key {@code {"id": 42}}; value {@code {"before": {..}, "after": {..},
 * "source": {"lsn": .., "txId": .., "ts_ms": .., "snapshot":
 * "false|true|first|last|incremental|..", "table": .., ..}, "op": "c|u|d|r|t|m", "ts_ms": ..,
 * "message": {"prefix": .., "content": <base64>}}}.
 *
 * <p>Column values become strings: strings as they are, numbers and booleans as their JSON text,
 * nested JSON as compact JSON text, SQL NULL as {@code null}. (Debezium sends jsonb as a string
 * already, which is kept as it is.) Row images keep the column order of the envelope.
 *
 * <p>A row of a table the normalizer does not know is rejected ({@code SCHEMA_CHANGE}); a row of a
 * known table whose columns differ from the ones given for it (a migration added or dropped one) is
 * passed on as it is ({@code checkColumns}). Rejection details name tables, columns and byte
 * positions, never a value.
 *
 * <p>Stateless and thread-safe; one streaming pass over each record, no tree model.
 */
public final class ChangeNormalizer implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Prefix of the logical-decoding message that names a transaction's actor. */
    public static final String ACTOR_MESSAGE_PREFIX = "lethe.actor";

    /** Debezium's default {@code unavailable.value.placeholder} (unchanged TOASTed values). */
    public static final String UNAVAILABLE_VALUE_PLACEHOLDER = "__debezium_unavailable_value";

    /** The same placeholder as Debezium sends it for binary columns (base64 of its bytes). */
    private static final String UNAVAILABLE_BINARY_PLACEHOLDER =
            Base64.getEncoder()
                    .encodeToString(
                            UNAVAILABLE_VALUE_PLACEHOLDER.getBytes(StandardCharsets.US_ASCII));

    private static final JsonFactory JSON = new JsonFactory();

    /** Initial capacity of a row image: no rehash up to 24 columns. */
    private static final int ROW_CAPACITY = 32;

    private final Map<String, Set<String>> columnsByTable;

    /**
     * @param columnsByTable table name (without schema) -> the columns its rows must have; rows of
     *     any other table are rejected
     */
    public ChangeNormalizer(Map<String, Set<String>> columnsByTable) {
        Map<String, Set<String>> copy = new LinkedHashMap<>();
        columnsByTable.forEach((table, columns) -> copy.put(table, Set.copyOf(columns)));
        this.columnsByTable = Map.copyOf(copy);
    }

    /** A normalizer for the helpdesk schema as {@link HelpdeskTables} describes it. */
    public static ChangeNormalizer forHelpdesk() {
        return new ChangeNormalizer(HelpdeskTables.COLUMNS);
    }

    /**
     * The largest sum of the UTF-8 lengths of a change's values (before and after) that the jobs
     * accept: 2 MiB, twice what the capture transformation lets through ({@code
     * SizeLimits.MAX_EVENT_VALUE_BYTES}), so that every audit entry stays far below the 8 MiB
     * message limit. A larger change is rejected ({@link Rejected#EVENT_TOO_LARGE}).
     */
    public static final long MAX_EVENT_VALUE_BYTES = 2L * 1024 * 1024;

    /**
     * Normalizes one Kafka record.
     *
     * @param key the record key bytes, may be null (truncate events have none)
     * @param value the record value bytes, may be null (a tombstone)
     */
    public Normalized normalize(
            String topic, int partition, long offset, byte[] key, byte[] value) {
        if (value == null || value.length == 0) {
            return new Rejected(Rejected.NOT_A_CHANGE, "record has no value (a tombstone)");
        }
        Envelope envelope = new Envelope();
        try {
            readEnvelope(value, envelope);
        } catch (Reject reject) {
            return reject.rejected;
        } catch (JsonProcessingException e) {
            return new Rejected(Rejected.MALFORMED_JSON, "value is not valid JSON " + at(e));
        } catch (IOException e) {
            throw new UncheckedIOException("reading a byte array cannot fail", e);
        }
        if (!envelope.hasOp) {
            return new Rejected(
                    Rejected.NOT_A_CHANGE,
                    "value has no op: not a Debezium change event (heartbeat or other record?)");
        }
        try {
            switch (envelope.op) {
                case 'c':
                    return change(Operation.INSERT, envelope, topic, partition, offset, key);
                case 'u':
                    return change(Operation.UPDATE, envelope, topic, partition, offset, key);
                case 'd':
                    return change(Operation.DELETE, envelope, topic, partition, offset, key);
                case 'r':
                    return change(Operation.SNAPSHOT, envelope, topic, partition, offset, key);
                case 't':
                    return truncate(envelope, topic, partition, offset);
                case 'm':
                    return SchemaMigration.MESSAGE_PREFIX.equals(envelope.messagePrefix)
                            ? migration(envelope, topic, partition, offset)
                            : actorMessage(envelope);
                default:
                    return new Rejected(
                            Rejected.UNKNOWN_OP, "op is none of c, u, d, r, t, m (field 'op')");
            }
        } catch (Reject reject) {
            return reject.rejected;
        }
    }

    private Normalized change(
            Operation op, Envelope envelope, String topic, int partition, long offset, byte[] key)
            throws Reject {
        String table = requireSource(envelope);
        Set<String> expected = columnsByTable.get(table);
        if (expected == null) {
            throw new Reject(
                    Rejected.SCHEMA_CHANGE,
                    "table " + table + " is not one the normalizer knows the columns of");
        }
        boolean needsBefore = op == Operation.DELETE;
        if (needsBefore ? envelope.before == null : envelope.after == null) {
            throw new Reject(
                    Rejected.MALFORMED_EVENT,
                    "op "
                            + envelope.op
                            + " on table "
                            + table
                            + " has no "
                            + (needsBefore ? "before" : "after")
                            + " image");
        }
        checkColumns(table, "before", envelope.before, expected);
        checkColumns(table, "after", envelope.after, expected);
        if (envelope.unavailableColumn != null) {
            throw new Reject(
                    Rejected.UNAVAILABLE_VALUE,
                    "column "
                            + envelope.unavailableColumn
                            + " of table "
                            + table
                            + " ("
                            + envelope.unavailableImage
                            + " image) holds Debezium's unavailable-value placeholder");
        }
        long valueBytes = utf8Bytes(envelope.before) + utf8Bytes(envelope.after);
        if (valueBytes > MAX_EVENT_VALUE_BYTES) {
            // only an event that went around the capture transformation's bound gets here; its
            // audit entry could exceed the message limit and stop the job on this one offset
            throw new Reject(
                    Rejected.EVENT_TOO_LARGE,
                    "table "
                            + table
                            + ": the values of the change add up to "
                            + valueBytes
                            + " bytes, over the bound of "
                            + MAX_EVENT_VALUE_BYTES
                            + " (is the capture connector's BoundValueSizes transformation"
                            + " configured?)");
        }
        Map<String, String> primaryKey = readKey(key, table, expected);
        Map<String, String> image = needsBefore ? envelope.before : envelope.after;
        for (Map.Entry<String, String> k : primaryKey.entrySet()) {
            if (image.containsKey(k.getKey()) && !k.getValue().equals(image.get(k.getKey()))) {
                // e.g. a key {"id":"042"} on the row 42: the purge would check one record and
                // delete another
                throw new Reject(
                        Rejected.MALFORMED_EVENT,
                        "table "
                                + table
                                + ": key column "
                                + k.getKey()
                                + " differs from the row's value of it");
            }
        }
        SourcePosition source = position(envelope, topic, partition, offset);
        return new Normalized.Change(
                new ChangeEvent(
                        table, primaryKey, op, envelope.before, envelope.after, source, null));
    }

    private Normalized truncate(Envelope envelope, String topic, int partition, long offset)
            throws Reject {
        String table = requireSource(envelope);
        if (!columnsByTable.containsKey(table)) {
            return new Rejected(
                    Rejected.TRUNCATE,
                    "table "
                            + table
                            + ", one the normalizer does not know, was truncated (lsn "
                            + envelope.lsn
                            + (envelope.hasTxId ? ", txId " + envelope.txId : "")
                            + ")");
        }
        return new Normalized.Truncate(table, position(envelope, topic, partition, offset));
    }

    private static SourcePosition position(
            Envelope envelope, String topic, int partition, long offset) {
        return new SourcePosition(
                envelope.lsn,
                envelope.hasTxId ? envelope.txId : null,
                Instant.ofEpochMilli(envelope.commitMillis),
                Instant.ofEpochMilli(
                        envelope.hasCaptureMillis ? envelope.captureMillis : envelope.commitMillis),
                envelope.snapshot,
                topic,
                partition,
                offset);
    }

    private static Normalized migration(Envelope envelope, String topic, int partition, long offset)
            throws Reject {
        requireTransactionalMessage(
                envelope,
                "schema",
                Rejected.MALFORMED_EVENT,
                "the trigger emits it in the migration's transaction");
        try {
            return new Normalized.Migration(
                    SchemaMigration.read(
                            envelope.messageContent, position(envelope, topic, partition, offset)));
        } catch (IllegalArgumentException e) {
            throw new Reject(Rejected.MALFORMED_EVENT, e.getMessage());
        }
    }

    private static Normalized actorMessage(Envelope envelope) throws Reject {
        if (!ACTOR_MESSAGE_PREFIX.equals(envelope.messagePrefix)) {
            return new Rejected(
                    Rejected.NOT_A_CHANGE,
                    "logical-decoding message whose prefix is not " + ACTOR_MESSAGE_PREFIX);
        }
        requireTransactionalMessage(
                envelope, "actor", Rejected.MALFORMED_ACTOR, "it cannot be joined to changes");
        return new Normalized.ActorMessage(
                envelope.txId, envelope.lsn, readActor(envelope.messageContent));
    }

    /**
     * A {@code kind} message must have an LSN ({@code MALFORMED_EVENT} without), and a transaction
     * and content ({@code reason} without; {@code whyTransactional} says what needs the
     * transaction).
     */
    private static void requireTransactionalMessage(
            Envelope envelope, String kind, String reason, String whyTransactional) throws Reject {
        if (!envelope.hasLsn) {
            throw new Reject(Rejected.MALFORMED_EVENT, kind + " message has no source.lsn");
        }
        if (!envelope.hasTxId) {
            throw new Reject(
                    reason,
                    kind + " message is not transactional (no source.txId): " + whyTransactional);
        }
        if (envelope.messageContent == null) {
            throw new Reject(reason, kind + " message has no message.content");
        }
    }

    private static String requireSource(Envelope envelope) throws Reject {
        if (!envelope.hasSource) {
            throw new Reject(Rejected.MALFORMED_EVENT, "value has no source");
        }
        if (envelope.table == null || envelope.table.isEmpty()) {
            throw new Reject(Rejected.MALFORMED_EVENT, "value has no source.table");
        }
        if (!envelope.hasLsn && envelope.op == 'r' && envelope.sequenceLsn != null) {
            // an incremental snapshot's read (./lethe snapshot --table T) belongs to no
            // transaction and has no lsn: it was taken at the position its sequence names, which
            // orders it after the row's earlier changes and before its later ones
            envelope.hasLsn = true;
            envelope.lsn = envelope.sequenceLsn;
        }
        if (!envelope.hasLsn) {
            throw new Reject(
                    Rejected.MALFORMED_EVENT, "table " + envelope.table + ": no source.lsn");
        }
        if (!envelope.hasCommitMillis) {
            throw new Reject(
                    Rejected.MALFORMED_EVENT, "table " + envelope.table + ": no source.ts_ms");
        }
        return envelope.table;
    }

    /**
     * A row image may have columns the normalizer does not expect (added by a migration) or lack
     * some (dropped): it is still a change, carried as it is. Fail safe, never fail closed: the
     * audit job encrypts a column the catalog does not know as personal data of the row's subject,
     * and discovery scans it with the free-text detectors, until it is classified
     * (docs/operations.md, "Schema changes"). Only the primary key must be there ({@link
     * #readKey}).
     */
    private static void checkColumns(
            String table, String image, Map<String, String> row, Set<String> expected) {
        // nothing to refuse; see the javadoc
    }

    // ---- reading the value ----------------------------------------------------------------

    /** What one pass over the envelope found. Primitive fields, so nothing is boxed twice. */
    private static final class Envelope {
        boolean hasOp;
        char op;
        Map<String, String> before;
        Map<String, String> after;
        String unavailableColumn;
        String unavailableImage;
        boolean nestedPlaceholder;
        boolean hasSource;
        String table;
        boolean hasLsn;
        long lsn;

        /** The last position of {@code source.sequence}, if it is a number; null otherwise. */
        Long sequenceLsn;

        boolean hasTxId;
        long txId;
        boolean hasCommitMillis;
        long commitMillis;
        boolean hasCaptureMillis;
        long captureMillis;
        boolean snapshot;
        String messagePrefix;
        byte[] messageContent;
    }

    private static void readEnvelope(byte[] value, Envelope envelope) throws IOException, Reject {
        try (JsonParser parser = JSON.createParser(value)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new Reject(Rejected.MALFORMED_EVENT, "value is not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken token = parser.nextToken();
                switch (field) {
                    case "before":
                        envelope.before = readRow(parser, token, envelope, "before");
                        break;
                    case "after":
                        envelope.after = readRow(parser, token, envelope, "after");
                        break;
                    case "source":
                        readSource(parser, token, envelope);
                        break;
                    case "op":
                        readOp(parser, token, envelope);
                        break;
                    case "ts_ms":
                        if (token == JsonToken.VALUE_NUMBER_INT) {
                            envelope.hasCaptureMillis = true;
                            envelope.captureMillis = parser.getLongValue();
                        }
                        break;
                    case "message":
                        readMessage(parser, token, envelope);
                        break;
                    default:
                        parser.skipChildren();
                }
            }
        }
    }

    private static void readOp(JsonParser parser, JsonToken token, Envelope envelope)
            throws IOException, Reject {
        if (token == JsonToken.VALUE_NULL) {
            return;
        }
        envelope.hasOp = true;
        if (token == JsonToken.VALUE_STRING && parser.getTextLength() == 1) {
            envelope.op = parser.getTextCharacters()[parser.getTextOffset()];
        } else {
            parser.skipChildren();
            envelope.op = '?';
        }
    }

    private static Map<String, String> readRow(
            JsonParser parser, JsonToken token, Envelope envelope, String image)
            throws IOException, Reject {
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token != JsonToken.START_OBJECT) {
            throw new Reject(Rejected.MALFORMED_EVENT, image + " is not a JSON object");
        }
        Map<String, String> row = new LinkedHashMap<>(ROW_CAPACITY);
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String column = parser.currentName();
            envelope.nestedPlaceholder = false;
            String text = readValue(parser, parser.nextToken(), envelope);
            if (text != null
                    && envelope.unavailableColumn == null
                    && (envelope.nestedPlaceholder || isPlaceholder(text))) {
                envelope.unavailableColumn = column;
                envelope.unavailableImage = image;
            }
            row.put(column, text);
        }
        return row;
    }

    /**
     * One column value as a string; the parser is on its first token. Nested JSON that holds the
     * placeholder sets {@code envelope.nestedPlaceholder} (when an envelope is given).
     */
    private static String readValue(JsonParser parser, JsonToken token, Envelope envelope)
            throws IOException {
        switch (token) {
            case VALUE_NULL:
                return null;
            case VALUE_TRUE:
                return "true";
            case VALUE_FALSE:
                return "false";
            case VALUE_STRING:
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return parser.getText();
            case START_OBJECT:
            case START_ARRAY:
                return compactJson(parser, envelope);
            default:
                throw new IllegalStateException("unexpected JSON token " + token);
        }
    }

    /** Nested JSON (e.g. an array column) as compact text. */
    private static String compactJson(JsonParser parser, Envelope envelope) throws IOException {
        StringWriter out = new StringWriter(64);
        try (JsonGenerator generator = JSON.createGenerator(out)) {
            int depth = 0;
            JsonToken token = parser.currentToken();
            while (true) {
                if (token == JsonToken.VALUE_STRING
                        && envelope != null
                        && isPlaceholder(parser.getText())) {
                    envelope.nestedPlaceholder = true;
                }
                generator.copyCurrentEventExact(parser);
                if (token.isStructStart()) {
                    depth++;
                } else if (token.isStructEnd() && --depth == 0) {
                    break;
                }
                token = parser.nextToken();
            }
        }
        return out.toString();
    }

    /** The placeholder as Debezium sends it for text, jsonb and binary columns. */
    private static boolean isPlaceholder(String text) {
        return text.equals(UNAVAILABLE_VALUE_PLACEHOLDER)
                || text.equals(UNAVAILABLE_BINARY_PLACEHOLDER);
    }

    private static void readSource(JsonParser parser, JsonToken token, Envelope envelope)
            throws IOException, Reject {
        if (token == JsonToken.VALUE_NULL) {
            return;
        }
        if (token != JsonToken.START_OBJECT) {
            throw new Reject(Rejected.MALFORMED_EVENT, "source is not a JSON object");
        }
        envelope.hasSource = true;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "lsn":
                    if (value == JsonToken.VALUE_NUMBER_INT) {
                        envelope.hasLsn = true;
                        envelope.lsn = parser.getLongValue();
                    }
                    break;
                case "txId":
                    if (value == JsonToken.VALUE_NUMBER_INT) {
                        envelope.hasTxId = true;
                        envelope.txId = parser.getLongValue();
                    }
                    break;
                case "ts_ms":
                    if (value == JsonToken.VALUE_NUMBER_INT) {
                        envelope.hasCommitMillis = true;
                        envelope.commitMillis = parser.getLongValue();
                    }
                    break;
                case "snapshot":
                    envelope.snapshot = isSnapshot(parser, value);
                    break;
                case "sequence":
                    envelope.sequenceLsn =
                            value == JsonToken.VALUE_STRING
                                    ? lastOfSequence(parser.getText())
                                    : null;
                    if (value != JsonToken.VALUE_STRING) {
                        parser.skipChildren();
                    }
                    break;
                case "table":
                    envelope.table = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                    break;
                default:
                    parser.skipChildren();
            }
        }
    }

    /**
     * The last element of Debezium's {@code source.sequence}, a JSON array in a string ({@code
     * ["26887512","26887512"]}: the last committed and the current LSN), if it is a number.
     */
    static Long lastOfSequence(String sequence) {
        if (sequence == null) {
            return null;
        }
        int end = sequence.lastIndexOf(']');
        int comma = sequence.lastIndexOf(',', end);
        int start = Math.max(comma, sequence.indexOf('['));
        if (end < 0 || start < 0 || start >= end) {
            return null;
        }
        String last = sequence.substring(start + 1, end).strip();
        if (last.length() > 2 && last.startsWith("\"") && last.endsWith("\"")) {
            last = last.substring(1, last.length() - 1);
        }
        try {
            long lsn = Long.parseLong(last);
            return lsn >= 0 ? lsn : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Debezium 2+ sends "true|first|last|..|incremental|false"; older versions a boolean. */
    private static boolean isSnapshot(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_TRUE) {
            return true;
        }
        if (value != JsonToken.VALUE_STRING) {
            parser.skipChildren();
            return false;
        }
        int length = parser.getTextLength();
        if (length == 0) {
            return false;
        }
        if (length != 5) {
            return true;
        }
        char[] text = parser.getTextCharacters();
        int at = parser.getTextOffset();
        return !(text[at] == 'f'
                && text[at + 1] == 'a'
                && text[at + 2] == 'l'
                && text[at + 3] == 's'
                && text[at + 4] == 'e');
    }

    private static void readMessage(JsonParser parser, JsonToken token, Envelope envelope)
            throws IOException, Reject {
        if (token != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return;
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if (field.equals("prefix") && value == JsonToken.VALUE_STRING) {
                envelope.messagePrefix = parser.getText();
            } else if (field.equals("content") && value == JsonToken.VALUE_STRING) {
                try {
                    envelope.messageContent = parser.getBinaryValue();
                } catch (JsonProcessingException e) {
                    throw new Reject(Rejected.MALFORMED_ACTOR, "message.content is not base64");
                }
            } else {
                parser.skipChildren();
            }
        }
    }

    // ---- reading the key and the actor ------------------------------------------------------

    private static Map<String, String> readKey(byte[] key, String table, Set<String> expected)
            throws Reject {
        if (key == null || key.length == 0) {
            throw new Reject(Rejected.MISSING_KEY, "table " + table + ": record has no key");
        }
        Map<String, String> primaryKey = new LinkedHashMap<>(4);
        try (JsonParser parser = JSON.createParser(key)) {
            JsonToken token = parser.nextToken();
            if (token == JsonToken.VALUE_NULL) {
                throw new Reject(Rejected.MISSING_KEY, "table " + table + ": record key is null");
            }
            if (token != JsonToken.START_OBJECT) {
                throw new Reject(
                        Rejected.MALFORMED_EVENT,
                        "table " + table + ": record key is not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String column = parser.currentName();
                String text = readValue(parser, parser.nextToken(), null);
                if (text == null) {
                    throw new Reject(
                            Rejected.MISSING_KEY,
                            "table " + table + ": key column " + column + " is null");
                }
                if (!expected.contains(column)) {
                    throw new Reject(
                            Rejected.SCHEMA_CHANGE,
                            "table " + table + ": key column " + column + " is not a known column");
                }
                primaryKey.put(column, text);
            }
        } catch (JsonProcessingException e) {
            throw new Reject(
                    Rejected.MALFORMED_JSON,
                    "table " + table + ": record key is not valid JSON " + at(e));
        } catch (IOException e) {
            throw new UncheckedIOException("reading a byte array cannot fail", e);
        }
        if (primaryKey.isEmpty()) {
            throw new Reject(Rejected.MISSING_KEY, "table " + table + ": record key is empty");
        }
        return primaryKey;
    }

    /** The decoded content of a lethe.actor message: {"type": .., "id": .., "reason": ..}. */
    private static Actor readActor(byte[] content) throws Reject {
        String type = null;
        String id = null;
        String reason = null;
        try (JsonParser parser = JSON.createParser(content)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new Reject(
                        Rejected.MALFORMED_ACTOR, "actor message content is not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                String text = readValue(parser, parser.nextToken(), null);
                switch (field) {
                    case "type":
                        type = text;
                        break;
                    case "id":
                        id = text;
                        break;
                    case "reason":
                        reason = text;
                        break;
                    default:
                        // other fields are for other readers
                }
            }
        } catch (JsonProcessingException e) {
            throw new Reject(
                    Rejected.MALFORMED_ACTOR, "actor message content is not valid JSON " + at(e));
        } catch (IOException e) {
            throw new UncheckedIOException("reading a byte array cannot fail", e);
        }
        if (type == null || type.isBlank()) {
            throw new Reject(Rejected.MALFORMED_ACTOR, "actor message content has no type");
        }
        // the actor is written to the audit log in clear and kept for good: an identifier in it
        // (an email as the id, a phone in the reason) is withheld, the change still audited
        type = PersonalDataInText.idOrWithheld(type);
        id = PersonalDataInText.idOrWithheld(id);
        reason = PersonalDataInText.textOrWithheld(reason);
        return new Actor(type, id, reason);
    }

    /**
     * What replaces an actor's type, id or reason that holds an identifier (email, phone, IBAN,
     * card number, handle): the audit log keeps actors in clear and for good.
     */
    public static final String WITHHELD = PersonalDataInText.WITHHELD;

    /** Where parsing failed, as a position: Jackson's message may quote the input. */
    private static String at(JsonProcessingException e) {
        JsonLocation location = e.getLocation();
        if (location == null) {
            return "(position unknown)";
        }
        return "(line "
                + location.getLineNr()
                + ", column "
                + location.getColumnNr()
                + ", byte "
                + location.getByteOffset()
                + ")";
    }

    /** A rejection found while reading; no stack trace, it is an expected outcome. */
    private static final class Reject extends Exception {
        private static final long serialVersionUID = 1L;
        final transient Rejected rejected;

        Reject(String reason, String detail) {
            super(reason, null, false, false);
            this.rejected = new Rejected(reason, detail);
        }
    }

    @Override
    public String toString() {
        return "ChangeNormalizer" + columnsByTable.keySet();
    }

    private static long utf8Bytes(Map<String, String> image) {
        if (image == null) {
            return 0;
        }
        long bytes = 0;
        for (String v : image.values()) {
            if (v != null) {
                for (int i = 0; i < v.length(); i++) {
                    char ch = v.charAt(i);
                    bytes += ch < 0x80 ? 1 : ch < 0x800 ? 2 : Character.isSurrogate(ch) ? 2 : 3;
                }
            }
        }
        return bytes;
    }
}
