package dev.lethe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.purge.AdoptionBacklog;
import dev.lethe.local.ComponentHealth;
import dev.lethe.local.LocalStack;
import dev.lethe.local.StackOptions;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "status",
        description = {
            "Shows each component's address and health.",
            "Exit code 0 when every component is healthy, 1 otherwise."
        },
        mixinStandardHelpOptions = true)
final class StatusCommand implements Callable<Integer> {

    @Mixin StackOptions options;

    @Option(
            names = "--json",
            description =
                    "Print one JSON object keyed by component (postgres, kafka, connect,"
                            + " elasticsearch, flink), each with address, health, healthy,"
                            + " managed, pid and detail; with entries deadletters, catalog,"
                            + " monitor and snapshot (Debezium's snapshots: per table rows done,"
                            + " total, rate, expected end) when known.")
    boolean json;

    @Option(
            names = "--audit-index",
            paramLabel = "INDEX",
            description =
                    "The audit index whose entries say since when, and in how many changes, an"
                            + " unclassified column was logged (default: ${DEFAULT-VALUE}).")
    String auditIndex = JobSettings.DEFAULT_AUDIT_INDEX;

    @Override
    public Integer call() throws Exception {
        StackSettings s = options.resolve();
        Report report = read(s, System.err, auditIndex);
        return print(report.all(), report.findings(), json, System.out);
    }

    /** The components' health and what status shows beside them. */
    record Report(List<ComponentHealth> all, Findings findings) {}

    /**
     * Probes the stack of {@code s} as {@code status} does (each finding whose source does not
     * answer left out): what {@code status} prints and Lethe's server shows an admin.
     */
    static Report read(StackSettings s, PrintStream log) throws Exception {
        return read(s, log, JobSettings.DEFAULT_AUDIT_INDEX);
    }

    /** As {@link #read(StackSettings, PrintStream)}, the audit log's copy in {@code auditIndex}. */
    static Report read(StackSettings s, PrintStream log, String auditIndex) throws Exception {
        LocalStack stack = new LocalStack(s, log);
        List<ComponentHealth> all = new StackProbe(s, stack.pids()).all();
        Map<String, LocalStack.Restart> restarts = stack.restarts();
        RecentDeadLetters dead = null;
        if (all.stream()
                .anyMatch(
                        h ->
                                dev.lethe.local.KafkaNodes.nodeOf(h.component()).isPresent()
                                        && h.healthy())) {
            try {
                dead =
                        RecentDeadLetters.read(
                                s.kafkaClient(),
                                JobSettings.DEFAULT_DEAD_LETTER_TOPIC,
                                Instant.now().minus(RecentDeadLetters.WINDOW));
            } catch (RuntimeException e) {
                dead = null; // reported as unknown below; the components' health stands
            }
        }
        List<UnclassifiedColumnsSeen.Column> unclassified = null;
        List<String> ungoverned = null;
        if (all.stream().anyMatch(h -> h.component().equals("postgres") && h.healthy())) {
            List<String> names = null;
            try (java.sql.Connection c = StackProbe.connectPostgres(s)) {
                dev.lethe.catalog.PersonalDataCatalog live = LiveCatalog.read(c);
                names = dev.lethe.catalog.UnclassifiedColumns.find(c, live);
                ungoverned = dev.lethe.catalog.UngovernedTables.find(c, live);
            } catch (java.sql.SQLException | RuntimeException e) {
                names = null; // unknown; the components' health stands
            }
            if (names != null) {
                unclassified = UnclassifiedColumnsSeen.unknown(names);
                if (!names.isEmpty()
                        && all.stream()
                                .anyMatch(
                                        h ->
                                                h.component().equals("elasticsearch")
                                                        && h.healthy())) {
                    try (dev.lethe.jobs.elasticsearch.ElasticsearchConnection.Clients es =
                            new dev.lethe.jobs.elasticsearch.ElasticsearchConnection(
                                            s.elasticsearchUrl(), s.elasticsearchUser())
                                    .open(s.elasticsearchPassword().orElse(null))) {
                        unclassified = UnclassifiedColumnsSeen.read(es.client(), auditIndex, names);
                    } catch (java.io.IOException | RuntimeException e) {
                        // since when is unknown; the columns are still named (the class only:
                        // the answer's message is the store's, not ours to print)
                        log.println(
                                "status: could not read since when the audit log carries the"
                                        + " unclassified columns ("
                                        + e.getClass().getSimpleName()
                                        + ")");
                    }
                }
            }
        }
        SnapshotReadings.Reports snapshot = null;
        if (all.stream()
                .anyMatch(
                        h ->
                                dev.lethe.local.KafkaNodes.nodeOf(h.component()).isPresent()
                                        && h.healthy())) {
            try {
                snapshot = SnapshotReadings.read(s, registeredConnectorConfig(s));
            } catch (RuntimeException e) {
                snapshot = null; // unknown; the components' health stands
            }
        }
        Backlog backlog = null;
        if (all.stream().anyMatch(h -> h.component().equals("postgres") && h.healthy())) {
            try (java.sql.Connection c = StackProbe.connectPostgres(s)) {
                backlog = backlog(c);
            } catch (java.sql.SQLException | RuntimeException e) {
                backlog = null; // unknown (e.g. the retention job never ran here)
            }
        }
        return new Report(
                all,
                Findings.NONE
                        .withDeadLetters(dead)
                        .withRestarts(restarts)
                        .withMonitor(AuditMonitor.read(s.dataDir()).orElse(null))
                        .withUnclassified(unclassified)
                        .withUngoverned(ungoverned)
                        .withSnapshot(snapshot)
                        .withBacklog(backlog));
    }

    /** The adoption backlog, or null when the retention job has not created its schema yet. */
    static Backlog backlog(java.sql.Connection c) throws java.sql.SQLException {
        try (var q =
                        c.prepareStatement(
                                "SELECT to_regclass('lethe.adoption') IS NOT NULL"
                                        + " AND to_regclass('lethe.purge_schedule') IS NOT NULL");
                var r = q.executeQuery()) {
            if (!r.next() || !r.getBoolean(1)) {
                return null;
            }
        }
        AdoptionBacklog.State state = AdoptionBacklog.read(c);
        long purges =
                AdoptionBacklog.counts(c, state.adoptedAt()).stream()
                        .mapToLong(AdoptionBacklog.Count::purges)
                        .sum();
        return new Backlog(state.adoptedAt(), state.approved(), purges);
    }

    /** The connector's configuration as this checkout registers it, or null. */
    private static com.fasterxml.jackson.databind.JsonNode registeredConnectorConfig(
            StackSettings s) {
        try {
            return new ObjectMapper()
                    .readTree(s.home().resolve("connectors/register-helpdesk.json").toFile())
                    .path("config");
        } catch (java.io.IOException e) {
            return null;
        }
    }

    static int print(List<ComponentHealth> all, boolean json, PrintStream out) throws Exception {
        return print(all, Findings.NONE, json, out);
    }

    /**
     * What {@code status} shows beside the components, each null when unknown (its source did not
     * answer) and then left out; none of them changes the exit code: they are data to act on, not a
     * component down.
     *
     * @param dead the dead letters of the last hour: entry {@code deadletters} with the components'
     *     fields plus {@code lastHour}, {@code byReason} and {@code bySource}; health {@code
     *     attention} when there are any
     * @param restarts each component's restarts by the supervisor ({@code restarts}, {@code
     *     lastRestart}, {@code lastRestartReason} in JSON) next to its uptime ({@code
     *     uptimeSeconds}, from its process's start; null when it does not run here)
     * @param monitor the audit monitor's state: entry {@code monitor}, health {@code healthy} or
     *     {@code attention}, {@code detail}, {@code verifiedThrough} with {@code checkpointSeq},
     *     {@code treeSize}, {@code logIndex}, {@code at}, and {@code finding}, and {@code
     *     completeness} (the incremental completeness check: {@code health}, {@code
     *     checkedThrough}, {@code checked}, {@code pending}, {@code oldestPending}, {@code gaps},
     *     {@code openGaps}, {@code doubles}, {@code late}, {@code problems}, {@code runs}, {@code
     *     at}, {@code acknowledged} when findings were taken on ({@code gaps}, {@code doubles},
     *     {@code problems}, {@code at}, {@code by}, {@code reason}), {@code detail}), and {@code
     *     transactions} (the Kafka transactions open on the log: {@code health}, {@code open},
     *     {@code hanging} with each one's {@code topic}, {@code partition}, {@code startOffset},
     *     {@code producerId}, {@code producerEpoch}, {@code transactionalId}, {@code since}, {@code
     *     ageSeconds}, {@code coordinatorKnows}; {@code boundSeconds}, {@code at}, {@code detail});
     *     health {@code attention} also while completeness needs it or a transaction hangs
     * @param unclassified columns of governed tables the catalog does not classify: entry {@code
     *     catalog}, {@code unclassified} (their names) and {@code columns} ({@code column}, {@code
     *     since}: the commit time of the first logged change that carried it or null, {@code
     *     changes}: the table's logged changes since); and tables of the helpdesk's schema the
     *     catalog does not name (not captured, so outside governance): {@code ungoverned} (their
     *     names) and {@code tables} ({@code finding} {@code UNGOVERNED_TABLE}, {@code table});
     *     health {@code attention} when there is either
     * @param snapshot Debezium's snapshots: entry {@code snapshot}, health {@code healthy} or
     *     {@code attention} (a snapshot aborted or a table failed), {@code status} {@code running},
     *     {@code completed} or {@code none}, {@code detail}, and {@code initial} and {@code
     *     incremental}, the latest of each kind or null: {@code status}, {@code startedAt}, {@code
     *     completedAt}, {@code rowsDone}, {@code rowsPerSecond}, {@code expectedEnd} and per table
     *     {@code table}, {@code status}, {@code rowsDone}, {@code total}, {@code totalKind}
     *     (estimate or exact), {@code rowsPerSecond}, {@code startedAt}, {@code endedAt}, {@code
     *     expectedEnd}
     * @param backlog the adoption backlog: entry {@code retention}, health {@code attention} while
     *     purges due before the adoption wait for approval, with {@code adoptedAt}, {@code
     *     approved}, {@code backlog} (scheduled purges due before the adoption)
     */
    record Findings(
            RecentDeadLetters dead,
            Map<String, LocalStack.Restart> restarts,
            AuditMonitor.State monitor,
            List<UnclassifiedColumnsSeen.Column> unclassified,
            List<String> ungoverned,
            SnapshotReadings.Reports snapshot,
            Backlog backlog) {

        static final Findings NONE = new Findings(null, Map.of(), null, null, null, null, null);

        Findings {
            restarts = restarts == null ? Map.of() : restarts;
        }

        Findings withDeadLetters(RecentDeadLetters d) {
            return new Findings(d, restarts, monitor, unclassified, ungoverned, snapshot, backlog);
        }

        Findings withRestarts(Map<String, LocalStack.Restart> r) {
            return new Findings(dead, r, monitor, unclassified, ungoverned, snapshot, backlog);
        }

        Findings withMonitor(AuditMonitor.State m) {
            return new Findings(dead, restarts, m, unclassified, ungoverned, snapshot, backlog);
        }

        Findings withUnclassified(List<UnclassifiedColumnsSeen.Column> u) {
            return new Findings(dead, restarts, monitor, u, ungoverned, snapshot, backlog);
        }

        Findings withUngoverned(List<String> tables) {
            return new Findings(dead, restarts, monitor, unclassified, tables, snapshot, backlog);
        }

        /** Whether the catalog needs a person: a column to classify or a table to add. */
        boolean catalogAttention() {
            return (unclassified != null && !unclassified.isEmpty())
                    || (ungoverned != null && !ungoverned.isEmpty());
        }

        Findings withSnapshot(SnapshotReadings.Reports r) {
            return new Findings(dead, restarts, monitor, unclassified, ungoverned, r, backlog);
        }

        Findings withBacklog(Backlog b) {
            return new Findings(dead, restarts, monitor, unclassified, ungoverned, snapshot, b);
        }
    }

    /** The adoption backlog as {@code status} shows it. */
    record Backlog(Instant adoptedAt, boolean approved, long purges) {

        boolean attention() {
            return !approved && purges > 0;
        }

        String detail() {
            if (purges == 0) {
                return "no purge due before the adoption at " + adoptedAt;
            }
            return approved
                    ? purges + " purges due before the adoption at " + adoptedAt + ", approved"
                    : "ADOPTION_BACKLOG "
                            + purges
                            + " purges due before the adoption at "
                            + adoptedAt
                            + " wait for approval (./lethe purges --backlog)";
        }
    }

    static int print(List<ComponentHealth> all, Findings findings, boolean json, PrintStream out)
            throws Exception {
        RecentDeadLetters dead = findings.dead();
        Map<String, LocalStack.Restart> restarts = findings.restarts();
        AuditMonitor.State monitor = findings.monitor();
        List<UnclassifiedColumnsSeen.Column> unclassified = findings.unclassified();
        SnapshotReadings.Reports snapshot = findings.snapshot();
        Backlog backlog = findings.backlog();
        String catalogDetail = catalogDetail(unclassified, findings.ungoverned());
        if (json) {
            ObjectMapper m = new ObjectMapper();
            out.println(m.writerWithDefaultPrettyPrinter().writeValueAsString(json(all, findings)));
        } else {
            out.printf("%-14s %-10s %-44s %s%n", "COMPONENT", "HEALTH", "ADDRESS", "DETAIL");
            for (ComponentHealth h : all) {
                out.printf(
                        "%-14s %-10s %-44s %s%s%n",
                        h.component(),
                        h.healthy() ? "healthy" : "UNHEALTHY",
                        h.address(),
                        h.detail() + runtime(h, restarts.get(h.component())),
                        h.managed() ? "" : " (external)");
            }
            if (dead != null) {
                findingLine(
                        out,
                        "deadletters",
                        textHealth(dead.total() != 0),
                        JobSettings.DEFAULT_DEAD_LETTER_TOPIC,
                        dead.summary());
            }
            if (unclassified != null) {
                findingLine(
                        out,
                        "catalog",
                        textHealth(findings.catalogAttention()),
                        "personal-data catalog",
                        catalogDetail);
            }
            if (backlog != null) {
                findingLine(
                        out,
                        "retention",
                        textHealth(backlog.attention()),
                        "lethe.adoption, lethe.purge_schedule",
                        backlog.detail());
            }
            if (monitor != null) {
                findingLine(
                        out,
                        "monitor",
                        textHealth(monitor.attention()),
                        "audit log " + JobSettings.DEFAULT_AUDIT_TOPIC,
                        monitor.summary());
                if (monitor.completeness() != null) {
                    findingLine(
                            out,
                            "completeness",
                            textHealth(monitor.completeness().attention()),
                            "raw topics vs " + JobSettings.DEFAULT_AUDIT_TOPIC,
                            monitor.completeness().summary());
                }
                if (monitor.transactions() != null) {
                    findingLine(
                            out,
                            "transactions",
                            textHealth(monitor.transactions().attention()),
                            "Kafka transactions on " + JobSettings.DEFAULT_AUDIT_TOPIC,
                            monitor.transactions().summary());
                }
            }
            if (snapshot != null) {
                String state = SnapshotProgress.health(snapshot.initial(), snapshot.incremental());
                findingLine(
                        out,
                        "snapshot",
                        switch (state) {
                            case "attention" -> "ATTENTION";
                            case "running" -> "running";
                            default -> "healthy";
                        },
                        SnapshotProgress.NOTIFICATION_TOPIC,
                        SnapshotProgress.summary(snapshot.initial(), snapshot.incremental()));
                for (SnapshotProgress.RunReport r :
                        new SnapshotProgress.RunReport[] {
                            snapshot.initial(), snapshot.incremental()
                        }) {
                    if (r != null && !"completed".equals(r.state())) {
                        for (SnapshotProgress.TableReport t : r.tables()) {
                            out.printf("%-14s %-10s %s%n", "", "", SnapshotProgress.tableText(t));
                        }
                    }
                }
            }
        }
        return all.stream().allMatch(ComponentHealth::healthy) ? 0 : 1;
    }

    /** A finding's line of {@code status}, in the columns of the components' lines. */
    private static void findingLine(
            PrintStream out, String name, String health, String address, String detail) {
        out.printf("%-14s %-10s %-44s %s%n", name, health, address, detail);
    }

    /** A finding's health as {@code status} prints it. */
    private static String textHealth(boolean attention) {
        return attention ? "ATTENTION" : "healthy";
    }

    /** The catalog's line of {@code status}, or null when unknown. */
    static String catalogDetail(List<UnclassifiedColumnsSeen.Column> unclassified) {
        return catalogDetail(unclassified, List.of());
    }

    /** The catalog's line of {@code status} with the ungoverned tables, or null when unknown. */
    static String catalogDetail(
            List<UnclassifiedColumnsSeen.Column> unclassified, List<String> ungoverned) {
        if (unclassified == null) {
            return null;
        }
        String tables =
                ungoverned == null || ungoverned.isEmpty()
                        ? null
                        : "UNGOVERNED_TABLE "
                                + String.join(", ", ungoverned)
                                + " (not in the catalog, so not captured, logged or indexed;"
                                + " ./lethe catalog check)";
        String columns = columnsDetail(unclassified);
        if (tables == null) {
            return columns;
        }
        return unclassified.isEmpty() ? tables : tables + "; " + columns;
    }

    private static String columnsDetail(List<UnclassifiedColumnsSeen.Column> unclassified) {
        return unclassified.isEmpty()
                ? "every column of the governed tables is classified"
                : "UNCLASSIFIED_COLUMN "
                        + String.join(
                                ", ",
                                unclassified.stream()
                                        .map(UnclassifiedColumnsSeen.Column::text)
                                        .toList())
                        + " (encrypted and scanned as free text until classified;"
                        + " ./lethe catalog check)";
    }

    /** What {@code status --json} prints (and Lethe's server answers at {@code /api/v1/status}). */
    static ObjectNode json(List<ComponentHealth> all, Findings findings) {
        RecentDeadLetters dead = findings.dead();
        Map<String, LocalStack.Restart> restarts = findings.restarts();
        AuditMonitor.State monitor = findings.monitor();
        List<UnclassifiedColumnsSeen.Column> unclassified = findings.unclassified();
        SnapshotReadings.Reports snapshot = findings.snapshot();
        Backlog backlog = findings.backlog();
        String catalogDetail = catalogDetail(unclassified, findings.ungoverned());
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        for (ComponentHealth h : all) {
            ObjectNode n = root.putObject(h.component());
            n.put("address", h.address());
            n.put("health", h.healthy() ? "healthy" : "unhealthy");
            n.put("healthy", h.healthy());
            n.put("managed", h.managed());
            if (h.pid() != null) {
                n.put("pid", h.pid());
            } else {
                n.putNull("pid");
            }
            n.put("detail", h.detail());
            LocalStack.Restart r = restarts.get(h.component());
            n.put("restarts", r == null ? 0 : r.count());
            if (r != null) {
                n.put("lastRestart", r.last().toString());
                n.put("lastRestartReason", r.reason());
            }
            Long up = uptimeSeconds(h.pid());
            if (up == null) {
                n.putNull("uptimeSeconds");
            } else {
                n.put("uptimeSeconds", up);
            }
        }
        if (dead != null) {
            ObjectNode n =
                    findingNode(
                            root,
                            "deadletters",
                            JobSettings.DEFAULT_DEAD_LETTER_TOPIC,
                            dead.total() != 0);
            n.put("detail", dead.summary());
            n.put("lastHour", dead.total());
            ObjectNode reasons = n.putObject("byReason");
            dead.byReason().forEach(reasons::put);
            ObjectNode sources = n.putObject("bySource");
            dead.bySource().forEach(sources::put);
        }
        if (unclassified != null) {
            ObjectNode n =
                    findingNode(
                            root, "catalog", "personal-data catalog", findings.catalogAttention());
            n.put("detail", catalogDetail);
            var names = n.putArray("unclassified");
            var cols = n.putArray("columns");
            for (UnclassifiedColumnsSeen.Column c : unclassified) {
                names.add(c.column());
                ObjectNode col = cols.addObject();
                col.put("finding", "UNCLASSIFIED_COLUMN");
                col.put("column", c.column());
                if (c.since() == null) {
                    col.putNull("since");
                } else {
                    col.put("since", c.since().toString());
                }
                col.put("changes", c.changes());
            }
            var ungoverned = n.putArray("ungoverned");
            var tables = n.putArray("tables");
            if (findings.ungoverned() != null) {
                for (String t : findings.ungoverned()) {
                    ungoverned.add(t);
                    tables.addObject().put("finding", "UNGOVERNED_TABLE").put("table", t);
                }
            }
        }
        if (backlog != null) {
            ObjectNode n =
                    findingNode(
                            root,
                            "retention",
                            "lethe.adoption, lethe.purge_schedule",
                            backlog.attention());
            n.put("detail", backlog.detail());
            n.put("adoptedAt", backlog.adoptedAt().toString());
            n.put("approved", backlog.approved());
            n.put("backlog", backlog.purges());
        }
        if (monitor != null) {
            ObjectNode n =
                    findingNode(
                            root,
                            "monitor",
                            "audit log " + JobSettings.DEFAULT_AUDIT_TOPIC,
                            monitor.needsAttention());
            n.put("detail", monitor.summary());
            ObjectNode v = n.putObject("verifiedThrough");
            v.put("checkpointSeq", monitor.checkpointSeq());
            v.put("treeSize", monitor.treeSize());
            v.put("logIndex", monitor.logIndex());
            v.put("at", monitor.verifiedAt() == null ? null : monitor.verifiedAt().toString());
            n.put("finding", monitor.finding());
            n.put("verifications", monitor.verifications());
            n.put("findings", monitor.findings());
            if (monitor.completeness() != null) {
                n.set("completeness", monitor.completeness().json());
            }
            if (monitor.transactions() != null) {
                n.set("transactions", monitor.transactions().json());
            }
        }
        if (snapshot != null) {
            String state = SnapshotProgress.health(snapshot.initial(), snapshot.incremental());
            ObjectNode n =
                    findingNode(
                            root,
                            "snapshot",
                            SnapshotProgress.NOTIFICATION_TOPIC,
                            "attention".equals(state));
            n.put("status", "attention".equals(state) ? snapshotStatus(snapshot) : state);
            n.put("detail", SnapshotProgress.summary(snapshot.initial(), snapshot.incremental()));
            n.set("initial", SnapshotProgress.json(m, snapshot.initial()));
            n.set("incremental", SnapshotProgress.json(m, snapshot.incremental()));
        }
        return root;
    }

    /**
     * The node of a finding of {@code status --json} that is not a process (dead letters, the
     * catalog, retention, the monitor, snapshots): its address and health, always healthy and
     * managed (a finding needs attention, the stack still runs), without a pid; the caller adds the
     * detail and the finding's own fields.
     */
    private static ObjectNode findingNode(
            ObjectNode root, String name, String address, boolean attention) {
        ObjectNode n = root.putObject(name);
        n.put("address", address);
        n.put("health", attention ? "attention" : "healthy");
        n.put("healthy", true);
        n.put("managed", true);
        n.putNull("pid");
        return n;
    }

    /** running or completed: what the snapshots do, whatever their health. */
    private static String snapshotStatus(SnapshotReadings.Reports snapshot) {
        for (SnapshotProgress.RunReport r :
                new SnapshotProgress.RunReport[] {snapshot.initial(), snapshot.incremental()}) {
            if (r != null && ("running".equals(r.state()) || "paused".equals(r.state()))) {
                return "running";
            }
        }
        return "completed";
    }

    /** Seconds since the process {@code pid} started, or null. */
    static Long uptimeSeconds(Long pid) {
        if (pid == null) {
            return null;
        }
        return ProcessHandle.of(pid)
                .flatMap(h -> h.info().startInstant())
                .map(t -> java.time.Duration.between(t, Instant.now()).toSeconds())
                .orElse(null);
    }

    /** {@code "; up 3m12s, restarted 2 times (last: process 123 exited)"} or "". */
    private static String runtime(ComponentHealth h, LocalStack.Restart r) {
        StringBuilder b = new StringBuilder();
        Long up = uptimeSeconds(h.pid());
        if (up != null) {
            b.append("; up ").append(up / 60).append('m').append(up % 60).append('s');
        }
        if (r != null) {
            b.append(b.length() == 0 ? "; " : ", ")
                    .append("restarted ")
                    .append(r.count())
                    .append(r.count() == 1 ? " time" : " times")
                    .append(" (last: ")
                    .append(r.reason())
                    .append(')');
        }
        return b.toString();
    }
}
