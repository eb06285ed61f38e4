package dev.lethe.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** When a growing count counts as done, and when its workload ended. */
class OutputWatchTest {

    private static final long S = 1_000_000_000L;

    @Test
    void settlesAQuietPeriodAfterItsLastChangeWhichIsTheEnd() {
        OutputWatch w = new OutputWatch(100, 0, Duration.ofSeconds(10));
        w.observe(100, 1 * S);
        w.observe(250, 2 * S);
        w.observe(400, 5 * S);
        w.observe(400, 14 * S);
        assertThat(w.settled(14 * S)).isFalse();
        w.observe(400, 15 * S);
        assertThat(w.settled(15 * S)).isTrue();
        assertThat(w.lastChangeAt()).isEqualTo(5 * S);
        assertThat(w.grown()).isEqualTo(300);
    }

    @Test
    void aCountThatNeverGrewIsNotDoneHoweverLongItIsStill() {
        OutputWatch w = new OutputWatch(100, 0, Duration.ofSeconds(1));
        w.observe(100, 60 * S);
        assertThat(w.settled(60 * S)).isFalse();
        assertThat(w.grown()).isZero();
    }

    @Test
    void anUnreadableCountIsNotAChange() {
        OutputWatch w = new OutputWatch(-1, 0, Duration.ofSeconds(1));
        w.observe(-1, 1 * S);
        w.observe(50, 2 * S);
        w.observe(-1, 3 * S);
        w.observe(50, 4 * S);
        assertThat(w.lastChangeAt()).isEqualTo(2 * S);
        assertThat(w.grown()).isEqualTo(50);
        assertThat(w.settled(4 * S)).isTrue();
    }

    @Test
    void theQuietPeriodMustBePositive() {
        assertThatThrownBy(() -> new OutputWatch(0, 0, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("quiet period must be positive");
    }
}
