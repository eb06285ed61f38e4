package dev.lethe.bench;

import dev.lethe.local.LocalStack;
import dev.lethe.local.StackSettings;

/** What the benchmarks that start a stack of their own share. */
final class BenchStacks {

    private BenchStacks() {}

    /**
     * Refuses a data directory whose stack already runs: a benchmark measures a stack it started
     * itself, on empty data.
     */
    static void requireNoneRunning(LocalStack stack, StackSettings s) {
        if (stack.alreadyRunning()) {
            throw new IllegalArgumentException(
                    "a stack already runs from "
                            + s.dataDir()
                            + ": the benchmark starts its own; pass --data-dir <empty dir> and free"
                            + " ports, or ./lethe down first");
        }
    }
}
