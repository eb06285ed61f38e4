package dev.lethe.simulator;

import java.time.Duration;
import java.util.Map;

/**
 * What a {@link LoadGenerator} did (so far, when it is a progress snapshot).
 *
 * @param performed committed operations per type
 * @param skipped operations chosen but without a row to act on (e.g. a restore while nothing is
 *     soft-deleted), per type
 * @param failed operations rolled back on an error
 * @param elapsed time since the run started
 */
public record LoadResult(
        Map<LoadOperation, Long> performed,
        Map<LoadOperation, Long> skipped,
        long failed,
        Duration elapsed) {

    public LoadResult {
        performed = Map.copyOf(performed);
        skipped = Map.copyOf(skipped);
    }

    public long performed(LoadOperation operation) {
        return performed.getOrDefault(operation, 0L);
    }

    /** All committed operations. */
    public long total() {
        return performed.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Committed operations per second over the run. */
    public double achievedRate() {
        double seconds = elapsed.toNanos() / 1e9;
        return seconds <= 0 ? 0 : total() / seconds;
    }
}
