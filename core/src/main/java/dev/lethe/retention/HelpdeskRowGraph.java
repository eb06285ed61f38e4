package dev.lethe.retention;

import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.catalog.Reference;
import dev.lethe.catalog.SubjectPath;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The helpdesk's rows as the purge executor and the erasure processor see them, read once here for
 * both: a row by id (locked or not), the data subjects of a row along its catalog subject path, and
 * the rows a delete of a row takes with it (the rows whose subject path runs through it: a ticket's
 * threads, comments and attachments; a contact's tickets and consents, recursively).
 *
 * <p>Tables and columns come from the catalog and are quoted; values are bound, never spliced. Rows
 * are {@code column -> text} as PostgreSQL renders them.
 */
public final class HelpdeskRowGraph {

    /** One row a delete takes with it, with the row as read. */
    public record Dependent(String table, long id, Map<String, String> row) {
        /** Its entity id, {@code threads/7}. */
        public String entityId() {
            return table + "/" + id;
        }
    }

    private final PersonalDataCatalog catalog;

    public HelpdeskRowGraph(PersonalDataCatalog catalog) {
        this.catalog = catalog;
    }

    public PersonalDataCatalog catalog() {
        return catalog;
    }

    /** The row {@code table/id}, {@code FOR UPDATE} if {@code lock}; null if it does not exist. */
    public static Map<String, String> read(Connection c, String table, long id, boolean lock)
            throws SQLException {
        try (PreparedStatement s =
                c.prepareStatement(
                        "SELECT * FROM "
                                + quote(table)
                                + " WHERE id = ?"
                                + (lock ? " FOR UPDATE" : ""))) {
            s.setLong(1, id);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return null;
                }
                ResultSetMetaData m = r.getMetaData();
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 1; i <= m.getColumnCount(); i++) {
                    row.put(m.getColumnName(i), r.getString(i));
                }
                return row;
            }
        }
    }

    /** The data subjects of a row, by following its catalog subject path (empty: none). */
    public List<String> subjectsOf(Connection c, String table, Map<String, String> row)
            throws SQLException {
        SubjectPath path = catalog.subjectPath(table);
        if (!path.hasSubject()) {
            return List.of();
        }
        if (path.kind() == SubjectPath.Kind.SELF) {
            return List.of(path.subjectId(row.get("id")));
        }
        String value = row.get(path.hops().get(0).from().column());
        for (int i = 1; i < path.hops().size() && value != null; i++) {
            Reference hop = path.hops().get(i);
            try (PreparedStatement s =
                    c.prepareStatement(
                            "SELECT "
                                    + quote(hop.from().column())
                                    + " FROM "
                                    + quote(hop.from().table())
                                    + " WHERE id = ?")) {
                s.setLong(1, Long.parseLong(value));
                try (ResultSet r = s.executeQuery()) {
                    value = r.next() ? r.getString(1) : null;
                }
            }
        }
        return value == null ? List.of() : List.of(path.subjectId(value));
    }

    /**
     * The references to {@code table} a delete of one of its rows must clear (set NULL): those of
     * tables whose subject is not found through it ({@code comments.agent_id} for agents).
     */
    public List<Reference> clearedReferences(String table) {
        return catalog.referencing(table).stream().filter(r -> !owned(r)).toList();
    }

    /**
     * Every row a delete of {@code table/id} takes with it, children before their parents (the
     * order to delete them in), each read ({@code FOR UPDATE} if {@code lock}).
     */
    public List<Dependent> dependents(Connection c, String table, long id, boolean lock)
            throws SQLException {
        return dependents(c, table, id, lock, Integer.MAX_VALUE);
    }

    /**
     * The first {@code limit} rows of {@link #dependents(Connection, String, long, boolean)}: a
     * prefix of that order, so every row in it comes after the rows it would take with it, and
     * deleting exactly these rows breaks no reference.
     */
    public List<Dependent> dependents(Connection c, String table, long id, boolean lock, int limit)
            throws SQLException {
        List<Dependent> out = new ArrayList<>();
        walk(c, table, id, lock, limit, out);
        return out;
    }

    private void walk(
            Connection c, String table, long id, boolean lock, int limit, List<Dependent> out)
            throws SQLException {
        for (Reference ref : catalog.referencing(table)) {
            if (!owned(ref)) {
                continue;
            }
            if (out.size() >= limit) {
                return;
            }
            String child = ref.from().table();
            List<Long> ids = new ArrayList<>();
            try (PreparedStatement s =
                    c.prepareStatement(
                            "SELECT id FROM "
                                    + quote(child)
                                    + " WHERE "
                                    + quote(ref.from().column())
                                    + " = ? ORDER BY id"
                                    + (limit == Integer.MAX_VALUE ? "" : " LIMIT ?")
                                    + (lock ? " FOR UPDATE" : ""))) {
                s.setLong(1, id);
                if (limit != Integer.MAX_VALUE) {
                    // each child is at least one row of the result
                    s.setLong(2, limit - out.size());
                }
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        ids.add(r.getLong(1));
                    }
                }
            }
            for (long childId : ids) {
                walk(c, child, childId, lock, limit, out);
                if (out.size() >= limit) {
                    return;
                }
                Map<String, String> row = read(c, child, childId, lock);
                if (row != null) {
                    out.add(new Dependent(child, childId, row));
                }
            }
        }
    }

    /** Whether rows of the referencing table find their subject through this reference. */
    private boolean owned(Reference ref) {
        SubjectPath childPath = catalog.subjectPath(ref.from().table());
        return childPath.kind() == SubjectPath.Kind.VIA
                && childPath.hops().get(0).from().equals(ref.from());
    }

    /** A catalog identifier, double-quoted; anything else is refused. */
    public static String quote(String identifier) {
        if (!identifier.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("not a plain identifier: " + identifier);
        }
        return "\"" + identifier + "\"";
    }
}
