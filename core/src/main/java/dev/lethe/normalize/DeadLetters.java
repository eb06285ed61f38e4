package dev.lethe.normalize;

import dev.lethe.events.DeadLetter;
import dev.lethe.normalize.Normalized.Rejected;
import java.nio.ByteBuffer;
import java.time.Instant;

/** Builds the {@link DeadLetter} for a rejected input, keeping its raw bytes so nothing is lost. */
public final class DeadLetters {

    /**
     * The largest raw value a dead letter carries: 4 MiB. A larger one (a change that came around
     * the capture bound) would not fit in a dead-letter message beside its envelope; the letter
     * then names its source position instead, where it stays for the raw topic's retention.
     */
    public static final int MAX_KEPT_VALUE_BYTES = 4 * 1024 * 1024;

    private DeadLetters() {}

    /**
     * @param job the job (and operator) that rejected the input, e.g. {@code audit/normalize}
     * @param key the raw record key, may be null
     * @param value the raw record value, may be null
     * @param now when it was rejected
     */
    public static DeadLetter of(
            Rejected rejected,
            String job,
            String topic,
            int partition,
            long offset,
            byte[] key,
            byte[] value,
            Instant now) {
        boolean keep = value == null || value.length <= MAX_KEPT_VALUE_BYTES;
        String detail =
                keep
                        ? rejected.detail()
                        : rejected.detail()
                                + "; raw value of "
                                + value.length
                                + " bytes not kept: read it at "
                                + topic
                                + " partition "
                                + partition
                                + " offset "
                                + offset;
        return new DeadLetter(
                job,
                rejected.reason(),
                detail,
                topic,
                partition,
                offset,
                key == null ? null : ByteBuffer.wrap(key),
                value == null || !keep ? null : ByteBuffer.wrap(value),
                now);
    }
}
