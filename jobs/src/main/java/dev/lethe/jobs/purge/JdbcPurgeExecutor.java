package dev.lethe.jobs.purge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.audit.Actor;
import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.catalog.Reference;
import dev.lethe.retention.AnonymizeMethod;
import dev.lethe.retention.FileStore;
import dev.lethe.retention.HelpdeskRowGraph;
import dev.lethe.retention.HelpdeskRowGraph.Dependent;
import dev.lethe.retention.LegalHold;
import dev.lethe.retention.PurgeAction;
import dev.lethe.retention.PurgeGuard;
import dev.lethe.retention.PurgeGuard.Decision;
import dev.lethe.retention.PurgeGuard.Verdict;
import dev.lethe.retention.RetentionPolicy;
import dev.lethe.retention.RetentionRule;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The purge executor on the helpdesk database. Each command is one transaction, or several bounded
 * ones when a delete takes more rows with it than {@link #inBatchesOf one batch} holds (each
 * re-checks the row under its lock; docs/retention.md, "Bounded batches"):
 *
 * <ol>
 *   <li>{@code Actor.lethePurge(commandId, reason).emit(c)} first, so the audit attributes every
 *       change of the transaction to Lethe's purge; {@code set_config('lethe.purge','on', true)}.
 *   <li>A command already done ({@code lethe.purge_log}) is a replay: nothing more happens.
 *   <li>The row is locked ({@code FOR UPDATE}) and checked by {@link PurgeGuard} together with the
 *       legal holds of the policy and of {@code lethe.legal_holds}, on the record, its subject and
 *       every row a delete would take with it.
 *   <li>Delete: first the rows whose subject is found through this one (a ticket's threads,
 *       comments, attachments; a contact's tickets and consents, recursively: dependency order),
 *       then the row; other references to it (comments.agent_id, attachments.thread_id, ...) are
 *       set NULL. Anonymize: the rule's columns are overwritten.
 *   <li>The receipt row goes into {@code lethe.purge_log} (the outbox) in the same transaction.
 * </ol>
 *
 * A skip is recorded as a receipt too (its own transaction); a failure rolls back and is recorded
 * as a failed receipt. Receipts and logs name tables, ids and columns, never values.
 *
 * <p>Before all of this, a retention purge due before Lethe adopted the helpdesk waits while the
 * policy holds the backlog and nobody approved it ({@link AdoptionBacklog}): outcome skipped,
 * verdict {@code ADOPTION_BACKLOG}, no receipt (nothing was looked at), retried. The adoption row
 * is read at most once per {@link #ADOPTION_RECHECK}.
 */
public final class JdbcPurgeExecutor implements PurgeExecutor {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcPurgeExecutor.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Rows one purge transaction deletes at most, unless told otherwise. */
    public static final int DEFAULT_BATCH_ROWS = 500;

    /** A done receipt names its dependents one by one up to this many. */
    static final int LISTED_DEPENDENTS = 100;

    /** How long the executor trusts what it last read of {@code lethe.adoption}. */
    static final java.time.Duration ADOPTION_RECHECK = java.time.Duration.ofSeconds(5);

    private AdoptionBacklog.State adoption;
    private Instant adoptionReadAt;

    private final DataSource dataSource;
    private final PersonalDataCatalog catalog;
    private final HelpdeskRowGraph graph;
    private final RetentionPolicy policy;
    private final Clock clock;
    private AutoCloseable owned;
    private PurgedLocations locations;
    private FileStore files = FileStore.UNCONFIGURED;
    private int batchRows = DEFAULT_BATCH_ROWS;
    private Runnable afterEachBatch = () -> {};

    public JdbcPurgeExecutor(
            DataSource dataSource,
            PersonalDataCatalog catalog,
            RetentionPolicy policy,
            Clock clock) {
        this.dataSource = dataSource;
        this.catalog = catalog;
        this.graph = new HelpdeskRowGraph(catalog);
        this.policy = policy;
        this.clock = clock;
    }

    /**
     * Closes {@code resource} (the connection pool the job made for this {@code executor}) when
     * this closes; a restarted operator then leaves no pool behind.
     */
    public JdbcPurgeExecutor closing(AutoCloseable resource) {
        this.owned = resource;
        return this;
    }

    /**
     * Deletes the files that deleted rows name ({@code stores_file} columns, an attachment's
     * storage key) in {@code store}, before the receipt is written: a file that cannot be deleted
     * fails the purge, which is retried; a receipt never says done while a file is left.
     */
    public JdbcPurgeExecutor deletingFilesIn(FileStore store) {
        this.files = store;
        return this;
    }

    /**
     * Deletes at most {@code rows} rows (the row itself included) per transaction; a larger tree is
     * purged in several, each re-checking the row under its lock.
     */
    public JdbcPurgeExecutor inBatchesOf(int rows) {
        if (rows < 1) {
            throw new IllegalArgumentException("a purge batch holds at least one row, not " + rows);
        }
        this.batchRows = rows;
        return this;
    }

    /** Runs {@code action} after each committed batch that leaves rows for the next (tests). */
    JdbcPurgeExecutor afterEachBatch(Runnable action) {
        this.afterEachBatch = action;
        return this;
    }

    /**
     * Hands the records of every done delete to {@code locations} after the commit, so they
     * disappear from the locations index without waiting for the discovery job; closed with this
     * executor.
     */
    public JdbcPurgeExecutor removingLocations(PurgedLocations locations) {
        this.locations = locations;
        return this;
    }

    @Override
    public void close() throws Exception {
        try {
            if (locations != null) {
                locations.close();
            }
        } finally {
            if (owned != null) {
                owned.close();
            }
        }
    }

    /** Creates Lethe's purge tables if missing. */
    public void createSchema() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            PurgeSchema.create(c);
        }
    }

    @Override
    public PurgeOutcome execute(PurgeCommand command) {
        try {
            Optional<PurgeOutcome> held = heldAsBacklog(command);
            if (held.isPresent()) {
                return held.get();
            }
        } catch (SQLException e) {
            String why =
                    "FAILED: reading lethe.adoption: " + e.getClass().getSimpleName() + stateOf(e);
            LOG.warn("purge {} of {} failed: {}", command.commandId(), command.entityId(), why);
            return recordFailure(command, why);
        }
        Progress progress = new Progress();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            while (true) {
                List<String> deleted = new ArrayList<>();
                Optional<PurgeOutcome> outcome;
                try {
                    outcome = batchIn(c, command, progress, deleted);
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
                progress.committed(deleted);
                if (locations != null && !deleted.isEmpty()) {
                    locations.purged(deleted);
                }
                if (outcome.isPresent()) {
                    return outcome.get();
                }
                afterEachBatch.run();
            }
        } catch (SQLException | RuntimeException e) {
            // the message of a SQL error may quote values (e.g. a constraint's detail): log only
            // its state
            String why = "FAILED: " + e.getClass().getSimpleName() + stateOf(e);
            if (progress.rowsDeleted > 0) {
                why += " after " + progress.rowsDeleted + " rows deleted in earlier batches";
            }
            LOG.warn("purge {} of {} failed: {}", command.commandId(), command.entityId(), why);
            return recordFailure(command, why);
        }
    }

    /**
     * The outcome of a retention purge of the adoption backlog while it waits for approval; empty
     * when the command may go ahead.
     */
    private Optional<PurgeOutcome> heldAsBacklog(PurgeCommand command) throws SQLException {
        if (command.ruleId() == null
                || command.deadline() == null
                || policy.adoption() != RetentionPolicy.Adoption.HOLD_BACKLOG) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (adoption == null
                || !adoption.approved() && !now.isBefore(adoptionReadAt.plus(ADOPTION_RECHECK))) {
            try (Connection c = dataSource.getConnection()) {
                adoption = AdoptionBacklog.read(c);
            }
            adoptionReadAt = now;
        }
        if (!adoption.holds(policy.adoption(), command.deadline())) {
            return Optional.empty();
        }
        return Optional.of(
                new PurgeOutcome(
                        command.commandId(),
                        null,
                        PurgeOutcome.SKIPPED,
                        Verdict.ADOPTION_BACKLOG,
                        "ADOPTION_BACKLOG: due at "
                                + command.deadline()
                                + ", before Lethe adopted the helpdesk at "
                                + adoption.adoptedAt()
                                + "; waits for ./lethe purges approve-backlog",
                        false));
    }

    /** What the committed batches of one purge deleted. */
    private static final class Progress {
        int batches;
        int rowsDeleted;
        int filesDeleted;
        final Map<String, Integer> byTable = new TreeMap<>();
        final List<String> dependents = new ArrayList<>();

        void committed(List<String> deleted) {
            batches++;
            rowsDeleted += deleted.size();
        }

        void deleting(Dependent d) {
            byTable.merge(d.table(), 1, Integer::sum);
            if (dependents.size() <= LISTED_DEPENDENTS) {
                dependents.add(d.entityId());
            }
        }

        int dependentCount() {
            return byTable.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /**
     * One transaction of a purge: the guard on the locked row, then at most {@link #batchRows} rows
     * deleted. Empty when rows are left for the next batch; the outcome when the purge is done or
     * stopped (its receipt written in this transaction).
     */
    private Optional<PurgeOutcome> batchIn(
            Connection c, PurgeCommand command, Progress progress, List<String> deleted)
            throws SQLException {
        Actor.lethePurge(
                        command.requestId() != null ? command.requestId() : command.commandId(),
                        command.requestId() != null
                                ? "erasure request"
                                : "retention rule " + command.ruleId())
                .emit(c);
        try (PreparedStatement s =
                c.prepareStatement("SELECT set_config('lethe.purge', 'on', true)")) {
            s.execute();
        }
        Optional<PurgeOutcome> previous = done(c, command.commandId());
        if (previous.isPresent()) {
            return previous;
        }
        Map<String, String> row = lockRow(c, command.table(), command.rowId());
        List<String> subjects = row == null ? List.of() : subjectsOf(c, command.table(), row);
        Optional<LegalHold> hold =
                row == null ? Optional.empty() : holdOn(c, command.entityId(), subjects);
        Decision decision;
        RetentionRule rule = null;
        if (command.ruleId() != null) {
            rule =
                    policy.rule(command.ruleId())
                            .orElseThrow(
                                    () ->
                                            new IllegalStateException(
                                                    "rule "
                                                            + command.ruleId()
                                                            + " is not in the policy"));
            decision = PurgeGuard.retention(rule, command.start(), row, clock.instant(), hold);
        } else {
            decision = PurgeGuard.erasure(row, hold);
        }
        Map<String, String> attributes = new TreeMap<>();
        if (decision.eligible() && command.action() == PurgeAction.DELETE) {
            List<Dependent> batch =
                    graph.dependents(c, command.table(), command.rowId(), true, batchRows);
            boolean last = batch.size() < batchRows;
            List<Dependent> checked = batch;
            if (!last && progress.batches == 0) {
                // more rows than one batch: the whole tree is checked before anything goes
                checked = graph.dependents(c, command.table(), command.rowId(), false);
            }
            Optional<Decision> blocked = blockedByDependents(c, command, checked);
            if (blocked.isPresent()) {
                decision = blocked.get();
            } else {
                List<String> fileKeys = new ArrayList<>();
                for (Dependent d : batch) {
                    fileKeys.addAll(fileKeysOf(d.table(), d.row()));
                    clearReferencesTo(c, d.table(), d.id());
                    delete(c, d.table(), d.id());
                    deleted.add(d.entityId());
                    progress.deleting(d);
                }
                if (last) {
                    fileKeys.addAll(fileKeysOf(command.table(), row));
                    clearReferencesTo(c, command.table(), command.rowId());
                    delete(c, command.table(), command.rowId());
                    deleted.add(command.entityId());
                }
                deleteFiles(fileKeys);
                progress.filesDeleted += fileKeys.size();
                if (!last) {
                    return Optional.empty();
                }
                if (progress.filesDeleted > 0) {
                    attributes.put("filesDeleted", Integer.toString(progress.filesDeleted));
                }
                int dependents = progress.dependentCount();
                attributes.put("rowsDeleted", Integer.toString(dependents + 1));
                attributes.put("batches", Integer.toString(progress.batches + 1));
                if (dependents > 0) {
                    StringBuilder byTable = new StringBuilder();
                    progress.byTable.forEach(
                            (table, n) ->
                                    byTable.append(byTable.isEmpty() ? "" : ",")
                                            .append(table)
                                            .append('=')
                                            .append(n));
                    attributes.put("dependentsByTable", byTable.toString());
                    if (dependents <= LISTED_DEPENDENTS) {
                        attributes.put("dependents", String.join(",", progress.dependents));
                    }
                }
            }
        } else if (decision.eligible() && command.action() == PurgeAction.ANONYMIZE) {
            Map<String, AnonymizeMethod> columns = rule != null ? rule.anonymize() : Map.of();
            anonymize(c, command.table(), command.rowId(), columns);
            attributes.put("anonymizedColumns", String.join(",", columns.keySet()));
        }
        if (!decision.eligible() && progress.rowsDeleted > 0) {
            // stopped between two batches: what the earlier ones deleted stays deleted (each row
            // was eligible, under this row's lock, when its batch committed)
            attributes.put("rowsDeletedBeforeStop", Integer.toString(progress.rowsDeleted));
            attributes.put("batches", Integer.toString(progress.batches));
        }
        String outcome = decision.eligible() ? PurgeOutcome.DONE : PurgeOutcome.SKIPPED;
        Verdict verdict = decision.verdict();
        String receiptId = PurgeOutcome.receiptId(command.commandId(), outcome, verdict);
        writeReceipt(c, receiptId, command, subjects, outcome, decision.reason(), attributes);
        return Optional.of(
                new PurgeOutcome(
                        command.commandId(),
                        receiptId,
                        outcome,
                        verdict,
                        decision.reason(),
                        false));
    }

    private void deleteFiles(List<String> keys) {
        for (String key : keys) {
            try {
                files.delete(key);
            } catch (java.io.IOException e) {
                throw new FileNotDeleted(e);
            }
        }
    }

    @Override
    public void scheduled(PurgeCommand command) {
        if (command.ruleId() == null || command.deadline() == null) {
            return;
        }
        mirror(
                "INSERT INTO lethe.purge_schedule (entity_id, table_name, command_id, policy_rule,"
                        + " action, deadline) VALUES (?,?,?,?,?,?) ON CONFLICT (entity_id) DO"
                        + " UPDATE SET table_name = EXCLUDED.table_name, command_id ="
                        + " EXCLUDED.command_id, policy_rule = EXCLUDED.policy_rule, action ="
                        + " EXCLUDED.action, deadline = EXCLUDED.deadline, scheduled_at = now()",
                command.entityId(),
                command.table(),
                command.commandId(),
                command.ruleId(),
                command.action().wireName(),
                Timestamp.from(command.deadline()));
    }

    @Override
    public void unscheduled(String entityId) {
        mirror("DELETE FROM lethe.purge_schedule WHERE entity_id = ?", entityId);
    }

    private void mirror(String sql, Object... values) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                s.setObject(i + 1, values[i]);
            }
            s.executeUpdate();
        } catch (SQLException e) {
            LOG.warn("cannot mirror the purge schedule: {}", stateOf(e));
        }
    }

    private Optional<PurgeOutcome> done(Connection c, String commandId) throws SQLException {
        try (PreparedStatement s =
                c.prepareStatement(
                        "SELECT receipt_id, reason FROM lethe.purge_log"
                                + " WHERE command_id = ? AND outcome = 'done'")) {
            s.setString(1, commandId);
            try (ResultSet r = s.executeQuery()) {
                if (r.next()) {
                    return Optional.of(
                            new PurgeOutcome(
                                    commandId,
                                    r.getString(1),
                                    PurgeOutcome.DONE,
                                    Verdict.ELIGIBLE,
                                    r.getString(2),
                                    true));
                }
            }
        }
        return Optional.empty();
    }

    /** The row as text (column -> value), locked for this transaction; null if it is gone. */
    static Map<String, String> lockRow(Connection c, String table, long id) throws SQLException {
        return HelpdeskRowGraph.read(c, table, id, true);
    }

    /** The data subjects of a row, by following its catalog subject path. */
    List<String> subjectsOf(Connection c, String table, Map<String, String> row)
            throws SQLException {
        return graph.subjectsOf(c, table, row);
    }

    /** A hold of the policy or of {@code lethe.legal_holds} covering the record or a subject. */
    Optional<LegalHold> holdOn(Connection c, String recordId, List<String> subjects)
            throws SQLException {
        Optional<LegalHold> declared = policy.holdOn(recordId, subjects);
        if (declared.isPresent()) {
            return declared;
        }
        try (PreparedStatement s =
                c.prepareStatement(
                        "SELECT subject_id, record_id, reason FROM lethe.legal_holds"
                                + " WHERE released_at IS NULL"
                                + " AND (record_id = ? OR subject_id = ANY (?)) LIMIT 1")) {
            s.setString(1, recordId);
            s.setArray(2, c.createArrayOf("text", subjects.toArray()));
            try (ResultSet r = s.executeQuery()) {
                if (r.next()) {
                    return Optional.of(
                            new LegalHold(r.getString(1), r.getString(2), r.getString(3)));
                }
            }
        }
        return Optional.empty();
    }

    /** The stored-file keys a row names (its {@code stores_file} columns that are set). */
    private List<String> fileKeysOf(String table, Map<String, String> row) {
        List<String> keys = new ArrayList<>();
        if (row == null) {
            return keys;
        }
        for (var column : catalog.fileColumns(table)) {
            String key = row.get(column.name());
            if (key != null && !key.isBlank()) {
                keys.add(key);
            }
        }
        return keys;
    }

    /** Statuses of a row that is done with (a solved or closed ticket). */
    private static final java.util.Set<String> FINISHED = java.util.Set.of("solved", "closed");

    /**
     * Why the rows a delete would take with it stop it, if they do: a legal hold on one of them (or
     * its subject), or, for a retention purge, one still in use (not soft deleted and, where it has
     * a status, neither solved nor closed: a contact's open ticket). An erasure takes its person's
     * rows whatever their state (the erasure processor blocks on open tickets itself).
     */
    private Optional<Decision> blockedByDependents(
            Connection c, PurgeCommand command, List<Dependent> dependents) throws SQLException {
        for (Dependent d : dependents) {
            Optional<LegalHold> hold =
                    holdOn(c, d.entityId(), graph.subjectsOf(c, d.table(), d.row()));
            if (hold.isPresent()) {
                return Optional.of(
                        new Decision(
                                Verdict.LEGAL_HOLD,
                                "LEGAL_HOLD: a dependent row is held: "
                                        + hold.get().target()
                                        + ": "
                                        + hold.get().reason()));
            }
        }
        if (command.ruleId() == null) {
            return Optional.empty();
        }
        for (Dependent d : dependents) {
            Map<String, String> row = d.row();
            if (row.get("deleted_at") == null
                    && row.containsKey("status")
                    && !FINISHED.contains(row.get("status"))) {
                return Optional.of(
                        new Decision(
                                Verdict.DEPENDENT_IN_USE,
                                "DEPENDENT_IN_USE: "
                                        + d.entityId()
                                        + " is open and not deleted; retention deletes it only"
                                        + " with its own rule"));
            }
        }
        return Optional.empty();
    }

    /** Sets NULL the references to {@code table/id} whose rows do not go with it. */
    private void clearReferencesTo(Connection c, String table, long id) throws SQLException {
        for (Reference ref : graph.clearedReferences(table)) {
            try (PreparedStatement s =
                    c.prepareStatement(
                            "UPDATE "
                                    + quote(ref.from().table())
                                    + " SET "
                                    + quote(ref.from().column())
                                    + " = NULL WHERE "
                                    + quote(ref.from().column())
                                    + " = ?")) {
                s.setLong(1, id);
                s.executeUpdate();
            }
        }
    }

    private static void delete(Connection c, String table, long id) throws SQLException {
        try (PreparedStatement s =
                c.prepareStatement("DELETE FROM " + quote(table) + " WHERE id = ?")) {
            s.setLong(1, id);
            s.executeUpdate();
        }
    }

    private static void anonymize(
            Connection c, String table, long id, Map<String, AnonymizeMethod> columns)
            throws SQLException {
        if (columns.isEmpty()) {
            return;
        }
        StringBuilder sql = new StringBuilder("UPDATE ").append(quote(table)).append(" SET ");
        List<String> values = new ArrayList<>();
        for (Map.Entry<String, AnonymizeMethod> col : columns.entrySet()) {
            if (!values.isEmpty()) {
                sql.append(", ");
            }
            sql.append(quote(col.getKey())).append(" = ?");
            values.add(
                    col.getValue()
                            .replacement(table, Long.toString(id), isJson(c, table, col.getKey())));
        }
        sql.append(", updated_at = now() WHERE id = ?");
        try (PreparedStatement s = c.prepareStatement(sql.toString())) {
            int i = 1;
            for (String v : values) {
                s.setObject(i++, v, java.sql.Types.OTHER);
            }
            s.setLong(i, id);
            s.executeUpdate();
        }
    }

    /** Whether {@code table.column} is of type json or jsonb. */
    private static boolean isJson(Connection c, String table, String column) throws SQLException {
        try (PreparedStatement s =
                c.prepareStatement(
                        "SELECT data_type IN ('json', 'jsonb') FROM information_schema.columns"
                                + " WHERE table_schema = current_schema() AND table_name = ?"
                                + " AND column_name = ?")) {
            s.setString(1, table);
            s.setString(2, column);
            try (ResultSet r = s.executeQuery()) {
                return r.next() && r.getBoolean(1);
            }
        }
    }

    void writeReceipt(
            Connection c,
            String receiptId,
            PurgeCommand command,
            List<String> subjects,
            String outcome,
            String reason,
            Map<String, String> attributes)
            throws SQLException {
        try (PreparedStatement s =
                c.prepareStatement(
                        "INSERT INTO lethe.purge_log (receipt_id, command_id, request_id, table_name,"
                                + " entity_id, key_json, subject_ids, action, outcome, reason,"
                                + " policy_rule, deadline, attributes_json)"
                                + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"
                                + " ON CONFLICT (receipt_id) DO NOTHING")) {
            s.setString(1, receiptId);
            s.setString(2, command.commandId());
            s.setString(3, command.requestId());
            s.setString(4, command.table());
            s.setString(5, command.entityId());
            s.setString(6, json(command.sortedKey()));
            s.setString(7, String.join(",", subjects));
            s.setString(8, command.action().wireName());
            s.setString(9, outcome);
            s.setString(10, reason);
            s.setString(11, command.ruleId());
            s.setTimestamp(
                    12, command.deadline() == null ? null : Timestamp.from(command.deadline()));
            s.setString(13, json(attributes));
            s.executeUpdate();
        }
    }

    private PurgeOutcome recordFailure(PurgeCommand command, String why) {
        String receiptId = PurgeOutcome.receiptId(command.commandId(), PurgeOutcome.FAILED, null);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            writeReceipt(c, receiptId, command, List.of(), PurgeOutcome.FAILED, why, Map.of());
        } catch (SQLException | RuntimeException e) {
            LOG.warn("cannot record the failure of purge {}: {}", command.commandId(), stateOf(e));
        }
        return new PurgeOutcome(
                command.commandId(), receiptId, PurgeOutcome.FAILED, null, why, false);
    }

    /** A stored file could not be deleted; its message names the problem, never the key. */
    static final class FileNotDeleted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        FileNotDeleted(java.io.IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private static String stateOf(Exception e) {
        if (e instanceof FileNotDeleted f) {
            return " (" + f.getMessage() + ")";
        }
        return e instanceof SQLException sql && sql.getSQLState() != null
                ? " (SQL state " + sql.getSQLState() + ")"
                : "";
    }

    static String quote(String identifier) {
        return HelpdeskRowGraph.quote(identifier);
    }

    private static String json(Map<String, String> map) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(map));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
