package dev.lethe.connectors.capture;

import java.util.Optional;

/**
 * What a column value too large to travel becomes in the raw change topics: {@code
 * lethe-oversized:v1:<UTF-8 length in bytes>:<digest>}, the digest being the first 16 bytes of
 * HMAC-SHA256 under the capture secret over the value's UTF-8 bytes, in base64url without padding.
 *
 * <p>Equal values give equal markers, so an update that leaves a large value as it is shows it
 * unchanged; a changed value shows a changed digest. Without the secret a digest cannot be tested
 * against guesses. The value itself stays in the helpdesk database, where the export and, for
 * discovery, a read of the row (the one documented per-change read of the helpdesk) find it.
 *
 * @param bytes the value's length in UTF-8 bytes
 * @param digest the keyed digest (base64url)
 */
public record OversizedValue(long bytes, String digest) {

    /** What every marker starts with. */
    public static final String PREFIX = "lethe-oversized:v1:";

    public OversizedValue {
        if (bytes < 0) {
            throw new IllegalArgumentException("length must not be negative");
        }
        if (digest == null || !digest.matches("[A-Za-z0-9_-]{22}")) {
            throw new IllegalArgumentException("digest must be 22 base64url characters");
        }
    }

    /** The marker text. */
    public String marker() {
        return PREFIX + bytes + ":" + digest;
    }

    /** Whether {@code value} is a marker (its prefix; {@link #parse} checks the rest). */
    public static boolean isMarker(String value) {
        return value != null && value.startsWith(PREFIX);
    }

    /** The marker {@code value} stands for, or empty if it is no well-formed marker. */
    public static Optional<OversizedValue> parse(String value) {
        if (!isMarker(value)) {
            return Optional.empty();
        }
        String rest = value.substring(PREFIX.length());
        int colon = rest.indexOf(':');
        if (colon <= 0 || colon > 19) {
            return Optional.empty();
        }
        String length = rest.substring(0, colon);
        try {
            long bytes = Long.parseLong(length);
            if (!Long.toString(bytes).equals(length)) {
                return Optional.empty(); // only the canonical decimal
            }
            return Optional.of(new OversizedValue(bytes, rest.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return marker();
    }
}
