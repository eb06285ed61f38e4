package dev.lethe.bench;

import dev.lethe.local.StackSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The purges of a fault run against their deadlines: the bench's own policy deletes every
 * soft-deleted record of the helpdesk's tables {@link #SOFT_DELETE_TABLES} a short {@code window}
 * after {@code deleted_at}, so purges fall due while components die. After the run: no purge before
 * its deadline (early), none later than {@code bound} after it (late), and no record still
 * soft-deleted longer than {@code window + bound} (missed). Names record ids only, never values.
 */
final class PurgeCheck {

    /** The tables whose soft-deleted rows the shipped policy deletes, as its rules are ordered. */
    static final List<String> SOFT_DELETE_TABLES =
            List.of("threads", "comments", "attachments", "tickets", "consents", "contacts");

    /** One retention purge's receipt. */
    record Receipt(String entityId, Instant deadline, Instant executedAt) {}

    /** What the purges did against their deadlines. */
    record Result(
            int done,
            List<String> early,
            List<String> late,
            List<String> missed,
            Map<String, Integer> skippedByReason,
            Duration lateness50,
            Duration latenessMax) {
        boolean ok() {
            return early.isEmpty() && late.isEmpty() && missed.isEmpty();
        }

        String summary() {
            return String.format(
                    "%,d purges done, after their deadline by p50 %.1f s, max %.1f s; %d early%s;"
                            + " %d late%s; %d soft-deleted records missed%s; left in place by the"
                            + " guard: %s",
                    done,
                    lateness50.toMillis() / 1000.0,
                    latenessMax.toMillis() / 1000.0,
                    early.size(),
                    sample(early),
                    late.size(),
                    sample(late),
                    missed.size(),
                    sample(missed),
                    skippedByReason.isEmpty() ? "none" : skippedByReason);
        }

        private static String sample(List<String> ids) {
            return ids.isEmpty()
                    ? ""
                    : " (e.g. " + String.join(", ", ids.subList(0, Math.min(5, ids.size()))) + ")";
        }
    }

    private PurgeCheck() {}

    /**
     * The bench's policy, written into {@code dir}: the shipped rules for soft-deleted records,
     * with {@code window} for their 60 days; the 6-year anonymization of closed tickets left out.
     */
    static Path writePolicy(Path dir, Duration window) throws Exception {
        StringBuilder yaml =
                new StringBuilder(
                        "version: 1\nerasure:\n  deadline: P1M\n  approval: single\n"
                                + "adoption: hold-backlog\nrules:\n");
        for (String table : SOFT_DELETE_TABLES) {
            yaml.append("  - id: ")
                    .append(table)
                    .append(".soft-deleted\n    table: ")
                    .append(table)
                    .append("\n    since: deleted_at\n    after: ")
                    .append(window)
                    .append("\n    action: delete\n");
        }
        yaml.append("holds: []\n");
        // kept beside the stack's data, which records it: `up` on that data directory applies it
        Files.createDirectories(dir);
        return Files.writeString(
                dir.resolve("bench-faults-retention-policy.yaml"), yaml, StandardCharsets.UTF_8);
    }

    /**
     * Judges the receipts of done purges against their deadlines; {@code overdue} are the records
     * found still soft-deleted past {@code window + bound}, {@code skipped} the reason code of the
     * latest skipped receipt per record.
     */
    static Result judge(
            List<Receipt> receipts,
            List<String> overdue,
            Map<String, String> skipped,
            Duration bound) {
        List<String> early = new ArrayList<>();
        List<String> late = new ArrayList<>();
        List<Long> lateness = new ArrayList<>();
        for (Receipt r : receipts) {
            Duration after = Duration.between(r.deadline(), r.executedAt());
            if (after.isNegative()) {
                early.add(r.entityId());
            } else {
                lateness.add(after.toMillis());
                if (after.compareTo(bound) > 0) {
                    late.add(r.entityId());
                }
            }
        }
        lateness.sort(null);
        Duration p50 =
                lateness.isEmpty()
                        ? Duration.ZERO
                        : Duration.ofMillis(lateness.get((lateness.size() - 1) / 2));
        Duration max =
                lateness.isEmpty()
                        ? Duration.ZERO
                        : Duration.ofMillis(lateness.get(lateness.size() - 1));
        List<String> missed = new ArrayList<>();
        Map<String, Integer> skippedByReason = new TreeMap<>();
        for (String record : overdue) {
            String reason = skipped.get(record);
            if (reason == null) {
                missed.add(record);
            } else {
                skippedByReason.merge(reason, 1, Integer::sum);
            }
        }
        return new Result(receipts.size(), early, late, missed, skippedByReason, p50, max);
    }

    /**
     * Waits until every record soft-deleted before {@code loadEnd} is due and {@code bound} more
     * has passed, then reads the done retention purges' receipts and the records still soft-deleted
     * past {@code window + bound}.
     */
    static Result check(StackSettings s, Duration window, Duration bound, Instant loadEnd)
            throws Exception {
        Instant settled = loadEnd.plus(window).plus(bound);
        long wait = Duration.between(Instant.now(), settled).toMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
        List<Receipt> receipts = new ArrayList<>();
        List<String> overdue = new ArrayList<>();
        Map<String, String> skipped = new HashMap<>();
        try (Connection c = s.postgresDataSource("lethe-bench-purges").getConnection()) {
            try (PreparedStatement q =
                    c.prepareStatement(
                            "SELECT entity_id, reason FROM lethe.purge_log"
                                    + " WHERE outcome = 'skipped' AND request_id IS NULL ORDER BY seq")) {
                try (ResultSet r = q.executeQuery()) {
                    while (r.next()) {
                        skipped.put(r.getString(1), reasonCode(r.getString(2)));
                    }
                }
            }
            try (PreparedStatement q =
                    c.prepareStatement(
                            "SELECT entity_id, deadline, executed_at FROM lethe.purge_log"
                                    + " WHERE outcome = 'done' AND request_id IS NULL"
                                    + " AND deadline IS NOT NULL ORDER BY seq")) {
                try (ResultSet r = q.executeQuery()) {
                    while (r.next()) {
                        receipts.add(
                                new Receipt(
                                        r.getString(1),
                                        r.getTimestamp(2).toInstant(),
                                        r.getTimestamp(3).toInstant()));
                    }
                }
            }
            Timestamp dueBefore = Timestamp.from(Instant.now().minus(window).minus(bound));
            for (String table : SOFT_DELETE_TABLES) {
                // the table names are this class's own constants, never input
                try (PreparedStatement q =
                        c.prepareStatement(
                                "SELECT id FROM public."
                                        + table
                                        + " WHERE deleted_at IS NOT NULL AND deleted_at < ?"
                                        + " ORDER BY id")) {
                    q.setTimestamp(1, dueBefore);
                    try (ResultSet r = q.executeQuery()) {
                        while (r.next()) {
                            overdue.add(table + "/" + r.getLong(1));
                        }
                    }
                }
            }
        }
        return judge(receipts, overdue, skipped, bound);
    }

    /** A skip's reason code: its text up to the first colon ({@code DEPENDENT_IN_USE}). */
    static String reasonCode(String reason) {
        int colon = reason.indexOf(':');
        return colon < 0 ? reason.strip() : reason.substring(0, colon).strip();
    }
}
