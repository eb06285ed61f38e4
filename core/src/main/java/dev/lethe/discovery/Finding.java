package dev.lethe.discovery;

import java.util.Objects;

/**
 * One piece of personal data a {@link PiiDetector} found in a text.
 *
 * <p>{@link #toString()} names the detector, kind, span and confidence, never the value: findings
 * may be logged, their values may not.
 *
 * @param detector the detector's {@link PiiDetector#name()}
 * @param kind what was found
 * @param start start of the match in the text, in UTF-16 code units (a Java {@code String} index)
 * @param end end of the match (exclusive)
 * @param normalizedValue the value in canonical form: lower-case email, E.164 phone, compact
 *     upper-case IBAN, the card's digits, lower-case handle with its {@code @}, the subject's name
 *     as registered
 * @param confidence how sure the detector is, in (0, 1]
 * @param reason why it matched: the rule and checks that passed, never the value
 */
public record Finding(
        String detector,
        PiiKind kind,
        int start,
        int end,
        String normalizedValue,
        double confidence,
        String reason) {

    public Finding {
        Objects.requireNonNull(detector, "detector");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(normalizedValue, "normalizedValue");
        Objects.requireNonNull(reason, "reason");
        if (start < 0 || end <= start) {
            throw new IllegalArgumentException(
                    "span must be 0 <= start < end, got " + start + ".." + end);
        }
        if (!(confidence > 0 && confidence <= 1)) {
            throw new IllegalArgumentException("confidence must be in (0, 1], got " + confidence);
        }
    }

    /** Whether this finding's span shares at least one character with {@code other}'s. */
    public boolean overlaps(Finding other) {
        return start < other.end && other.start < end;
    }

    public int length() {
        return end - start;
    }

    @Override
    public String toString() {
        return detector
                + " "
                + kind.code()
                + " at "
                + start
                + ".."
                + end
                + " confidence "
                + confidence
                + " ("
                + reason
                + ")";
    }
}
