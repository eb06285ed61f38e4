package dev.lethe.cli;

import dev.lethe.jobs.purge.PurgeSchema;
import dev.lethe.local.StackOptions;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./lethe purges}: the purges Lethe carried out or skipped (with why), from the purge log
 * ({@code lethe.purge_log}, the receipts' outbox). Receipts name tables, ids and rules, never
 * personal values. {@code --scheduled} lists the purges not yet due, from the retention job's
 * mirror {@code lethe.purge_schedule} (the job's state is the schedule of record).
 */
@Command(
        name = "purges",
        mixinStandardHelpOptions = true,
        description = "Purges done, skipped and failed, newest first, with their reasons.")
final class PurgesCommand implements Callable<Integer> {

    @Mixin StackOptions options;

    @Option(names = "--outcome", description = "only done, skipped or failed")
    String outcome;

    @Option(
            names = "--scheduled",
            description = "list the purges scheduled and not yet done, soonest first")
    boolean scheduled;

    @Option(names = "--limit", defaultValue = "50", description = "at most this many (default 50)")
    int limit;

    @Override
    public Integer call() throws Exception {
        StackSettings s = options.resolve();
        try (Connection db = StackProbe.connectPostgres(s)) {
            PurgeSchema.create(db);
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
}
