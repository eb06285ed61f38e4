package dev.lethe.jobs.purge;

import dev.lethe.keys.JdbcSubjectKeyStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Lethe's purge bookkeeping in the helpdesk database (schema {@code lethe}, not captured by
 * Debezium):
 *
 * <ul>
 *   <li>{@code lethe.purge_log}: one row per receipt, written in the same transaction as the purge
 *       it describes: the outbox {@link ReceiptRelay} publishes to {@code lethe.purge.receipts}
 *       ({@code published_at} set once Kafka acknowledged). A crash between the delete and the
 *       receipt is impossible: both commit or neither.
 *   <li>{@code lethe.purge_schedule}: the purges the retention job has scheduled (one row per
 *       record: rule, action, deadline), a mirror of its state for {@code ./lethe purges
 *       --scheduled}; best effort, the job's state is the schedule of record.
 *   <li>{@code lethe.legal_holds}: holds added at run time (next to those of the policy file).
 *   <li>{@code lethe.erasure_requests}: Art. 17 requests; {@code ./lethe subject erase} and other
 *       systems insert here, Lethe carries them out and records progress. Who asked, and under
 *       four-eyes approval who approved or rejected and when ({@link #COLUMNS}, added to databases
 *       made before them).
 *   <li>{@code lethe.adoption}: one row, when Lethe adopted this database and whether the backlog
 *       of purges due before then was approved ({@link AdoptionBacklog}).
 * </ul>
 */
public final class PurgeSchema {

    private PurgeSchema() {}

    static final List<String> DDL =
            List.of(
                    "CREATE SCHEMA IF NOT EXISTS lethe",
                    "CREATE TABLE IF NOT EXISTS lethe.purge_log ("
                            + " seq BIGSERIAL UNIQUE,"
                            + " receipt_id TEXT PRIMARY KEY,"
                            + " command_id TEXT NOT NULL,"
                            + " request_id TEXT,"
                            + " table_name TEXT NOT NULL,"
                            + " entity_id TEXT NOT NULL,"
                            + " key_json TEXT NOT NULL,"
                            + " subject_ids TEXT NOT NULL,"
                            + " action TEXT NOT NULL,"
                            + " outcome TEXT NOT NULL,"
                            + " reason TEXT NOT NULL,"
                            + " policy_rule TEXT,"
                            + " deadline TIMESTAMPTZ,"
                            + " executed_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),"
                            + " attributes_json TEXT NOT NULL DEFAULT '{}',"
                            + " published_at TIMESTAMPTZ)",
                    "CREATE INDEX IF NOT EXISTS purge_log_command ON lethe.purge_log (command_id)",
                    "CREATE INDEX IF NOT EXISTS purge_log_unpublished ON lethe.purge_log (seq)"
                            + " WHERE published_at IS NULL",
                    "CREATE TABLE IF NOT EXISTS lethe.purge_schedule ("
                            + " entity_id TEXT PRIMARY KEY,"
                            + " table_name TEXT NOT NULL,"
                            + " command_id TEXT NOT NULL,"
                            + " policy_rule TEXT NOT NULL,"
                            + " action TEXT NOT NULL,"
                            + " deadline TIMESTAMPTZ NOT NULL,"
                            + " scheduled_at TIMESTAMPTZ NOT NULL DEFAULT now())",
                    "CREATE TABLE IF NOT EXISTS lethe.legal_holds ("
                            + " id BIGSERIAL PRIMARY KEY,"
                            + " subject_id TEXT,"
                            + " record_id TEXT,"
                            + " reason TEXT NOT NULL,"
                            + " created_at TIMESTAMPTZ NOT NULL DEFAULT now(),"
                            + " released_at TIMESTAMPTZ,"
                            + " CHECK ((subject_id IS NULL) <> (record_id IS NULL)))",
                    "CREATE TABLE IF NOT EXISTS lethe.erasure_requests ("
                            + " request_id TEXT PRIMARY KEY,"
                            + " subject_id TEXT NOT NULL,"
                            + " reason TEXT NOT NULL,"
                            + " requested_at TIMESTAMPTZ NOT NULL DEFAULT now(),"
                            + " due_at TIMESTAMPTZ NOT NULL,"
                            + " status TEXT NOT NULL DEFAULT 'pending',"
                            + " status_reason TEXT,"
                            + " records_found INT NOT NULL DEFAULT 0,"
                            + " records_purged INT NOT NULL DEFAULT 0,"
                            + " updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),"
                            + " completed_at TIMESTAMPTZ)",
                    "CREATE TABLE IF NOT EXISTS lethe.adoption ("
                            + " id SMALLINT PRIMARY KEY DEFAULT 1 CHECK (id = 1),"
                            + " adopted_at TIMESTAMPTZ NOT NULL,"
                            + " backlog_approved_at TIMESTAMPTZ,"
                            + " backlog_approved_by TEXT,"
                            + " backlog_approval_reason TEXT)",
                    // adopted when Lethe first governed this database: its earliest bookkeeping if
                    // it did before this table existed, else now
                    "INSERT INTO lethe.adoption (id, adopted_at) SELECT 1, coalesce(least("
                            + "(SELECT min(scheduled_at) FROM lethe.purge_schedule),"
                            + " (SELECT min(executed_at) FROM lethe.purge_log)), now())"
                            + " ON CONFLICT (id) DO NOTHING");

    /**
     * Columns added after the tables first shipped, each {@code ADD COLUMN IF NOT EXISTS}: run on a
     * database made before them (by {@link #create}, when one is missing), so an existing helpdesk
     * is migrated by the setup's next run (the owner's; the components' roles never alter tables).
     */
    static final List<String> COLUMNS =
            List.of(
                    "ALTER TABLE lethe.erasure_requests"
                            + " ADD COLUMN IF NOT EXISTS requested_by TEXT,"
                            + " ADD COLUMN IF NOT EXISTS approved_by TEXT,"
                            + " ADD COLUMN IF NOT EXISTS approved_at TIMESTAMPTZ,"
                            + " ADD COLUMN IF NOT EXISTS rejected_by TEXT,"
                            + " ADD COLUMN IF NOT EXISTS rejected_at TIMESTAMPTZ,"
                            + " ADD COLUMN IF NOT EXISTS rejection_reason TEXT,"
                            + " ADD COLUMN IF NOT EXISTS retry_requested_by TEXT,"
                            + " ADD COLUMN IF NOT EXISTS retry_requested_at TIMESTAMPTZ");

    /** The last column {@link #COLUMNS} adds: when it exists, every one does. */
    private static final String[] LAST_COLUMN = {"erasure_requests", "retry_requested_at"};

    /** The tables {@link #DDL} creates. */
    static final String[] TABLES = {
        "lethe.purge_log",
        "lethe.purge_schedule",
        "lethe.legal_holds",
        "lethe.erasure_requests",
        "lethe.adoption"
    };

    /**
     * Creates the tables if missing; safe to run concurrently (advisory lock). When they all exist
     * nothing is done, so the purge job's own role needs no right to create objects.
     */
    public static void create(Connection connection) throws SQLException {
        if (JdbcSubjectKeyStore.allExist(connection, TABLES) && columnsExist(connection)) {
            return;
        }
        boolean auto = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement s = connection.createStatement()) {
            // the same lock as the key store's: both create objects in schema lethe
            JdbcSubjectKeyStore.lockSchemaDdl(connection);
            for (String sql : DDL) {
                s.execute(sql);
            }
            for (String sql : COLUMNS) {
                s.execute(sql);
            }
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(auto);
        }
    }

    /** Whether the columns {@link #COLUMNS} adds are there. */
    private static boolean columnsExist(Connection connection) throws SQLException {
        try (java.sql.PreparedStatement q =
                connection.prepareStatement(
                        // pg_attribute: information_schema hides columns a role has no right on
                        "SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass(?)"
                                + " AND attname = ? AND NOT attisdropped")) {
            q.setString(1, "lethe." + LAST_COLUMN[0]);
            q.setString(2, LAST_COLUMN[1]);
            try (java.sql.ResultSet r = q.executeQuery()) {
                return r.next();
            }
        }
    }
}
