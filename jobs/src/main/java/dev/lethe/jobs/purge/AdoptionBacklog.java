package dev.lethe.jobs.purge;

import dev.lethe.retention.RetentionPolicy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The backlog of a helpdesk Lethe adopted: the retention purges whose deadline lies before the
 * moment Lethe first governed the database ({@code lethe.adoption.adopted_at}) — rows soft-deleted
 * or closed long before anyone watched them, often years of them. Under the policy's default {@code
 * adoption: hold-backlog} they are not carried out until an operator approves the backlog ({@code
 * ./lethe purges approve-backlog}); {@code adoption: purge-immediately} carries them out like any
 * other purge. Erasure requests are never held: they are a person's right, not a backlog.
 *
 * <p>The adoption time is the retention job's first start on the database ({@link PurgeSchema}
 * creates the row), or, for a database Lethe governed before this table existed, its earliest
 * bookkeeping (the first scheduled purge or receipt). The approval is one-way and kept with who
 * gave it and why.
 */
public final class AdoptionBacklog {

    private AdoptionBacklog() {}

    /** {@code lethe.adoption}: when Lethe adopted the database, and the backlog's approval. */
    public record State(
            Instant adoptedAt, Instant approvedAt, String approvedBy, String approvalReason) {

        public boolean approved() {
            return approvedAt != null;
        }

        /**
         * Whether a retention purge due at {@code deadline} waits for the backlog's approval under
         * {@code adoption}.
         */
        public boolean holds(RetentionPolicy.Adoption adoption, Instant deadline) {
            return adoption == RetentionPolicy.Adoption.HOLD_BACKLOG
                    && !approved()
                    && deadline.isBefore(adoptedAt);
        }
    }

    /** Scheduled purges of the backlog of one table and rule. */
    public record Count(String table, String rule, long purges, Instant earliestDeadline) {}

    /** The adoption row ({@link PurgeSchema#create} must have run). */
    public static State read(Connection c) throws SQLException {
        try (PreparedStatement q =
                        c.prepareStatement(
                                "SELECT adopted_at, backlog_approved_at, backlog_approved_by,"
                                        + " backlog_approval_reason FROM lethe.adoption WHERE id = 1");
                ResultSet r = q.executeQuery()) {
            if (!r.next()) {
                throw new IllegalStateException(
                        "lethe.adoption has no row: the purge schema was not created");
            }
            return new State(
                    r.getTimestamp(1).toInstant(),
                    instant(r.getTimestamp(2)),
                    r.getString(3),
                    r.getString(4));
        }
    }

    /**
     * The scheduled purges due before the adoption, per table and rule (from the retention job's
     * mirror {@code lethe.purge_schedule}), largest first.
     */
    public static List<Count> counts(Connection c, Instant adoptedAt) throws SQLException {
        List<Count> counts = new ArrayList<>();
        try (PreparedStatement q =
                c.prepareStatement(
                        "SELECT table_name, policy_rule, count(*), min(deadline)"
                                + " FROM lethe.purge_schedule WHERE deadline < ?"
                                + " GROUP BY table_name, policy_rule"
                                + " ORDER BY count(*) DESC, table_name, policy_rule")) {
            q.setTimestamp(1, Timestamp.from(adoptedAt));
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    counts.add(
                            new Count(
                                    r.getString(1),
                                    r.getString(2),
                                    r.getLong(3),
                                    r.getTimestamp(4).toInstant()));
                }
            }
        }
        return counts;
    }

    /**
     * Approves the backlog, once: returns the new state, or empty if it was approved before (the
     * first approval stands).
     */
    public static Optional<State> approve(Connection c, String by, String reason)
            throws SQLException {
        try (PreparedStatement u =
                c.prepareStatement(
                        "UPDATE lethe.adoption SET backlog_approved_at = now(),"
                                + " backlog_approved_by = ?, backlog_approval_reason = ?"
                                + " WHERE id = 1 AND backlog_approved_at IS NULL")) {
            u.setString(1, by);
            u.setString(2, reason);
            if (u.executeUpdate() == 0) {
                return Optional.empty();
            }
        }
        return Optional.of(read(c));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
