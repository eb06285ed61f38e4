package dev.lethe.jobs.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.events.AuditActor;
import dev.lethe.events.AuditEntry;
import dev.lethe.events.AuditFieldChange;
import dev.lethe.jobs.elasticsearch.DocumentOperation;
import dev.lethe.jobs.elasticsearch.ElasticsearchConnection;
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
                    + "\"changes\":{\"type\":\"nested\",\"properties\":{"
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

    /**
     * How soon an entry becomes searchable after it is indexed: auditors browse what just happened
     * (Elasticsearch's default is 1 s).
     */
    static final String REFRESH = "500ms";

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

    static byte[] toJson(AuditEntry e) {
        // streamed, not built as a tree first: the index sink converts every entry
        ByteArrayBuilder bytes = new ByteArrayBuilder(1024);
        try (JsonGenerator g = JSON.getFactory().createGenerator(bytes)) {
            g.writeStartObject();
            g.writeNumberField("encoding", e.getEncoding());
            g.writeNumberField("logIndex", e.getLogIndex());
            g.writeStringField("kind", e.getKind());
            g.writeStringField("entityId", e.getEntityId());
            g.writeStringField("table", e.getTable());
            writeStrings(g, "key", e.getKey());
            g.writeNumberField("seq", e.getSeq());
            g.writeStringField("op", e.getOp());
            g.writeArrayFieldStart("changes");
            for (AuditFieldChange c : e.getChanges()) {
                g.writeStartObject();
                g.writeStringField("column", c.getColumn());
                g.writeBooleanField("personal", c.getPersonal());
                g.writeStringField("before", text(c.getBefore()));
                g.writeStringField("after", text(c.getAfter()));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("subjectIds");
            for (String subject : e.getSubjectIds()) {
                g.writeString(subject);
            }
            g.writeEndArray();
            g.writeObjectFieldStart("actor");
            g.writeStringField("type", e.getActor().getType());
            g.writeStringField("id", e.getActor().getId());
            g.writeStringField("reason", e.getActor().getReason());
            g.writeEndObject();
            g.writeNumberField("commitTime", e.getCommitTime().toEpochMilli());
            g.writeNumberField("captureTime", e.getCaptureTime().toEpochMilli());
            writeLong(g, "lsn", e.getLsn());
            writeLong(g, "txId", e.getTxId());
            g.writeStringField("sourceTopic", e.getSourceTopic());
            g.writeFieldName("sourcePartition");
            if (e.getSourcePartition() == null) {
                g.writeNull();
            } else {
                g.writeNumber(e.getSourcePartition());
            }
            writeLong(g, "sourceOffset", e.getSourceOffset());
            writeStrings(g, "attributes", e.getAttributes());
            g.writeStringField("prevHash", hex(e.getPrevHash()));
            g.writeStringField("hash", hex(e.getHash()));
            g.writeEndObject();
        } catch (IOException ex) {
            throw new IllegalStateException("an audit document did not serialize", ex);
        }
        return bytes.toByteArray();
    }

    private static void writeStrings(JsonGenerator g, String field, Map<String, String> values)
            throws IOException {
        g.writeObjectFieldStart(field);
        for (Map.Entry<String, String> v : values.entrySet()) {
            g.writeStringField(v.getKey(), v.getValue());
        }
        g.writeEndObject();
    }

    private static void writeLong(JsonGenerator g, String field, Long value) throws IOException {
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
     * fields added since it was created (adding a field to a mapping is always allowed).
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
            es.indices()
                    .putSettings(
                            r ->
                                    r.index(index)
                                            .settings(
                                                    s -> s.refreshInterval(t -> t.time(REFRESH))));
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
                                                                    .numberOfReplicas("0")
                                                                    .refreshInterval(
                                                                            t -> t.time(REFRESH)))
                                            .mappings(m -> m.withJson(new StringReader(MAPPING))));
        } catch (co.elastic.clients.elasticsearch._types.ElasticsearchException e) {
            if (!"resource_already_exists_exception".equals(e.error().type())) {
                throw e;
            }
        }
    }

    private static String text(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof ByteBuffer b) {
            return Base64.getEncoder().encodeToString(bytes(b));
        }
        return value.toString();
    }

    private static String hex(ByteBuffer b) {
        return HexFormat.of().formatHex(bytes(b));
    }

    private static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
