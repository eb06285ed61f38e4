package dev.lethe.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What the server asks of the rest of Lethe: searches in the location index and the audit log, and
 * the record of each access. The server decides who may ask; the backend answers. The command
 * line's module provides the real one ({@code ./lethe server}); tests provide their own.
 */
public interface Backend {

    /**
     * The answer to a search for a person.
     *
     * @param body the same JSON as {@code ./lethe subject find --json}
     * @param subjectIds every subject whose data the answer shows
     * @param queryKind what kind of term was searched (email, phone, name, handle, subject), never
     *     the term
     */
    record Found(JsonNode body, List<String> subjectIds, String queryKind) {}

    /**
     * Searches the location index.
     *
     * @throws IllegalArgumentException when {@code query} is not a searchable term (the message
     *     says why without repeating it)
     */
    Found find(String query) throws Exception;

    /**
     * Appends an access record to the audit log's input and returns once the log's input holds it
     * (a record that cannot be written throws, and the data is not handed out).
     */
    void record(AccessRecord access) throws Exception;

    /**
     * A page of the audit log.
     *
     * @param entries the entries, newest first, in the JSON of {@code ./lethe audit log --json}
     * @param next the cursor of the next (older) page, or null at the log's start
     * @param subjectIds every subject the entries name
     */
    record AuditPage(JsonNode entries, String next, List<String> subjectIds) {}

    /**
     * Reads a page of the audit log.
     *
     * @param values true: personal values decrypted (a DPO's look at one subject's history); false:
     *     each personal value masked as its category and a keyed fingerprint (equal values have
     *     equal fingerprints), never plaintext
     */
    AuditPage auditEntries(AuditQuery query, boolean values) throws Exception;

    /**
     * A person's Art. 15/20 package as one zip (JSON, CSV and the readable HTML).
     *
     * @param fileName the zip's name for the download
     * @param items how many items the package holds
     */
    record Export(byte[] zip, String fileName, int items) {}

    /**
     * Writes a subject's package and records the export in the audit log (subject id, who, why,
     * file hashes) before returning it; a package that cannot be recorded is not returned.
     *
     * @throws IllegalArgumentException when nobody has that subject id in the index
     */
    Export export(String subjectId, String requestedBy, String purpose) throws Exception;

    /**
     * Verifies the whole log of record up to its latest committed entry (hashes, chains, signed
     * checkpoints, the index copy), as {@code ./lethe audit verify --json} prints it. May take
     * minutes on a large log: the server runs it in the background.
     *
     * @param progress where the verifier reports its phase and the entries verified so far (the
     *     server shows it while the verification runs)
     */
    JsonNode verifyLog(VerificationProgress progress) throws Exception;

    /**
     * Verifies incrementally from the tree head whose checkpoint hash is {@code fromHead} (as
     * {@code ./lethe audit verify --from} does): the log must still hold and extend that head; only
     * the entries after it are verified. {@code fromHead} null: {@link #verifyLog}.
     */
    default JsonNode verifyLog(String fromHead, VerificationProgress progress) throws Exception {
        if (fromHead == null) {
            return verifyLog(progress);
        }
        throw new UnsupportedOperationException("this backend verifies the whole log only");
    }

    /**
     * The inclusion proof of an entry against the latest checkpoint, as {@code ./lethe audit prove
     * --json} prints it.
     *
     * @throws IllegalArgumentException when the log holds no such entry under a checkpoint yet
     */
    JsonNode inclusionProof(String entityId, long seq) throws Exception;

    /**
     * Purges done, skipped and failed, newest first (receipts name tables, ids and rules, never
     * values).
     *
     * @param outcome only {@code done}, {@code skipped} or {@code failed}, or null
     * @param table only this table, or null
     * @param rule only this policy rule, or null
     * @param since only purges executed at or after this time, or null
     * @param until only purges executed before this time, or null
     * @param before the cursor: only purges with a smaller sequence number, or null
     * @return {@code {purges: [...], next}}
     */
    JsonNode purges(
            String outcome,
            String table,
            String rule,
            java.time.Instant since,
            java.time.Instant until,
            Long before,
            int limit)
            throws Exception;

    /**
     * The purges scheduled and not yet done, soonest first (as {@code ./lethe purges --scheduled}
     * reads them).
     *
     * @param after the cursor a page answered ({@code next}); empty: from the soonest
     * @return {@code {scheduled: [{deadline, action, entityId, rule}], next}}: {@code next} the
     *     cursor of the following page, null after the last
     * @throws IllegalArgumentException for a cursor no page answered
     */
    default JsonNode scheduledPurges(int limit, java.util.Optional<String> after) throws Exception {
        throw new UnsupportedOperationException("scheduled purges");
    }

    /**
     * The adoption backlog: purges that were due before Lethe adopted the helpdesk, per table and
     * rule, and whether they were approved (as {@code ./lethe purges --backlog --json} prints it).
     *
     * @return {@code {adoptedAt, approved, approvedAt?, approvedBy?, reason?, purges, byRule:
     *     [{table, rule, purges, earliestDeadline}]}}
     */
    default JsonNode purgeBacklog() throws Exception {
        throw new UnsupportedOperationException("the adoption backlog");
    }

    /**
     * Every erasure request, newest first, with status, due date and days left, who asked and,
     * under four-eyes approval, who approved or rejected it.
     *
     * @return {@code {approval: single|four-eyes, requests: [...]}}
     */
    JsonNode erasureRequests() throws Exception;

    /**
     * Records an erasure request (Art. 17), carried out by the retention job.
     *
     * @throws IllegalArgumentException for a bad subject id or a reason that holds an identifier
     * @throws IllegalStateException when the request is refused (the message says why)
     */
    JsonNode requestErasure(String subjectId, String reason, String requestedBy) throws Exception;

    /**
     * Who has seen a subject's data: the access entries of the audit log that name it, newest
     * first, then the accesses recorded by this process that the log's index does not show yet.
     */
    List<JsonNode> accessesOf(String subjectId) throws Exception;

    /**
     * A dry run of erasing a subject (Art. 17): what a request made now would do, and what would
     * block it, without changing anything. The server records the look as an access (action {@code
     * erasure-preview}) before it shows the answer.
     *
     * @return {@code {subjectId, name?, delete: [item], anonymize: [item], redact: [item],
     *     blockers: [{kind, record, detail}], keyShredded, canProceed}}; an item is {@code {table,
     *     record, columns?, detail?}}: {@code delete} the person's own records the purge executor
     *     erases, {@code anonymize} records kept with the person's columns cleared, {@code redact}
     *     other people's records where the person's values are replaced by {@code [redacted]}; a
     *     blocker's kind is {@code open-ticket}, {@code legal-hold} or {@code already-erased}
     * @throws IllegalArgumentException when nobody has that subject id
     */
    JsonNode erasurePreview(String subjectId) throws Exception;

    // ---- erasure requests: one request, retry, four-eyes approval ----

    /**
     * One erasure request as {@link #erasureRequests()} lists it ({@code requestId}, {@code
     * subjectId}, {@code status}, {@code requestedBy}, …).
     *
     * @throws IllegalArgumentException when no request has that id
     */
    JsonNode erasureRequest(String requestId) throws Exception;

    /**
     * Makes a blocked or failing request due now (the retention job's next tick takes it up),
     * recording who asked.
     *
     * @return the request as it is now
     * @throws IllegalArgumentException when no request has that id
     * @throws IllegalStateException when the request is neither blocked nor failing
     */
    JsonNode retryErasure(String requestId, String by) throws Exception;

    /**
     * Four-eyes: approves a request awaiting approval; it becomes pending and is carried out.
     *
     * @return the request as it is now
     * @throws IllegalArgumentException when no request has that id
     * @throws IllegalStateException when the request is not awaiting approval
     * @throws SecurityException when {@code approver} is the DPO who requested it
     */
    JsonNode approveErasure(String requestId, String approver) throws Exception;

    /**
     * Four-eyes: rejects a request awaiting approval, for good, with the reason.
     *
     * @return the request as it is now
     * @throws IllegalArgumentException when no request has that id, or the reason holds an
     *     identifier
     * @throws IllegalStateException when the request is not awaiting approval
     */
    JsonNode rejectErasure(String requestId, String by, String reason) throws Exception;

    // ---- the admin's pages: no personal data ----

    /**
     * The stack's health: the JSON of {@code ./lethe status --json} (each component's address,
     * health, uptime and restarts; dead letters of the last hour, the catalog, the audit monitor,
     * snapshots).
     */
    JsonNode status() throws Exception;

    /**
     * The personal-data catalog in force, as read-only rows: {@code {source, tables: [{table,
     * subject, note, columns: [{column, category, personal, identifies, scan, references,
     * note}]}]}}.
     */
    JsonNode catalog() throws Exception;

    /**
     * The retention policy in force: {@code {source, erasure: {deadline, approval}, adoption,
     * rules: [{id, table, since, when, after, action, anonymize, note}], holds: [{target,
     * reason}]}}.
     */
    JsonNode retentionPolicy() throws Exception;

    /**
     * The dead letters written since {@code since}: {@code {since, total, byReason, bySource,
     * letters: [{failedAt, job, reason, detail, sourceTopic, sourcePartition, sourceOffset}]}};
     * reasons and source positions, never the raw values.
     */
    JsonNode deadLetters(java.time.Instant since) throws Exception;
}
