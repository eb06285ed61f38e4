package dev.lethe.cli;

import dev.lethe.events.AuditEntry;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which audit entries {@code ./lethe audit log} shows. Every criterion that is set must hold; an
 * unset one (null or empty) accepts everything.
 *
 * @param table helpdesk table
 * @param key an entity id ({@code contacts/42}), a key column and value ({@code id=42}), or the
 *     value of a single-column key ({@code 42})
 * @param subjects the entry concerns at least one of these subject ids (empty: any)
 * @param op operation, case-insensitive ({@code UPDATE}, {@code PURGE}, ...)
 * @param actor actor type ({@code agent}), type and id ({@code agent:7}, {@code
 *     database:helpdesk_app}), or one fact the helpdesk's actor trigger records of a transaction
 *     that named no actor: {@code application=psql}, {@code role=helpdesk_app}, {@code
 *     client=10.0.0.5}
 * @param since commit time at or after
 * @param until commit time before
 */
record AuditEntryFilter(
        String table,
        String key,
        Set<String> subjects,
        String op,
        String actor,
        Instant since,
        Instant until)
        implements Predicate<AuditEntry> {

    AuditEntryFilter {
        subjects = subjects == null ? Set.of() : Set.copyOf(subjects);
    }

    static AuditEntryFilter all() {
        return new AuditEntryFilter(null, null, Set.of(), null, null, null, null);
    }

    @Override
    public boolean test(AuditEntry e) {
        return (table == null || table.equals(e.getTable()))
                && (key == null || keyMatches(e))
                && (subjects.isEmpty() || e.getSubjectIds().stream().anyMatch(subjects::contains))
                && (op == null || op.equalsIgnoreCase(e.getOp()))
                && (actor == null || actorMatches(e))
                && (since == null || !e.getCommitTime().isBefore(since))
                && (until == null || e.getCommitTime().isBefore(until));
    }

    private boolean keyMatches(AuditEntry e) {
        if (key.contains("/")) {
            return key.equals(e.getEntityId());
        }
        Map<String, String> k = e.getKey();
        int eq = key.indexOf('=');
        if (eq > 0) {
            return key.substring(eq + 1).equals(k.get(key.substring(0, eq)));
        }
        return k.size() == 1 && key.equals(k.values().iterator().next());
    }

    private boolean actorMatches(AuditEntry e) {
        int eq = actor.indexOf('=');
        if (eq > 0) {
            // application=.., role=.., client=..: the reason of a "database" actor
            if (!"database".equals(e.getActor().getType()) || e.getActor().getReason() == null) {
                return false;
            }
            for (String fact : e.getActor().getReason().split("; ")) {
                if (fact.equals(actor)) {
                    return true;
                }
            }
            return false;
        }
        int colon = actor.indexOf(':');
        if (colon < 0) {
            return actor.equals(e.getActor().getType());
        }
        return actor.substring(0, colon).equals(e.getActor().getType())
                && actor.substring(colon + 1).equals(e.getActor().getId());
    }

    /**
     * A point in time as people type it: an ISO instant ({@code 2025-03-01T09:00:00Z}), a date
     * ({@code 2025-03-01}, midnight UTC), or a duration before now ({@code 2h ago}, {@code 30m},
     * {@code P1D}).
     *
     * @throws IllegalArgumentException naming the flag when it does not parse
     */
    static Instant instant(String flag, String text, Clock clock) {
        if (text == null) {
            return null;
        }
        String t = text.strip();
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException notAnInstant) {
            // try the other forms
        }
        try {
            return java.time.LocalDate.parse(t).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException notADate) {
            // try a duration
        }
        String d = t.toLowerCase(Locale.ROOT);
        if (d.endsWith("ago")) {
            d = d.substring(0, d.length() - 3).strip();
        }
        try {
            return clock.instant()
                    .minus(
                            DurationConverter.parse(
                                    d.toUpperCase(Locale.ROOT).startsWith("P")
                                            ? d.toUpperCase(Locale.ROOT)
                                            : d));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    flag
                            + " must be an ISO instant (2025-03-01T09:00:00Z), a date (2025-03-01)"
                            + " or a duration before now (2h ago, 30m, P1D), got '"
                            + text
                            + "'");
        }
    }
}
