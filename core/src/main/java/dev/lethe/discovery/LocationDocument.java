package dev.lethe.discovery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One place where a data subject's personal data lives: the document the discovery job writes to
 * the {@value #INDEX} Elasticsearch index, one per (row, column, finding).
 *
 * <p>The index holds identifiers on purpose (that is how a DPO finds a person), but never free
 * text: {@link #value()} is the normalized identifier that was found (email, phone, handle, name,
 * IBAN), a masked card number, a subject id for a reference column, and null for everything else,
 * in particular for the values of encrypted custom fields, which never leave the helpdesk in
 * plaintext. {@link #id()} names table, row, column, detector and position, never a value.
 *
 * @param id the document id: {@code <table>/<row key>/<column>} for a declared column, {@code
 *     <table>/<row key>/<column>/<detector>@<start>} for a finding in free text
 * @param subjectIds the data subjects this location is about, known when it was written (sorted)
 * @param kind what is stored there: email, phone, handle, name, iban, card, contact_id, agent_id,
 *     encrypted, or the catalog category of another personal column (consent, file_metadata, ...)
 * @param value the normalized identifier, or null (see above)
 * @param table the helpdesk table
 * @param recordId the row's entity id, {@code tickets/42}
 * @param column the column; a key of a JSON column is {@code custom_fields.<key>}
 * @param category the catalog category of the column
 * @param detector {@value #DECLARED} for a column the catalog declares, else the detector's name
 * @param confidence 1.0 for a declared column, else the detector's
 * @param spanStart start of the finding in the column's text (UTF-16 index), or null
 * @param spanEnd end of the finding (exclusive), or null
 * @param reason why it is a location: the catalog declaration or the detector's reason
 * @param lastChanged commit time of the change that last changed this location (its value,
 *     subjects, position, soft deletion, ...): a change of the row that leaves the location as it
 *     was does not rewrite it
 * @param sourceLsn the LSN of that change: the document's external version
 * @param parentRecord for a row whose subject is found through another row it references (a thread
 *     through its ticket): that row's entity id, {@code tickets/42}; else null
 * @param softDeleted whether the row is soft deleted (deleted_at set) but still in the helpdesk
 * @param fullName for a declared name column: the {@link FullNameKeys} of the row's whole name (all
 *     its declared name columns), so a full-name search is one exact lookup; else empty
 */
public record LocationDocument(
        String id,
        List<String> subjectIds,
        String kind,
        String value,
        String table,
        String recordId,
        String column,
        String category,
        String detector,
        double confidence,
        Integer spanStart,
        Integer spanEnd,
        String reason,
        Instant lastChanged,
        long sourceLsn,
        String parentRecord,
        boolean softDeleted,
        List<String> fullName) {

    /** The index the discovery job writes to and {@code ./lethe subject find} reads. */
    public static final String INDEX = "lethe-locations";

    /** The detector name of a location the catalog declares (a whole column). */
    public static final String DECLARED = "declared";

    private static final ObjectMapper JSON = new ObjectMapper();

    public LocationDocument {
        Objects.requireNonNull(id, "id");
        subjectIds = List.copyOf(subjectIds);
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(recordId, "recordId");
        Objects.requireNonNull(column, "column");
        Objects.requireNonNull(detector, "detector");
        Objects.requireNonNull(lastChanged, "lastChanged");
        fullName = fullName == null ? List.of() : List.copyOf(fullName);
    }

    /** A location without full-name keys (anything but a declared name column). */
    public LocationDocument(
            String id,
            List<String> subjectIds,
            String kind,
            String value,
            String table,
            String recordId,
            String column,
            String category,
            String detector,
            double confidence,
            Integer spanStart,
            Integer spanEnd,
            String reason,
            Instant lastChanged,
            long sourceLsn,
            String parentRecord,
            boolean softDeleted) {
        this(
                id,
                subjectIds,
                kind,
                value,
                table,
                recordId,
                column,
                category,
                detector,
                confidence,
                spanStart,
                spanEnd,
                reason,
                lastChanged,
                sourceLsn,
                parentRecord,
                softDeleted,
                List.of());
    }

    /** This location with the full-name keys {@code keys}. */
    public LocationDocument withFullName(List<String> keys) {
        return new LocationDocument(
                id,
                subjectIds,
                kind,
                value,
                table,
                recordId,
                column,
                category,
                detector,
                confidence,
                spanStart,
                spanEnd,
                reason,
                lastChanged,
                sourceLsn,
                parentRecord,
                softDeleted,
                keys);
    }

    /** The id of a declared column's document. */
    public static String declaredId(String recordId, String column) {
        return recordId + "/" + column;
    }

    /** The id of a finding's document. */
    public static String findingId(String recordId, String column, String detector, int start) {
        return recordId + "/" + column + "/" + detector + "@" + start;
    }

    /** The document as JSON (the index mapping's field names). */
    public byte[] toJson() {
        return json(true);
    }

    /**
     * The document as JSON without what only says when it was written ({@code lastChanged}, {@code
     * sourceLsn}): equal for two changes of a row that leave this location as it was.
     */
    public byte[] contentJson() {
        return json(false);
    }

    private byte[] json(boolean withChange) {
        ObjectNode n = JSON.createObjectNode();
        ArrayNode subjects = n.putArray("subjectIds");
        subjectIds.forEach(subjects::add);
        n.put("kind", kind);
        if (value != null) {
            n.put("value", value);
            if (kind.equals(PiiKind.NAME.code())) {
                n.put("folded", NameFolding.fold(value));
            }
        }
        n.put("table", table);
        n.put("recordId", recordId);
        n.put("column", column);
        if (category != null) {
            n.put("category", category);
        }
        n.put("detector", detector);
        n.put("confidence", confidence);
        if (spanStart != null) {
            n.put("spanStart", spanStart);
            n.put("spanEnd", spanEnd);
        }
        if (reason != null) {
            n.put("reason", reason);
        }
        if (withChange) {
            n.put("lastChanged", lastChanged.toString());
            n.put("sourceLsn", sourceLsn);
        }
        if (parentRecord != null) {
            n.put("parentRecord", parentRecord);
        }
        n.put("softDeleted", softDeleted);
        if (!fullName.isEmpty()) {
            ArrayNode keys = n.putArray("fullName");
            fullName.forEach(keys::add);
        }
        try {
            return JSON.writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a location document always serializes", e);
        }
    }

    /** Reads a document written by {@link #toJson()} (e.g. an Elasticsearch hit's source). */
    public static LocationDocument fromJson(String id, byte[] json) {
        try {
            return fromJson(id, JSON.readTree(json));
        } catch (IOException e) {
            throw new UncheckedIOException("not a location document: " + id, e);
        }
    }

    /** Reads a document from its JSON tree. */
    public static LocationDocument fromJson(String id, JsonNode n) {
        List<String> subjects = new ArrayList<>();
        n.path("subjectIds").forEach(s -> subjects.add(s.asText()));
        List<String> fullName = new ArrayList<>();
        JsonNode keys = n.path("fullName");
        if (keys.isTextual()) {
            fullName.add(keys.asText());
        } else {
            keys.forEach(k -> fullName.add(k.asText()));
        }
        return new LocationDocument(
                id,
                subjects,
                n.path("kind").asText(),
                text(n, "value"),
                n.path("table").asText(),
                n.path("recordId").asText(),
                n.path("column").asText(),
                text(n, "category"),
                n.path("detector").asText(),
                n.path("confidence").asDouble(),
                n.hasNonNull("spanStart") ? n.get("spanStart").asInt() : null,
                n.hasNonNull("spanEnd") ? n.get("spanEnd").asInt() : null,
                text(n, "reason"),
                Instant.parse(n.path("lastChanged").asText()),
                n.path("sourceLsn").asLong(),
                text(n, "parentRecord"),
                n.path("softDeleted").asBoolean(),
                fullName);
    }

    private static String text(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asText() : null;
    }

    /**
     * The Elasticsearch mapping of {@value #INDEX}: keyword fields (exact lookups; {@code value}
     * case-insensitively through the built-in {@code lowercase} normalizer; a name also as {@code
     * folded}, folded by {@link NameFolding} before indexing since the asciifolding filter is not
     * available everywhere), the {@code fullName} keys of a declared name likewise folded, no text
     * analysis, nothing that needs the analysis-common module. {@code index.gc_deletes} keeps the
     * versions of deleted documents for a week, so a replayed old event cannot bring a deleted
     * location back within that window. The refresh interval is Elasticsearch's default (1 s while
     * searched; an index nobody searched for 30 s refreshes when the next search comes, and that
     * search sees every document written): an explicit one refreshes through a backlog too, which
     * halved the audit job's backlog rate on a shared machine. Once caught up, the discovery job's
     * sink asks for a refresh with each request, so a new location is searchable at once.
     */
    public static String indexDefinition() {
        return """
                {
                  "settings": {
                    "index": {"number_of_shards": 1, "number_of_replicas": 0, "gc_deletes": "7d"}
                  },
                  "mappings": {
                    "dynamic": "strict",
                    "properties": {
                      "subjectIds":   {"type": "keyword"},
                      "kind":         {"type": "keyword"},
                      "value":        {"type": "keyword", "normalizer": "lowercase"},
                      "folded":       {"type": "keyword"},
                      "table":        {"type": "keyword"},
                      "recordId":     {"type": "keyword"},
                      "column":       {"type": "keyword"},
                      "category":     {"type": "keyword"},
                      "detector":     {"type": "keyword"},
                      "confidence":   {"type": "float"},
                      "spanStart":    {"type": "integer"},
                      "spanEnd":      {"type": "integer"},
                      "reason":       {"type": "keyword", "index": false},
                      "lastChanged":  {"type": "date"},
                      "sourceLsn":    {"type": "long"},
                      "parentRecord": {"type": "keyword"},
                      "softDeleted":  {"type": "boolean"},
                      "fullName":     {"type": "keyword"}
                    }
                  }
                }
                """;
    }

    /** Names the location, never the value. */
    @Override
    public String toString() {
        return "LocationDocument[" + id + ", " + kind + ", subjects " + subjectIds + "]";
    }
}
