package dev.lethe.jobs.purge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.audit.Actor;
import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.discovery.LocationDocument;
import dev.lethe.discovery.PersonalDataInText;
import dev.lethe.discovery.PhoneDetector;
import dev.lethe.discovery.SubjectDirectory;
import dev.lethe.erasure.ErasurePlan;
import dev.lethe.erasure.ErasurePlanner;
import dev.lethe.erasure.MentionRedactor;
import dev.lethe.keys.SubjectIds;
import dev.lethe.keys.SubjectKeyStore;
import dev.lethe.normalize.EntityId;
import dev.lethe.retention.FileStore;
import dev.lethe.retention.HelpdeskRowGraph;
import dev.lethe.retention.LegalHold;
import dev.lethe.retention.PurgeAction;
import dev.lethe.retention.PurgeGuard.Verdict;
import dev.lethe.retention.RetentionPolicy;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the erasure requests (Art. 17) of {@code lethe.erasure_requests}, as soon as they are
 * found: the retention job calls {@link #processPending()} on its ticks, so requests are acted on
 * without anyone running anything; {@code ./lethe subject erase} and other systems only insert
 * rows.
 *
 * <p>For one request of subject {@code contact:42}:
 *
 * <ol>
 *   <li>An open ticket of the person (status neither solved nor closed) blocks the request: the
 *       helpdesk is still processing it (Art. 17(3) does not lift that on its own; close or solve
 *       the ticket, or withdraw the request).
 *   <li>Their own row ({@code contacts/42}) is erased by the purge executor (guarded, legal holds
 *       checked on every row, dependents deleted first, receipt in the purge log).
 *   <li>Every other record the discovery index attributes to them (or that holds one of their own
 *       identifiers) is handled by its own subject path: a record whose subject is the person is
 *       erased; a record of someone else that mentions the person (their name or email in another
 *       customer's comment) keeps existing, and the person's values found there are replaced by
 *       {@value #REDACTED} in that column (receipt action {@code anonymize}, attribute {@code
 *       redactedColumns}).
 *   <li>Once nothing is left, their data key is shredded ({@link SubjectKeyStore#shred}): the audit
 *       log's encrypted values of the person become unreadable; the key store never creates a key
 *       again for an erased subject. The index forgets the records and expunges deleted documents
 *       (rate limited by the index).
 * </ol>
 *
 * A request blocked (legal hold, open ticket) or failing is retried every {@code retryInterval} and
 * reported with its reason, or at once when a DPO asks for a retry ({@link #retry}); past its
 * {@code due_at} (requested + the policy's erasure deadline) it is overdue. Under four-eyes
 * approval ({@code erasure.approval: four-eyes}) a request is recorded {@value #AWAITING_APPROVAL}
 * and left alone until a second, different DPO approves it ({@link #approve}); a rejected one
 * ({@link #reject}) is final. Replays are no-ops: erasure commands are deterministic per request
 * and record.
 */
public final class ErasureProcessor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ErasureProcessor.class);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MentionRedactor mentions;
    private final SubjectDirectory subjects;
    private final HelpdeskRowGraph graph;
    private final ErasurePlanner planner;

    /** What replaces a person's value in someone else's text. */
    public static final String REDACTED = MentionRedactor.REPLACEMENT;

    public static final String PENDING = "pending";
    public static final String BLOCKED = "blocked";
    public static final String FAILING = "failing";
    public static final String DONE = "done";

    /**
     * A request that cannot be carried out as asked (a kind the catalog does not declare, a subject
     * that never existed): final, never retried, nothing erased or tombstoned.
     */
    public static final String REFUSED = "refused";

    /** Four-eyes: recorded, not acted on until a second DPO approves it. */
    public static final String AWAITING_APPROVAL = "awaiting-approval";

    /** Four-eyes: a DPO rejected it (or its requester withdrew it); final, nothing erased. */
    public static final String REJECTED = "rejected";

    private final DataSource dataSource;
    private final JdbcPurgeExecutor executor;
    private final PersonalDataCatalog catalog;
    private final SubjectKeyStore keys;
    private final ErasureIndex index;
    private final Clock clock;
    private final Duration retryInterval;
    private AutoCloseable owned;

    public ErasureProcessor(
            DataSource dataSource,
            PersonalDataCatalog catalog,
            RetentionPolicy policy,
            SubjectKeyStore keys,
            ErasureIndex index,
            Clock clock,
            Duration retryInterval) {
        this.dataSource = dataSource;
        this.catalog = catalog;
        this.executor = new JdbcPurgeExecutor(dataSource, catalog, policy, clock);
        this.mentions = new MentionRedactor(PhoneDetector.DEFAULT_REGIONS, REDACTED);
        this.subjects = new SubjectDirectory(catalog, PhoneDetector.DEFAULT_REGIONS);
        this.graph = new HelpdeskRowGraph(catalog);
        this.planner = new ErasurePlanner(graph, subjects);
        this.keys = keys;
        this.index = index;
        this.clock = clock;
        this.retryInterval = retryInterval;
    }

    /** How one request ended this round. */
    public record Progress(String requestId, String status, String reason, int found, int purged) {}

    /**
     * Records a request (what {@code ./lethe subject erase} does); idempotent on the request id.
     *
     * @throws IllegalArgumentException naming what to fix, with nothing recorded, when the request
     *     would be refused ({@link #refusal})
     */
    public static void request(
            Connection c,
            String requestId,
            String subjectId,
            String reason,
            RetentionPolicy policy,
            PersonalDataCatalog catalog,
            Instant now)
            throws SQLException {
        request(c, requestId, subjectId, reason, null, policy, catalog, now);
    }

    /**
     * Records a request made by {@code requestedBy} (null: not known, e.g. another system's row);
     * under four-eyes approval ({@link RetentionPolicy#erasureApproval()}) it waits, {@value
     * #AWAITING_APPROVAL}, for a second DPO.
     *
     * @return the status it was recorded with
     * @throws IllegalArgumentException naming what to fix, with nothing recorded, when the request
     *     would be refused ({@link #refusal})
     */
    public static String request(
            Connection c,
            String requestId,
            String subjectId,
            String reason,
            String requestedBy,
            RetentionPolicy policy,
            PersonalDataCatalog catalog,
            Instant now)
            throws SQLException {
        Optional<String> refused = refusal(c, catalog, subjectId);
        if (refused.isPresent()) {
            throw new IllegalArgumentException(refused.get());
        }
        String status =
                policy.erasureApproval() == RetentionPolicy.ErasureApproval.FOUR_EYES
                        ? AWAITING_APPROVAL
                        : PENDING;
        try (PreparedStatement s =
                c.prepareStatement(
                        "INSERT INTO lethe.erasure_requests (request_id, subject_id, reason,"
                                + " requested_at, due_at, status, requested_by)"
                                + " VALUES (?,?,?,?,?,?,?)"
                                + " ON CONFLICT (request_id) DO NOTHING")) {
            s.setString(1, requestId);
            s.setString(2, subjectId);
            s.setString(3, reason);
            s.setTimestamp(4, Timestamp.from(now));
            s.setTimestamp(5, Timestamp.from(policy.erasureDeadline().after(now)));
            s.setString(6, status);
            s.setString(7, requestedBy);
            s.executeUpdate();
        }
        return status;
    }

    /** What became of a DPO's decision on a request. */
    public enum Decision {
        /** Recorded. */
        DONE,
        /** No request has that id. */
        NO_SUCH_REQUEST,
        /** The request is not in a state the decision applies to (e.g. not awaiting approval). */
        WRONG_STATUS,
        /** Four-eyes: the DPO who asked for the erasure cannot approve it too. */
        SAME_PERSON
    }

    /**
     * Four-eyes: {@code approver} approves a request {@value #AWAITING_APPROVAL}; it becomes
     * {@value #PENDING} and is carried out on the retention job's next tick. Refused ({@link
     * Decision#SAME_PERSON}) for the DPO who requested it, in the same statement that records it.
     */
    public static Decision approve(Connection c, String requestId, String approver, Instant now)
            throws SQLException {
        try (PreparedStatement s =
                c.prepareStatement(
                        "UPDATE lethe.erasure_requests SET status = '"
                                + PENDING
                                + "', status_reason = NULL, approved_by = ?, approved_at = ?,"
                                + " updated_at = ? WHERE request_id = ? AND status = '"
                                + AWAITING_APPROVAL
                                + "' AND requested_by IS DISTINCT FROM ?")) {
            s.setString(1, approver);
            s.setTimestamp(2, Timestamp.from(now));
            s.setTimestamp(3, Timestamp.from(now));
            s.setString(4, requestId);
            s.setString(5, approver);
            if (s.executeUpdate() == 1) {
                return Decision.DONE;
            }
        }
        return whyNot(c, requestId, Set.of(AWAITING_APPROVAL), approver);
    }

    /**
     * Four-eyes: {@code by} rejects a request {@value #AWAITING_APPROVAL} (its requester may
     * withdraw it so); final: {@value #REJECTED}, with who, when and why.
     */
    public static Decision reject(
            Connection c, String requestId, String by, String why, Instant now)
            throws SQLException {
        try (PreparedStatement s =
                c.prepareStatement(
                        "UPDATE lethe.erasure_requests SET status = '"
                                + REJECTED
                                + "', status_reason = ?, rejected_by = ?, rejected_at = ?,"
                                + " rejection_reason = ?, updated_at = ? WHERE request_id = ?"
                                + " AND status = '"
                                + AWAITING_APPROVAL
                                + "'")) {
            s.setString(1, "REJECTED by " + by + ": " + why);
            s.setString(2, by);
            s.setTimestamp(3, Timestamp.from(now));
            s.setString(4, why);
            s.setTimestamp(5, Timestamp.from(now));
            s.setString(6, requestId);
            if (s.executeUpdate() == 1) {
                return Decision.DONE;
            }
        }
        return whyNot(c, requestId, Set.of(AWAITING_APPROVAL), null);
    }

    /**
     * A DPO asks for a blocked or failing request to be tried again now rather than after the retry
     * interval: it becomes {@value #PENDING}, which the retention job's next tick takes up.
     */
    public static Decision retry(Connection c, String requestId, String by, Instant now)
            throws SQLException {
        try (PreparedStatement s =
                c.prepareStatement(
                        "UPDATE lethe.erasure_requests SET status = '"
                                + PENDING
                                + "', status_reason = ?, retry_requested_by = ?,"
                                + " retry_requested_at = ?, updated_at = ? WHERE request_id = ?"
                                + " AND status IN ('"
                                + BLOCKED
                                + "', '"
                                + FAILING
                                + "')")) {
            s.setString(1, "retry requested by " + by);
            s.setString(2, by);
            s.setTimestamp(3, Timestamp.from(now));
            s.setTimestamp(4, Timestamp.from(now));
            s.setString(5, requestId);
            if (s.executeUpdate() == 1) {
                return Decision.DONE;
            }
        }
        return whyNot(c, requestId, Set.of(BLOCKED, FAILING), null);
    }

    private static Decision whyNot(
            Connection c, String requestId, Set<String> expected, String approver)
            throws SQLException {
        try (PreparedStatement q =
                c.prepareStatement(
                        "SELECT status, requested_by FROM lethe.erasure_requests"
                                + " WHERE request_id = ?")) {
            q.setString(1, requestId);
            try (ResultSet r = q.executeQuery()) {
                if (!r.next()) {
                    return Decision.NO_SUCH_REQUEST;
                }
                if (approver != null
                        && expected.contains(r.getString(1))
                        && approver.equals(r.getString(2))) {
                    return Decision.SAME_PERSON;
                }
                return Decision.WRONG_STATUS;
            }
        }
    }

    /**
     * Why an erasure of {@code subjectId} cannot be carried out, or empty if it can: a malformed
     * subject id, a kind the catalog does not declare as a subject ({@code subject: self}), a
     * subject already erased, or one that does not exist (neither its row is in the helpdesk nor
     * was a data key ever made for it). Only declared subjects are erased, and a tombstone is never
     * written for an id that is nobody's: a future row with that id would never get a key.
     */
    public static Optional<String> refusal(
            Connection c, PersonalDataCatalog catalog, String subjectId) throws SQLException {
        return refusal(c, catalog, subjectId, null);
    }

    /**
     * As {@link #refusal(Connection, PersonalDataCatalog, String)}, for the request {@code
     * requestId} being carried out: a subject this very request erased is not refused (a round that
     * failed after the shred is finished by the next).
     */
    static Optional<String> refusal(
            Connection c, PersonalDataCatalog catalog, String subjectId, String requestId)
            throws SQLException {
        if (!SubjectIds.isValid(subjectId)) {
            return Optional.of(
                    "not a subject id: give <kind>:<row id>, e.g. contact:42 (see ./lethe subject"
                            + " find)");
        }
        String record;
        try {
            record = catalog.subjectRecord(subjectId);
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage() + "; only data subjects can be erased");
        }
        Optional<String> erasedBy = erasedBy(c, subjectId);
        if (erasedBy.isPresent()) {
            if (erasedBy.get().equals(requestId)) {
                return Optional.empty();
            }
            return Optional.of(subjectId + " is already erased");
        }
        if (read(c, record) == null && !hasRow(c, "lethe.subject_keys", "subject_id", subjectId)) {
            return Optional.of(
                    "no such subject: "
                            + record
                            + " is not in the helpdesk and Lethe never held data of "
                            + subjectId);
        }
        return Optional.empty();
    }

    /** The request that erased {@code subjectId}, if it is erased. */
    private static Optional<String> erasedBy(Connection c, String subjectId) throws SQLException {
        if (!hasRow(c, "lethe.erased_subjects", "subject_id", subjectId)) {
            return Optional.empty();
        }
        try (PreparedStatement s =
                c.prepareStatement(
                        "SELECT request_id FROM lethe.erased_subjects WHERE subject_id = ?")) {
            s.setString(1, subjectId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(String.valueOf(r.getString(1))) : Optional.empty();
            }
        }
    }

    private static boolean hasRow(Connection c, String table, String column, String value)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            s.setString(1, table);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next() || !r.getBoolean(1)) {
                    return false;
                }
            }
        }
        try (PreparedStatement s =
                c.prepareStatement(
                        "SELECT 1 FROM " + table + " WHERE " + column + " = ? LIMIT 1")) {
            s.setString(1, value);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    /**
     * Processes every request that is pending, or blocked/failing and due for a retry; never one
     * awaiting approval or rejected.
     */
    public List<Progress> processPending() throws Exception {
        List<String[]> requests = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement s =
                        c.prepareStatement(
                                "SELECT request_id, subject_id, reason FROM lethe.erasure_requests"
                                        + " WHERE status = 'pending' OR (status NOT IN ('done',"
                                        + " 'refused', '"
                                        + AWAITING_APPROVAL
                                        + "', '"
                                        + REJECTED
                                        + "') AND updated_at <= ?)"
                                        + " ORDER BY requested_at, request_id")) {
            s.setTimestamp(1, Timestamp.from(clock.instant().minus(retryInterval)));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    requests.add(new String[] {r.getString(1), r.getString(2), r.getString(3)});
                }
            }
        }
        List<Progress> progress = new ArrayList<>();
        for (String[] r : requests) {
            Progress p = process(r[0], r[1], r[2]);
            progress.add(p);
            record(p);
        }
        return progress;
    }

    /** One request, start to end (each step idempotent). */
    Progress process(String requestId, String subjectId, String reason) {
        try {
            Optional<String> refused;
            try (Connection c = dataSource.getConnection()) {
                refused = refusal(c, catalog, subjectId, requestId);
            }
            if (refused.isPresent()) {
                return new Progress(requestId, REFUSED, "REFUSED: " + refused.get(), 0, 0);
            }
            ErasurePlan plan = plan(subjectId);
            if (plan.openTicket() != null) {
                return new Progress(
                        requestId,
                        BLOCKED,
                        "OPEN_TICKET: " + plan.openTicket() + " is still open",
                        plan.size(),
                        0);
            }
            Optional<String> held = heldMention(plan);
            if (held.isPresent()) {
                return new Progress(requestId, BLOCKED, held.get(), plan.size(), 0);
            }
            int purged = 0;
            Set<String> forgotten = new TreeSet<>();
            List<String> erase = new ArrayList<>(plan.erase());
            for (String record : erase) {
                PurgeOutcome o = executor.execute(command(requestId, record, PurgeAction.DELETE));
                if (o.done() || o.verdict() == Verdict.GONE) {
                    purged++;
                    forgotten.add(record);
                } else {
                    return new Progress(
                            requestId,
                            o.retryLater() && o.verdict() == Verdict.LEGAL_HOLD ? BLOCKED : FAILING,
                            record + ": " + o.reason(),
                            plan.size(),
                            purged);
                }
            }
            for (Map.Entry<String, Map<String, Set<String>>> m : plan.redact().entrySet()) {
                Optional<String> heldNow =
                        redact(requestId, subjectId, plan.person(), m.getKey(), m.getValue());
                if (heldNow.isPresent()) {
                    return new Progress(requestId, BLOCKED, heldNow.get(), plan.size(), purged);
                }
                purged++;
            }
            // the register of erased subjects is kept for good: a reason another system wrote
            // with an identifier in it is not copied there
            keys.shred(subjectId, requestId, PersonalDataInText.textOrWithheld(reason));
            index.forget(subjectId, forgotten);
            index.expungeDeleted();
            return new Progress(requestId, DONE, "erased", plan.size(), purged);
        } catch (Exception e) {
            // name the kind of error only: messages may quote values
            String why = "FAILED: " + e.getClass().getSimpleName() + detail(e);
            LOG.warn("erasure request {} failed: {}", requestId, why);
            return new Progress(requestId, FAILING, why, 0, 0);
        }
    }

    /** The plan (read only; {@code subject erase --dry-run} prints it). */
    public ErasurePlan plan(String subjectId) throws Exception {
        String own = catalog.subjectRecord(subjectId);
        List<LocationDocument> locations = index.locationsOf(subjectId, own);
        try (Connection c = dataSource.getConnection()) {
            c.setReadOnly(true);
            return planner.plan(c, subjectId, locations);
        }
    }

    /**
     * The legal holds (of the policy or of {@code lethe.legal_holds}) on any record the plan would
     * delete or redact, each as {@code record: LEGAL_HOLD: reason}: what blocks the erasure now.
     * Read only.
     */
    public List<String> holds(ErasurePlan plan) throws SQLException {
        List<String> out = new ArrayList<>();
        List<String> records = new ArrayList<>(plan.erase());
        records.addAll(plan.dependents());
        records.addAll(plan.redact().keySet());
        try (Connection c = dataSource.getConnection()) {
            c.setReadOnly(true);
            for (String record : records) {
                Map<String, String> row = read(c, record);
                if (row == null) {
                    continue;
                }
                executor.holdOn(c, record, executor.subjectsOf(c, table(record), row))
                        .ifPresent(hold -> out.add(heldReason(record, hold)));
            }
        }
        return out;
    }

    /**
     * A legal hold on a record whose mentions the plan would redact (read without locks; the
     * redaction checks again under its lock), as the request's blocking reason.
     */
    private Optional<String> heldMention(ErasurePlan plan) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setReadOnly(true);
            for (String record : plan.redact().keySet()) {
                Map<String, String> row = read(c, record);
                if (row == null) {
                    continue;
                }
                Optional<LegalHold> hold =
                        executor.holdOn(c, record, executor.subjectsOf(c, table(record), row));
                if (hold.isPresent()) {
                    return Optional.of(heldReason(record, hold.get()));
                }
            }
        }
        return Optional.empty();
    }

    private static String heldReason(String record, LegalHold hold) {
        return record
                + ": LEGAL_HOLD: "
                + hold.target()
                + ": "
                + hold.reason()
                + " (mentions of the person there are not redacted while it is held)";
    }

    /** The JSON object text with the person's values redacted in {@code key}'s text value. */
    private String redactJsonKey(String json, String key, MentionRedactor.Person person) {
        if (json == null) {
            return null;
        }
        try {
            JsonNode tree = JSON.readTree(json);
            if (!(tree instanceof ObjectNode object) || !object.path(key).isTextual()) {
                return json;
            }
            String text = object.get(key).asText();
            String redacted = mentions.redact(text, person).text();
            if (redacted.equals(text)) {
                return json;
            }
            object.put(key, redacted);
            return object.toString();
        } catch (IOException e) {
            return json; // not JSON: discovery found nothing by key there either
        }
    }

    /**
     * Redacts the person's mentions in one record's columns, in one transaction on the locked row:
     * the spans are detected again in the text as it is now ({@link MentionRedactor}). A record
     * under a legal hold is left as it is: the hold is returned as the request's reason.
     */
    private Optional<String> redact(
            String requestId,
            String subjectId,
            MentionRedactor.Person person,
            String record,
            Map<String, Set<String>> columns)
            throws SQLException {
        PurgeCommand command = command(requestId, record, PurgeAction.ANONYMIZE);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Actor.lethePurge(requestId, "erasure request").emit(c);
                try (PreparedStatement s =
                        c.prepareStatement("SELECT set_config('lethe.purge', 'on', true)")) {
                    s.execute();
                }
                // the row as it is now, locked: the identifiers are found again in its text as
                // written (the index has them normalized) and replaced
                Map<String, String> current =
                        JdbcPurgeExecutor.lockRow(c, table(record), id(record));
                if (current != null) {
                    Optional<LegalHold> hold =
                            executor.holdOn(
                                    c, record, executor.subjectsOf(c, table(record), current));
                    if (hold.isPresent()) {
                        c.rollback();
                        return Optional.of(heldReason(record, hold.get()));
                    }
                }
                Map<String, String> updated = new TreeMap<>();
                Set<String> jsonColumns = new HashSet<>();
                for (Map.Entry<String, Set<String>> col : columns.entrySet()) {
                    String name = col.getKey();
                    int dot = name.indexOf('.');
                    String column = dot < 0 ? name : name.substring(0, dot);
                    String text =
                            updated.containsKey(column)
                                    ? updated.get(column)
                                    : current == null ? null : current.get(column);
                    String redacted;
                    if (dot < 0) {
                        redacted = mentions.redact(text, person).text();
                    } else {
                        jsonColumns.add(column);
                        redacted = redactJsonKey(text, name.substring(dot + 1), person);
                    }
                    if (redacted != null && !redacted.equals(text)) {
                        updated.put(column, redacted);
                    }
                }
                for (Map.Entry<String, String> u : updated.entrySet()) {
                    try (PreparedStatement s =
                            c.prepareStatement(
                                    "UPDATE "
                                            + JdbcPurgeExecutor.quote(table(record))
                                            + " SET "
                                            + JdbcPurgeExecutor.quote(u.getKey())
                                            + (jsonColumns.contains(u.getKey())
                                                    ? " = CAST(? AS jsonb)"
                                                    : " = ?")
                                            + " WHERE id = ?")) {
                        s.setString(1, u.getValue());
                        s.setLong(2, id(record));
                        s.executeUpdate();
                    }
                }
                Map<String, String> row = JdbcPurgeExecutor.lockRow(c, table(record), id(record));
                List<String> subjects =
                        row == null ? List.of() : executor.subjectsOf(c, table(record), row);
                executor.writeReceipt(
                        c,
                        PurgeOutcome.receiptId(
                                command.commandId(), PurgeOutcome.DONE, Verdict.ELIGIBLE),
                        command,
                        subjects,
                        PurgeOutcome.DONE,
                        "erasure request (Art. 17): mentions of " + subjectId + " redacted",
                        Map.of("redactedColumns", String.join(",", columns.keySet())));
                c.commit();
                return Optional.empty();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private void record(Progress p) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s =
                        c.prepareStatement(
                                "UPDATE lethe.erasure_requests SET status = ?, status_reason = ?,"
                                        + " records_found = ?, records_purged = ?, updated_at = ?,"
                                        + " completed_at = ?"
                                        + " WHERE request_id = ?")) {
            Timestamp now = Timestamp.from(clock.instant());
            s.setString(1, p.status());
            s.setString(2, p.reason());
            s.setInt(3, p.found());
            s.setInt(4, p.purged());
            s.setTimestamp(5, now);
            s.setTimestamp(6, DONE.equals(p.status()) ? now : null);
            s.setString(7, p.requestId());
            s.executeUpdate();
        }
        if (!DONE.equals(p.status())) {
            LOG.info("erasure request {}: {} ({})", p.requestId(), p.status(), p.reason());
        }
    }

    private static Map<String, String> read(Connection c, String record) throws SQLException {
        return HelpdeskRowGraph.read(c, table(record), id(record), false);
    }

    private static String detail(Exception e) {
        if (e instanceof co.elastic.clients.elasticsearch._types.ElasticsearchException es) {
            return " (" + es.error().type() + ", status " + es.status() + ")";
        }
        if (e instanceof java.io.IOException io && io.getMessage() != null) {
            // the index's own messages name the operation and the error type only
            return " (" + io.getMessage() + ")";
        }
        if (e instanceof SQLException sql && sql.getSQLState() != null) {
            return " (SQL state " + sql.getSQLState() + ")";
        }
        return "";
    }

    private static PurgeCommand command(String requestId, String record, PurgeAction action) {
        Map<String, String> key = Map.of("id", Long.toString(id(record)));
        return PurgeCommand.erasure(
                requestId, table(record), key, EntityId.of(table(record), key), action);
    }

    static String table(String record) {
        return record.substring(0, record.indexOf('/'));
    }

    static long id(String record) {
        return Long.parseLong(record.substring(record.indexOf('/') + 1));
    }

    @Override
    public void close() throws Exception {
        try {
            index.close();
        } finally {
            try {
                if (keys instanceof AutoCloseable closeable) {
                    closeable.close(); // its connection pool, when it owns one
                }
            } finally {
                if (owned != null) {
                    owned.close();
                }
            }
        }
    }

    /** Deletes the files of erased rows in {@code store} (see {@link JdbcPurgeExecutor}). */
    public ErasureProcessor deletingFilesIn(FileStore store) {
        executor.deletingFilesIn(store);
        return this;
    }

    /**
     * Closes {@code resource} (the connection pool the job made for this {@code processor}) when
     * this closes; a restarted operator then leaves no pool behind.
     */
    public ErasureProcessor closing(AutoCloseable resource) {
        this.owned = resource;
        return this;
    }
}
