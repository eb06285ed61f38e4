package dev.lethe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.discovery.PersonalDataInText;
import dev.lethe.jobs.purge.AdoptionBacklog;
import dev.lethe.jobs.purge.PurgeSchema;
import dev.lethe.local.StackOptions;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
        description = "Purges done, skipped and failed, newest first, with their reasons.")
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

    @Override
    public Integer call() throws Exception {
        if (json && !backlog) {
            throw new IllegalArgumentException("--json goes with --backlog");
        }
        if (backlog && scheduled) {
            throw new IllegalArgumentException("choose --backlog or --scheduled, not both");
        }
        StackSettings s = options.resolve();
        try (Connection db = StackProbe.connectPostgres(s)) {
            PurgeSchema.create(db);
            if (backlog) {
                printBacklog(db);
                return 0;
            }
            if (scheduled) {
                printScheduled(db);
                return 0;
            }
            try (PreparedStatement q =
                    db.prepareStatement(
                            "SELECT executed_at, outcome, action, entity_id, coalesce(policy_rule,"
                                    + " 'erasure ' || request_id), reason, published_at IS NOT NULL"
                                    + " FROM lethe.purge_log WHERE (?::text IS NULL OR outcome = ?)"
                                    + " ORDER BY seq DESC LIMIT ?")) {
                q.setString(1, outcome);
                q.setString(2, outcome);
                q.setInt(3, limit);
                try (ResultSet r = q.executeQuery()) {
                    System.out.printf(
                            "%-27s %-8s %-9s %-22s %-26s %s%n",
                            "EXECUTED", "OUTCOME", "ACTION", "RECORD", "WHY", "REASON");
                    while (r.next()) {
                        System.out.printf(
                                "%-27s %-8s %-9s %-22s %-26s %s%s%n",
                                r.getTimestamp(1).toInstant(),
                                r.getString(2),
                                r.getString(3),
                                r.getString(4),
                                r.getString(5),
                                r.getString(6),
                                r.getBoolean(7) ? "" : " (receipt not yet published)");
                    }
                }
            }
        }
        return 0;
    }

    private void printScheduled(Connection db) throws Exception {
        try (PreparedStatement q =
                db.prepareStatement(
                        "SELECT deadline, action, entity_id, policy_rule FROM lethe.purge_schedule"
                                + " ORDER BY deadline, entity_id LIMIT ?")) {
            q.setInt(1, limit);
            try (ResultSet r = q.executeQuery()) {
                System.out.printf("%-27s %-9s %-22s %s%n", "DEADLINE", "ACTION", "RECORD", "RULE");
                while (r.next()) {
                    System.out.printf(
                            "%-27s %-9s %-22s %s%n",
                            r.getTimestamp(1).toInstant(),
                            r.getString(2),
                            r.getString(3),
                            r.getString(4));
                }
            }
        }
    }

    private void printBacklog(Connection db) throws Exception {
        AdoptionBacklog.State state = AdoptionBacklog.read(db);
        List<AdoptionBacklog.Count> counts = AdoptionBacklog.counts(db, state.adoptedAt());
        long total = counts.stream().mapToLong(AdoptionBacklog.Count::purges).sum();
        if (json) {
            System.out.println(JSON.writeValueAsString(backlogJson(state, counts, total)));
            return;
        }
        System.out.println(
                "Adopted: "
                        + state.adoptedAt()
                        + " (purges due before then are the adoption backlog)");
        if (state.approved()) {
            System.out.println(
                    "Backlog approved at "
                            + state.approvedAt()
                            + " by "
                            + state.approvedBy()
                            + (state.approvalReason() == null
                                    ? ""
                                    : " (" + state.approvalReason() + ")")
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
        if (counts.isEmpty()) {
            return;
        }
        System.out.printf("%-26s %-30s %8s  %s%n", "TABLE", "RULE", "PURGES", "EARLIEST DEADLINE");
        for (AdoptionBacklog.Count c : counts) {
            System.out.printf(
                    "%-26s %-30s %8d  %s%n", c.table(), c.rule(), c.purges(), c.earliestDeadline());
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
                            s.kafkaBootstrap(),
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
