package dev.lethe.bench;

import java.time.Duration;

/**
 * Watches a count a job's output grows by (an index's documents) when its exact final value is not
 * known: the job is done with a workload once the count has grown and then stayed still for a quiet
 * period; the workload's end is the count's last change, not the end of the quiet period.
 */
final class OutputWatch {

    private final long initial;
    private final long quietNanos;
    private long count;
    private long changedAt;

    /**
     * @param initial the count before the workload (-1: not readable yet)
     * @param startNanos when the workload started ({@link System#nanoTime})
     * @param quiet how long the count must stay still after growing
     */
    OutputWatch(long initial, long startNanos, Duration quiet) {
        if (quiet.isNegative() || quiet.isZero()) {
            throw new IllegalArgumentException("the quiet period must be positive: " + quiet);
        }
        this.initial = Math.max(0, initial);
        this.quietNanos = quiet.toNanos();
        this.count = initial;
        this.changedAt = startNanos;
    }

    /** Records the count read at {@code nanos}; an unreadable count (-1) is ignored. */
    void observe(long value, long nanos) {
        if (value >= 0 && value != count) {
            count = value;
            changedAt = nanos;
        }
    }

    /** How much the count grew over its initial value. */
    long grown() {
        return Math.max(0, count - initial);
    }

    /** When the count last changed. */
    long lastChangeAt() {
        return changedAt;
    }

    /** Whether the count has grown and stayed still for the quiet period at {@code nanos}. */
    boolean settled(long nanos) {
        return grown() > 0 && nanos - changedAt >= quietNanos;
    }
}
