package dev.lethe.discovery;

import java.time.Instant;
import java.util.List;

/**
 * Location documents for tests: a declared column's value or a finding in free text, with the
 * fields a test does not look at filled in plausibly (a fixed time, source LSN 1, no parent record,
 * not soft-deleted) and the ids the discovery job gives them ({@link LocationDocument#declaredId},
 * {@link LocationDocument#findingId}).
 */
public final class TestLocations {

    /** The time every test location was last changed at unless told otherwise. */
    public static final Instant AT = Instant.parse("2025-03-14T09:26:53Z");

    private TestLocations() {}

    /** {@code subject}'s {@code value} in the declared column {@code record}'s {@code column}. */
    public static Builder declared(
            String subject, String record, String column, String kind, String value) {
        return new Builder(subject, record, column, kind, value)
                .id(LocationDocument.declaredId(record, column))
                .detector(LocationDocument.DECLARED)
                .category(kind)
                .confidence(1.0)
                .reason("declared " + kind + " column");
    }

    /**
     * {@code subject}'s {@code value} found in the free text of {@code record}'s {@code column} at
     * {@code start}, by the detector named like {@code kind}.
     */
    public static Builder found(
            String subject, String record, String column, String kind, String value, int start) {
        return new Builder(subject, record, column, kind, value)
                .id(LocationDocument.findingId(record, column, kind, start))
                .detector(kind)
                .category("free_text")
                .confidence(0.9)
                .span(start, start + (value == null ? 1 : value.length()))
                .reason("found in free text");
    }

    /** A location under construction; {@link #build} makes the document. */
    public static final class Builder {
        private String id;
        private List<String> subjects;
        private final String kind;
        private final String value;
        private final String record;
        private final String column;
        private String category;
        private String detector;
        private double confidence;
        private Integer spanStart;
        private Integer spanEnd;
        private String reason;
        private Instant lastChanged = AT;
        private long sourceLsn = 1;
        private String parentRecord;
        private boolean softDeleted;

        private Builder(String subject, String record, String column, String kind, String value) {
            this.subjects = subject == null ? List.of() : List.of(subject);
            this.record = record;
            this.column = column;
            this.kind = kind;
            this.value = value;
        }

        public Builder id(String id) {
            this.id = id;
            return this;
        }

        public Builder subjects(List<String> subjects) {
            this.subjects = List.copyOf(subjects);
            return this;
        }

        public Builder category(String category) {
            this.category = category;
            return this;
        }

        public Builder detector(String detector) {
            this.detector = detector;
            return this;
        }

        public Builder confidence(double confidence) {
            this.confidence = confidence;
            return this;
        }

        public Builder span(int start, int end) {
            this.spanStart = start;
            this.spanEnd = end;
            return this;
        }

        public Builder reason(String reason) {
            this.reason = reason;
            return this;
        }

        public Builder lastChanged(Instant lastChanged) {
            this.lastChanged = lastChanged;
            return this;
        }

        public Builder sourceLsn(long sourceLsn) {
            this.sourceLsn = sourceLsn;
            return this;
        }

        /** The record whose subject wrote the text (a mention in someone else's record). */
        public Builder parentRecord(String parentRecord) {
            this.parentRecord = parentRecord;
            return this;
        }

        public Builder softDeleted(boolean softDeleted) {
            this.softDeleted = softDeleted;
            return this;
        }

        public LocationDocument build() {
            return new LocationDocument(
                    id,
                    subjects,
                    kind,
                    value,
                    record.substring(0, record.indexOf('/')),
                    record,
                    column,
                    category,
                    detector,
                    confidence,
                    spanStart,
                    spanEnd,
                    reason,
                    lastChanged,
                    sourceLsn,
                    parentRecord,
                    softDeleted);
        }
    }
}
