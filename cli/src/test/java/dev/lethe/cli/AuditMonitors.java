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

    private AuditMonitors() {}

    /** What the monitor did while it watched. */
    public record Outcome(long verifications, long findings, List<String> lines) {}

    /** A monitor ticking every second on a thread of its own. */
    public static final class Watch {
        private final AuditMonitor monitor;
        private final ScheduledExecutorService ticker;
        private final List<String> lines = new CopyOnWriteArrayList<>();

        private Watch(AuditMonitor monitor) {
            this.monitor = monitor;
            this.ticker = Executors.newSingleThreadScheduledExecutor();
            ticker.scheduleWithFixedDelay(
                    () -> monitor.tick().ifPresent(lines::add), 0, 1, TimeUnit.SECONDS);
        }

        /** Stops ticking; what the monitor's state says. */
        public Outcome stop() throws InterruptedException {
            ticker.shutdown();
            ticker.awaitTermination(2, TimeUnit.MINUTES);
            AuditMonitor.State state =
                    AuditMonitor.readFile(monitor.stateFile())
                            .orElse(new AuditMonitor.State(0, 0, -1, null, null, null, null));
            return new Outcome(state.verifications(), state.findings(), List.copyOf(lines));
        }
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
                        .everyTick());
    }
}
