package dev.lethe.audit;

import java.util.Map;
import java.util.TreeMap;

/**
 * Sets of missing numbers (logIndexes or seqs) kept as ranges, each with the log position at which
 * it was noticed, so a later entry can fill a gap (it was only reordered) in O(log gaps).
 */
final class Gaps {

    /** from -> {toExclusive, noticedAtPosition} */
    private final TreeMap<Long, long[]> ranges = new TreeMap<>();

    void add(long from, long toExclusive, long noticedAt) {
        if (from < toExclusive) {
            ranges.put(from, new long[] {toExclusive, noticedAt});
        }
    }

    /**
     * Removes {@code n} if it is missing.
     *
     * @return the position at which its gap was noticed, or -1 if {@code n} was not missing
     */
    long remove(long n) {
        Map.Entry<Long, long[]> range = ranges.floorEntry(n);
        if (range == null || n >= range.getValue()[0]) {
            return -1;
        }
        long from = range.getKey();
        long to = range.getValue()[0];
        long noticedAt = range.getValue()[1];
        ranges.remove(from);
        add(from, n, noticedAt);
        add(n + 1, to, noticedAt);
        return noticedAt;
    }

    boolean isEmpty() {
        return ranges.isEmpty();
    }

    interface RangeConsumer {
        void accept(long from, long toExclusive, long noticedAt);
    }

    void forEach(RangeConsumer consumer) {
        ranges.forEach((from, range) -> consumer.accept(from, range[0], range[1]));
    }
}
