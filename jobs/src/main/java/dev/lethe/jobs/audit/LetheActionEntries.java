package dev.lethe.jobs.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.catalog.ColumnClassification;
import dev.lethe.catalog.ColumnRef;
import dev.lethe.catalog.DataCategory;
import dev.lethe.discovery.PersonalDataInText;
import dev.lethe.events.AuditActor;
import dev.lethe.events.AuditEntry;
import dev.lethe.events.PurgeReceipt;
import dev.lethe.keys.SubjectIds;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Lethe's own actions as audit entries, chained like every change: a purge receipt ({@code
 * lethe.purge.receipts}, kind {@value #PURGE_RECEIPT}) and a data-subject export ({@code
 * lethe.audit.requests}, kind {@value #EXPORT}). Flink-free.
 *
 * <ul>
 *   <li>A receipt joins the chain of the record it purged ({@code tickets/42}; {@code
 *       subjects/<subject id>} for a destroyed key), op {@code PURGE}, actor {@code lethe-purge}
 *       with the policy rule or erasure request as id and the receipt's reason. Its facts
 *       (receiptId, commandId, action, outcome, ...) and the receipt's own attributes go into
 *       {@code attributes}.
 *   <li>An export joins the chain {@code subjects/<subject id>}, op {@code EXPORT}, actor {@code
 *       operator:<who asked>}; attributes: item counts and each file's SHA-256.
 *   <li>The approval of the adoption backlog ({@code ./lethe purges approve-backlog}, kind {@value
 *       #BACKLOG_APPROVAL}) joins the chain {@value #BACKLOG_ENTITY}, op {@code APPROVE}, actor
 *       {@code operator:<who approved>} with the reason; attributes: the adoption time, the number
 *       of purges approved and their count per rule.
 *   <li>A look at personal data through Lethe's server (kind {@value #ACCESS}) joins the chain
 *       {@code accesses/<user>}, op {@code READ}, actor {@code user:<name>} with the purpose or
 *       case reference as reason; its subject ids are every subject the answer showed; attributes:
 *       role, token issuer, action ({@code find}, {@code export}, ...), result count, the kind of
 *       term searched (never the term), the access id.
 *   <li>A column classified at run time ({@code ./lethe catalog classify}, kind {@value
 *       #CLASSIFICATION}) joins the chain {@code catalog/<table>.<column>}, op {@code CLASSIFY},
 *       actor {@code operator:<who classified>} with the note as reason; attributes: table, column,
 *       category, personal.
 *   <li>A replay of dead letters ({@code ./lethe deadletters replay}, kind {@value
 *       #DEADLETTER_REPLAY}) joins the chain {@code deadletters/<reason code>}, op {@code REPLAY},
 *       actor {@code operator:<who replayed>} with the note as reason; attributes: the reason code,
 *       how many were replayed and to which job, the selection (table, since), the raw records'
 *       positions (at most {@value #REPLAY_SOURCES_LISTED}, the rest counted) and the first and
 *       last dead letter's own position. Never a value.
 * </ul>
 *
 * Each entry carries {@value #ACTION_ID} in its attributes (the receiptId, or the SHA-256 of the
 * export record): a replayed record has the same id and is dropped ({@link DeduplicateActions}).
 * Neither input holds personal values, and neither does the entry.
 */
public final class LetheActionEntries {

    public static final String PURGE_RECEIPT = "purge-receipt";
    public static final String EXPORT = "export";
    public static final String BACKLOG_APPROVAL = "backlog-approval";
    public static final String ACCESS = "access";
    public static final String CLASSIFICATION = "classification";
    public static final String DEADLETTER_REPLAY = "deadletter-replay";

    /** The most raw-record positions a replay's entry lists; the rest are counted. */
    public static final int REPLAY_SOURCES_LISTED = 50;

    /** The chain of the replays of one reason's dead letters: {@code deadletters/<reason>}. */
    public static String deadLetterEntity(String reason) {
        return "deadletters/" + reason;
    }

    /** The chain of a column's classifications: {@code catalog/<table>.<column>}. */
    public static String catalogEntity(String table, String column) {
        return "catalog/" + table + "." + column;
    }

    /** The chain of one user's accesses: {@code accesses/<user>}. */
    public static String accessEntity(String user) {
        return "accesses/" + user;
    }

    /** The chain of the adoption backlog's approval. */
    public static final String BACKLOG_ENTITY = "retention/adoption-backlog";

    /** Attribute: the id a replay of the same action repeats. */
    public static final String ACTION_ID = "actionId";

    /** The chain of a data subject's own (non-row) entries: {@code subjects/<subject id>}. */
    public static String subjectEntity(String subjectId) {
        return "subjects/" + subjectId;
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ByteBuffer NO_HASH = ByteBuffer.allocate(0);

    private LetheActionEntries() {}

    /** The entry of a purge receipt. */
    public static AuditEntry ofReceipt(
            PurgeReceipt r, String topic, int partition, long offset, Instant recordedAt) {
        Map<String, String> attributes = new HashMap<>(r.getAttributes());
        attributes.put(ACTION_ID, r.getReceiptId());
        attributes.put("receiptId", r.getReceiptId());
        attributes.put("commandId", r.getCommandId());
        attributes.put("action", r.getAction());
        attributes.put("outcome", r.getOutcome());
        if (r.getRequestId() != null) {
            attributes.put("requestId", r.getRequestId());
        }
        if (r.getPolicyRule() != null) {
            attributes.put("policyRule", r.getPolicyRule());
        }
        if (r.getDeadline() != null) {
            attributes.put("deadline", r.getDeadline().toString());
        }
        String actorId = r.getPolicyRule() != null ? r.getPolicyRule() : r.getRequestId();
        return draft(
                PURGE_RECEIPT,
                r.getEntityId(),
                r.getTable(),
                new HashMap<>(r.getKey()),
                "PURGE",
                new ArrayList<>(r.getSubjectIds()),
                // kept in clear for good, like a change's actor (ChangeNormalizer)
                new AuditActor(
                        "lethe-purge",
                        PersonalDataInText.idOrWithheld(actorId),
                        PersonalDataInText.textOrWithheld(r.getReason())),
                r.getExecutedAt(),
                recordedAt,
                topic,
                partition,
                offset,
                attributes);
    }

    /**
     * The entry of a record of {@code lethe.audit.requests}: an export or a backlog approval, by
     * its {@code type}.
     *
     * @throws IllegalArgumentException naming the field that is missing or wrong (never a value)
     */
    public static AuditEntry ofRequestRecord(
            byte[] record, String topic, int partition, long offset, Instant recordedAt) {
        Request request = new Request(object(record), record, topic, partition, offset, recordedAt);
        String type = request.json().path("type").asText("");
        if (BACKLOG_APPROVAL.equals(type)) {
            return ofBacklogApproval(request);
        }
        if (ACCESS.equals(type)) {
            return ofAccess(request);
        }
        if (CLASSIFICATION.equals(type)) {
            return ofClassification(request);
        }
        if (DEADLETTER_REPLAY.equals(type)) {
            return ofDeadLetterReplay(request);
        }
        return ofExportRecord(record, topic, partition, offset, recordedAt);
    }

    private static JsonNode object(byte[] record) {
        JsonNode n;
        try {
            n = JSON.readTree(record);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON");
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        return n;
    }

    private static AuditEntry ofBacklogApproval(Request request) {
        JsonNode n = request.json();
        Instant at = instant(n, "at");
        Map<String, String> attributes = request.attributes();
        attributes.put("adoptedAt", instant(n, "adoptedAt").toString());
        attributes.put("purges", Long.toString(n.path("purges").asLong(0)));
        for (JsonNode c : n.path("byRule")) {
            String rule = c.path("rule").asText("");
            if (!rule.isEmpty()) {
                attributes.put("rule." + rule, Long.toString(c.path("purges").asLong(0)));
            }
        }
        return request.entry(
                BACKLOG_APPROVAL,
                BACKLOG_ENTITY,
                "",
                "APPROVE",
                new ArrayList<>(),
                operator(text(n, "approvedBy"), n),
                at,
                attributes);
    }

    private static AuditEntry ofClassification(Request request) {
        JsonNode n = request.json();
        ColumnRef column;
        DataCategory category;
        try {
            column = ColumnClassification.parseColumn(text(n, "table") + "." + text(n, "column"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("table or column is not a plain identifier");
        }
        category =
                DataCategory.fromCatalogName(text(n, "category"))
                        .orElseThrow(() -> new IllegalArgumentException("unknown category"));
        JsonNode personal = n.get("personal");
        if (personal == null || !personal.isBoolean()) {
            throw new IllegalArgumentException("personal is not true or false");
        }
        Map<String, String> attributes = request.attributes();
        attributes.put("table", column.table());
        attributes.put("column", column.column());
        attributes.put("category", category.catalogName());
        attributes.put("personal", Boolean.toString(personal.asBoolean()));
        return request.entry(
                CLASSIFICATION,
                catalogEntity(column.table(), column.column()),
                column.table(),
                "CLASSIFY",
                new ArrayList<>(),
                operator(text(n, "classifiedBy"), n, "note"),
                instant(n, "at"),
                attributes);
    }

    private static AuditEntry ofDeadLetterReplay(Request request) {
        JsonNode n = request.json();
        String reason = text(n, "deadLetterReason");
        if (!REASON_CODE.matcher(reason).matches()) {
            throw new IllegalArgumentException("deadLetterReason is not a reason code");
        }
        JsonNode count = n.get("count");
        if (count == null || !count.canConvertToLong() || count.asLong() < 0) {
            throw new IllegalArgumentException("count is not a number");
        }
        Map<String, String> attributes = request.attributes();
        attributes.put("deadLetterReason", reason);
        attributes.put("count", Long.toString(count.asLong()));
        var jobs = n.path("byJob").fields();
        while (jobs.hasNext()) {
            var e = jobs.next();
            if (!JOB.matcher(e.getKey()).matches()) {
                throw new IllegalArgumentException("byJob names something that is not a job");
            }
            attributes.put("job." + e.getKey(), Long.toString(e.getValue().asLong(0)));
        }
        String table = "";
        if (n.hasNonNull("table")) {
            try {
                table = ColumnClassification.parseColumn(text(n, "table") + ".x").table();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("table is not a plain identifier");
            }
            attributes.put("table", table);
        }
        if (n.hasNonNull("since")) {
            attributes.put("since", instant(n, "since").toString());
        }
        List<String> sources = new ArrayList<>();
        for (JsonNode s : n.path("sources")) {
            if (!s.isTextual() || !POSITION.matcher(s.asText()).matches()) {
                throw new IllegalArgumentException(
                        "sources holds something that is not a position");
            }
            if (sources.size() < REPLAY_SOURCES_LISTED) {
                sources.add(s.asText());
            }
        }
        long omitted =
                n.path("sourcesOmitted").asLong(0) + n.path("sources").size() - sources.size();
        attributes.put("sources", String.join(",", sources));
        attributes.put("sourcesOmitted", Long.toString(omitted));
        for (String end : List.of("firstDeadLetter", "lastDeadLetter")) {
            if (n.hasNonNull(end)) {
                if (!POSITION.matcher(text(n, end)).matches()) {
                    throw new IllegalArgumentException(end + " is not a position");
                }
                attributes.put(end, text(n, end));
            }
        }
        return request.entry(
                DEADLETTER_REPLAY,
                deadLetterEntity(reason),
                table,
                "REPLAY",
                new ArrayList<>(),
                operator(text(n, "replayedBy"), n, "note"),
                instant(n, "at"),
                attributes);
    }

    /** A dead-letter reason code: capitals, digits and underscores. */
    private static final Pattern REASON_CODE = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");

    /** A job's short name ({@code audit}, {@code discovery}). */
    private static final Pattern JOB = Pattern.compile("[a-z][a-z0-9-]{0,31}");

    /** A Kafka position, {@code topic/partition@offset}. */
    private static final Pattern POSITION =
            Pattern.compile("[A-Za-z0-9._-]{1,249}/\\d{1,10}@\\d{1,19}");

    private static AuditEntry ofAccess(Request request) {
        JsonNode n = request.json();
        String user = PersonalDataInText.idOrWithheld(text(n, "user"));
        List<String> subjects = new ArrayList<>();
        for (JsonNode s : n.path("subjectIds")) {
            if (!s.isTextual() || !SubjectIds.isValid(s.asText())) {
                throw new IllegalArgumentException(
                        "subjectIds holds something that is not a subject id");
            }
            subjects.add(s.asText());
        }
        Map<String, String> attributes = request.attributes();
        attributes.put("accessId", text(n, "accessId"));
        attributes.put("role", text(n, "role"));
        attributes.put("issuer", text(n, "issuer"));
        attributes.put("action", text(n, "action"));
        attributes.put("results", Long.toString(n.path("results").asLong(0)));
        if (n.hasNonNull("queryKind")) {
            attributes.put("queryKind", n.get("queryKind").asText());
        }
        return request.entry(
                ACCESS,
                accessEntity(user),
                "",
                "READ",
                subjects,
                new AuditActor("user", user, PersonalDataInText.textOrWithheld(text(n, "purpose"))),
                instant(n, "at"),
                attributes);
    }

    /**
     * A record of {@code lethe.audit.requests} as read: its JSON, its bytes (whose digest is the
     * action's {@value #ACTION_ID}) and where it was read.
     */
    private record Request(
            JsonNode json,
            byte[] bytes,
            String topic,
            int partition,
            long offset,
            Instant recordedAt) {

        /** New attributes that hold the action's id. */
        Map<String, String> attributes() {
            Map<String, String> attributes = new HashMap<>();
            attributes.put(ACTION_ID, sha256(bytes));
            return attributes;
        }

        /** The draft entry of the record's action: without a key, read from where it was read. */
        AuditEntry entry(
                String kind,
                String entityId,
                String table,
                String op,
                List<String> subjects,
                AuditActor actor,
                Instant at,
                Map<String, String> attributes) {
            return draft(
                    kind,
                    entityId,
                    table,
                    new HashMap<>(),
                    op,
                    subjects,
                    actor,
                    at,
                    recordedAt,
                    topic,
                    partition,
                    offset,
                    attributes);
        }
    }

    /**
     * The operator who asked, and the record's reason; kept in clear for good, like a change's
     * actor, so an identifier in either is withheld.
     */
    private static AuditActor operator(String who, JsonNode n) {
        return operator(who, n, "reason");
    }

    /** Actor {@code operator:<who>}, the record's {@code why} field as reason (withheld if PII). */
    private static AuditActor operator(String who, JsonNode n, String why) {
        return new AuditActor(
                "operator",
                PersonalDataInText.idOrWithheld(who),
                PersonalDataInText.textOrWithheld(n.hasNonNull(why) ? n.get(why).asText() : null));
    }

    private static Instant instant(JsonNode n, String field) {
        try {
            return Instant.parse(text(n, field));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " is not an ISO instant");
        }
    }

    /**
     * The entry of an export record (JSON, as {@code ./lethe subject export} writes it).
     *
     * @throws IllegalArgumentException naming the field that is missing or wrong (never a value)
     */
    public static AuditEntry ofExportRecord(
            byte[] record, String topic, int partition, long offset, Instant recordedAt) {
        Request request = new Request(object(record), record, topic, partition, offset, recordedAt);
        JsonNode n = request.json();
        String type = n.path("type").asText("");
        if (!EXPORT.equals(type)) {
            throw new IllegalArgumentException("type is not export");
        }
        String subject = text(n, "subjectId");
        if (!SubjectIds.isValid(subject)) {
            throw new IllegalArgumentException("subjectId is not a subject id");
        }
        Instant at = instant(n, "at");
        Map<String, String> attributes = request.attributes();
        attributes.put("items", n.path("items").asText("0"));
        attributes.put("mentions", n.path("mentions").asText("0"));
        for (JsonNode f : n.path("files")) {
            attributes.put("file." + f.path("name").asText(), f.path("sha256").asText());
        }
        return request.entry(
                EXPORT,
                subjectEntity(subject),
                "",
                "EXPORT",
                new ArrayList<>(List.of(subject)),
                operator(n.hasNonNull("requestedBy") ? n.get("requestedBy").asText() : null, n),
                at,
                attributes);
    }

    /**
     * An entry with no log index, seq, hashes, LSN or transaction yet: the sequencer fills in the
     * first ones, the caller the LSN and transaction if it has them.
     */
    static AuditEntry draft(
            String kind,
            String entityId,
            String table,
            Map<String, String> key,
            String op,
            List<String> subjects,
            AuditActor actor,
            Instant at,
            Instant recordedAt,
            String topic,
            int partition,
            long offset,
            Map<String, String> attributes) {
        return AuditEntry.newBuilder()
                .setLogIndex(-1)
                .setKind(kind)
                .setEntityId(entityId)
                .setTable(table)
                .setKey(key)
                .setSeq(0)
                .setOp(op)
                .setChanges(new ArrayList<>())
                .setSubjectIds(subjects)
                .setActor(actor)
                .setCommitTime(Instant.ofEpochMilli(at.toEpochMilli()))
                .setCaptureTime(Instant.ofEpochMilli(recordedAt.toEpochMilli()))
                .setLsn(null)
                .setTxId(null)
                .setSourceTopic(topic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setAttributes(attributes)
                .setPrevHash(NO_HASH.duplicate())
                .setHash(NO_HASH.duplicate())
                .build();
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException("missing " + field);
        }
        return v.asText();
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
