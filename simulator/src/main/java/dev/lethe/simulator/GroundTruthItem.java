package dev.lethe.simulator;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One piece of personal data the generator placed: whose it is, where it is, what it is.
 *
 * <p>{@code subjectContactId} and {@code rowId} are the generator's refs in memory and the
 * database's ids in the ground-truth file. For free text ({@code kind} email, phone, name, handle,
 * iban, card) {@code start}/{@code end} is the half-open span in UTF-16 code units (Java {@code
 * String} indices) of {@code value} in the column's text. For a column that as a whole holds
 * personal data (contacts.email, threads.from_address, tickets.custom_fields.iban ...) {@code kind}
 * is {@value #DECLARED}, there is no span, and {@code declaredAs} says what the value is.
 *
 * @param column the column; a custom field is {@code custom_fields.<name>}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GroundTruthItem(
        long subjectContactId,
        String subjectEmail,
        String table,
        long rowId,
        String column,
        String kind,
        String value,
        Integer start,
        Integer end,
        String declaredAs) {

    public static final String DECLARED = "declared";
    public static final String EMAIL = "email";
    public static final String PHONE = "phone";
    public static final String NAME = "name";
    public static final String HANDLE = "handle";
    public static final String IBAN = "iban";
    public static final String CARD = "card";
    public static final String NATIONAL_ID = "national_id";

    static GroundTruthItem declared(
            long subject,
            String subjectEmail,
            String table,
            long row,
            String column,
            String declaredAs,
            String value) {
        return new GroundTruthItem(
                subject, subjectEmail, table, row, column, DECLARED, value, null, null, declaredAs);
    }

    static GroundTruthItem inText(
            long subject,
            String subjectEmail,
            String table,
            long row,
            String column,
            String kind,
            String value,
            int start) {
        return new GroundTruthItem(
                subject,
                subjectEmail,
                table,
                row,
                column,
                kind,
                value,
                start,
                start + value.length(),
                null);
    }

    boolean inFreeText() {
        return start != null;
    }

    GroundTruthItem withIds(long subjectId, long rowId) {
        return new GroundTruthItem(
                subjectId, subjectEmail, table, rowId, column, kind, value, start, end, declaredAs);
    }
}
