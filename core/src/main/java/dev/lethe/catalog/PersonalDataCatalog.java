package dev.lethe.catalog;

import dev.lethe.keys.SubjectIds;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The personal-data catalog: per helpdesk table and column, what it holds, whether it is personal,
 * whether and how it identifies a data subject, which columns discovery scans as free text, how
 * tables reference each other, and for each table how to find the data subject of a row.
 *
 * <p>The catalog is one reviewable YAML file, {@code config/personal-data-catalog.yaml} in the
 * repository. The core module's build copies that very file onto its classpath as {@value
 * #DEFAULT_RESOURCE} (there is no second copy to keep in sync); {@link #loadDefault()} reads it
 * from there, {@link #load(Path)} reads an operator's own file.
 *
 * <p>Loading validates the whole file and reports every problem at once ({@link
 * CatalogException#problems()}): unknown categories or identifier kinds, references to unknown
 * tables or columns, a table without a subject path, subject paths that run in circles or lead to a
 * table about no person. A column the helpdesk has and the catalog does not declare is a schema
 * change that must be reviewed: {@link #unknownColumns} reports it.
 *
 * <p>Immutable and thread-safe.
 */
public final class PersonalDataCatalog {

    /** Where the shipped catalog is on the classpath. */
    public static final String DEFAULT_RESOURCE = "/dev/lethe/catalog/personal-data-catalog.yaml";

    private final Map<String, TableSpec> tables;

    private PersonalDataCatalog(Map<String, TableSpec> tables) {
        this.tables = Collections.unmodifiableMap(new LinkedHashMap<>(tables));
    }

    /**
     * Reads and validates a catalog file.
     *
     * @throws CatalogException if the file is not a valid catalog (listing every problem)
     * @throws UncheckedIOException if the file cannot be read
     */
    public static PersonalDataCatalog load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return new PersonalDataCatalog(CatalogParser.parse(in, file.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read personal-data catalog " + file, e);
        }
    }

    /**
     * Reads and validates a catalog from a stream (not closed).
     *
     * @throws CatalogException if it is not a valid catalog (listing every problem)
     */
    public static PersonalDataCatalog load(InputStream in) {
        return new PersonalDataCatalog(CatalogParser.parse(in, "<stream>"));
    }

    /** The catalog shipped with Lethe ({@value #DEFAULT_RESOURCE}). */
    public static PersonalDataCatalog loadDefault() {
        try (InputStream in = PersonalDataCatalog.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(
                        DEFAULT_RESOURCE + " is not on the classpath (is lethe-core built?)");
            }
            return new PersonalDataCatalog(CatalogParser.parse(in, DEFAULT_RESOURCE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + DEFAULT_RESOURCE, e);
        }
    }

    /**
     * This catalog with the columns classified at run time added ({@link ColumnClassification}): a
     * classification applies to a column of a declared table that the catalog file does not
     * declare; the file stays the reviewed source of everything it declares, so a classification of
     * a declared column or of a table the catalog does not know is ignored. For several
     * classifications of one column the last one given wins. Returns this catalog when nothing
     * applies.
     */
    public PersonalDataCatalog withClassifications(Collection<ColumnClassification> classified) {
        Map<String, Map<String, ColumnSpec>> added = new LinkedHashMap<>();
        for (ColumnClassification c : classified) {
            TableSpec spec = tables.get(c.table());
            if (spec == null || spec.columns().containsKey(c.column())) {
                continue;
            }
            added.computeIfAbsent(c.table(), t -> new LinkedHashMap<>())
                    .put(c.column(), c.toSpec());
        }
        if (added.isEmpty()) {
            return this;
        }
        Map<String, TableSpec> merged = new LinkedHashMap<>(tables);
        added.forEach(
                (table, columns) -> {
                    TableSpec spec = tables.get(table);
                    Map<String, ColumnSpec> all = new LinkedHashMap<>(spec.columns());
                    all.putAll(columns);
                    merged.put(table, new TableSpec(table, spec.subjectPath(), all, spec.note()));
                });
        return new PersonalDataCatalog(merged);
    }

    /** The declared tables, in catalog order. */
    public Set<String> tables() {
        return tables.keySet();
    }

    /**
     * The table whose rows are the data subjects of {@code kind} ({@code contacts} for {@code
     * contact}): the table declared {@code subject: self: <kind>}; empty for a kind the catalog
     * does not declare.
     */
    public Optional<String> subjectTable(String kind) {
        for (TableSpec t : tables.values()) {
            SubjectPath p = t.subjectPath();
            if (p.kind() == SubjectPath.Kind.SELF && p.subjectKind().equals(kind)) {
                return Optional.of(t.name());
            }
        }
        return Optional.empty();
    }

    /** The subject kinds the catalog declares ({@code subject: self: <kind>}), sorted. */
    public Set<String> subjectKinds() {
        Set<String> kinds = new TreeSet<>();
        for (TableSpec t : tables.values()) {
            if (t.subjectPath().kind() == SubjectPath.Kind.SELF) {
                kinds.add(t.subjectPath().subjectKind());
            }
        }
        return kinds;
    }

    /**
     * The row a subject is, as an entity id: {@code contacts/42} for {@code contact:42}.
     *
     * @throws IllegalArgumentException for a malformed subject id or a kind the catalog does not
     *     declare (the message lists the declared kinds)
     */
    public String subjectRecord(String subjectId) {
        String kind = SubjectIds.kind(subjectId);
        String table =
                subjectTable(kind)
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                "subject kind '"
                                                        + kind
                                                        + "' is not declared in the catalog"
                                                        + " (declared: "
                                                        + String.join(", ", subjectKinds())
                                                        + ")"));
        return table + "/" + SubjectIds.id(subjectId);
    }

    /**
     * The columns of {@code table} whose value is the key of a stored file ({@code stores_file:
     * true}): a purge of the row deletes the file too.
     */
    public List<ColumnSpec> fileColumns(String table) {
        return table(table)
                .map(t -> t.columns().values().stream().filter(ColumnSpec::storesFile).toList())
                .orElse(List.of());
    }

    /** The declaration of {@code table}, if the catalog has it. */
    public Optional<TableSpec> table(String table) {
        return Optional.ofNullable(tables.get(table));
    }

    /** The declaration of {@code table.column}, if the catalog has it. */
    public Optional<ColumnSpec> column(String table, String column) {
        return table(table).flatMap(t -> t.column(column));
    }

    /**
     * The columns of {@code columns} the catalog does not declare for {@code table}, sorted: all of
     * them if the table itself is unknown. Non-empty means the helpdesk schema changed and the
     * catalog must be reviewed; callers report it, never ignore it.
     */
    public Set<String> unknownColumns(String table, Set<String> columns) {
        TableSpec spec = tables.get(table);
        return columns.stream()
                .filter(c -> spec == null || !spec.columns().containsKey(c))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * The columns of {@code table} holding personal data, in catalog order.
     *
     * @throws IllegalArgumentException if the table is not in the catalog
     */
    public List<ColumnSpec> personalColumns(String table) {
        return columns(table).stream().filter(ColumnSpec::personal).collect(Collectors.toList());
    }

    /**
     * The columns of {@code table} that identify a data subject, and how, in catalog order (e.g.
     * contacts: id -> contact_id, email -> email, phone -> phone, mobile -> phone, twitter_handle
     * -> handle).
     *
     * @throws IllegalArgumentException if the table is not in the catalog
     */
    public Map<String, IdentifierKind> subjectIdentifyingColumns(String table) {
        Map<String, IdentifierKind> identifying = new LinkedHashMap<>();
        for (ColumnSpec column : columns(table)) {
            column.identifier().ifPresent(kind -> identifying.put(column.name(), kind));
        }
        return Collections.unmodifiableMap(identifying);
    }

    /**
     * The columns of {@code table} that discovery scans as free text ({@code scan}), in catalog
     * order.
     *
     * @throws IllegalArgumentException if the table is not in the catalog
     */
    public List<ColumnSpec> freeTextColumns(String table) {
        return columns(table).stream().filter(ColumnSpec::scan).collect(Collectors.toList());
    }

    /**
     * The JSON columns of {@code table} with encrypted keys ({@code tickets.custom_fields}).
     *
     * @throws IllegalArgumentException if the table is not in the catalog
     */
    public List<ColumnSpec> encryptedKeyColumns(String table) {
        return columns(table).stream()
                .filter(c -> c.encryptedKeys() != null)
                .collect(Collectors.toList());
    }

    /**
     * How to find the data subject of a row of {@code table}.
     *
     * @throws IllegalArgumentException if the table is not in the catalog
     */
    public SubjectPath subjectPath(String table) {
        return require(table).subjectPath();
    }

    /** Every reference (foreign key) between tables, in catalog order. */
    public List<Reference> references() {
        List<Reference> references = new ArrayList<>();
        for (TableSpec table : tables.values()) {
            for (ColumnSpec column : table.columns().values()) {
                column.referenced()
                        .ifPresent(to -> references.add(new Reference(column.ref(), to)));
            }
        }
        return Collections.unmodifiableList(references);
    }

    /**
     * The references pointing at {@code table}: for contacts, {@code tickets.contact_id} and {@code
     * consents.contact_id}; for tickets, those of threads, comments and attachments.
     */
    public List<Reference> referencing(String table) {
        return references().stream()
                .filter(r -> r.to().table().equals(table))
                .collect(Collectors.toUnmodifiableList());
    }

    private List<ColumnSpec> columns(String table) {
        return List.copyOf(require(table).columns().values());
    }

    private TableSpec require(String table) {
        TableSpec spec = tables.get(table);
        if (spec == null) {
            throw new IllegalArgumentException(
                    "table " + table + " is not in the personal-data catalog");
        }
        return spec;
    }
}
