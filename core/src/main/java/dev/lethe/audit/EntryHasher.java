package dev.lethe.audit;

import dev.lethe.events.AuditEntry;
import java.security.DigestException;
import java.security.MessageDigest;

/**
 * An entry's hash: SHA-256 over its {@link CanonicalEncoding canonical encoding} (every field but
 * {@code hash}, including {@code prevHash}). Reuses its buffer and digest, so hashing allocates
 * only the result; one instance per thread (not thread-safe).
 */
public final class EntryHasher {

    public static final int HASH_LENGTH = Sha256.LENGTH;

    private final CanonicalWriter encoding = new CanonicalWriter();
    private final MessageDigest sha256 = Sha256.newDigest();

    /**
     * @throws UnsupportedEncodingVersionException if the entry uses an unknown encoding version
     * @throws IllegalArgumentException if a required field is missing
     */
    public byte[] hash(AuditEntry entry) {
        byte[] out = new byte[HASH_LENGTH];
        hashInto(entry, out);
        return out;
    }

    /** Writes the entry's hash into {@code out[0..32)} without allocating. */
    public void hashInto(AuditEntry entry, byte[] out) {
        CanonicalEncoding.encodeTo(entry, encoding);
        sha256.update(encoding.buffer(), 0, encoding.length());
        try {
            sha256.digest(out, 0, HASH_LENGTH);
        } catch (DigestException e) {
            throw new IllegalArgumentException("hash output needs 32 bytes", e);
        }
    }
}
