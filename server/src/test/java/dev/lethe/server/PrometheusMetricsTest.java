package dev.lethe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class PrometheusMetricsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theMonitorsHeadFindingsAndEachComponentAreMetrics() throws Exception {
        String status =
                """
                {"kafka": {"healthy": true, "health": "healthy"},
                 "flink": {"healthy": false, "health": "unhealthy"},
                 "monitor": {"healthy": true, "health": "attention",
                   "finding": "index: MODIFIED document abc: carol@example.eu",
                   "verifiedThrough": {"checkpointSeq": 41, "treeSize": 1200, "logIndex": 1210,
                     "at": "2026-12-06T10:00:00Z"},
                   "verifications": 57, "findings": 2},
                 "deadletters": {"healthy": true, "lastHour": 3}}
                """;

        String metrics = PrometheusMetrics.of(JSON.readTree(status));

        assertThat(metrics)
                .contains("lethe_component_up{component=\"kafka\"} 1\n")
                .contains("lethe_component_up{component=\"flink\"} 0\n")
                .contains("lethe_audit_monitor_attention 1\n")
                .contains("lethe_audit_monitor_verified_checkpoint_seq 41\n")
                .contains("lethe_audit_monitor_verified_tree_size 1200\n")
                .contains("lethe_audit_monitor_verified_timestamp_seconds 1796551200\n")
                .contains("# TYPE lethe_audit_monitor_findings_total counter\n")
                .contains("lethe_audit_monitor_findings_total 2\n")
                .contains("lethe_audit_monitor_verifications_total 57\n")
                .contains("lethe_deadletters_last_hour 3\n")
                .as("a finding's text never becomes a metric")
                .doesNotContain("carol");
    }

    @Test
    void theCompletenessChecksCountersAreMetrics() throws Exception {
        String status =
                """
                {"monitor": {"healthy": true, "health": "attention",
                   "verifiedThrough": {"checkpointSeq": 3, "treeSize": 30, "logIndex": 31},
                   "verifications": 3, "findings": 1,
                   "completeness": {"health": "attention", "checkedThrough": 31,
                     "checked": 29, "pending": 2, "gaps": 1, "openGaps": 1, "doubles": 0,
                     "problems": 0, "detail": "contacts/1858 at LSN 100"}}}
                """;

        String metrics = PrometheusMetrics.of(JSON.readTree(status));

        assertThat(metrics)
                .contains("lethe_audit_completeness_attention 1\n")
                .contains("lethe_audit_completeness_checked_through 31\n")
                .contains("# TYPE lethe_audit_completeness_checked_changes_total counter\n")
                .contains("lethe_audit_completeness_checked_changes_total 29\n")
                .contains("lethe_audit_completeness_pending 2\n")
                .contains("lethe_audit_completeness_gaps_total 1\n")
                .contains("lethe_audit_completeness_doubles_total 0\n")
                .contains("lethe_audit_completeness_read_back_total 0\n")
                .doesNotContain("1858");
    }

    @Test
    void theTransactionsOpenAndHangingOnTheLogAreMetrics() throws Exception {
        String status =
                """
                {"monitor": {"healthy": true, "health": "attention",
                   "verifiedThrough": {"checkpointSeq": 3, "treeSize": 30, "logIndex": 31},
                   "verifications": 3, "findings": 1,
                   "transactions": {"health": "attention", "open": 2,
                     "hanging": [{"topic": "lethe.audit", "partition": 0, "startOffset": 1234,
                       "producerId": 7, "producerEpoch": 3,
                       "transactionalId": "lethe-audit-lethe-audit-log-0-17",
                       "since": "2026-12-06T09:44:00Z", "ageSeconds": 960,
                       "coordinatorKnows": true}],
                     "boundSeconds": 60, "at": "2026-12-06T10:00:00Z",
                     "detail": "1 hanging, first lethe.audit-0 from offset 1234"}}}
                """;

        String metrics = PrometheusMetrics.of(JSON.readTree(status));

        assertThat(metrics)
                .contains("# TYPE lethe_audit_hanging_transactions gauge\n")
                .contains("lethe_audit_hanging_transactions 1\n")
                .contains("lethe_audit_open_transactions 2\n")
                .doesNotContain("lethe-audit-lethe-audit-log")
                .doesNotContain("lethe_audit_completeness");
    }

    @Test
    void withoutACompletenessCheckThereAreNoCompletenessMetrics() throws Exception {
        String metrics =
                PrometheusMetrics.of(
                        JSON.readTree(
                                "{\"monitor\": {\"health\": \"healthy\", \"verifications\": 1}}"));

        assertThat(metrics).contains("lethe_audit_monitor_verifications_total 1");
        assertThat(metrics).doesNotContain("lethe_audit_completeness");
        assertThat(metrics).doesNotContain("transactions");
    }

    @Test
    void beforeTheMonitorRanThereAreOnlyComponents() throws Exception {
        String metrics = PrometheusMetrics.of(JSON.readTree("{\"server\": {\"healthy\": true}}"));

        assertThat(metrics).contains("lethe_component_up{component=\"server\"} 1");
        assertThat(metrics).doesNotContain("lethe_audit_monitor");
    }
}
