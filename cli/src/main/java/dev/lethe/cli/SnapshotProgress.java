package dev.lethe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToLongFunction;

/**
 * The progress of Debezium's snapshots, from the notifications the connector writes to {@link
 * #NOTIFICATION_TOPIC} (Debezium's {@code sink} notification channel): the initial snapshot (a
 * database that already holds data) and the incremental ones {@code ./lethe snapshot} requests.
 *
 * <p>The notifications say when a snapshot and each of its tables started and ended, and how many
 * rows a finished table had. While a table is being read, its rows so far come from elsewhere
 * ({@link Counts}): during the initial snapshot the records its raw topic received since the table
 * started (nothing else writes there before streaming starts), during an incremental one the chunks
 * read so far times the chunk size (an upper bound by less than one chunk). The rate is the average
 * since the table (or the snapshot) started, so one reading suffices; the expected end assumes it
 * holds. The totals are estimates (PostgreSQL's {@code pg_class.reltuples}) or exact counts.
 */
final class SnapshotProgress {

    /** The topic of the connector's notifications ({@code notification.sink.topic.name}). */
    static final String NOTIFICATION_TOPIC = "lethe.capture.notifications";

    static final String INITIAL = "Initial Snapshot";
    static final String INCREMENTAL = "Incremental Snapshot";

    private static final ObjectMapper JSON = new ObjectMapper();

    private SnapshotProgress() {}

    /** One notification: {@code aggregate_type}, {@code type}, {@code additional_data}. */
    record Notification(String aggregateType, String type, Map<String, String> data, Instant at) {

        /** A notification as the JSON converter writes it (schemas disabled), or empty. */
        static Optional<Notification> parse(byte[] value) {
            if (value == null) {
                return Optional.empty();
            }
            try {
                JsonNode n = JSON.readTree(value);
                if (!n.isObject() || !n.hasNonNull("aggregate_type") || !n.hasNonNull("type")) {
                    return Optional.empty();
                }
                Map<String, String> data = new LinkedHashMap<>();
                n.path("additional_data")
                        .fields()
                        .forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
                return Optional.of(
                        new Notification(
                                n.get("aggregate_type").asText(),
                                n.get("type").asText(),
                                data,
                                Instant.ofEpochMilli(n.path("timestamp").asLong())));
            } catch (IOException e) {
                return Optional.empty();
            }
        }
    }

    /** One table of a snapshot as the notifications tell it. */
    static final class Scan {
        final String table;
        String state = "pending"; // pending, running, done, failed
        String outcome; // Debezium's status of a finished scan (SUCCEEDED, EMPTY, SQL_EXCEPTION
        // ...)
        Instant startedAt;
        Instant endedAt;
        Long rowsScanned; // when done
        int chunks; // incremental: chunks read

        Scan(String table) {
            this.table = table;
        }
    }

    /** One snapshot: initial or incremental. */
    static final class Run {
        final String kind; // initial, incremental
        String state = "running"; // running, paused, completed, aborted
        final Instant startedAt;
        Instant endedAt;
        final Map<String, Scan> scans = new LinkedHashMap<>();

        Run(String kind, Instant startedAt) {
            this.kind = kind;
            this.startedAt = startedAt;
        }

        Instant lastEnd() {
            Instant last = startedAt;
            for (Scan s : scans.values()) {
                if (s.endedAt != null && s.endedAt.isAfter(last)) {
                    last = s.endedAt;
                }
            }
            return last;
        }

        Scan scan(String table) {
            return scans.computeIfAbsent(table, Scan::new);
        }

        void plan(String dataCollections) {
            if (dataCollections == null) {
                return;
            }
            for (String t : dataCollections.split(",")) {
                if (!t.isBlank()) {
                    scan(t.trim());
                }
            }
        }
    }

    /** The latest initial snapshot and the latest incremental one, each null if none. */
    record Runs(Run initial, Run incremental) {}

    /** Replays the notifications in their topic order. */
    static Runs replay(List<Notification> notifications) {
        Run initial = null;
        Run incremental = null;
        for (Notification n : notifications) {
            boolean isInitial = INITIAL.equals(n.aggregateType());
            if (!isInitial && !INCREMENTAL.equals(n.aggregateType())) {
                continue;
            }
            Run run = isInitial ? initial : incremental;
            if ("STARTED".equals(n.type()) || run == null) {
                if ("SKIPPED".equals(n.type())) {
                    continue; // a restart that needed no snapshot
                }
                run = new Run(isInitial ? "initial" : "incremental", n.at());
                if (isInitial) {
                    initial = run;
                } else {
                    incremental = run;
                }
            }
            run.plan(n.data().get("data_collections"));
            switch (n.type()) {
                case "IN_PROGRESS", "TABLE_CHUNK_IN_PROGRESS" -> {
                    String table = n.data().get("current_collection_in_progress");
                    if (table != null) {
                        Scan s = run.scan(table);
                        if ("pending".equals(s.state)) {
                            s.state = "running";
                            // an incremental scan notifies after its first chunk: it started when
                            // the scan before it ended (or the snapshot started)
                            s.startedAt = isInitial ? n.at() : run.lastEnd();
                        }
                        if (!isInitial) {
                            s.chunks++;
                        }
                        if (n.data().containsKey("total_rows_scanned")) {
                            s.rowsScanned = parseLong(n.data().get("total_rows_scanned"));
                        }
                    }
                }
                case "TABLE_SCAN_COMPLETED" -> {
                    String table = n.data().get("scanned_collection");
                    if (table != null) {
                        Scan s = run.scan(table);
                        String status = n.data().getOrDefault("status", "SUCCEEDED");
                        s.outcome = status;
                        s.state =
                                "SUCCEEDED".equals(status) || "EMPTY".equals(status)
                                        ? "done"
                                        : "failed";
                        s.endedAt = n.at();
                        if (s.startedAt == null) {
                            s.startedAt = n.at();
                        }
                        Long rows = parseLong(n.data().get("total_rows_scanned"));
                        s.rowsScanned =
                                rows != null ? rows : "EMPTY".equals(status) ? 0L : s.rowsScanned;
                    }
                }
                case "PAUSED" -> run.state = "paused";
                case "RESUMED" -> run.state = "running";
                case "COMPLETED" -> {
                    run.state = "completed";
                    run.endedAt = n.at();
                }
                case "ABORTED" -> {
                    run.state = "aborted";
                    run.endedAt = n.at();
                }
                default -> {}
            }
        }
        return new Runs(initial, incremental);
    }

    private static Long parseLong(String s) {
        try {
            return s == null ? null : Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A table's total rows: an estimate or an exact count. */
    record Total(long rows, boolean exact) {}

    /** Where the numbers the notifications lack come from. */
    interface Counts {
        /** Rows read so far of a table being read (see the class comment). */
        long rowsSoFar(Run run, Scan scan);

        /** The table's total rows now, if known. */
        Optional<Total> total(String table);
    }

    /** One table in the report. */
    record TableReport(
            String table,
            String state,
            String outcome,
            long rowsDone,
            boolean rowsApproximate,
            Total total,
            Double rowsPerSecond,
            Instant startedAt,
            Instant endedAt,
            Instant expectedEnd) {}

    /** One snapshot in the report. */
    record RunReport(
            String kind,
            String state,
            Instant startedAt,
            Instant endedAt,
            List<TableReport> tables,
            long rowsDone,
            Double rowsPerSecond,
            Instant expectedEnd) {

        boolean attention() {
            return "aborted".equals(state)
                    || tables.stream().anyMatch(t -> "failed".equals(t.state()));
        }
    }

    static RunReport report(Run run, Counts counts, Instant now) {
        if (run == null) {
            return null;
        }
        List<TableReport> tables = new ArrayList<>();
        long done = 0;
        long remaining = 0;
        boolean remainingKnown = true;
        for (Scan s : run.scans.values()) {
            long rows;
            boolean approximate = false;
            Total total;
            Instant end = null;
            Double rate = null;
            switch (s.state) {
                case "done", "failed" -> {
                    rows = s.rowsScanned == null ? 0 : s.rowsScanned;
                    total =
                            "done".equals(s.state)
                                    ? new Total(rows, true)
                                    : counts.total(s.table).orElse(null);
                    rate = rate(rows, s.startedAt, s.endedAt);
                }
                case "running" -> {
                    total = counts.total(s.table).orElse(null);
                    rows = counts.rowsSoFar(run, s);
                    approximate = "incremental".equals(run.kind);
                    if (total != null && approximate) {
                        rows = Math.min(rows, total.rows());
                    }
                    boolean active = "running".equals(run.state);
                    rate = rate(rows, s.startedAt, active ? now : run.endedAt);
                    if (active && total != null) {
                        long left = Math.max(0, total.rows() - rows);
                        remaining += left;
                        if (rate != null && rate > 0) {
                            end = now.plusMillis((long) (left * 1000 / rate));
                        }
                    } else if (active) {
                        remainingKnown = false;
                    }
                }
                default -> {
                    rows = 0;
                    total = counts.total(s.table).orElse(null);
                    if (total == null) {
                        remainingKnown = false;
                    } else {
                        remaining += total.rows();
                    }
                }
            }
            done += rows;
            tables.add(
                    new TableReport(
                            s.table,
                            s.state,
                            s.outcome,
                            rows,
                            approximate,
                            total,
                            rate,
                            s.startedAt,
                            s.endedAt,
                            end));
        }
        boolean running = "running".equals(run.state);
        Double rate = rate(done, run.startedAt, run.endedAt != null ? run.endedAt : now);
        Instant expectedEnd =
                running && remainingKnown && rate != null && rate > 0
                        ? now.plusMillis((long) (remaining * 1000 / rate))
                        : null;
        return new RunReport(
                run.kind, run.state, run.startedAt, run.endedAt, tables, done, rate, expectedEnd);
    }

    /** Rows per second between two instants, or null when there is nothing to divide. */
    static Double rate(long rows, Instant from, Instant to) {
        if (from == null || to == null || rows <= 0) {
            return null;
        }
        long ms = Duration.between(from, to).toMillis();
        return ms <= 0 ? null : rows * 1000.0 / ms;
    }

    // ---- rendering -----------------------------------------------------------------------------

    /** The entry's health: running, completed, attention, or none. */
    static String health(RunReport initial, RunReport incremental) {
        if ((initial != null && initial.attention())
                || (incremental != null && incremental.attention())) {
            return "attention";
        }
        if ((initial != null && !"completed".equals(initial.state()))
                || (incremental != null && !"completed".equals(incremental.state()))) {
            return "running";
        }
        return initial == null && incremental == null ? "none" : "completed";
    }

    /** One line: each snapshot's state and, while one runs, its table being read. */
    static String summary(RunReport initial, RunReport incremental) {
        if (initial == null && incremental == null) {
            return "no snapshot notified on "
                    + NOTIFICATION_TOPIC
                    + " (a snapshot taken before the connector sent notifications does not show)";
        }
        List<String> parts = new ArrayList<>();
        for (RunReport r : new RunReport[] {initial, incremental}) {
            if (r != null) {
                parts.add(summary(r));
            }
        }
        return String.join("; ", parts);
    }

    private static String summary(RunReport r) {
        StringBuilder b = new StringBuilder(r.kind()).append(" snapshot");
        if ("incremental".equals(r.kind())) {
            b.append(" of ")
                    .append(
                            String.join(
                                    ", ", r.tables().stream().map(TableReport::table).toList()));
        }
        long tablesDone = r.tables().stream().filter(t -> "done".equals(t.state())).count();
        switch (r.state()) {
            case "completed" ->
                    b.append(" completed ")
                            .append(time(r.endedAt()))
                            .append(" (")
                            .append(r.tables().size())
                            .append(r.tables().size() == 1 ? " table, " : " tables, ")
                            .append(r.rowsDone())
                            .append(" rows")
                            .append(rateText(r.rowsPerSecond()))
                            .append(')');
            case "aborted" ->
                    b.append(" ABORTED ")
                            .append(time(r.endedAt()))
                            .append(" after ")
                            .append(tablesDone)
                            .append(" of ")
                            .append(r.tables().size())
                            .append(" tables");
            default -> {
                b.append(' ')
                        .append(r.state())
                        .append(" since ")
                        .append(time(r.startedAt()))
                        .append(": ")
                        .append(tablesDone)
                        .append(" of ")
                        .append(r.tables().size())
                        .append(" tables done, ")
                        .append(r.rowsDone())
                        .append(" rows")
                        .append(rateText(r.rowsPerSecond()));
                for (TableReport t : r.tables()) {
                    if ("running".equals(t.state())) {
                        b.append("; ").append(tableText(t));
                    }
                }
                b.append(r.expectedEnd() == null ? "" : "; all done ~" + time(r.expectedEnd()));
            }
        }
        r.tables().stream()
                .filter(t -> "failed".equals(t.state()))
                .forEach(
                        t ->
                                b.append("; ")
                                        .append(t.table())
                                        .append(" FAILED (")
                                        .append(t.outcome())
                                        .append(')'));
        return b.toString();
    }

    /** {@code public.tickets 120000 of ~500000 rows (24%), 4000 rows/s, ends ~12:05:10Z}. */
    static String tableText(TableReport t) {
        StringBuilder b = new StringBuilder(t.table()).append(' ');
        b.append(t.rowsApproximate() ? "~" : "").append(t.rowsDone());
        if (t.total() != null && !"done".equals(t.state())) {
            b.append(" of ").append(t.total().exact() ? "" : "~").append(t.total().rows());
            if (t.total().rows() > 0) {
                b.append(" rows (")
                        .append(Math.min(100, t.rowsDone() * 100 / t.total().rows()))
                        .append("%)");
            } else {
                b.append(" rows");
            }
        } else {
            b.append(" rows");
        }
        b.append(rateText(t.rowsPerSecond()));
        if ("running".equals(t.state())) {
            b.append(t.expectedEnd() == null ? "" : ", ends ~" + time(t.expectedEnd()));
        } else if (t.endedAt() != null) {
            b.append(", ").append(t.state()).append(' ').append(time(t.endedAt()));
        } else {
            b.append(", ").append(t.state());
        }
        return b.toString();
    }

    private static String rateText(Double rate) {
        return rate == null ? "" : ", " + Math.round(rate) + " rows/s";
    }

    private static String time(Instant t) {
        return t == null ? "?" : t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** The JSON of one snapshot (null when there is none). */
    static ObjectNode json(ObjectMapper m, RunReport r) {
        if (r == null) {
            return null;
        }
        ObjectNode n = m.createObjectNode();
        n.put("kind", r.kind());
        n.put("status", r.state());
        n.put("startedAt", text(r.startedAt()));
        n.put("completedAt", "completed".equals(r.state()) ? text(r.endedAt()) : null);
        n.put("abortedAt", "aborted".equals(r.state()) ? text(r.endedAt()) : null);
        n.put("rowsDone", r.rowsDone());
        putRate(n, r.rowsPerSecond());
        n.put("expectedEnd", text(r.expectedEnd()));
        var tables = n.putArray("tables");
        for (TableReport t : r.tables()) {
            ObjectNode tn = tables.addObject();
            tn.put("table", t.table());
            tn.put("status", t.state());
            if (t.outcome() != null) {
                tn.put("outcome", t.outcome());
            }
            tn.put("rowsDone", t.rowsDone());
            tn.put("rowsDoneApproximate", t.rowsApproximate());
            if (t.total() == null) {
                tn.putNull("total");
                tn.putNull("totalKind");
            } else {
                tn.put("total", t.total().rows());
                tn.put("totalKind", t.total().exact() ? "exact" : "estimate");
            }
            putRate(tn, t.rowsPerSecond());
            tn.put("startedAt", text(t.startedAt()));
            tn.put("endedAt", text(t.endedAt()));
            tn.put("expectedEnd", text(t.expectedEnd()));
        }
        return n;
    }

    private static void putRate(ObjectNode n, Double rate) {
        if (rate == null) {
            n.putNull("rowsPerSecond");
        } else {
            n.put("rowsPerSecond", Math.round(rate * 10) / 10.0);
        }
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }

    /** The chunk size of incremental snapshots ({@code incremental.snapshot.chunk.size}). */
    static long chunkSize(JsonNode connectorConfig) {
        return connectorConfig == null
                ? 1024
                : connectorConfig.path("incremental.snapshot.chunk.size").asLong(1024);
    }

    /** Rows of an incremental scan so far: chunks read times the chunk size. */
    static ToLongFunction<Scan> chunkRows(long chunkSize) {
        return s -> s.chunks * chunkSize;
    }
}
