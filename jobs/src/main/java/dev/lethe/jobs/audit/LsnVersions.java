package dev.lethe.jobs.audit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The values one thing had over the log, by LSN: a ticket's {@code contact_id}, a contact's
 * identifiers. A version holds from its LSN until the next version's; a null value is "none" (the
 * row was deleted, or the column is null). Read as of a position ({@link #asOf}): the greatest
 * version at or below it, as a fresh replay of the log would have seen it.
 *
 * <p>Bounded by {@link #prune}: a version can no longer be asked for once a newer version is older
 * (commit time) than the horizon, i.e. once no change still to come can lie before that newer
 * version (changes later than the horizon behind event time are the accepted loss, see {@link
 * ResolveRowSubjects#RETENTION_MS}).
 *
 * <p>Not thread-safe; no Flink.
 */
final class LsnVersions<V> {

    /** One version: from {@code lsn} on, committed at {@code commitMillis}; value null = none. */
    record Version<V>(long lsn, long commitMillis, V value) {}

    private final List<Version<V>> versions = new ArrayList<>(2);

    /**
     * Adds a version; one at an LSN already known replaces it (a redelivered change). Versions may
     * come in any order.
     */
    void put(long lsn, long commitMillis, V value) {
        Version<V> v = new Version<>(lsn, commitMillis, value);
        int i = versions.size();
        while (i > 0 && versions.get(i - 1).lsn() >= lsn) {
            i--;
        }
        if (i < versions.size() && versions.get(i).lsn() == lsn) {
            versions.set(i, v);
        } else {
            versions.add(i, v);
        }
    }

    /** The greatest version at or below {@code lsn}; empty if every known one is later. */
    Optional<Version<V>> asOf(long lsn) {
        for (int i = versions.size() - 1; i >= 0; i--) {
            if (versions.get(i).lsn() <= lsn) {
                return Optional.of(versions.get(i));
            }
        }
        return Optional.empty();
    }

    /**
     * Forgets what no change to come asks for: every version before the newest one committed at or
     * before {@code horizonMillis}; and that one too if it is the last and is "none" (a change
     * after it finds no version, which resolves the same: no subject).
     *
     * @return whether anything was forgotten
     */
    boolean prune(long horizonMillis) {
        int newestOld = -1;
        for (int i = 0; i < versions.size(); i++) {
            if (versions.get(i).commitMillis() <= horizonMillis) {
                newestOld = i;
            }
        }
        if (newestOld < 0) {
            return false;
        }
        boolean removeAll =
                newestOld == versions.size() - 1 && versions.get(newestOld).value() == null;
        int drop = removeAll ? versions.size() : newestOld;
        if (drop == 0) {
            return false;
        }
        versions.subList(0, drop).clear();
        return true;
    }

    boolean isEmpty() {
        return versions.isEmpty();
    }

    int size() {
        return versions.size();
    }

    /** The versions, oldest first. */
    List<Version<V>> all() {
        return Collections.unmodifiableList(versions);
    }
}
