package dev.lethe.retention;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;

/**
 * Timestamps as the change events (Debezium: ISO-8601, {@code 2025-04-01T10:00:00.123456Z}) and
 * PostgreSQL's text form ({@code 2025-04-01 10:00:00.123456+00}) render them. Compared as instants,
 * so the two forms of one value are equal.
 */
public final class Timestamps {

    private static final DateTimeFormatter POSTGRES =
            new DateTimeFormatterBuilder()
                    .append(DateTimeFormatter.ISO_LOCAL_DATE)
                    .appendLiteral(' ')
                    .appendPattern("HH:mm:ss")
                    .optionalStart()
                    .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
                    .optionalEnd()
                    .appendPattern("[XXX][XX][X]")
                    .toFormatter();

    private Timestamps() {}

    /**
     * Parses a timestamp with offset.
     *
     * @param where the column, for the message (the value is not quoted)
     * @throws IllegalArgumentException if it is not one
     */
    public static Instant parse(String text, String where) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(text, POSTGRES).toInstant();
            } catch (DateTimeParseException e2) {
                throw new IllegalArgumentException(where + " does not hold a timestamp");
            }
        }
    }

    /** Whether two renderings denote the same instant (both null counts as equal). */
    public static boolean sameInstant(String a, String b, String where) {
        if (a == null || b == null) {
            return a == null && b == null;
        }
        return parse(a, where).equals(parse(b, where));
    }
}
