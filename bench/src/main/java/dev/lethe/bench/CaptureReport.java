package dev.lethe.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code ./lethe bench capture} measured and its report: capture alone (no Flink job beside
 * it) against the raw decoder, then end to end with Lethe's jobs on, each with the line saying what
 * ran beside it. The rows of the earlier report keep their names (docs/benchmarks.md quotes them).
 *
 * @param rows changes in each workload (one insert each)
 * @param rowsPerTx rows a transaction
 * @param upSeconds {@code up} without the jobs, until all healthy
 * @param alone the capture-alone phase
 * @param endToEnd the end-to-end phase; empty with {@code --capture-only}
 * @param rssBytes each component's resident memory, in the stack's start order
 * @param rssWhen when the RSS was read, and what ran then
 */
record CaptureReport(
        int rows,
        int rowsPerTx,
        double upSeconds,
        CaptureAlone alone,
        Optional<EndToEnd> endToEnd,
        Map<String, Long> rssBytes,
        String rssWhen) {

    static final double CAPTURE_TARGET_PERCENT = 15;
    static final double START_TARGET_SECONDS = 60;
    static final double RSS_TARGET_GIB = 6;

    CaptureReport {
        rssBytes = new LinkedHashMap<>(rssBytes);
    }

    /**
     * Capture alone: the workload written with the connector paused, then read from the WAL by the
     * raw decoder and by Debezium into Kafka, no Flink job running.
     *
     * @param writeSeconds writing the workload
     * @param rawSeconds the raw decoder reading it
     * @param debeziumSeconds from resuming the connector until the raw topic holds it
     */
    record CaptureAlone(double writeSeconds, double rawSeconds, double debeziumSeconds) {}

    /**
     * End to end: Lethe's jobs submitted into the same stack, caught up on the capture-alone
     * workload, then a second workload of the same size written with the connector paused; each
     * time of it runs from resuming the connector.
     *
     * @param jobs what ran beside it (the jobs, by name)
     * @param submitSeconds submitting the jobs
     * @param catchUpSeconds from submitting them until the capture-alone workload was audited and
     *     located
     * @param writeSeconds writing the second workload
     * @param capturedSeconds until the raw topic held it
     * @param auditedSeconds until all its audit entries were searchable in {@code lethe-audit}
     * @param locatedSeconds until the last of its locations was searchable in {@code
     *     lethe-locations}
     * @param locations the locations it added
     */
    record EndToEnd(
            String jobs,
            double submitSeconds,
            double catchUpSeconds,
            double writeSeconds,
            double capturedSeconds,
            double auditedSeconds,
            double locatedSeconds,
            long locations) {

        /** Until the workload was in both the audit log and the location index. */
        double seconds() {
            return Math.max(auditedSeconds, locatedSeconds);
        }
    }

    /** {@code changes} per second over {@code seconds}. */
    static double perSecond(long changes, double seconds) {
        if (!(seconds > 0)) {
            throw new IllegalArgumentException("no rate over " + seconds + " s");
        }
        return changes / seconds;
    }

    double rawRate() {
        return perSecond(rows, alone.rawSeconds());
    }

    double debeziumRate() {
        return perSecond(rows, alone.debeziumSeconds());
    }

    /** Debezium into Kafka over the raw decoder, capture alone: the capture ratio, in percent. */
    double capturePercent() {
        return 100 * debeziumRate() / rawRate();
    }

    /** The report as Markdown rows, with its header. */
    List<String> lines() {
        List<String> l = new ArrayList<>();
        l.add("| measure | value |");
        l.add("|---|---|");
        l.add(
                String.format(
                        "| workload | %d rows of ~250 B, %d rows/transaction, written in %.1f s |",
                        rows, rowsPerTx, alone.writeSeconds()));
        l.add(
                BenchStacks.besideRow(
                        "**capture alone**: "
                                + BenchStacks.JOBS_OFF
                                + "; the connector paused while the workload was written"));
        l.add(String.format("| raw pgoutput decode (baseline) | %.0f changes/s |", rawRate()));
        l.add(String.format("| Debezium → Kafka | %.0f changes/s |", debeziumRate()));
        l.add(
                String.format(
                        "| **Debezium / raw** | **%.1f %%** (target ≥ %.0f %%) |",
                        capturePercent(), CAPTURE_TARGET_PERCENT));
        endToEnd.ifPresentOrElse(
                e -> endToEndRows(l, e),
                () ->
                        l.add(
                                BenchStacks.besideRow(
                                        "**end to end**: not measured (--capture-only: no Flink"
                                                + " job was submitted)")));
        l.add(
                endToEnd.map(
                                e ->
                                        String.format(
                                                "| stack start (`up`, all healthy) | %.1f s: %.1f"
                                                        + " s without the jobs + %.1f s submitting"
                                                        + " them (target ≤ %.0f s) |",
                                                upSeconds + e.submitSeconds(),
                                                upSeconds,
                                                e.submitSeconds(),
                                                START_TARGET_SECONDS))
                        .orElse(
                                String.format(
                                        "| stack start (`up`, all healthy) | %.1f s without the"
                                                + " jobs (target ≤ %.0f s, submitting them"
                                                + " included) |",
                                        upSeconds, START_TARGET_SECONDS)));
        l.add("| RSS read | " + rssWhen + " |");
        long total = 0;
        for (Map.Entry<String, Long> e : rssBytes.entrySet()) {
            total += e.getValue();
            l.add(String.format("| RSS %s | %.0f MiB |", e.getKey(), e.getValue() / 1048576.0));
        }
        l.add(
                String.format(
                        "| **RSS whole stack** | **%.2f GiB** (target ≤ %.0f GiB) |",
                        total / 1073741824.0, RSS_TARGET_GIB));
        return l;
    }

    private void endToEndRows(List<String> l, EndToEnd e) {
        l.add(
                BenchStacks.besideRow(
                        "**end to end**: "
                                + e.jobs()
                                + ", submitted into the same stack after capture alone and"
                                + " caught up on its workload before the next was written"));
        l.add(
                String.format(
                        "| jobs submitted; caught up on the capture-alone workload (already in"
                                + " Kafka) | in %.1f s; %d changes audited and located %.1f s"
                                + " after submitting (%.0f changes/s) |",
                        e.submitSeconds(),
                        rows,
                        e.catchUpSeconds(),
                        perSecond(rows, e.catchUpSeconds())));
        l.add(
                String.format(
                        "| end-to-end workload | %d rows as above, written in %.1f s with the"
                                + " connector paused; each time below from resuming it |",
                        rows, e.writeSeconds()));
        double captured = perSecond(rows, e.capturedSeconds());
        l.add(
                String.format(
                        "| Debezium → Kafka, jobs on | %.0f changes/s (%.1f s; %.1f %% of the raw"
                                + " baseline above) |",
                        captured, e.capturedSeconds(), 100 * captured / rawRate()));
        l.add(
                String.format(
                        "| → searchable in `lethe-audit` (all %d audit entries) | %.0f changes/s"
                                + " (%.1f s) |",
                        rows, perSecond(rows, e.auditedSeconds()), e.auditedSeconds()));
        l.add(
                String.format(
                        "| → searchable in `lethe-locations` (the last of %d locations) | %.0f"
                                + " changes/s (%.1f s) |",
                        e.locations(), perSecond(rows, e.locatedSeconds()), e.locatedSeconds()));
        double rate = perSecond(rows, e.seconds());
        l.add(
                String.format(
                        "| **end to end: in `lethe-audit` and `lethe-locations`** | **%.0f"
                                + " changes/s** (%.1f s; %.1f %% of Debezium → Kafka alone; no"
                                + " target) |",
                        rate, e.seconds(), 100 * rate / debeziumRate()));
    }
}
