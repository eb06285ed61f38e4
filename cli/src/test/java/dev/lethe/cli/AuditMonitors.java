package dev.lethe.cli;

import dev.lethe.local.StackSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The audit monitor run on a test's own log, for tests outside this package. */
public final class AuditMonitors {

    /** How often the monitor {@code up} runs looks for a new tree head. */
    public static final java.time.Duration TICK = AuditMonitor.TICK;

    private AuditMonitors() {}

    /**
     * What the monitor did while it watched.
     *
     * @param verifications verifications run so far
     * @param findings verifications that ended in a finding
     * @param lines the lines the monitor logged
     * @param finding the latest finding, or null
     * @param logIndex the horizon of the last verification (-1: none yet)
     * @param checkpointSeq the last verified tree head (0: none yet)
     */
    public record Outcome(
            long verifications,
            long findings,
            List<String> lines,
            String finding,
            long logIndex,
            long checkpointSeq) {}

    /** A monitor ticking every second on a thread of its own. */
    public static final class Watch {
        private final AuditMonitor monitor;
        private final ScheduledExecutorService ticker;
        private final List<String> lines = new CopyOnWriteArrayList<>();

        private Watch(AuditMonitor monitor, long periodMillis) {
            this.monitor = monitor;
            this.ticker = Executors.newSingleThreadScheduledExecutor();
            ticker.scheduleWithFixedDelay(
                    () -> monitor.tick().ifPresent(lines::add),
                    0,
                    periodMillis,
                    TimeUnit.MILLISECONDS);
        }

        /** What the monitor's state says now, while it goes on ticking. */
        public Outcome now() {
            AuditMonitor.State state =
                    AuditMonitor.readFile(monitor.stateFile())
                            .orElse(new AuditMonitor.State(0, 0, -1, null, null, null, null));
            return new Outcome(
                    state.verifications(),
                    state.findings(),
                    List.copyOf(lines),
                    state.finding(),
                    state.logIndex(),
                    state.checkpointSeq());
        }

        /** Stops ticking; what the monitor's state says. */
        public Outcome stop() throws InterruptedException {
            ticker.shutdown();
            ticker.awaitTermination(2, TimeUnit.MINUTES);
            return now();
        }
    }

    /**
     * The monitor {@code ./lethe up} runs, as it runs it: on the stack's own log, its files in the
     * data directory, ticking every {@link AuditMonitor#TICK}, the witness at most once a minute.
     */
    public static Watch asUp(StackSettings s) {
        return new Watch(new AuditMonitor(s), AuditMonitor.TICK.toMillis());
    }

    /** Starts a monitor of the log in these topics and index, its files in {@code dir}. */
    public static Watch watch(
            StackSettings s, String entries, String checkpoints, String index, Path dir) {
        AuditTopics topics = new AuditTopics();
        topics.entries = entries;
        topics.checkpoints = checkpoints;
        return new Watch(
                new AuditMonitor(s, topics, index, dir.resolve(AuditMonitor.FILE))
                        .withWitness(dir.resolve("witness.jsonl"))
                        .everyTick(),
                1_000);
    }
}
