package dev.lethe.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** CPU lists as given on the command line; pinning processes is {@link CpuPinningITCase}. */
class CpuPinningTest {

    @Test
    void cpuListsAreCheckedWithAMessageSayingWhatToGive() {
        assertThat(CpuPinning.cpuList("--other-cpus", "0,2-3")).isEqualTo("0,2-3");
        assertThatThrownBy(() -> CpuPinning.cpuList("--elasticsearch-cpus", "one"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--elasticsearch-cpus must be a CPU list such as 1");
    }
}
