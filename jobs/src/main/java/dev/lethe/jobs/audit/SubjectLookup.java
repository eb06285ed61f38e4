package dev.lethe.jobs.audit;

import dev.lethe.catalog.IdentifierKind;
import java.io.Serializable;
import java.util.Optional;
import java.util.SortedSet;

/**
 * Reads the helpdesk to find data subjects past the row at hand: one column of one row, to follow a
 * subject path (a thread's {@code ticket_id} to the ticket's {@code contact_id}), and the contacts
 * an identifier found in free text belongs to. Implementations read the helpdesk database read-only
 * ({@link JdbcSubjectLookup}).
 */
public interface SubjectLookup extends AutoCloseable {

    /**
     * {@code SELECT column FROM table WHERE keyColumn = keyValue}; empty if there is no such row or
     * the value is SQL NULL.
     */
    Optional<String> value(String table, String keyColumn, String keyValue, String column);

    /**
     * The contacts (soft-deleted ones too) that {@code normalizedValue} identifies, as subject ids
     * {@code contact:<id>}, sorted; empty if none. Email: equal ignoring case; handle: equal
     * ignoring case and the leading {@code @}; phone (E.164): the same number as the contact's
     * {@code phone} or {@code mobile} however that is written. Other kinds identify no contact
     * here.
     *
     * @param normalizedValue as the discovery detectors normalize it (lower-case email, lower-case
     *     handle with its {@code @}, E.164 phone)
     */
    SortedSet<String> contactsIdentifiedBy(IdentifierKind kind, String normalizedValue);

    @Override
    default void close() throws Exception {}

    /** Opens a lookup where the job runs (so no connection or password is in the job graph). */
    interface Factory extends Serializable {
        SubjectLookup open() throws Exception;
    }
}
