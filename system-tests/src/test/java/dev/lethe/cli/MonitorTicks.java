package dev.lethe.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/** Ticks an audit monitor until its state gets somewhere: how the monitor's ITCases wait. */
final class MonitorTicks {

    private MonitorTicks() {}

    /** What a test does between two ticks, e.g. commit a change for the next tree head. */
    @FunctionalInterface
    interface Meanwhile {
        void run() throws Exception;
    }

    /** Ticks {@code monitor} every second until its state satisfies {@code done}. */
    static AuditMonitor.State awaitState(
            AuditMonitor monitor, Predicate<AuditMonitor.State> done, Duration wait)
            throws Exception {
        return awaitState(monitor, done, wait, () -> {});
    }

    /**
     * Ticks {@code monitor} every second, running {@code meanwhile} after each tick, until its
     * state satisfies {@code done}; fails with the last state and what the monitor logged.
     */
    static AuditMonitor.State awaitState(
            AuditMonitor monitor,
            Predicate<AuditMonitor.State> done,
            Duration wait,
            Meanwhile meanwhile)
            throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        Optional<AuditMonitor.State> state = Optional.empty();
        List<String> lines = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            monitor.tick().ifPresent(lines::add);
            state = AuditMonitor.readFile(monitor.stateFile());
            if (state.isPresent() && done.test(state.get())) {
                return state.get();
            }
            meanwhile.run();
            Thread.sleep(1_000);
        }
        throw new AssertionError(
                "the monitor's state never got there: " + state + "; it logged " + lines);
    }
}
