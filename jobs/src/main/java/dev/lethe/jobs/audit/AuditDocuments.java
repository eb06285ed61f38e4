package dev.lethe.jobs.audit;

import static java.nio.charset.StandardCharsets.US_ASCII;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.events.AuditActor;
import dev.lethe.events.AuditEntry;
import dev.lethe.events.AuditFieldChange;
import dev.lethe.jobs.elasticsearch.DocumentOperation;
import dev.lethe.jobs.elasticsearch.ElasticsearchConnection;
import dev.lethe.jobs.elasticsearch.WriteHeavyIndex;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.connector.base.sink.writer.ElementConverter;

/**
 * Audit entries as Elasticsearch documents, for browsing (the Kafka topic stays the log of record).
 * Document id {@code <entityId>#<seq>}: a replayed entry rewrites the same document. Encrypted
 * values are stored as Base64 envelopes, hashes as hex.
 */
public final class AuditDocuments implements ElementConverter<AuditEntry, DocumentOperation> {

    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Explicit mapping (no dynamic fields), using only what a minimal Elasticsearch has. */
    public static final String MAPPING =
            "{\"dynamic\":\"strict\",\"properties\":{"
                    + "\"encoding\":{\"type\":\"integer\"},"
                    + "\"logIndex\":{\"type\":\"long\"},"
                    + "\"kind\":{\"type\":\"keyword\"},"
                    + "\"entityId\":{\"type\":\"keyword\"},"
                    + "\"table\":{\"type\":\"keyword\"},"
                    + "\"key\":{\"type\":\"flattened\"},"
                    + "\"seq\":{\"type\":\"long\"},"
                    + "\"op\":{\"type\":\"keyword\"},"
                    // a plain object array, not nested: a nested object is a Lucene document of its
                    // own (a ticket's entry made 13 of them, and a backlog's merges and refreshes
                    // 13 times the work); no query needs a column matched with its own values
                    + "\"changes\":{\"properties\":{"
                    + "\"column\":{\"type\":\"keyword\"},\"personal\":{\"type\":\"boolean\"},"
                    + "\"before\":{\"type\":\"keyword\",\"index\":false,\"doc_values\":false},"
                    + "\"after\":{\"type\":\"keyword\",\"index\":false,\"doc_values\":false}}},"
                    + "\"subjectIds\":{\"type\":\"keyword\"},"
                    + "\"actor\":{\"properties\":{\"type\":{\"type\":\"keyword\"},"
                    + "\"id\":{\"type\":\"keyword\"},\"reason\":{\"type\":\"text\"}}},"
                    + "\"commitTime\":{\"type\":\"date\",\"format\":\"epoch_millis\"},"
                    + "\"captureTime\":{\"type\":\"date\",\"format\":\"epoch_millis\"},"
                    + "\"lsn\":{\"type\":\"long\"},\"txId\":{\"type\":\"long\"},"
                    + "\"sourceTopic\":{\"type\":\"keyword\"},"
                    + "\"sourcePartition\":{\"type\":\"integer\"},"
                    + "\"sourceOffset\":{\"type\":\"long\"},"
                    + "\"attributes\":{\"type\":\"flattened\"},"
                    + "\"prevHash\":{\"type\":\"keyword\"},\"hash\":{\"type\":\"keyword\"}}}";

    private final String index;

    public AuditDocuments(String index) {
        this.index = index;
    }

    /** The document id of an entry: {@code <entityId>#<seq>}. */
    public static String documentId(AuditEntry entry) {
        return entry.getEntityId() + "#" + entry.getSeq();
    }

    @Override
    public DocumentOperation apply(AuditEntry entry, SinkWriter.Context context) {
        DocumentOperation op = DocumentOperation.index(index, documentId(entry), toJson(entry));
        return entry.getSourceTopic() == null
                ? op
                : op.withOrigin(
                        entry.getSourceTopic(),
                        entry.getSourcePartition(),
                        entry.getSourceOffset());
    }

    // field names encoded once (Jackson otherwise encodes every name of every document char by
    // char: 5 % of the audit job's CPU in a profile)
    private static final SerializedString ENCODING = new SerializedString("encoding");
    private static final SerializedString LOG_INDEX = new SerializedString("logIndex");
    private static final SerializedString KIND = new SerializedString("kind");
    private static final SerializedString ENTITY_ID = new SerializedString("entityId");
    private static final SerializedString TABLE = new SerializedString("table");
    private static final SerializedString KEY = new SerializedString("key");
    private static final SerializedString SEQ = new SerializedString("seq");
    private static final SerializedString OP = new SerializedString("op");
    private static final SerializedString CHANGES = new SerializedString("changes");
    private static final SerializedString COLUMN = new SerializedString("column");
    private static final SerializedString PERSONAL = new SerializedString("personal");
    private static final SerializedString BEFORE = new SerializedString("before");
    private static final SerializedString AFTER = new SerializedString("after");
    private static final SerializedString SUBJECT_IDS = new SerializedString("subjectIds");
    private static final SerializedString ACTOR = new SerializedString("actor");
    private static final SerializedString TYPE = new SerializedString("type");
    private static final SerializedString ID = new SerializedString("id");
    private static final SerializedString REASON = new SerializedString("reason");
    private static final SerializedString COMMIT_TIME = new SerializedString("commitTime");
    private static final SerializedString CAPTURE_TIME = new SerializedString("captureTime");
    private static final SerializedString LSN = new SerializedString("lsn");
    private static final SerializedString TX_ID = new SerializedString("txId");
    private static final SerializedString SOURCE_TOPIC = new SerializedString("sourceTopic");
    private static final SerializedString SOURCE_PARTITION =
            new SerializedString("sourcePartition");
    private static final SerializedString SOURCE_OFFSET = new SerializedString("sourceOffset");
    private static final SerializedString ATTRIBUTES = new SerializedString("attributes");
    private static final SerializedString PREV_HASH = new SerializedString("prevHash");
    private static final SerializedString HASH = new SerializedString("hash");

    static byte[] toJson(AuditEntry e) {
        // streamed, not built as a tree first: the index sink converts every entry
        ByteArrayBuilder bytes = new ByteArrayBuilder(1024);
        try (JsonGenerator g = JSON.getFactory().createGenerator(bytes)) {
            g.writeStartObject();
            g.writeFieldName(ENCODING);
            g.writeNumber(e.getEncoding());
            g.writeFieldName(LOG_INDEX);
            g.writeNumber(e.getLogIndex());
            writeString(g, KIND, e.getKind());
            writeString(g, ENTITY_ID, e.getEntityId());
            writeString(g, TABLE, e.getTable());
            writeStrings(g, KEY, e.getKey());
            g.writeFieldName(SEQ);
            g.writeNumber(e.getSeq());
            writeString(g, OP, e.getOp());
            g.writeFieldName(CHANGES);
            g.writeStartArray();
            for (AuditFieldChange c : e.getChanges()) {
                g.writeStartObject();
                writeString(g, COLUMN, c.getColumn());
                g.writeFieldName(PERSONAL);
                g.writeBoolean(c.getPersonal());
                writeValue(g, BEFORE, c.getBefore());
                writeValue(g, AFTER, c.getAfter());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeFieldName(SUBJECT_IDS);
            g.writeStartArray();
            for (String subject : e.getSubjectIds()) {
                g.writeString(subject);
            }
            g.writeEndArray();
            g.writeFieldName(ACTOR);
            g.writeStartObject();
            writeString(g, TYPE, e.getActor().getType());
            writeString(g, ID, e.getActor().getId());
            writeString(g, REASON, e.getActor().getReason());
            g.writeEndObject();
            g.writeFieldName(COMMIT_TIME);
            g.writeNumber(e.getCommitTime().toEpochMilli());
            g.writeFieldName(CAPTURE_TIME);
            g.writeNumber(e.getCaptureTime().toEpochMilli());
            writeLong(g, LSN, e.getLsn());
            writeLong(g, TX_ID, e.getTxId());
            writeString(g, SOURCE_TOPIC, e.getSourceTopic());
            g.writeFieldName(SOURCE_PARTITION);
            if (e.getSourcePartition() == null) {
                g.writeNull();
            } else {
                g.writeNumber(e.getSourcePartition());
            }
            writeLong(g, SOURCE_OFFSET, e.getSourceOffset());
            writeStrings(g, ATTRIBUTES, e.getAttributes());
            writeAscii(g, PREV_HASH, HEX.formatHex(bytes(e.getPrevHash())).getBytes(US_ASCII));
            writeAscii(g, HASH, HEX.formatHex(bytes(e.getHash())).getBytes(US_ASCII));
            g.writeEndObject();
        } catch (IOException ex) {
            throw new IllegalStateException("an audit document did not serialize", ex);
        }
        return bytes.toByteArray();
    }

    private static void writeString(JsonGenerator g, SerializedString field, String value)
            throws IOException {
        g.writeFieldName(field);
        g.writeString(value);
    }

    /** A change value: plain text as it is, an encrypted envelope as Base64. */
    private static void writeValue(JsonGenerator g, SerializedString field, Object value)
            throws IOException {
        if (value instanceof ByteBuffer b) {
            writeAscii(g, field, Base64.getEncoder().encode(bytes(b)));
        } else {
            writeString(g, field, value == null ? null : value.toString());
        }
    }

    /** A string already encoded (Base64, hex: ASCII, nothing to escape), written as it is. */
    private static void writeAscii(JsonGenerator g, SerializedString field, byte[] ascii)
            throws IOException {
        g.writeFieldName(field);
        g.writeRawUTF8String(ascii, 0, ascii.length);
    }

    private static void writeStrings(
            JsonGenerator g, SerializedString field, Map<String, String> values)
            throws IOException {
        g.writeFieldName(field);
        g.writeStartObject();
        for (Map.Entry<String, String> v : values.entrySet()) {
            g.writeStringField(v.getKey(), v.getValue());
        }
        g.writeEndObject();
    }

    private static void writeLong(JsonGenerator g, SerializedString field, Long value)
            throws IOException {
        g.writeFieldName(field);
        if (value == null) {
            g.writeNull();
        } else {
            g.writeNumber(value);
        }
    }

    /**
     * The entry a document is a copy of, every field as {@link #toJson} wrote it, so that a
     * verifier can recompute its hash from the content (not only compare the stored {@code hash}).
     * A document written before the index carried {@code encoding} is read as encoding 1.
     *
     * @throws IllegalArgumentException if the document is not an audit document (names the field)
     */
    public static AuditEntry fromJson(JsonNode doc) {
        try {
            List<AuditFieldChange> changes = new ArrayList<>();
            for (JsonNode c : doc.path("changes")) {
                boolean personal = c.path("personal").asBoolean();
                changes.add(
                        new AuditFieldChange(
                                required(c, "column").asText(),
                                personal,
                                value(c.get("before"), personal),
                                value(c.get("after"), personal)));
            }
            List<String> subjects = new ArrayList<>();
            doc.path("subjectIds").forEach(n -> subjects.add(n.asText()));
            JsonNode actor = required(doc, "actor");
            return AuditEntry.newBuilder()
                    .setEncoding(doc.path("encoding").asInt(1))
                    .setLogIndex(required(doc, "logIndex").asLong())
                    .setKind(required(doc, "kind").asText())
                    .setEntityId(required(doc, "entityId").asText())
                    .setTable(required(doc, "table").asText())
                    .setKey(strings(doc.path("key")))
                    .setSeq(required(doc, "seq").asLong())
                    .setOp(required(doc, "op").asText())
                    .setChanges(changes)
                    .setSubjectIds(subjects)
                    .setActor(
                            new AuditActor(
                                    required(actor, "type").asText(),
                                    textOrNull(actor.get("id")),
                                    textOrNull(actor.get("reason"))))
                    .setCommitTime(Instant.ofEpochMilli(required(doc, "commitTime").asLong()))
                    .setCaptureTime(Instant.ofEpochMilli(required(doc, "captureTime").asLong()))
                    .setLsn(longOrNull(doc.get("lsn")))
                    .setTxId(longOrNull(doc.get("txId")))
                    .setSourceTopic(textOrNull(doc.get("sourceTopic")))
                    .setSourcePartition(
                            doc.hasNonNull("sourcePartition")
                                    ? doc.get("sourcePartition").asInt()
                                    : null)
                    .setSourceOffset(longOrNull(doc.get("sourceOffset")))
                    .setAttributes(strings(doc.path("attributes")))
                    .setPrevHash(
                            ByteBuffer.wrap(
                                    HexFormat.of().parseHex(required(doc, "prevHash").asText())))
                    .setHash(
                            ByteBuffer.wrap(
                                    HexFormat.of().parseHex(required(doc, "hash").asText())))
                    .build();
        } catch (org.apache.avro.AvroRuntimeException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not an audit document: " + e.getMessage(), e);
        }
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("field " + field + " is missing");
        }
        return value;
    }

    private static Object value(JsonNode node, boolean personal) {
        if (node == null || node.isNull()) {
            return null;
        }
        // personal values are encrypted envelopes (Base64 here), others plain text
        return personal
                ? ByteBuffer.wrap(Base64.getDecoder().decode(node.asText()))
                : node.asText();
    }

    private static String textOrNull(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }

    private static Long longOrNull(JsonNode node) {
        return node == null || node.isNull() ? null : node.asLong();
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> map = new HashMap<>();
        object.fields().forEachRemaining(f -> map.put(f.getKey(), f.getValue().asText()));
        return map;
    }

    /**
     * Creates the audit index with {@link #MAPPING} unless it exists; an existing index gets the
     * fields added since it was created (adding a field to a mapping is always allowed); both get
     * the {@link WriteHeavyIndex} settings.
     */
    public static void ensureIndex(ElasticsearchConnection.Clients clients, String index)
            throws IOException {
        var es = clients.client();
        if (es.indices().exists(r -> r.index(index)).value()) {
            es.indices()
                    .putMapping(
                            r ->
                                    r.index(index)
                                            .withJson(
                                                    new StringReader(
                                                            "{\"properties\":{\"encoding\":"
                                                                    + "{\"type\":\"integer\"}}}")));
            WriteHeavyIndex.apply(clients, index);
            return;
        }
        try {
            es.indices()
                    .create(
                            r ->
                                    r.index(index)
                                            .settings(
                                                    s ->
                                                            s.numberOfShards("1")
                                                                    .numberOfReplicas("0"))
                                            .mappings(m -> m.withJson(new StringReader(MAPPING))));
        } catch (co.elastic.clients.elasticsearch._types.ElasticsearchException e) {
            if (!"resource_already_exists_exception".equals(e.error().type())) {
                throw e;
            }
        }
        WriteHeavyIndex.apply(clients, index);
    }

    private static final HexFormat HEX = HexFormat.of();

    private static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
