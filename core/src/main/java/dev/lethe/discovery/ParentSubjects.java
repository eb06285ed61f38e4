package dev.lethe.discovery;

import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.catalog.Reference;
import dev.lethe.catalog.SubjectPath;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The data subject of a row that another row hangs under: the contact of the ticket a comment, a
 * thread message or an attachment belongs to ({@link LocationDocument#parentRecord()}). Discovery
 * reads a national phone number in a text in its writer's regions; an agent has none, so in a row
 * written inside a ticket the ticket's contact's regions are used after the writer's.
 */
@FunctionalInterface
public interface ParentSubjects {

    /**
     * The subject id ({@code contact:7}) of the row {@code recordId} ({@code tickets/42}), or empty
     * if it is not known (the row is gone, unreadable, or its table has no subject).
     */
    Optional<String> subjectOf(String recordId);

    /** Knows no parent: a row's writer's regions come from the row alone. */
    ParentSubjects NONE = recordId -> Optional.empty();

    /**
     * Follows the catalog's subject path of the parent's table, reading each hop's reference column
     * with {@code reader} ({@code tickets/42}: {@code tickets.contact_id} of row 42 is 7, so {@code
     * contact:7}). Only references to a table's {@code id} are followed.
     */
    static ParentSubjects following(PersonalDataCatalog catalog, RowReader reader) {
        return recordId -> {
            int slash = recordId.indexOf('/');
            if (slash <= 0 || slash == recordId.length() - 1) {
                return Optional.empty();
            }
            String table = recordId.substring(0, slash);
            String id = recordId.substring(slash + 1);
            if (catalog.table(table).isEmpty()) {
                return Optional.empty();
            }
            SubjectPath path = catalog.subjectPath(table);
            if (path.kind() == SubjectPath.Kind.SELF) {
                return Optional.of(path.subjectId(id));
            }
            if (path.kind() != SubjectPath.Kind.VIA) {
                return Optional.empty();
            }
            String record = recordId;
            String target = null;
            for (Reference hop : path.hops()) {
                if (!hop.to().column().equals("id")) {
                    return Optional.empty();
                }
                target =
                        reader.read(hop.from().table(), record, hop.from().column())
                                .map(String::strip)
                                .filter(v -> !v.isEmpty())
                                .orElse(null);
                if (target == null) {
                    return Optional.empty();
                }
                record = hop.to().table() + "/" + target;
            }
            return Optional.of(path.subjectId(target));
        };
    }

    /**
     * Remembers the last {@code capacity} subjects {@code parents} found (a ticket's threads and
     * comments ask for the same ticket); a parent not found (gone, or unreadable for a moment) is
     * asked again next time. A ticket moved to another contact is seen once its entry has left the
     * cache; until then its rows are read in the former contact's regions, which only orders the
     * regions tried. Not thread-safe.
     */
    static ParentSubjects caching(ParentSubjects parents, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        Map<String, String> cache =
                new LinkedHashMap<>(16, 0.75f, true) {
                    private static final long serialVersionUID = 1L;

                    @Override
                    protected boolean removeEldestEntry(Map.Entry<String, String> e) {
                        return size() > capacity;
                    }
                };
        return recordId -> {
            String known = cache.get(recordId);
            if (known != null) {
                return Optional.of(known);
            }
            Optional<String> found = parents.subjectOf(recordId);
            found.ifPresent(s -> cache.put(recordId, s));
            return found;
        };
    }
}
