package dev.lethe.discovery;

import java.util.Optional;

/**
 * Reads back a column value the capture replaced by its digest because of its size ({@code
 * lethe-oversized:v1:<bytes>:<digest>}, written by the Connect transformation {@code
 * BoundValueSizes}), so that discovery scans the whole text. This is the one read of the helpdesk's
 * own tables that discovery makes for a change, and only for such values; the value read is the
 * row's current one.
 */
public interface OversizedText {

    /** What every such marker starts with (the capture transformation's format). */
    String MARKER_PREFIX = "lethe-oversized:v1:";

    /** Whether {@code value} is a marker of a value left out for its size. */
    static boolean isMarker(String value) {
        return value != null && value.startsWith(MARKER_PREFIX);
    }

    /**
     * The current value of {@code table.column} of the row {@code recordId} ({@code tickets/42}),
     * or empty if the row is gone or the value cannot be read now.
     */
    Optional<String> read(String table, String recordId, String column);

    /** Reads nothing: an oversized value is located as such, unscanned. */
    OversizedText NONE = (table, recordId, column) -> Optional.empty();
}
