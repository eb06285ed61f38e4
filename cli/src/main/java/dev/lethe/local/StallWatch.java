package dev.lethe.local;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;

/**
 * Decides when a component whose process still runs but does not work (the local Flink with no
 * TaskManager, or whose REST API does not answer) is to be restarted as if it had crashed. No I/O:
 * the supervisor tells it at each pass which process it looked at and what it saw; the time comes
 * from the given source.
 *
 * <p>A restart is due once the component was unhealthy at every look for {@code grace}. A process
 * that is starting is not judged before it has had {@code startup} since it started (what {@code
 * up} gives a component to become healthy), unless it was healthy since. A healthy look starts the
 * count again, and so does a new process.
 */
public final class StallWatch {

    private final Duration startup;
    private final Duration grace;
    private final InstantSource clock;

    private long pid = -1;
    private Instant startedAt;
    private boolean wasHealthy;
    private Instant unhealthySince;

    public StallWatch(Duration startup, Duration grace, InstantSource clock) {
        if (startup.isNegative() || grace.isNegative() || grace.isZero()) {
            throw new IllegalArgumentException(
                    "startup must not be negative and grace must be positive");
        }
        this.startup = startup;
        this.grace = grace;
        this.clock = clock;
    }

    public Duration grace() {
        return grace;
    }

    /**
     * One look at the component.
     *
     * @param pid its process
     * @param started when that process started, if known (else from its first look)
     * @param healthy whether it works
     * @return how long it has been unhealthy, when a restart is due now; empty otherwise. A due
     *     restart is answered once: the looks after it count anew.
     */
    public Optional<Duration> look(long pid, Optional<Instant> started, boolean healthy) {
        Instant now = clock.instant();
        if (pid != this.pid) {
            this.pid = pid;
            this.startedAt = started.orElse(now);
            this.wasHealthy = false;
            this.unhealthySince = null;
        }
        if (healthy) {
            wasHealthy = true;
            unhealthySince = null;
            return Optional.empty();
        }
        if (unhealthySince == null) {
            unhealthySince = now;
        }
        Duration unhealthy = Duration.between(unhealthySince, now);
        boolean starting = !wasHealthy && now.isBefore(startedAt.plus(startup));
        if (starting || unhealthy.compareTo(grace) < 0) {
            return Optional.empty();
        }
        unhealthySince = null;
        return Optional.of(unhealthy);
    }
}
