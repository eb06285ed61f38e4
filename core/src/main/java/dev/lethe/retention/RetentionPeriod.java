package dev.lethe.retention;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long after a record's start time it is purged: a calendar part (years, months, days, added in
 * UTC) and a time part (hours, minutes, seconds). Written as ISO-8601 ({@code P60D}, {@code PT30S},
 * {@code P2Y}, {@code P1MT12H}) or as a shorthand {@code <n>s|m|h|d|y} ({@code 60d}, {@code 30s});
 * seconds are allowed so tests and demos can run a "60-day" window quickly.
 *
 * @param period the calendar part
 * @param time the time part
 * @param text how it was written
 */
public record RetentionPeriod(Period period, Duration time, String text) implements Serializable {

    private static final Pattern SHORTHAND = Pattern.compile("(\\d+)\\s*(s|m|h|d|y)");
    private static final Pattern ISO = Pattern.compile("P([^T]*)(T.*)?");

    public RetentionPeriod {
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(time, "time");
        if (period.isNegative() || time.isNegative()) {
            throw new IllegalArgumentException("a retention period cannot be negative: " + text);
        }
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException naming the text if it is not a period
     */
    public static RetentionPeriod parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty duration");
        }
        String t = text.trim();
        Matcher shorthand = SHORTHAND.matcher(t);
        if (shorthand.matches()) {
            long n = Long.parseLong(shorthand.group(1));
            switch (shorthand.group(2)) {
                case "s":
                    return new RetentionPeriod(Period.ZERO, Duration.ofSeconds(n), t);
                case "m":
                    return new RetentionPeriod(Period.ZERO, Duration.ofMinutes(n), t);
                case "h":
                    return new RetentionPeriod(Period.ZERO, Duration.ofHours(n), t);
                case "d":
                    return new RetentionPeriod(Period.ofDays(Math.toIntExact(n)), Duration.ZERO, t);
                default:
                    return new RetentionPeriod(
                            Period.ofYears(Math.toIntExact(n)), Duration.ZERO, t);
            }
        }
        Matcher iso = ISO.matcher(t.toUpperCase(java.util.Locale.ROOT));
        if (iso.matches()) {
            try {
                Period p = iso.group(1).isEmpty() ? Period.ZERO : Period.parse("P" + iso.group(1));
                Duration d =
                        iso.group(2) == null ? Duration.ZERO : Duration.parse("P" + iso.group(2));
                if (!(iso.group(1).isEmpty() && iso.group(2) == null)) {
                    return new RetentionPeriod(p, d, t);
                }
            } catch (java.time.format.DateTimeParseException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException(
                "'" + t + "' is not a duration (ISO-8601 like P60D, PT30S, P2Y or 60d, 30s, 2y)");
    }

    /** {@code start} plus this period, the calendar part in UTC. */
    public Instant after(Instant start) {
        return start.atOffset(ZoneOffset.UTC).plus(period).plus(time).toInstant();
    }

    @Override
    public String toString() {
        return text;
    }
}
