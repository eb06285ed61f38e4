package dev.lethe.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The capture report: its rates, what it says ran beside each phase, the rows docs quote. */
class CaptureReportTest {

    private static final int ROWS = 200_000;

    /** 100,000 raw changes/s, 20,000 by Debezium alone: 20 %. */
    private static final CaptureReport.CaptureAlone ALONE =
            new CaptureReport.CaptureAlone(4.0, 2.0, 10.0);

    private static final CaptureReport.EndToEnd END_TO_END =
            new CaptureReport.EndToEnd(
                    BenchStacks.jobsOn(), 12.0, 160.0, 4.5, 25.0, 100.0, 125.0, 600_000);

    private static Map<String, Long> rss() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("postgres", 100L * 1048576);
        m.put("kafka", 412L * 1048576);
        m.put("flink", 512L * 1048576);
        return m;
    }

    private static CaptureReport report(Optional<CaptureReport.EndToEnd> endToEnd) {
        return new CaptureReport(
                ROWS, 1000, 30.0, ALONE, endToEnd, rss(), "after end to end, the jobs running");
    }

    @Test
    void ratesAreChangesOverSecondsAndTheCaptureRatioIsDebeziumAloneOverRaw() {
        CaptureReport r = report(Optional.of(END_TO_END));
        assertThat(r.rawRate()).isEqualTo(100_000.0);
        assertThat(r.debeziumRate()).isEqualTo(20_000.0);
        assertThat(r.capturePercent()).isEqualTo(20.0);
        assertThat(END_TO_END.seconds()).isEqualTo(125.0);
        assertThat(CaptureReport.perSecond(1000, 0.5)).isEqualTo(2000.0);
    }

    @Test
    void aRateOverNoTimeIsRefused() {
        assertThatThrownBy(() -> CaptureReport.perSecond(1000, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no rate over 0.0 s");
        assertThatThrownBy(() -> CaptureReport.perSecond(1000, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theReportStatesWhatRanBesideEachPhaseAndPrintsBothMeasures() {
        assertThat(report(Optional.of(END_TO_END)).lines())
                .containsExactly(
                        "| measure | value |",
                        "|---|---|",
                        "| workload | 200000 rows of ~250 B, 1000 rows/transaction, written in 4.0 s"
                                + " |",
                        "| beside it | **capture alone**: the stack started without Lethe's Flink"
                                + " jobs (none runs); the connector paused while the workload was"
                                + " written |",
                        "| raw pgoutput decode (baseline) | 100000 changes/s |",
                        "| Debezium → Kafka | 20000 changes/s |",
                        "| **Debezium / raw** | **20.0 %** (target ≥ 15 %) |",
                        "| beside it | **end to end**: Lethe's Flink jobs lethe-audit,"
                                + " lethe-discovery, lethe-retention, as `up` submits them,"
                                + " submitted into the same stack after capture alone and caught"
                                + " up on its workload before the next was written |",
                        "| jobs submitted; caught up on the capture-alone workload (already in"
                                + " Kafka) | in 12.0 s; 200000 changes audited and located 160.0"
                                + " s after submitting (1250 changes/s) |",
                        "| end-to-end workload | 200000 rows as above, written in 4.5 s with the"
                                + " connector paused; each time below from resuming it |",
                        "| Debezium → Kafka, jobs on | 8000 changes/s (25.0 s; 8.0 % of the raw"
                                + " baseline above) |",
                        "| → searchable in `lethe-audit` (all 200000 audit entries) | 2000"
                                + " changes/s (100.0 s) |",
                        "| → searchable in `lethe-locations` (the last of 600000 locations) |"
                                + " 1600 changes/s (125.0 s) |",
                        "| **end to end: in `lethe-audit` and `lethe-locations`** | **1600"
                                + " changes/s** (125.0 s; 8.0 % of Debezium → Kafka alone; no"
                                + " target) |",
                        "| stack start (`up`, all healthy) | 42.0 s: 30.0 s without the jobs + 12.0"
                                + " s submitting them (target ≤ 60 s) |",
                        "| RSS read | after end to end, the jobs running |",
                        "| RSS postgres | 100 MiB |",
                        "| RSS kafka | 412 MiB |",
                        "| RSS flink | 512 MiB |",
                        "| **RSS whole stack** | **1.00 GiB** (target ≤ 6 GiB) |");
    }

    @Test
    void captureOnlySaysTheEndToEndWasNotMeasuredAndTheStartLeftOutTheJobs() {
        assertThat(report(Optional.empty()).lines())
                .contains(
                        "| **Debezium / raw** | **20.0 %** (target ≥ 15 %) |",
                        "| beside it | **end to end**: not measured (--capture-only: no Flink job"
                                + " was submitted) |",
                        "| stack start (`up`, all healthy) | 30.0 s without the jobs (target ≤ 60"
                                + " s, submitting them included) |")
                .noneMatch(l -> l.contains("jobs on") || l.contains("lethe-locations"));
    }
}
