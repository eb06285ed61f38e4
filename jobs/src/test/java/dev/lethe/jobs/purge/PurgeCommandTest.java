package dev.lethe.jobs.purge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.retention.PurgeAction;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PurgeCommandTest {

    @Test
    void aRowIdIsTheCanonicalDecimalItsEntityIdNames() {
        PurgeCommand ok =
                PurgeCommand.erasure(
                        "r", "tickets", Map.of("id", "42"), "tickets/42", PurgeAction.DELETE);
        assertThat(ok.rowId()).isEqualTo(42L);

        PurgeCommand padded =
                PurgeCommand.erasure(
                        "r", "tickets", Map.of("id", "042"), "tickets/042", PurgeAction.DELETE);
        assertThatThrownBy(padded::rowId).isInstanceOf(IllegalArgumentException.class);

        PurgeCommand other =
                PurgeCommand.erasure(
                        "r", "tickets", Map.of("id", "42"), "tickets/43", PurgeAction.DELETE);
        assertThatThrownBy(other::rowId).isInstanceOf(IllegalArgumentException.class);

        PurgeCommand notANumber =
                PurgeCommand.erasure(
                        "r", "tickets", Map.of("id", "x"), "tickets/x", PurgeAction.DELETE);
        assertThatThrownBy(notANumber::rowId)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("x\"");
    }
}
