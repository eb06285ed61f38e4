package dev.lethe.keys;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.SecretKey;

/**
 * Unwrapped data keys in memory: at most {@code capacity} (least recently used go first), each for
 * at most {@code ttl} after it was loaded, so a key shredded by another process stops being used
 * here within {@code ttl}. Also remembers erased subjects (erasure is final, so without expiry).
 */
final class DataKeyCache {

    private final int capacity;
    private final long ttlMillis;
    private final Clock clock;
    private final LinkedHashMap<String, Entry> keys;
    private final LinkedHashMap<String, Boolean> erased;

    private record Entry(SecretKey key, long expiresAtMillis) {}

    DataKeyCache(int capacity, Duration ttl, Clock clock) {
        this.capacity = capacity;
        this.ttlMillis = ttl.toMillis();
        this.clock = clock;
        this.keys = lru(capacity);
        this.erased = lru(capacity);
    }

    synchronized SecretKey get(String subjectId) {
        Entry entry = keys.get(subjectId);
        if (entry == null) {
            return null;
        }
        if (clock.millis() >= entry.expiresAtMillis()) {
            keys.remove(subjectId);
            return null;
        }
        return entry.key();
    }

    synchronized void put(String subjectId, SecretKey key) {
        if (capacity > 0 && !erased.containsKey(subjectId)) {
            keys.put(subjectId, new Entry(key, expiry(clock.millis())));
        }
    }

    /** When a key loaded at {@code nowMillis} expires (a TTL too long to add means never). */
    private long expiry(long nowMillis) {
        long at = nowMillis + ttlMillis;
        return ((nowMillis ^ at) & (ttlMillis ^ at)) < 0 ? Long.MAX_VALUE : at;
    }

    synchronized void invalidate(String subjectId) {
        keys.remove(subjectId);
    }

    synchronized void markErased(String subjectId) {
        keys.remove(subjectId);
        if (capacity > 0) {
            erased.put(subjectId, Boolean.TRUE);
        }
    }

    synchronized boolean knownErased(String subjectId) {
        return erased.get(subjectId) != null;
    }

    synchronized int size() {
        return keys.size();
    }

    private static <V> LinkedHashMap<String, V> lru(int capacity) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > capacity;
            }
        };
    }
}
