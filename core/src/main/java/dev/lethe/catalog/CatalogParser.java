package dev.lethe.catalog;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.lethe.keys.SubjectIds;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads and validates the catalog file, collecting every problem before failing, so one run shows
 * the reviewer all that is wrong.
 */
final class CatalogParser {

    static final int VERSION = 1;

    private static final Set<String> ROOT_ATTRIBUTES = Set.of("version", "tables");
    private static final Set<String> TABLE_ATTRIBUTES = Set.of("subject", "columns", "note");
    private static final Set<String> SUBJECT_ATTRIBUTES = Set.of("self", "via", "none");
    private static final Set<String> COLUMN_ATTRIBUTES =
            Set.of(
                    "category",
                    "personal",
                    "identifies",
                    "scan",
                    "references",
                    "json",
                    "stores_file",
                    "note");
    private static final Set<String> JSON_ATTRIBUTES =
            Set.of("encrypted_keys_from", "encrypted_keys");

    private static final ObjectMapper YAML =
            new ObjectMapper(new YAMLFactory())
                    .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final String source;
    private final List<String> problems = new ArrayList<>();

    private CatalogParser(String source) {
        this.source = source;
    }

    static Map<String, TableSpec> parse(InputStream in, String source) {
        JsonNode root;
        try {
            root = YAML.readTree(in);
        } catch (IOException e) {
            // Jackson's message names line and column; the catalog holds no personal data
            throw new CatalogException(source, "not readable YAML: " + e.getMessage(), e);
        }
        return new CatalogParser(source).parse(root);
    }

    private Map<String, TableSpec> parse(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new CatalogException(source, List.of("the file must be a YAML mapping"));
        }
        unknownAttributes("catalog", root, ROOT_ATTRIBUTES);
        JsonNode version = root.get("version");
        if (version == null || !version.isInt() || version.intValue() != VERSION) {
            problems.add("catalog: version must be " + VERSION);
        }
        JsonNode tablesNode = root.get("tables");
        if (tablesNode == null || !tablesNode.isObject() || tablesNode.isEmpty()) {
            problems.add("catalog: tables must be a mapping of at least one table");
            throw new CatalogException(source, problems);
        }

        Map<String, Map<String, ColumnSpec>> columns = new LinkedHashMap<>();
        Map<String, JsonNode> subjects = new LinkedHashMap<>();
        Map<String, String> notes = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = tablesNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String table = entry.getKey();
            JsonNode tableNode = entry.getValue();
            if (tableNode == null || !tableNode.isObject()) {
                problems.add("table " + table + ": must be a mapping with subject and columns");
                continue;
            }
            unknownAttributes("table " + table, tableNode, TABLE_ATTRIBUTES);
            notes.put(table, text(tableNode.get("note")));
            subjects.put(table, tableNode.get("subject"));
            columns.put(table, columns(table, tableNode.get("columns")));
        }
        checkReferences(columns);

        Map<String, SubjectPath> paths = new LinkedHashMap<>();
        for (String table : columns.keySet()) {
            resolveSubjectPath(table, subjects, columns, paths, new LinkedHashSet<>());
        }
        if (!problems.isEmpty()) {
            throw new CatalogException(source, problems);
        }
        Map<String, TableSpec> tables = new LinkedHashMap<>();
        for (String table : columns.keySet()) {
            tables.put(
                    table,
                    new TableSpec(table, paths.get(table), columns.get(table), notes.get(table)));
        }
        return tables;
    }

    private Map<String, ColumnSpec> columns(String table, JsonNode columnsNode) {
        Map<String, ColumnSpec> columns = new LinkedHashMap<>();
        if (columnsNode == null || !columnsNode.isObject() || columnsNode.isEmpty()) {
            problems.add("table " + table + ": columns must be a mapping of at least one column");
            return columns;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = columnsNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            column(new ColumnRef(table, entry.getKey()), entry.getValue())
                    .ifPresent(spec -> columns.put(spec.name(), spec));
        }
        return columns;
    }

    private Optional<ColumnSpec> column(ColumnRef ref, JsonNode node) {
        String where = "column " + ref;
        if (node == null || !node.isObject()) {
            problems.add(where + ": must be a mapping with at least a category");
            return Optional.empty();
        }
        unknownAttributes(where, node, COLUMN_ATTRIBUTES);
        JsonNode categoryNode = node.get("category");
        if (categoryNode == null || !categoryNode.isTextual()) {
            problems.add(where + ": category is missing");
            return Optional.empty();
        }
        Optional<DataCategory> category = DataCategory.fromCatalogName(categoryNode.textValue());
        if (category.isEmpty()) {
            problems.add(
                    where
                            + ": unknown category '"
                            + categoryNode.textValue()
                            + "' (known: "
                            + DataCategory.catalogNames()
                            + ")");
            return Optional.empty();
        }
        boolean personal = bool(where, node, "personal", category.get().personalByDefault());
        boolean scan = bool(where, node, "scan", category.get() == DataCategory.FREE_TEXT);
        boolean storesFile = bool(where, node, "stores_file", false);

        IdentifierKind identifies = null;
        JsonNode identifiesNode = node.get("identifies");
        if (identifiesNode != null) {
            identifies =
                    IdentifierKind.fromCatalogName(identifiesNode.asText())
                            .orElseGet(
                                    () -> {
                                        problems.add(
                                                where
                                                        + ": unknown identifier kind '"
                                                        + identifiesNode.asText()
                                                        + "' (known: "
                                                        + IdentifierKind.catalogNames()
                                                        + ")");
                                        return null;
                                    });
        }

        ColumnRef references = null;
        JsonNode referencesNode = node.get("references");
        if (referencesNode != null) {
            try {
                references = ColumnRef.parse(referencesNode.asText());
            } catch (IllegalArgumentException e) {
                problems.add(where + ": references " + e.getMessage());
            }
        }
        if (category.get() == DataCategory.REFERENCE && referencesNode == null) {
            problems.add(where + ": a reference column must say which column it references");
        }

        EncryptedKeys encryptedKeys = null;
        JsonNode json = node.get("json");
        if (json != null) {
            encryptedKeys = encryptedKeys(where, json);
        }
        if (category.get() == DataCategory.ENCRYPTED_CUSTOM_FIELD && json == null) {
            problems.add(
                    where
                            + ": an encrypted_custom_field column must declare json:"
                            + " encrypted_keys_from and encrypted_keys");
        }
        return Optional.of(
                new ColumnSpec(
                        ref,
                        category.get(),
                        personal,
                        identifies,
                        scan,
                        references,
                        encryptedKeys,
                        storesFile,
                        text(node.get("note"))));
    }

    private EncryptedKeys encryptedKeys(String where, JsonNode json) {
        if (!json.isObject()) {
            problems.add(where + ": json must be a mapping");
            return null;
        }
        unknownAttributes(where + " json", json, JSON_ATTRIBUTES);
        JsonNode from = json.get("encrypted_keys_from");
        if (from == null || !from.isTextual()) {
            problems.add(where + ": json.encrypted_keys_from must name the defining table");
        }
        Set<String> keys = new LinkedHashSet<>();
        JsonNode list = json.get("encrypted_keys");
        if (list != null && !list.isArray()) {
            problems.add(where + ": json.encrypted_keys must be a list of keys");
        } else if (list != null) {
            list.forEach(key -> keys.add(key.asText()));
        }
        return new EncryptedKeys(from == null ? "" : from.asText(), keys);
    }

    private void checkReferences(Map<String, Map<String, ColumnSpec>> columns) {
        for (Map<String, ColumnSpec> tableColumns : columns.values()) {
            for (ColumnSpec column : tableColumns.values()) {
                if (column.references() != null && !declared(columns, column.references())) {
                    problems.add(
                            "column "
                                    + column.ref()
                                    + ": references unknown column "
                                    + column.references());
                }
                if (column.encryptedKeys() != null
                        && !column.encryptedKeys().definitionsTable().isEmpty()
                        && !columns.containsKey(column.encryptedKeys().definitionsTable())) {
                    problems.add(
                            "column "
                                    + column.ref()
                                    + ": json.encrypted_keys_from names unknown table "
                                    + column.encryptedKeys().definitionsTable());
                }
            }
        }
    }

    private static boolean declared(Map<String, Map<String, ColumnSpec>> columns, ColumnRef ref) {
        Map<String, ColumnSpec> table = columns.get(ref.table());
        return table != null && table.containsKey(ref.column());
    }

    /** Resolves (and memoizes) a table's subject path; null if it cannot be resolved. */
    private SubjectPath resolveSubjectPath(
            String table,
            Map<String, JsonNode> subjects,
            Map<String, Map<String, ColumnSpec>> columns,
            Map<String, SubjectPath> resolved,
            Set<String> visiting) {
        if (resolved.containsKey(table)) {
            return resolved.get(table);
        }
        if (!visiting.add(table)) {
            problems.add("table " + table + ": subject path runs in a circle through " + visiting);
            resolved.put(table, null);
            return null;
        }
        SubjectPath path = subjectPath(table, subjects, columns, resolved, visiting);
        visiting.remove(table);
        resolved.put(table, path);
        return path;
    }

    private SubjectPath subjectPath(
            String table,
            Map<String, JsonNode> subjects,
            Map<String, Map<String, ColumnSpec>> columns,
            Map<String, SubjectPath> resolved,
            Set<String> visiting) {
        String where = "table " + table;
        JsonNode subject = subjects.get(table);
        if (subject == null || !subject.isObject() || subject.size() != 1) {
            problems.add(
                    where
                            + ": no subject path; declare exactly one of subject: {self: <kind>},"
                            + " {via: <reference column>} or {none: <why no person>}");
            return null;
        }
        unknownAttributes(where + " subject", subject, SUBJECT_ATTRIBUTES);
        if (subject.has("self")) {
            String kind = subject.get("self").asText();
            try {
                SubjectIds.of(kind, "1");
            } catch (IllegalArgumentException e) {
                problems.add(where + ": subject self: " + e.getMessage());
                return null;
            }
            return new SubjectPath(table, SubjectPath.Kind.SELF, kind, List.of(), null);
        }
        if (subject.has("none")) {
            String reason = subject.get("none").asText();
            if (reason.isBlank()) {
                problems.add(where + ": subject none: must say why the rows are about no person");
                return null;
            }
            return new SubjectPath(table, SubjectPath.Kind.NONE, null, List.of(), reason);
        }
        if (!subject.has("via")) {
            return null; // reported as unknown attribute
        }
        String via = subject.get("via").asText();
        ColumnSpec column = columns.getOrDefault(table, Map.of()).get(via);
        if (column == null) {
            problems.add(where + ": subject via unknown column " + via);
            return null;
        }
        if (column.references() == null) {
            problems.add(where + ": subject via " + via + ", which references no table");
            return null;
        }
        String next = column.references().table();
        if (!columns.containsKey(next)) {
            return null; // reported by checkReferences
        }
        SubjectPath rest = resolveSubjectPath(next, subjects, columns, resolved, visiting);
        if (rest == null) {
            return null;
        }
        if (!rest.hasSubject()) {
            problems.add(
                    where
                            + ": subject via "
                            + via
                            + " leads to table "
                            + next
                            + ", which has no data subject");
            return null;
        }
        List<Reference> hops = new ArrayList<>();
        hops.add(new Reference(column.ref(), column.references()));
        hops.addAll(rest.hops());
        return new SubjectPath(table, SubjectPath.Kind.VIA, rest.subjectKind(), hops, null);
    }

    private boolean bool(String where, JsonNode node, String attribute, boolean fallback) {
        JsonNode value = node.get(attribute);
        if (value == null) {
            return fallback;
        }
        if (!value.isBoolean()) {
            problems.add(where + ": " + attribute + " must be true or false");
            return fallback;
        }
        return value.booleanValue();
    }

    private void unknownAttributes(String where, JsonNode node, Set<String> known) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                problems.add(
                        where
                                + ": unknown attribute '"
                                + name
                                + "' (known: "
                                + String.join(", ", new java.util.TreeSet<>(known))
                                + ")");
            }
        }
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? "" : node.asText();
    }
}
