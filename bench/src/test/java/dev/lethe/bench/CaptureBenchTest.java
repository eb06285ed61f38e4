package dev.lethe.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code bench capture}'s options; what it measures needs a stack (the lead runs it). */
class CaptureBenchTest {

    private static CaptureBench parsed(String... args) {
        CaptureBench bench = new CaptureBench();
        new CommandLine(bench).parseArgs(args);
        return bench;
    }

    @Test
    void byDefaultBothPhasesRunOnTheDocumentedWorkload() {
        CaptureBench b = parsed();
        assertThat(b.captureOnly).isFalse();
        assertThat(b.rows).isEqualTo(200_000);
        assertThat(b.rowsPerTx).isEqualTo(1000);
        assertThat(b.quietSeconds).isEqualTo(15);
        assertThat(b.timeoutMinutes).isEqualTo(30);
        b.validate();
    }

    @Test
    void captureOnlyLeavesTheJobsOut() {
        CaptureBench b = parsed("--capture-only", "--rows", "5000", "--data-dir", "/tmp/x");
        assertThat(b.captureOnly).isTrue();
        assertThat(b.rows).isEqualTo(5000);
    }

    @Test
    void everyOutOfRangeOptionIsNamedAtOnce() {
        assertThatThrownBy(() -> parsed("--rows", "0", "--quiet", "0").validate())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--rows must be at least 1; --quiet must be at least 1 second");
    }
}
