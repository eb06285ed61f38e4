package dev.lethe.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IndependentSlotTest {

    @Test
    void anLsnReadsAsTheNumberTheAuditLogRecords() {
        assertThat(IndependentSlot.lsn("0/16B3748")).isEqualTo(0x16B3748L);
        assertThat(IndependentSlot.lsn("16/B374D848")).isEqualTo((0x16L << 32) | 0xB374D848L);
    }

    @Test
    void aChangeMissingOrLoggedTwiceIsNamed() {
        List<String> committed = List.of("contacts/1@10", "contacts/1@20", "tickets/7@30");
        IndependentSlot.Comparison c =
                IndependentSlot.compareCounts(
                        committed, Map.of("contacts/1@10", 1, "tickets/7@30", 2, "other/1@5", 1));
        assertThat(c.missing()).containsExactly("contacts/1@20");
        assertThat(c.doubled()).containsExactly("tickets/7@30");
    }

    @Test
    void theGovernedTablesAreTheShippedCatalogs() {
        assertThat(IndependentSlot.governedTables())
                .contains("contacts", "tickets", "comments", "consents")
                .doesNotContain("lethe_heartbeat", "lethe_signal");
    }

    @Test
    void aSlotNameThatIsNotAnIdentifierIsRefusedBeforeAnySql() {
        assertThatThrownBy(
                        () ->
                                IndependentSlot.create(
                                        null, "x'); DROP TABLE contacts; --", List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lower-case letters");
    }
}
