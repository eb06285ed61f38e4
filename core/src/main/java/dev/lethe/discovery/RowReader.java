package dev.lethe.discovery;

import java.util.Optional;

/**
 * Reads one column of one helpdesk row by its primary key ({@code SELECT column FROM table WHERE id
 * = ?}): the reads of the helpdesk's own tables discovery makes beyond the captured change.
 */
@FunctionalInterface
public interface RowReader {

    /**
     * The current value of {@code table.column} of the row {@code recordId} ({@code tickets/42}),
     * or empty if the row is gone, the value is null or cannot be read now.
     */
    Optional<String> read(String table, String recordId, String column);
}
