package dev.lethe.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StallWatchTest {

    private static final Duration STARTUP = Duration.ofSeconds(180);
    private static final Duration GRACE = Duration.ofSeconds(60);
    private static final long PID = 4242;

    /** The process started long before the supervisor's first look. */
    private static final Instant STARTED = Instant.parse("2025-01-01T10:00:00Z");

    private Instant now = STARTED.plus(Duration.ofHours(1));
    private final StallWatch watch = new StallWatch(STARTUP, GRACE, () -> now);

    /** A look every 2 s (the supervisor's pass) for {@code d}; returns the last answer. */
    private Optional<Duration> looks(Duration d, boolean healthy) {
        Optional<Duration> last = Optional.empty();
        for (long s = 0; s < d.toSeconds(); s += 2) {
            now = now.plusSeconds(2);
            last = watch.look(PID, Optional.of(STARTED), healthy);
            if (last.isPresent()) {
                return last;
            }
        }
        return last;
    }

    @Test
    void aHealthyComponentStays() {
        assertThat(looks(Duration.ofHours(2), true)).isEmpty();
    }

    @Test
    void unhealthyShorterThanTheGraceStays() {
        assertThat(watch.look(PID, Optional.of(STARTED), false)).isEmpty();
        now = now.plus(GRACE).minusSeconds(1);
        assertThat(watch.look(PID, Optional.of(STARTED), false)).isEmpty();
    }

    @Test
    void unhealthyForTheGraceIsRestartedOnce() {
        assertThat(watch.look(PID, Optional.of(STARTED), false)).isEmpty();
        now = now.plus(GRACE);
        assertThat(watch.look(PID, Optional.of(STARTED), false)).contains(GRACE);

        // the next looks count anew: no second restart of the same stall at the next pass
        now = now.plusSeconds(2);
        Instant next = now;
        assertThat(watch.look(PID, Optional.of(STARTED), false)).isEmpty();
        now = next.plus(GRACE).minusSeconds(1);
        assertThat(watch.look(PID, Optional.of(STARTED), false)).isEmpty();
        // still the same process, unhealthy for another grace (it was not stopped): due again
        now = next.plus(GRACE);
        assertThat(watch.look(PID, Optional.of(STARTED), false)).contains(GRACE);
    }

    @Test
    void aRecoveryInBetweenStartsTheCountAgain() {
        assertThat(looks(Duration.ofSeconds(50), false)).isEmpty();
        assertThat(watch.look(PID, Optional.of(STARTED), true)).isEmpty();
        // 50 s + 50 s unhealthy, but not in one stretch
        assertThat(looks(Duration.ofSeconds(50), false)).isEmpty();
        assertThat(looks(Duration.ofSeconds(20), false))
                .hasValueSatisfying(d -> assertThat(d).isGreaterThanOrEqualTo(GRACE));
    }

    @Test
    void aComponentThatIsStartingHasItsStartupTimeFirst() {
        Instant startedNow = now;
        assertThat(watch.look(PID, Optional.of(startedNow), false)).isEmpty();
        // unhealthy for longer than the grace, but still within its startup time
        now = startedNow.plus(STARTUP).minusSeconds(1);
        assertThat(watch.look(PID, Optional.of(startedNow), false)).isEmpty();
        // still unhealthy once its startup time is over: due at once
        now = startedNow.plus(STARTUP);
        assertThat(watch.look(PID, Optional.of(startedNow), false)).contains(STARTUP);
    }

    @Test
    void onceHealthyAfterItsStartItIsJudgedByTheGraceAlone() {
        Instant startedNow = now;
        now = now.plusSeconds(20);
        assertThat(watch.look(PID, Optional.of(startedNow), true)).isEmpty();
        // it worked, then stopped working, well within its startup time
        now = now.plusSeconds(10);
        assertThat(watch.look(PID, Optional.of(startedNow), false)).isEmpty();
        now = now.plus(GRACE).minusSeconds(1);
        assertThat(watch.look(PID, Optional.of(startedNow), false)).isEmpty();
        now = now.plusSeconds(1);
        assertThat(watch.look(PID, Optional.of(startedNow), false)).contains(GRACE);
    }

    @Test
    void aNewProcessStartsTheCountAgain() {
        assertThat(watch.look(PID, Optional.of(STARTED), false)).isEmpty();
        now = now.plus(GRACE).minusSeconds(2);
        assertThat(watch.look(PID, Optional.of(STARTED), false)).isEmpty();
        // restarted (by the supervisor or by ./lethe up): a new process, just started
        now = now.plusSeconds(2);
        Instant restarted = now.minusSeconds(1);
        assertThat(watch.look(PID + 1, Optional.of(restarted), false)).isEmpty();
        now = restarted.plus(STARTUP).minusSeconds(1);
        assertThat(watch.look(PID + 1, Optional.of(restarted), false)).isEmpty();
    }

    @Test
    void aProcessOfUnknownStartIsStartingAtItsFirstLook() {
        assertThat(watch.look(PID, Optional.empty(), false)).isEmpty();
        now = now.plus(STARTUP).minusSeconds(1);
        assertThat(watch.look(PID, Optional.empty(), false)).isEmpty();
        now = now.plusSeconds(1);
        assertThat(watch.look(PID, Optional.empty(), false)).contains(STARTUP);
    }

    @Test
    void theGraceMustBePositive() {
        assertThatThrownBy(() -> new StallWatch(STARTUP, Duration.ZERO, () -> now))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
