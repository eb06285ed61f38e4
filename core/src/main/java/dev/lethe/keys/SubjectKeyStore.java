package dev.lethe.keys;

import java.util.Collection;
import java.util.Optional;
import javax.crypto.SecretKey;

/**
 * One data key (DEK, AES-256) per data subject, and the tombstones of erased subjects.
 *
 * <p>Erasing a subject ({@link #shred}) destroys its data key: everything encrypted under it (see
 * {@code dev.lethe.crypto.SubjectCipher}) becomes unreadable at once, wherever the ciphertext is
 * (audit log, Kafka topics, backups). A tombstone remembers the erasure, and no key is ever created
 * again for an erased subject: {@link #getOrCreate} throws {@link SubjectErasedException}.
 *
 * <p>Subject ids follow {@link SubjectIds} ({@code contact:42}). Implementations are thread-safe.
 */
public interface SubjectKeyStore {

    /**
     * The subject's data key, created on first use. Concurrent calls for the same subject, in this
     * or other processes sharing the store, get the same key.
     *
     * @throws SubjectErasedException if the subject was erased: its key is never re-created
     * @throws IllegalArgumentException if {@code subjectId} is not a valid subject id
     */
    SecretKey getOrCreate(String subjectId);

    /**
     * Loads, or creates, the data keys of many subjects in as few round trips as the store can, so
     * that {@link #getOrCreate} answers them from memory next (for a while: see the store's cache).
     * Erased subjects get no key (and {@link #getOrCreate} keeps throwing for them). Nothing is
     * returned: this only saves time. The default does nothing.
     *
     * @throws IllegalArgumentException if one of {@code subjectIds} is not a valid subject id
     */
    default void prefetch(Collection<String> subjectIds) {
        subjectIds.forEach(SubjectIds::requireValid);
    }

    /**
     * The subject's data key if it exists; empty if the subject was erased or never had one.
     *
     * @throws IllegalArgumentException if {@code subjectId} is not a valid subject id
     */
    Optional<SecretKey> find(String subjectId);

    /**
     * Erases the subject: deletes its data key and records a tombstone, in one transaction.
     * Idempotent: erasing an erased subject changes nothing. A subject that never had a key gets a
     * tombstone too, so none is created for it later.
     *
     * @param requestId the erasure request this fulfils (e.g. the DSAR id), for the record
     * @param reason why, for the record (e.g. {@code gdpr-art-17}, {@code retention}); never
     *     personal data
     * @return true if this call erased the subject, false if it was already erased
     */
    boolean shred(String subjectId, String requestId, String reason);

    /** Whether the subject was erased. */
    boolean isErased(String subjectId);

    /** The tombstone of an erased subject; empty if it was not erased. */
    Optional<Erasure> erasure(String subjectId);
}
