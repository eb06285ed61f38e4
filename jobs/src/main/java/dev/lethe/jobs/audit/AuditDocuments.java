package dev.lethe.jobs.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
        ObjectNode doc = JSON.createObjectNode();
        doc.put("encoding", e.getEncoding());
        doc.put("logIndex", e.getLogIndex());
        doc.put("kind", e.getKind());
        doc.put("entityId", e.getEntityId());
        doc.put("table", e.getTable());
        ObjectNode key = doc.putObject("key");
        e.getKey().forEach(key::put);
        doc.put("seq", e.getSeq());
        doc.put("op", e.getOp());
        ArrayNode changes = doc.putArray("changes");
        for (AuditFieldChange c : e.getChanges()) {
            ObjectNode n = changes.addObject();
            n.put("column", c.getColumn());
            n.put("personal", c.getPersonal());
            n.put("before", text(c.getBefore()));
            n.put("after", text(c.getAfter()));
        }
        ArrayNode subjects = doc.putArray("subjectIds");
        e.getSubjectIds().forEach(subjects::add);
        ObjectNode actor = doc.putObject("actor");
        actor.put("type", e.getActor().getType());
        actor.put("id", e.getActor().getId());
        actor.put("reason", e.getActor().getReason());
        doc.put("commitTime", e.getCommitTime().toEpochMilli());
        doc.put("captureTime", e.getCaptureTime().toEpochMilli());
        doc.put("lsn", e.getLsn());
        doc.put("txId", e.getTxId());
        doc.put("sourceTopic", e.getSourceTopic());
        doc.put("sourcePartition", e.getSourcePartition());
        doc.put("sourceOffset", e.getSourceOffset());
        ObjectNode attributes = doc.putObject("attributes");
        e.getAttributes().forEach(attributes::put);
        doc.put("prevHash", hex(e.getPrevHash()));
        doc.put("hash", hex(e.getHash()));
        try {
            return JSON.writeValueAsBytes(doc);
        } catch (IOException ex) {
            throw new IllegalStateException("an audit document did not serialize", ex);
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
