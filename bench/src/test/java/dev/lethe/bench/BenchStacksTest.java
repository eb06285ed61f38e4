package dev.lethe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The line every benchmark's report carries about what ran beside it. */
class BenchStacksTest {

    @Test
    void jobsOnNamesEveryJobUpSubmits() {
        assertThat(BenchStacks.jobsOn())
                .isEqualTo(
                        "Lethe's Flink jobs lethe-audit, lethe-discovery, lethe-retention, as `up`"
                                + " submits them");
    }

    @Test
    void besideIsARowOfAMeasureValueTableOrALine() {
        assertThat(BenchStacks.besideRow(BenchStacks.JOBS_OFF))
                .isEqualTo(
                        "| beside it | the stack started without Lethe's Flink jobs (none runs) |");
        assertThat(BenchStacks.besideLine(BenchStacks.NO_STACK))
                .isEqualTo("beside it: no stack, no Flink job: the benchmark's JVM alone");
    }
}
