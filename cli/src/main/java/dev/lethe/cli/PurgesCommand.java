package dev.lethe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.discovery.PersonalDataInText;
import dev.lethe.jobs.purge.AdoptionBacklog;
import dev.lethe.jobs.purge.PurgeSchedule;
import dev.lethe.jobs.purge.PurgeSchema;
import dev.lethe.local.StackOptions;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./lethe purges}: the purges Lethe carried out or skipped (with why), from the purge log
 * ({@code lethe.purge_log}, the receipts' outbox). Receipts name tables, ids and rules, never
 * personal values. {@code --scheduled} lists the purges not yet due, from the retention job's
 * mirror {@code lethe.purge_schedule} (the job's state is the schedule of record). {@code
 * --backlog} lists the purges that were due before Lethe adopted the helpdesk, which wait for
 * {@code ./lethe purges approve-backlog} ({@link AdoptionBacklog}).
 */
@Command(
        name = "purges",
        mixinStandardHelpOptions = true,
        subcommands = PurgesCommand.ApproveBacklog.class,
        description = {
            "Purges done, skipped and failed, newest first, with their reasons.",
            "Goes through Lethe's server (sign in with ./lethe login); --break-glass REASON reads"
                    + " the database directly, recorded in the audit log."
        })
final class PurgesCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin StackOptions options;

    @Option(names = "--outcome", description = "only done, skipped or failed")
    String outcome;

    @Option(
            names = "--scheduled",
            description = "list the purges scheduled and not yet done, soonest first")
    boolean scheduled;

    @Option(
            names = "--backlog",
            description =
                    "list the purges that were due before Lethe adopted the helpdesk, per table and"
                            + " rule: they wait for ./lethe purges approve-backlog unless the"
                            + " policy says adoption: purge-immediately")
    boolean backlog;

    @Option(names = "--json", description = "with --backlog: one JSON object")
    boolean json;

    @Option(names = "--limit", defaultValue = "50", description = "at most this many (default 50)")
    int limit;

    @Mixin BreakGlass breakGlass;

    @Override
    public Integer call() throws Exception {
        if (json && !backlog) {
            throw new IllegalArgumentException("--json goes with --backlog");
        }
        if (backlog && scheduled) {
            throw new IllegalArgumentException("choose --backlog or --scheduled, not both");
        }
        if (limit < 1) {
            throw new IllegalArgumentException("--limit must be positive");
        }
        if (outcome != null && !List.of("done", "skipped", "failed").contains(outcome)) {
            throw new IllegalArgumentException("--outcome must be done, skipped or failed");
        }
        StackSettings s = options.resolve();
        if (!breakGlass.on()) {
            ServerClient server = new ServerClient(s);
            if (backlog) {
                printBacklog(server.get("/api/v1/purges/backlog").expect(200).body(), json);
            } else if (scheduled) {
                printScheduled(scheduledPages(server));
            } else {
                printPurges(pages(server));
            }
            return 0;
        }
        breakGlass.record(
                s,
                backlog ? "purge-backlog" : scheduled ? "purge-schedule" : "purges",
                List.of(),
                0,
                null);
        try (Connection db = StackProbe.connectPostgres(s)) {
            PurgeSchema.create(db);
            if (backlog) {
                printBacklog(backlog(db), json);
            } else if (scheduled) {
                printScheduled(scheduled(db, limit, Optional.empty()));
            } else {
                printPurges(purgeLog(db, outcome, null, null, null, limit).path("purges"));
            }
        }
        return 0;
    }

    /** The newest {@code limit} purges from the server, in pages of at most 500. */
    private JsonNode pages(ServerClient server) throws Exception {
        return pages(
                server,
                "/api/v1/purges?"
                        + (outcome == null ? "" : "outcome=" + ServerClient.q(outcome) + "&"),
                "purges");
    }

    /**
     * The first {@code limit} items of {@code field} that {@code query} (a path and its query
     * string, ready for more parameters) answers, page after page by the answers' {@code next}.
     */
    private ArrayNode pages(ServerClient server, String query, String field) throws Exception {
        ArrayNode all = JSON.createArrayNode();
        String after = null;
        do {
            int page = Math.min(AuditQueryLimit.MAX, limit - all.size());
            JsonNode answer =
                    server.get(
                                    query
                                            + "limit="
                                            + page
                                            + (after == null
                                                    ? ""
                                                    : "&after=" + ServerClient.q(after)))
                            .expect(200)
                            .body();
            answer.path(field).forEach(all::add);
            after = answer.path("next").isTextual() ? answer.path("next").asText() : null;
        } while (after != null && all.size() < limit);
        return all;
    }

    /** The largest page the server answers. */
    private static final class AuditQueryLimit {
        static final int MAX = dev.lethe.server.AuditQuery.MAX_LIMIT;
    }

    /**
     * A page of the purge log, newest first: {@code {purges: [{seq, executedAt, outcome, action,
     * table, entityId, rule, requestId, reason, deadline, subjectIds, receiptPublished}], next}}.
     * What {@code ./lethe purges} prints and Lethe's server answers.
     *
     * @param before only purges with a smaller sequence number, or null
     */
    static ObjectNode purgeLog(
            Connection c, String outcome, String table, String rule, Long before, int limit)
            throws SQLException {
        return purgeLog(c, outcome, table, rule, before, null, null, limit);
    }

    /** As above, executed in [{@code since}, {@code until}) when given. */
    static ObjectNode purgeLog(
            Connection c,
            String outcome,
            String table,
            String rule,
            Long before,
            java.time.Instant since,
            java.time.Instant until,
            int limit)
            throws SQLException {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode list = out.putArray("purges");
        long last = -1;
        try (PreparedStatement q =
                c.prepareStatement(
                        "SELECT seq, executed_at, outcome, action, table_name, entity_id,"
                                + " policy_rule, request_id, reason, deadline, subject_ids,"
                                + " published_at IS NOT NULL FROM lethe.purge_log"
                                + " WHERE (?::text IS NULL OR outcome = ?)"
                                + " AND (?::text IS NULL OR table_name = ?)"
                                + " AND (?::text IS NULL OR policy_rule = ?)"
                                + " AND (?::bigint IS NULL OR seq < ?)"
                                + " AND (?::timestamptz IS NULL OR executed_at >= ?)"
                                + " AND (?::timestamptz IS NULL OR executed_at < ?)"
                                + " ORDER BY seq DESC LIMIT ?")) {
            q.setString(1, outcome);
            q.setString(2, outcome);
            q.setString(3, table);
            q.setString(4, table);
            q.setString(5, rule);
            q.setString(6, rule);
            q.setObject(7, before, java.sql.Types.BIGINT);
            q.setObject(8, before, java.sql.Types.BIGINT);
            java.sql.Timestamp from = since == null ? null : java.sql.Timestamp.from(since);
            java.sql.Timestamp to = until == null ? null : java.sql.Timestamp.from(until);
            q.setTimestamp(9, from);
            q.setTimestamp(10, from);
            q.setTimestamp(11, to);
            q.setTimestamp(12, to);
            q.setInt(13, limit);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    ObjectNode p = list.addObject();
                    last = r.getLong(1);
                    p.put("seq", last);
                    p.put("executedAt", r.getTimestamp(2).toInstant().toString());
                    p.put("outcome", r.getString(3));
                    p.put("action", r.getString(4));
                    p.put("table", r.getString(5));
                    p.put("entityId", r.getString(6));
                    p.put("rule", r.getString(7));
                    p.put("requestId", r.getString(8));
                    p.put("reason", r.getString(9));
                    java.sql.Timestamp deadline = r.getTimestamp(10);
                    p.put("deadline", deadline == null ? null : deadline.toInstant().toString());
                    // comma-separated, as the purge executor writes them (ReceiptRelay)
                    ArrayNode ids = p.putArray("subjectIds");
                    String subjectIds = r.getString(11);
                    if (subjectIds != null && !subjectIds.isEmpty()) {
                        for (String id : subjectIds.split(",")) {
                            ids.add(id);
                        }
                    }
                    p.put("receiptPublished", r.getBoolean(12));
                }
            }
        }
        if (list.size() == limit && last > 1) {
            out.put("next", dev.lethe.server.LetheServer.cursorBelow(last));
        } else {
            out.putNull("next");
        }
        return out;
    }

    /** Prints purges in {@link #purgeLog}'s JSON: both paths print through here. */
    static void printPurges(JsonNode purges) {
        System.out.printf(
                "%-27s %-8s %-9s %-22s %-26s %s%n",
                "EXECUTED", "OUTCOME", "ACTION", "RECORD", "WHY", "REASON");
        for (JsonNode p : purges) {
            String why =
                    p.hasNonNull("rule")
                            ? p.path("rule").asText()
                            : p.hasNonNull("requestId")
                                    ? "erasure " + p.path("requestId").asText()
                                    : "null";
            System.out.printf(
                    "%-27s %-8s %-9s %-22s %-26s %s%s%n",
                    p.path("executedAt").asText(),
                    p.path("outcome").asText(),
                    p.path("action").asText(),
                    p.path("entityId").asText(),
                    why,
                    p.path("reason").asText(),
                    p.path("receiptPublished").asBoolean() ? "" : " (receipt not yet published)");
        }
    }

    /**
     * The purges scheduled and not yet done, soonest first: {@code {scheduled: [{deadline, action,
     * entityId, rule}]}}.
     */
    /**
     * A page of the purge schedule as the server answers it: {@code {scheduled: [...], next}} (the
     * next page's cursor, null after the last).
     */
    static ObjectNode scheduled(Connection db, int limit, Optional<String> after)
            throws SQLException {
        PurgeSchedule.Page page = PurgeSchedule.read(db, limit, after);
        ObjectNode out = JSON.createObjectNode();
        ArrayNode list = out.putArray("scheduled");
        for (PurgeSchedule.Scheduled p : page.purges()) {
            list.addObject()
                    .put("deadline", p.deadline().toString())
                    .put("action", p.action())
                    .put("entityId", p.entityId())
                    .put("rule", p.rule());
        }
        if (page.next().isPresent()) {
            out.put("next", page.next().get());
        } else {
            out.putNull("next");
        }
        return out;
    }

    /** The soonest {@code limit} scheduled purges from the server, page after page. */
    private JsonNode scheduledPages(ServerClient server) throws Exception {
        ObjectNode out = JSON.createObjectNode();
        out.set("scheduled", pages(server, "/api/v1/purges/scheduled?", "scheduled"));
        return out;
    }

    static void printScheduled(JsonNode answer) {
        System.out.printf("%-27s %-9s %-22s %s%n", "DEADLINE", "ACTION", "RECORD", "RULE");
        for (JsonNode p : answer.path("scheduled")) {
            System.out.printf(
                    "%-27s %-9s %-22s %s%n",
                    p.path("deadline").asText(),
                    p.path("action").asText(),
                    p.path("entityId").asText(),
                    p.path("rule").asText());
        }
    }

    /** The adoption backlog as {@code purges --backlog --json} prints it. */
    static ObjectNode backlog(Connection db) throws SQLException {
        AdoptionBacklog.State state = AdoptionBacklog.read(db);
        List<AdoptionBacklog.Count> counts = AdoptionBacklog.counts(db, state.adoptedAt());
        long total = counts.stream().mapToLong(AdoptionBacklog.Count::purges).sum();
        return backlogJson(state, counts, total);
    }

    static void printBacklog(JsonNode n, boolean json) throws Exception {
        if (json) {
            System.out.println(JSON.writeValueAsString(n));
            return;
        }
        long total = n.path("purges").asLong();
        System.out.println(
                "Adopted: "
                        + n.path("adoptedAt").asText()
                        + " (purges due before then are the adoption backlog)");
        if (n.path("approved").asBoolean()) {
            System.out.println(
                    "Backlog approved at "
                            + n.path("approvedAt").asText()
                            + " by "
                            + n.path("approvedBy").asText()
                            + (n.hasNonNull("reason") ? " (" + n.path("reason").asText() + ")" : "")
                            + ": "
                            + total
                            + " of its purges still scheduled");
        } else {
            System.out.println(
                    "Backlog: "
                            + total
                            + " purges waiting for approval (./lethe purges approve-backlog),"
                            + " unless the policy says adoption: purge-immediately");
        }
        if (n.path("byRule").isEmpty()) {
            return;
        }
        System.out.printf("%-26s %-30s %8s  %s%n", "TABLE", "RULE", "PURGES", "EARLIEST DEADLINE");
        for (JsonNode c : n.path("byRule")) {
            System.out.printf(
                    "%-26s %-30s %8d  %s%n",
                    c.path("table").asText(),
                    c.path("rule").asText(),
                    c.path("purges").asLong(),
                    c.path("earliestDeadline").asText());
        }
    }

    static ObjectNode backlogJson(
            AdoptionBacklog.State state, List<AdoptionBacklog.Count> counts, long total) {
        ObjectNode n = JSON.createObjectNode();
        n.put("adoptedAt", state.adoptedAt().toString());
        n.put("approved", state.approved());
        if (state.approved()) {
            n.put("approvedAt", state.approvedAt().toString());
            n.put("approvedBy", state.approvedBy());
            if (state.approvalReason() != null) {
                n.put("reason", state.approvalReason());
            }
        }
        n.put("purges", total);
        var byRule = n.putArray("byRule");
        for (AdoptionBacklog.Count c : counts) {
            byRule.addObject()
                    .put("table", c.table())
                    .put("rule", c.rule())
                    .put("purges", c.purges())
                    .put("earliestDeadline", c.earliestDeadline().toString());
        }
        return n;
    }

    /**
     * {@code ./lethe purges approve-backlog}: lets the adoption backlog's purges go ahead (each
     * still guarded), once; the approval, who gave it and why, is recorded in the audit log.
     */
    @Command(
            name = "approve-backlog",
            mixinStandardHelpOptions = true,
            description =
                    "Approve the purges that were due before Lethe adopted the helpdesk: they are"
                            + " carried out (each still guarded) within a minute. Recorded in the"
                            + " audit log.")
    static final class ApproveBacklog implements Callable<Integer> {

        @Mixin StackOptions options;

        @Option(
                names = "--reason",
                description =
                        "Why (e.g. the DPO's decision reference), kept in the audit log for good;"
                                + " refused if it holds an email, phone, IBAN, card or handle.")
        String reason;

        @Option(names = "--approved-by", description = "Who approves (default: the OS user).")
        String approvedBy = System.getProperty("user.name");

        @Override
        public Integer call() throws Exception {
            PersonalDataInText.requireNone("--reason", reason);
            if (approvedBy == null || approvedBy.isBlank() || approvedBy.indexOf('@') >= 0) {
                throw new IllegalArgumentException(
                        "--approved-by is kept in the audit log for good: give a user name or"
                                + " staff id, not an email address");
            }
            StackSettings s = options.resolve();
            try (Connection db = StackProbe.connectPostgres(s)) {
                PurgeSchema.create(db);
                db.setAutoCommit(false);
                try {
                    AdoptionBacklog.State before = AdoptionBacklog.read(db);
                    List<AdoptionBacklog.Count> counts =
                            AdoptionBacklog.counts(db, before.adoptedAt());
                    long total = counts.stream().mapToLong(AdoptionBacklog.Count::purges).sum();
                    Optional<AdoptionBacklog.State> approved =
                            AdoptionBacklog.approve(db, approvedBy, reason);
                    if (approved.isEmpty()) {
                        db.rollback();
                        System.out.println(
                                "The backlog was already approved at "
                                        + before.approvedAt()
                                        + " by "
                                        + before.approvedBy()
                                        + ": nothing to do.");
                        return 0;
                    }
                    ObjectNode record = backlogJson(approved.get(), counts, total);
                    record.put("type", "backlog-approval");
                    record.put("at", approved.get().approvedAt().toString());
                    // in the audit log before the approval commits: no approval goes unrecorded
                    AuditRequests.send(
                            s.kafkaClient(),
                            "retention/adoption-backlog",
                            JSON.writeValueAsBytes(record));
                    db.commit();
                    System.out.println(
                            "Approved the adoption backlog: "
                                    + total
                                    + " scheduled purges due before "
                                    + before.adoptedAt()
                                    + " are carried out, each still guarded, within a minute.");
                    return 0;
                } catch (Exception e) {
                    db.rollback();
                    throw e;
                }
            }
        }
    }
}
