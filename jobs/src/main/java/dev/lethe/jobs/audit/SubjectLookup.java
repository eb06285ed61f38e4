package dev.lethe.jobs.audit;

import java.io.Serializable;
import java.util.Optional;

/**
 * Reads one column of one helpdesk row, to follow a subject path past the row at hand (a thread's
 * {@code ticket_id} to the ticket's {@code contact_id}). Implementations read the helpdesk database
 * read-only ({@link JdbcSubjectLookup}).
 */
public interface SubjectLookup extends AutoCloseable {

    /**
     * {@code SELECT column FROM table WHERE keyColumn = keyValue}; empty if there is no such row or
     * the value is SQL NULL.
     */
    Optional<String> value(String table, String keyColumn, String keyValue, String column);

    @Override
    default void close() throws Exception {}

    /** Opens a lookup where the job runs (so no connection or password is in the job graph). */
    interface Factory extends Serializable {
        SubjectLookup open() throws Exception;
    }
}
