package dev.lethe.catalog;

import dev.lethe.keys.SubjectIds;
import java.util.List;
import java.util.Optional;

/**
 * How to find the data subject a row of a table is about.
 *
 * <ul>
 *   <li>{@link Kind#SELF}: the row is the subject (contacts, agents): subject id {@code
 *       <subjectKind>:<id>}, e.g. {@code contact:42}; {@link #hops()} is empty.
 *   <li>{@link Kind#VIA}: follow {@link #hops()} in order, each from a column of this row to the
 *       row it references, to the table that is its own subject. threads: {@code threads.ticket_id
 *       -> tickets.id}, {@code tickets.contact_id -> contacts.id}; the last hop's target value is
 *       the subject's id.
 *   <li>{@link Kind#NONE}: the row is about no natural person ({@link #noneReason()} says why).
 * </ul>
 *
 * @param table the table whose rows this path starts from
 * @param kind self, via or none
 * @param subjectKind the subject kind at the end ({@code contact}, {@code agent}); null for none
 * @param hops the references to follow; empty for self and none
 * @param noneReason why there is no subject; null unless none
 */
public record SubjectPath(
        String table, Kind kind, String subjectKind, List<Reference> hops, String noneReason) {

    /** The shape of a subject path. */
    public enum Kind {
        SELF,
        VIA,
        NONE
    }

    public SubjectPath {
        hops = List.copyOf(hops);
    }

    /** Whether rows of the table are about a data subject at all. */
    public boolean hasSubject() {
        return kind != Kind.NONE;
    }

    /**
     * The table that is its own subject at the end of the path ({@code contacts}); empty for none.
     */
    public Optional<String> subjectTable() {
        switch (kind) {
            case SELF:
                return Optional.of(table);
            case VIA:
                return Optional.of(hops.get(hops.size() - 1).to().table());
            default:
                return Optional.empty();
        }
    }

    /**
     * The subject id for the id found at the end of the path: {@code subjectId("42")} is {@code
     * contact:42} for contacts and for every table whose path ends at contacts.
     *
     * @throws IllegalStateException for a table without subject
     */
    public String subjectId(String subjectTableId) {
        if (!hasSubject()) {
            throw new IllegalStateException("table " + table + " has no data subject");
        }
        return SubjectIds.of(subjectKind, subjectTableId);
    }
}
