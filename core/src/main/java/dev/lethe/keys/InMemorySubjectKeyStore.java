package dev.lethe.keys;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.SecretKey;

/**
 * A {@link SubjectKeyStore} in memory, with the same rules as {@link JdbcSubjectKeyStore} (erasure
 * is final, shred is idempotent, no key for an erased subject), for tests of the modules that use
 * keys. Keys are not wrapped and not persisted. Thread-safe.
 */
public final class InMemorySubjectKeyStore implements SubjectKeyStore {

    private final Map<String, SecretKey> keys = new HashMap<>();
    private final Map<String, Erasure> erasures = new HashMap<>();
    private final Clock clock;

    public InMemorySubjectKeyStore() {
        this(Clock.systemUTC());
    }

    /** With {@code clock} for the erasure times. */
    public InMemorySubjectKeyStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized SecretKey getOrCreate(String subjectId) {
        SubjectIds.requireValid(subjectId);
        if (erasures.containsKey(subjectId)) {
            throw new SubjectErasedException(subjectId);
        }
        return keys.computeIfAbsent(subjectId, id -> DataKeys.newDataKey());
    }

    @Override
    public synchronized Optional<SecretKey> find(String subjectId) {
        SubjectIds.requireValid(subjectId);
        return Optional.ofNullable(keys.get(subjectId));
    }

    @Override
    public synchronized boolean shred(String subjectId, String requestId, String reason) {
        SubjectIds.requireValid(subjectId);
        keys.remove(subjectId);
        if (erasures.containsKey(subjectId)) {
            return false;
        }
        erasures.put(subjectId, new Erasure(subjectId, clock.instant(), requestId, reason));
        return true;
    }

    @Override
    public synchronized boolean isErased(String subjectId) {
        SubjectIds.requireValid(subjectId);
        return erasures.containsKey(subjectId);
    }

    @Override
    public synchronized Optional<Erasure> erasure(String subjectId) {
        SubjectIds.requireValid(subjectId);
        return Optional.ofNullable(erasures.get(subjectId));
    }

    /** The subjects that have a key now. */
    public synchronized Set<String> subjectsWithKeys() {
        return Set.copyOf(keys.keySet());
    }
}
