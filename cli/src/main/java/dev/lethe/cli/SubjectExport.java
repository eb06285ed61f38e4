package dev.lethe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.catalog.ColumnSpec;
import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.catalog.Reference;
import dev.lethe.catalog.SubjectPath;
import dev.lethe.catalog.TableSpec;
import dev.lethe.cli.ProcessingRegister.Processing;
import dev.lethe.discovery.EmailDetector;
import dev.lethe.discovery.LocationDocument;
import dev.lethe.discovery.NameFolding;
import dev.lethe.discovery.PhoneDetector;
import dev.lethe.discovery.SocialHandleDetector;
import dev.lethe.keys.SubjectIds;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A data subject's Art. 15 / Art. 20 package, read from the helpdesk database (the source of
 * truth), not from the index:
 *
 * <ul>
 *   <li>every row about the subject, found through the catalog's subject paths (their contact row,
 *       their tickets, the threads, comments and attachments of those tickets, their consents),
 *       with each personal column's current value, category, purpose, legal basis, source,
 *       retention and where it is stored. Encrypted custom fields are the subject's own data and
 *       are included, marked encrypted. In their rows' free text, what the index attributes to
 *       other people (a colleague's email in the subject's ticket) is redacted (Art. 15(4)).
 *   <li>every mention of the subject in rows about other people (the index's locations), with only
 *       the mention itself, read now from the database and checked to still be there.
 * </ul>
 */
final class SubjectExport {

    /** One item of the package. */
    record Item(
            String table,
            String recordId,
            String column,
            String category,
            String value,
            boolean encrypted,
            boolean mention,
            Processing processing,
            List<String> storedIn) {}

    /** The package. */
    record ExportPackage(String subjectId, String name, Instant generatedAt, List<Item> items) {
        long mentions() {
            return items.stream().filter(Item::mention).count();
        }
    }

    /** Told how far the export is. */
    interface Progress {
        void rows(String table, long rowsRead, long itemsSoFar);
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RAW_TOPICS =
            "Kafka raw change topic helpdesk.public.%s (kept 7 days)";

    private final Connection db;

    /** The category of an exported value whose column the catalog does not classify yet. */
    static final String UNCLASSIFIED = "unclassified";

    private final PersonalDataCatalog catalog;
    private final ProcessingRegister register;
    private final Progress progress;

    SubjectExport(
            Connection db,
            PersonalDataCatalog catalog,
            ProcessingRegister register,
            Progress progress) {
        this.db = db;
        this.catalog = catalog;
        this.register = register;
        this.progress = progress;
    }

    /**
     * @param locations the subject's locations in the index (mentions, and the spans of other
     *     people in their rows, come from there)
     * @param othersInOwnRows locations in the subject's own rows attributed to other people
     */
    ExportPackage read(
            String subjectId,
            String name,
            List<LocationDocument> locations,
            List<LocationDocument> othersInOwnRows)
            throws SQLException {
        SubjectIds.requireValid(subjectId);
        String kind = SubjectIds.kind(subjectId);
        String id = SubjectIds.id(subjectId);
        Set<String> encryptedKeys = encryptedKeys();
        Map<String, List<LocationDocument>> redactions = new HashMap<>();
        for (LocationDocument d : othersInOwnRows) {
            if (d.spanStart() != null) {
                redactions
                        .computeIfAbsent(d.recordId() + "|" + d.column(), k -> new ArrayList<>())
                        .add(d);
            }
        }
        List<Item> items = new ArrayList<>();
        Set<String> ownRecords = new TreeSet<>();
        for (String table : catalog.tables()) {
            SubjectPath path = catalog.subjectPath(table);
            if (!path.hasSubject() || !kind.equals(path.subjectKind())) {
                continue;
            }
            TableSpec spec = catalog.table(table).orElseThrow();
            String sql = query(table, path);
            long rows = 0;
            try (PreparedStatement ps = db.prepareStatement(sql)) {
                ps.setObject(1, id.matches("\\d{1,18}") ? (Object) Long.parseLong(id) : id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows++;
                        String recordId = table + "/" + rs.getString("id");
                        ownRecords.add(recordId);
                        for (ColumnSpec c : spec.columns().values()) {
                            if (!c.personal()) {
                                continue;
                            }
                            String value = rs.getString(c.name());
                            if (value == null || value.isEmpty()) {
                                continue;
                            }
                            if (c.encryptedKeys() != null) {
                                jsonItems(
                                        table,
                                        recordId,
                                        c,
                                        value,
                                        encryptedKeys,
                                        redactions,
                                        items);
                            } else {
                                String shown =
                                        redact(value, redactions.get(recordId + "|" + c.name()));
                                items.add(
                                        item(
                                                table,
                                                recordId,
                                                c.name(),
                                                c.category().catalogName(),
                                                shown,
                                                false,
                                                false));
                            }
                        }
                        // a column the catalog does not classify (added by a migration) is the
                        // subject's personal data until classified: exported, never left out
                        java.sql.ResultSetMetaData meta = rs.getMetaData();
                        for (int i = 1; i <= meta.getColumnCount(); i++) {
                            String column = meta.getColumnName(i);
                            if (spec.columns().containsKey(column)) {
                                continue;
                            }
                            String value = rs.getString(i);
                            if (value == null || value.isEmpty()) {
                                continue;
                            }
                            items.add(
                                    item(
                                            table,
                                            recordId,
                                            column,
                                            UNCLASSIFIED,
                                            redact(value, redactions.get(recordId + "|" + column)),
                                            false,
                                            false));
                        }
                        if (rows % 100 == 0) {
                            progress.rows(table, rows, items.size());
                        }
                    }
                }
            }
            progress.rows(table, rows, items.size());
        }
        for (LocationDocument d : locations) {
            if (ownRecords.contains(d.recordId())) {
                continue;
            }
            mention(d).ifPresent(items::add);
        }
        return new ExportPackage(subjectId, name, Instant.now(), items);
    }

    private void jsonItems(
            String table,
            String recordId,
            ColumnSpec c,
            String value,
            Set<String> encryptedKeys,
            Map<String, List<LocationDocument>> redactions,
            List<Item> items) {
        JsonNode json;
        try {
            json = JSON.readTree(value);
        } catch (IOException e) {
            items.add(
                    item(
                            table,
                            recordId,
                            c.name(),
                            c.category().catalogName(),
                            value,
                            true,
                            false));
            return;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = json.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            if (f.getValue().isNull()) {
                continue;
            }
            String column = c.name() + "." + f.getKey();
            String text =
                    f.getValue().isTextual() ? f.getValue().asText() : f.getValue().toString();
            boolean encrypted = encryptedKeys.contains(f.getKey());
            String shown = encrypted ? text : redact(text, redactions.get(recordId + "|" + column));
            items.add(
                    item(
                            table,
                            recordId,
                            column,
                            c.category().catalogName(),
                            shown,
                            encrypted,
                            false));
        }
    }

    private java.util.Optional<Item> mention(LocationDocument d) throws SQLException {
        String column = d.column();
        String jsonKey = null;
        int dot = column.indexOf('.');
        if (dot > 0) {
            jsonKey = column.substring(dot + 1);
            column = column.substring(0, dot);
        }
        ColumnSpec spec = catalog.column(d.table(), column).orElse(null);
        if (spec == null) {
            return java.util.Optional.empty();
        }
        String rowId = d.recordId().substring(d.recordId().indexOf('/') + 1);
        String current;
        try (PreparedStatement ps =
                db.prepareStatement(
                        "SELECT "
                                + quote(column)
                                + " FROM "
                                + quote(d.table())
                                + " WHERE id = ?")) {
            ps.setObject(1, rowId.matches("\\d{1,18}") ? (Object) Long.parseLong(rowId) : rowId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return java.util.Optional.empty(); // the row is gone since it was indexed
                }
                current = rs.getString(1);
            }
        }
        if (current != null && jsonKey != null) {
            try {
                JsonNode v = JSON.readTree(current).get(jsonKey);
                current =
                        v == null || v.isNull()
                                ? null
                                : (v.isTextual() ? v.asText() : v.toString());
            } catch (IOException e) {
                current = null;
            }
        }
        if (current == null) {
            return java.util.Optional.empty();
        }
        String value;
        if (d.spanStart() == null) {
            value = current;
        } else {
            if (d.spanEnd() > current.length()) {
                return java.util.Optional.empty();
            }
            value = current.substring(d.spanStart(), d.spanEnd());
            if (!stillThere(d, value)) {
                return java.util.Optional.empty();
            }
        }
        return java.util.Optional.of(
                item(d.table(), d.recordId(), d.column(), d.category(), value, false, true));
    }

    /** Whether the text at a finding's span is still what was found there. */
    static boolean stillThere(LocationDocument d, String text) {
        if (d.value() == null) {
            return true;
        }
        switch (d.kind()) {
            case "email":
                return EmailDetector.normalize(text).equals(d.value());
            case "handle":
                return SocialHandleDetector.normalize(text).equals(d.value());
            case "phone":
                return PhoneDetector.normalize(text, PhoneDetector.DEFAULT_REGIONS).isPresent();
            case "name":
                return NameFolding.fold(text).equals(NameFolding.fold(d.value()));
            default:
                return true;
        }
    }

    /** {@code text} with the spans of other people's data replaced by a marker. */
    static String redact(String text, List<LocationDocument> others) {
        if (others == null || others.isEmpty()) {
            return text;
        }
        StringBuilder b = new StringBuilder(text);
        List<LocationDocument> sorted = new ArrayList<>(others);
        sorted.sort(Comparator.comparing(LocationDocument::spanStart).reversed());
        int lastStart = Integer.MAX_VALUE;
        for (LocationDocument d : sorted) {
            if (d.spanEnd() > text.length() || d.spanEnd() > lastStart) {
                continue;
            }
            if (!stillThere(d, text.substring(d.spanStart(), d.spanEnd()))) {
                continue;
            }
            b.replace(d.spanStart(), d.spanEnd(), "[another person's " + d.kind() + "]");
            lastStart = d.spanStart();
        }
        return b.toString();
    }

    private Item item(
            String table,
            String recordId,
            String column,
            String category,
            String value,
            boolean encrypted,
            boolean mention) {
        List<String> stored = new ArrayList<>();
        stored.add("helpdesk database: " + table + "." + column + " (record " + recordId + ")");
        stored.add(String.format(RAW_TOPICS, table));
        if (!encrypted
                && (category.equals("contact_detail")
                        || category.equals("social_handle")
                        || category.equals("name")
                        || mention)) {
            stored.add(
                    "Lethe locations index " + LocationDocument.INDEX + " (the identifier only)");
        }
        return new Item(
                table,
                recordId,
                column,
                category,
                value,
                encrypted,
                mention,
                register.of(table),
                stored);
    }

    /** The encrypted custom-field keys now: the catalog's and the definitions marked encrypted. */
    private Set<String> encryptedKeys() throws SQLException {
        Set<String> keys = new TreeSet<>();
        for (String table : catalog.tables()) {
            for (ColumnSpec c : catalog.encryptedKeyColumns(table)) {
                keys.addAll(c.encryptedKeys().fallbackKeys());
                String defs = c.encryptedKeys().definitionsTable();
                try (PreparedStatement ps =
                        db.prepareStatement(
                                "SELECT name FROM " + quote(defs) + " WHERE encrypted")) {
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            keys.add(rs.getString(1));
                        }
                    }
                }
            }
        }
        return keys;
    }

    /**
     * The rows of {@code table} about the subject whose row id is the one parameter: the subject's
     * own row, or nested {@code IN} subqueries along the catalog's subject path.
     */
    static String query(String table, SubjectPath path) {
        if (path.kind() == SubjectPath.Kind.SELF) {
            return "SELECT * FROM " + quote(table) + " WHERE id = ? ORDER BY id";
        }
        List<Reference> hops = path.hops();
        String condition = "?";
        for (int i = hops.size() - 1; i >= 0; i--) {
            Reference hop = hops.get(i);
            if (i == hops.size() - 1) {
                condition = quote(hop.from().column()) + " = ?";
            } else {
                Reference next = hops.get(i + 1);
                condition =
                        quote(hop.from().column())
                                + " IN (SELECT "
                                + quote(hop.to().column())
                                + " FROM "
                                + quote(next.from().table())
                                + " WHERE "
                                + condition
                                + ")";
            }
        }
        return "SELECT * FROM " + quote(table) + " WHERE " + condition + " ORDER BY id";
    }

    private static String quote(String identifier) {
        if (!identifier.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException(
                    "not a plain SQL identifier in the catalog: " + identifier);
        }
        return "\"" + identifier + "\"";
    }

    /** The package's items grouped by table, in catalog order. */
    static Map<String, List<Item>> byTable(ExportPackage p) {
        Map<String, List<Item>> m = new LinkedHashMap<>();
        for (Item i : p.items()) {
            m.computeIfAbsent(
                            i.mention() ? "mentions in other people's records" : i.table(),
                            k -> new ArrayList<>())
                    .add(i);
        }
        return m;
    }
}
