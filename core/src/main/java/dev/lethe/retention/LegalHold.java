package dev.lethe.retention;

import java.io.Serializable;
import java.util.Collection;
import java.util.Objects;

/**
 * A legal hold: while it exists nothing of its subject (or its one record) is purged, by retention
 * or by erasure. Exactly one of {@code subjectId} and {@code recordId} is set.
 *
 * @param subjectId the person on hold ({@code contact:42}), or null
 * @param recordId the record on hold ({@code tickets/7}), or null
 * @param reason why (a case reference; never personal data)
 */
public record LegalHold(String subjectId, String recordId, String reason) implements Serializable {

    public LegalHold {
        if ((subjectId == null) == (recordId == null)) {
            throw new IllegalArgumentException(
                    "a legal hold names either a subject or a record, not both or neither");
        }
        Objects.requireNonNull(reason, "reason");
        if (reason.isBlank()) {
            throw new IllegalArgumentException("a legal hold needs a reason");
        }
    }

    public static LegalHold onSubject(String subjectId, String reason) {
        return new LegalHold(subjectId, null, reason);
    }

    public static LegalHold onRecord(String recordId, String reason) {
        return new LegalHold(null, recordId, reason);
    }

    /** Whether this hold covers the record {@code recordId} about {@code subjectIds}. */
    public boolean covers(String recordId, Collection<String> subjectIds) {
        return this.recordId != null
                ? this.recordId.equals(recordId)
                : subjectIds.contains(this.subjectId);
    }

    /** What the hold is on: {@code subject contact:42} or {@code record tickets/7}. */
    public String target() {
        return subjectId != null ? "subject " + subjectId : "record " + recordId;
    }
}
