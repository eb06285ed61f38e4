package dev.lethe.discovery;

import java.util.Optional;

/**
 * Reads back a column value the capture replaced by its digest because of its size ({@code
 * lethe-oversized:v1:<bytes>:<digest>}, written by the Connect transformation {@code
 * BoundValueSizes}), so that discovery scans the whole text; the value read is the row's current
 * one. (The other read discovery makes is the subject of a row's parent, {@link ParentSubjects}.)
 */
public interface OversizedText extends RowReader {

    /** What every such marker starts with (the capture transformation's format). */
    String MARKER_PREFIX = "lethe-oversized:v1:";

    /** Whether {@code value} is a marker of a value left out for its size. */
    static boolean isMarker(String value) {
        return value != null && value.startsWith(MARKER_PREFIX);
    }

    /** Reads nothing: an oversized value is located as such, unscanned. */
    OversizedText NONE = (table, recordId, column) -> Optional.empty();
}
