package dev.lethe.normalize;

import dev.lethe.events.DeadLetter;
import dev.lethe.normalize.Normalized.Rejected;
import java.nio.ByteBuffer;
import java.time.Instant;

/** Builds the {@link DeadLetter} for a rejected input, keeping its raw bytes so nothing is lost. */
public final class DeadLetters {

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
        return new DeadLetter(
                job,
                rejected.reason(),
                rejected.detail(),
                topic,
                partition,
                offset,
                key == null ? null : ByteBuffer.wrap(key),
                value == null ? null : ByteBuffer.wrap(value),
                now);
    }
}
