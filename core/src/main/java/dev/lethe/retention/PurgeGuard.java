package dev.lethe.retention;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The check the purge executor makes inside its transaction, on the row as it is now, before it
 * deletes or anonymizes anything: the record must still be what the purge was scheduled for. A
 * record that was restored, whose window start changed, that is not due yet, that is on legal hold,
 * or that is already gone is skipped, with the reason.
 */
public final class PurgeGuard {

    private PurgeGuard() {}

    /** Why a purge goes ahead or not. */
    public enum Verdict {
        /** Still soft deleted (or closed) with the same start, due, not held: purge it. */
        ELIGIBLE,
        /** The row no longer exists (already purged, or deleted by someone else): nothing to do. */
        GONE,
        /** The window's start column is empty again (a soft delete was undone). */
        RESTORED,
        /** The window's start changed (deleted again later, closed again): a new purge is due. */
        CHANGED,
        /** A {@code when} condition no longer holds (e.g. the ticket was reopened). */
        NO_LONGER_APPLIES,
        /** The deadline has not passed. */
        NOT_DUE,
        /** A legal hold covers the record or its subject. */
        LEGAL_HOLD,
        /**
         * A record that would be deleted with this one is still in use (a contact's open ticket
         * that nobody deleted): retention never takes live work with it.
         */
        DEPENDENT_IN_USE,
        /**
         * Due before Lethe adopted the helpdesk, and the policy holds that backlog until an
         * operator approves it (decided before the row is read or locked).
         */
        ADOPTION_BACKLOG;

        /** Whether the purge should be tried again later (the record stays in scope). */
        public boolean retryLater() {
            return this == NOT_DUE
                    || this == LEGAL_HOLD
                    || this == DEPENDENT_IN_USE
                    || this == ADOPTION_BACKLOG;
        }
    }

    /** A verdict with its explanation (column names and hold reasons, never values). */
    public record Decision(Verdict verdict, String reason) {
        public Decision {
            Objects.requireNonNull(verdict, "verdict");
            Objects.requireNonNull(reason, "reason");
        }

        public boolean eligible() {
            return verdict == Verdict.ELIGIBLE;
        }
    }

    /**
     * Decides whether a retention purge of a row may go ahead.
     *
     * @param rule the rule the purge was scheduled by
     * @param scheduledStart the value of the rule's {@code since} column when it was scheduled
     * @param current the row as it is now (column -> text), or null if it no longer exists
     * @param now the executor's time
     * @param hold a legal hold covering the record or its subject, if any
     */
    public static Decision retention(
            RetentionRule rule,
            Instant scheduledStart,
            Map<String, String> current,
            Instant now,
            Optional<LegalHold> hold) {
        if (current == null) {
            return new Decision(Verdict.GONE, "GONE: the row no longer exists");
        }
        String column = rule.table() + "." + rule.since();
        String value = current.get(rule.since());
        if (value == null) {
            return new Decision(Verdict.RESTORED, "RESTORED: " + column + " is empty again");
        }
        for (Map.Entry<String, String> c : rule.when().entrySet()) {
            if (!c.getValue().equals(current.get(c.getKey()))) {
                return new Decision(
                        Verdict.NO_LONGER_APPLIES,
                        "NO_LONGER_APPLIES: " + rule.table() + "." + c.getKey() + " changed");
            }
        }
        Instant start = Timestamps.parse(value, column);
        if (!start.equals(scheduledStart)) {
            return new Decision(
                    Verdict.CHANGED, "CHANGED: " + column + " changed since scheduling");
        }
        Instant deadline = rule.after().after(start);
        if (now.isBefore(deadline)) {
            return new Decision(Verdict.NOT_DUE, "NOT_DUE: due at " + deadline);
        }
        if (hold.isPresent()) {
            return held(hold.get());
        }
        return new Decision(
                Verdict.ELIGIBLE,
                "retention: " + rule.id() + " (" + rule.after() + " after " + rule.since() + ")");
    }

    /** Decides whether an erasure of a row may go ahead: it must exist and not be held. */
    public static Decision erasure(Map<String, String> current, Optional<LegalHold> hold) {
        if (current == null) {
            return new Decision(Verdict.GONE, "GONE: the row no longer exists");
        }
        if (hold.isPresent()) {
            return held(hold.get());
        }
        return new Decision(Verdict.ELIGIBLE, "erasure request (Art. 17)");
    }

    private static Decision held(LegalHold hold) {
        return new Decision(
                Verdict.LEGAL_HOLD, "LEGAL_HOLD: " + hold.target() + ": " + hold.reason());
    }
}
