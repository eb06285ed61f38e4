package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.events.AuditEntry;
import dev.lethe.testing.AuditTestJobs;
import dev.lethe.testing.SharedStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit monitor's completeness check on a real log: with its verifications it checks the raw
 * topics against the log incrementally, {@code status} shows the changes checked through a
 * logIndex, and an entry replayed into the log is a double: a finding, {@code
 * monitor.completeness.doubles} and attention.
 */
class AuditMonitorCompletenessITCase {

    @TempDir Path stateDir;

    @Test
    void theMonitorChecksCompletenessWithItsVerificationsAndReportsADouble() throws Exception {
        try (MonitoredAuditRun r =
                MonitoredAuditRun.start(
                        "completeness",
                        stateDir,
                        (m, settings) ->
                                m.withCompleteness(
                                        new CompletenessCheck(
                                                SharedStack.settings().kafkaClient(),
                                                settings.auditTopic()),
                                        AuditMonitor.COMPLETENESS_BOUND))) {
            r.change(0);
            r.change(1);
            int[] next = {2};
            AuditMonitor.State checked =
                    r.awaitStateChanging(
                            st -> st.completeness() != null && st.completeness().checked() > 0,
                            next);
            assertThat(checked.completeness().attention())
                    .as(checked.completeness().summary())
                    .isFalse();
            assertThat(r.monitor.completenessFile()).exists();
            JsonNode status =
                    StatusCommand.json(List.of(), StatusCommand.Findings.NONE.withMonitor(checked));
            assertThat(status.path("monitor").path("completeness").path("checked").asLong())
                    .isEqualTo(checked.completeness().checked());
            assertThat(status.path("monitor").path("completeness").path("health").asText())
                    .isEqualTo("healthy");

            // an entry of the log written into it again: the same change twice
            List<AuditEntry> log =
                    AuditTestJobs.entries(
                            r.settings.auditTopic(),
                            e -> "change".equals(e.getKind()),
                            l -> false,
                            Duration.ofSeconds(3));
            AuditEntry replayed = AuditEntry.newBuilder(log.get(log.size() - 1)).build();
            r.append(replayed);
            AuditMonitor.State doubled =
                    r.awaitStateChanging(
                            st -> st.completeness() != null && st.completeness().doubles() > 0,
                            next);
            assertThat(doubled.needsAttention()).isTrue();
            assertThat(doubled.findings()).isPositive();
            JsonNode after =
                    StatusCommand.json(List.of(), StatusCommand.Findings.NONE.withMonitor(doubled));
            assertThat(after.path("monitor").path("health").asText()).isEqualTo("attention");
            assertThat(after.path("monitor").path("completeness").path("doubles").asLong())
                    .isPositive();
        }
    }
}
