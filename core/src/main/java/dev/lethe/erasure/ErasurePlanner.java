package dev.lethe.erasure;

import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.discovery.KnownSubject;
import dev.lethe.discovery.LocationDocument;
import dev.lethe.discovery.PiiKind;
import dev.lethe.discovery.SubjectDirectory;
import dev.lethe.retention.HelpdeskRowGraph;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Plans the erasure of one data subject, for the erasure processor and for {@code subject erase
 * --dry-run}: which records are the person's (their own row and every record whose catalog subject
 * path leads to them), what a delete of those takes with it ({@link HelpdeskRowGraph}'s walk),
 * which mentions of the person in other people's texts to redact, and an open ticket that blocks
 * the request. Reads only; the purge executor re-checks everything under its locks.
 */
public final class ErasurePlanner {

    private static final Set<String> CLOSED_TICKET = Set.of("solved", "closed");

    private final PersonalDataCatalog catalog;
    private final HelpdeskRowGraph graph;
    private final SubjectDirectory subjects;

    public ErasurePlanner(HelpdeskRowGraph graph, SubjectDirectory subjects) {
        this.catalog = graph.catalog();
        this.graph = graph;
        this.subjects = subjects;
    }

    /**
     * The plan for {@code subjectId} on the database as {@code c} reads it (read only), given the
     * locations the discovery index attributes to the person.
     */
    public ErasurePlan plan(Connection c, String subjectId, List<LocationDocument> locations)
            throws SQLException {
        String own = catalog.subjectRecord(subjectId);
        Set<String> erase = new LinkedHashSet<>();
        KnownSubject subject = new KnownSubject(subjectId, null, null, Map.of());
        Set<String> identifiers = new TreeSet<>();
        Set<String> names = new TreeSet<>();
        Set<String> dependents = new LinkedHashSet<>();
        Map<String, Map<String, Set<String>>> redact = new TreeMap<>();
        String openTicket = null;
        Map<String, String> ownRow = read(c, own);
        if (ownRow != null) {
            erase.add(own);
            dependentsOf(c, table(own), id(own), dependents);
            subject = subjects.subjectOf(table(own), subjectId, ownRow);
        }
        for (LocationDocument d : locations) {
            String record = d.recordId();
            if (erase.contains(record) || dependents.contains(record)) {
                continue;
            }
            Map<String, String> row = read(c, record);
            if (row == null) {
                continue;
            }
            if (graph.subjectsOf(c, table(record), row).contains(subjectId)) {
                erase.add(record);
                dependentsOf(c, table(record), id(record), dependents);
            } else if (d.value() != null && d.spanStart() != null && isText(d)) {
                redact.computeIfAbsent(record, k -> new TreeMap<>())
                        .computeIfAbsent(d.column(), k -> new TreeSet<>())
                        .add(d.value());
                if (PiiKind.NAME.code().equals(d.kind())) {
                    names.add(d.value());
                } else {
                    identifiers.add(d.value());
                }
            }
        }
        dependents.removeAll(erase);
        for (String record : erase) {
            if (record.startsWith("tickets/")) {
                Map<String, String> row = read(c, record);
                if (row != null && !CLOSED_TICKET.contains(row.get("status"))) {
                    openTicket = record;
                }
            }
        }
        for (String record : dependents) {
            if (openTicket == null && record.startsWith("tickets/")) {
                Map<String, String> row = read(c, record);
                if (row != null
                        && row.get("deleted_at") == null
                        && !CLOSED_TICKET.contains(row.get("status"))) {
                    openTicket = record;
                }
            }
        }
        return new ErasurePlan(
                List.copyOf(erase),
                List.copyOf(dependents),
                redact,
                openTicket,
                new MentionRedactor.Person(subject, identifiers, names));
    }

    /**
     * Whether the location is in a scanned text column, or in a scanned key of a JSON column
     * ({@code custom_fields.order_ref}; discovery names a finding there so).
     */
    boolean isText(LocationDocument d) {
        String column = d.column();
        int dot = column.indexOf('.');
        String base = dot < 0 ? column : column.substring(0, dot);
        if (dot < 0
                && catalog.table(d.table()).isPresent()
                && catalog.column(d.table(), base).isEmpty()) {
            // a column the catalog does not classify is scanned as free text (fail safe): what
            // discovery found there is redacted like in any text
            return true;
        }
        return catalog.freeTextColumns(d.table()).stream()
                .anyMatch(
                        col ->
                                col.ref().column().equals(base)
                                        && (dot < 0 || col.encrypted().isPresent()));
    }

    /** Rows deleted together with {@code table/id} (read only; the executor's walk). */
    private void dependentsOf(Connection c, String table, long id, Set<String> out)
            throws SQLException {
        for (HelpdeskRowGraph.Dependent d : graph.dependents(c, table, id, false)) {
            out.add(d.entityId());
        }
    }

    private static Map<String, String> read(Connection c, String record) throws SQLException {
        return HelpdeskRowGraph.read(c, table(record), id(record), false);
    }

    private static String table(String record) {
        return record.substring(0, record.indexOf('/'));
    }

    private static long id(String record) {
        return Long.parseLong(record.substring(record.indexOf('/') + 1));
    }
}
