package dev.lethe.jobs.audit;

import dev.lethe.catalog.ColumnRef;
import dev.lethe.catalog.DataCategory;
import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.catalog.Reference;
import dev.lethe.catalog.SubjectPath;
import dev.lethe.events.ChangeEvent;
import dev.lethe.events.Operation;
import dev.lethe.keys.SubjectIds;
import dev.lethe.normalize.EntityId;
import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How the audit job finds the data subject of a row from the changelog alone, per the catalog's
 * subject paths, without reading the helpdesk.
 *
 * <ul>
 *   <li>{@code self} ({@code contacts/42} -> {@code contact:42}) and one hop ({@code
 *       tickets.contact_id}): from the row itself ({@link #subjectOfRow}).
 *   <li>Two hops ({@code threads.ticket_id -> tickets.contact_id}): the first hop's value names the
 *       <em>target row</em> ({@code tickets/10}), whose next-hop column ({@code contact_id}) is
 *       known from the target table's own changes. Such a change is keyed by the target row's
 *       entity id ({@link #resolutionKey}), the key the target row's own changes have anyway, so
 *       {@link ResolveRowSubjects} sees both and keeps the target's next-hop value per LSN.
 * </ul>
 *
 * <p>Refused with a message naming the table: a path of more than two hops ({@code attachments via
 * thread_id -> threads.ticket_id -> tickets.contact_id} would need the thread's ticket at the
 * attachment's LSN, another keyed hop the job does not have), a first hop that does not point at
 * its table's own id (the target's changes would come under another key), and two paths that need
 * different columns of the same target table.
 *
 * <p>Immutable and serializable (it travels in the job graph as the key selector's state).
 */
final class RowSubjectPaths implements Serializable {

    private static final long serialVersionUID = 1L;

    /** A table whose rows reach their subject through another table's row. */
    private record TwoHops(String targetTable, String targetKey, String firstHopColumn)
            implements Serializable {}

    /**
     * Per table, the path as far as the job needs it: its kind, the subject kind at its end and the
     * column of the first hop (null for self and none).
     */
    private record Path(SubjectPath.Kind kind, String subjectKind, String firstHopColumn)
            implements Serializable {
        String subjectId(String id) {
            return SubjectIds.of(subjectKind, id);
        }
    }

    private final Map<String, Path> paths = new HashMap<>();

    private final Map<String, TwoHops> twoHops = new HashMap<>();

    /** Target table -> the column of it the paths through it continue with. */
    private final Map<String, String> nextHopColumn = new HashMap<>();

    private RowSubjectPaths() {}

    /**
     * The paths of every table of {@code catalog}.
     *
     * @throws IllegalArgumentException if a path is one the job cannot follow from the changelog
     */
    static RowSubjectPaths of(PersonalDataCatalog catalog) {
        RowSubjectPaths p = new RowSubjectPaths();
        for (String table : catalog.tables()) {
            SubjectPath path = catalog.subjectPath(table);
            p.paths.put(
                    table,
                    new Path(
                            path.kind(),
                            path.subjectKind(),
                            path.hops().isEmpty() ? null : path.hops().get(0).from().column()));
            if (path.kind() != SubjectPath.Kind.VIA || path.hops().size() == 1) {
                continue;
            }
            List<Reference> hops = path.hops();
            if (hops.size() > 2) {
                throw new IllegalArgumentException(
                        "table "
                                + table
                                + ": subject path "
                                + hops
                                + " has "
                                + hops.size()
                                + " hops; the audit job follows at most two (a reference, then"
                                + " the referenced row's own reference, kept from that table's"
                                + " changes). Point the table's subject at a column one hop from"
                                + " the subject's table.");
            }
            ColumnRef target = hops.get(0).to();
            boolean targetIsKey =
                    catalog.column(target.table(), target.column())
                            .map(c -> c.category() == DataCategory.IDENTIFIER)
                            .orElse(false);
            if (!targetIsKey || !hops.get(1).from().table().equals(target.table())) {
                throw new IllegalArgumentException(
                        "table "
                                + table
                                + ": subject path "
                                + hops
                                + " must first point at the id of the table it continues from");
            }
            String next = hops.get(1).from().column();
            String known = p.nextHopColumn.putIfAbsent(target.table(), next);
            if (known != null && !known.equals(next)) {
                throw new IllegalArgumentException(
                        "table "
                                + table
                                + ": subject path "
                                + hops
                                + " continues from "
                                + target.table()
                                + "."
                                + next
                                + ", another path from "
                                + target.table()
                                + "."
                                + known
                                + "; the audit job keeps one column per table");
            }
            p.twoHops.put(
                    table,
                    new TwoHops(target.table(), target.column(), hops.get(0).from().column()));
        }
        return p;
    }

    /** Whether rows of {@code table} reach their subject through another table's row. */
    boolean followsTarget(String table) {
        return twoHops.containsKey(table);
    }

    /** Whether rows of {@code table} are the target of a two-hop path (tickets). */
    boolean isTarget(String table) {
        return nextHopColumn.containsKey(table);
    }

    /**
     * The key {@link ResolveRowSubjects} keeps a change under: the entity id of the target row for
     * a two-hop table ({@code tickets/10} for a thread of ticket 10), else the change's own entity
     * id.
     */
    String resolutionKey(ChangeEvent change) {
        TwoHops hops = twoHops.get(change.getTable());
        if (hops != null) {
            String value = firstHopValue(change, hops);
            if (value != null) {
                return EntityId.of(hops.targetTable(), Map.of(hops.targetKey(), value));
            }
        }
        return EntityId.of(change);
    }

    /** Whether the change of a two-hop table names its target row (its first hop is not null). */
    boolean namesTarget(ChangeEvent change) {
        TwoHops hops = twoHops.get(change.getTable());
        return hops != null && firstHopValue(change, hops) != null;
    }

    /**
     * The next-hop value a change of a target table leaves its row with ({@code contact_id}): null
     * once the row is deleted or if the column is SQL NULL.
     */
    String nextHopValueAfter(ChangeEvent change) {
        if (change.getOp() == Operation.DELETE || change.getAfter() == null) {
            return null;
        }
        return change.getAfter().get(nextHopColumn.get(change.getTable()));
    }

    /**
     * The subject a two-hop row has when its target's next-hop value is {@code value}: {@code
     * contact:<value>}; empty for null or a value that is no valid subject id.
     */
    Optional<String> subjectThroughTarget(String table, String value) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(paths.get(table).subjectId(value));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * The subject of a row that names it itself: the row ({@code contacts/42} -> {@code
     * contact:42}) or the row its one-hop reference points to ({@code tickets.contact_id}). Empty
     * for a table without subject, a two-hop table (see {@link ResolveRowSubjects}), or a row whose
     * reference is null.
     */
    Optional<String> subjectOfRow(ChangeEvent change) {
        Path path = paths.get(change.getTable());
        if (path == null || twoHops.containsKey(change.getTable())) {
            return Optional.empty();
        }
        Map<String, String> row =
                change.getAfter() != null ? change.getAfter() : change.getBefore();
        try {
            switch (path.kind()) {
                case SELF:
                    {
                        Map<String, String> key = change.getKey();
                        String id = key.size() == 1 ? key.values().iterator().next() : null;
                        return id == null ? Optional.empty() : Optional.of(path.subjectId(id));
                    }
                case VIA:
                    {
                        String value = row == null ? null : row.get(path.firstHopColumn());
                        return value == null
                                ? Optional.empty()
                                : Optional.of(path.subjectId(value));
                    }
                default:
                    return Optional.empty();
            }
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // not a valid subject id: drafted as unresolved
        }
    }

    private static String firstHopValue(ChangeEvent change, TwoHops hops) {
        Map<String, String> row =
                change.getAfter() != null ? change.getAfter() : change.getBefore();
        return row == null ? null : row.get(hops.firstHopColumn());
    }
}
