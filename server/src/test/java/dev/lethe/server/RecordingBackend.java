package dev.lethe.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A backend for tests of the HTTP layer: one person, {@code contact:7}, found for any term but
 * {@code nobody@example.org}; access records kept in a list (or refused, to test that nothing is
 * shown then).
 */
class RecordingBackend implements Backend {

    static final ObjectMapper JSON = new ObjectMapper();

    final List<AccessRecord> recorded = new CopyOnWriteArrayList<>();
    volatile boolean refuseRecords;

    /** While set, a verification stops after two of five entries until it is counted down. */
    volatile java.util.concurrent.CountDownLatch holdVerification;

    @Override
    public Found find(String query) {
        if (query.equals("not a term")) {
            throw new IllegalArgumentException("not an email, phone, name, @handle or subject id");
        }
        ObjectNode body = JSON.createObjectNode().put("query", "email");
        if (query.equals("nobody@example.org")) {
            body.putArray("people");
            return new Found(body, List.of(), "email");
        }
        ArrayNode locations =
                body.putArray("people")
                        .addObject()
                        .put("subjectId", "contact:7")
                        .put("name", "Ada Example")
                        .putArray("locations");
        // her contact row, and her email in the text of someone else's ticket
        locations
                .addObject()
                .put("table", "contacts")
                .put("record", "contacts/7")
                .put("column", "email")
                .put("detector", "declared");
        locations
                .addObject()
                .put("table", "tickets")
                .put("record", "tickets/3")
                .put("column", "body")
                .put("detector", "email-regex");
        return new Found(body, List.of("contact:7"), "email");
    }

    @Override
    public void record(AccessRecord access) {
        if (refuseRecords) {
            throw new IllegalStateException("the log's input is down");
        }
        recorded.add(access);
    }

    /** The audit queries asked, in order. */
    final List<AuditQuery> auditQueries = new CopyOnWriteArrayList<>();

    /**
     * Two entries of contact:7, log indices 4 and 5, the newest first (or the oldest with {@code
     * order=oldest}); pages of one.
     */
    @Override
    public AuditPage auditEntries(AuditQuery query, boolean values) {
        auditQueries.add(query);
        long top;
        boolean more;
        if (query.oldestFirst()) {
            top = query.after() == null ? 4 : query.after() + 1;
            more = top < 5;
        } else {
            top = query.before() == null ? 5 : query.before() - 1;
            more = top > 4;
        }
        com.fasterxml.jackson.databind.node.ArrayNode entries = JSON.createArrayNode();
        if (top >= 4 && top <= 5) {
            ObjectNode e = entries.addObject().put("logIndex", top).put("entityId", "contacts/7");
            ObjectNode change = e.putArray("changes").addObject().put("column", "email");
            if (values) {
                change.put("after", "ada@example.org");
            } else {
                change.putNull("after");
                change.put("afterState", "masked:email:0a1b2c3d4e5f6a7b");
            }
            e.putArray("subjectIds").add("contact:7");
        }
        return new AuditPage(
                entries, more ? LetheServer.cursorAfter(top) : null, List.of("contact:7"));
    }

    @Override
    public Export export(String subjectId, String requestedBy, String purpose) {
        if (!subjectId.equals("contact:7")) {
            throw new IllegalArgumentException("nobody with that subject id");
        }
        return new Export(new byte[] {'P', 'K', 3, 4}, "contact-7.zip", 3);
    }

    /** The tree head the last verification started from (null: the whole log). */
    volatile String verifiedFrom;

    @Override
    public JsonNode verifyLog(String fromHead, VerificationProgress progress)
            throws InterruptedException {
        verifiedFrom = fromHead;
        JsonNode result = verifyLog(progress);
        return fromHead == null
                ? result
                : ((com.fasterxml.jackson.databind.node.ObjectNode) result)
                        .set("from", JSON.createObjectNode().put("hash", fromHead));
    }

    @Override
    public JsonNode verifyLog(VerificationProgress progress) throws InterruptedException {
        progress.total(5);
        java.util.concurrent.CountDownLatch hold = holdVerification;
        if (hold != null) {
            progress.phase("verifying entries");
            progress.verified(2);
            hold.await(10, java.util.concurrent.TimeUnit.SECONDS);
        }
        progress.verified(5);
        return JSON.createObjectNode().put("ok", true).put("entries", 5);
    }

    @Override
    public JsonNode inclusionProof(String entityId, long seq) {
        if (!entityId.equals("contacts/7")) {
            throw new IllegalArgumentException("no such entry under a checkpoint yet");
        }
        return JSON.createObjectNode().put("entityId", entityId).put("seq", seq);
    }

    final List<String> erasures = new CopyOnWriteArrayList<>();

    volatile java.time.Instant lastPurgesSince;
    volatile java.time.Instant lastPurgesUntil;

    @Override
    public JsonNode purges(
            String outcome,
            String table,
            String rule,
            java.time.Instant since,
            java.time.Instant until,
            Long before,
            int limit) {
        lastPurgesSince = since;
        lastPurgesUntil = until;
        ObjectNode n = JSON.createObjectNode();
        n.putArray("purges")
                .addObject()
                .put("seq", 1)
                .put("outcome", outcome == null ? "done" : outcome)
                .put("entityId", "tickets/3");
        n.putNull("next");
        return n;
    }

    @Override
    public JsonNode scheduledPurges(int limit, java.util.Optional<String> after) {
        ObjectNode n = JSON.createObjectNode();
        n.putNull("next");
        n.putArray("scheduled")
                .addObject()
                .put("deadline", "2027-02-04T09:00:00Z")
                .put("action", "DELETE")
                .put("entityId", "tickets/4")
                .put("rule", "tickets-closed");
        return n;
    }

    @Override
    public JsonNode purgeBacklog() {
        ObjectNode n =
                JSON.createObjectNode()
                        .put("adoptedAt", "2026-12-01T09:00:00Z")
                        .put("approved", false)
                        .put("purges", 2);
        n.putArray("byRule")
                .addObject()
                .put("table", "tickets")
                .put("rule", "tickets-closed")
                .put("purges", 2)
                .put("earliestDeadline", "2026-10-01T09:00:00Z");
        return n;
    }

    @Override
    public JsonNode erasureRequests() {
        ObjectNode n = JSON.createObjectNode();
        com.fasterxml.jackson.databind.node.ArrayNode a = n.putArray("requests");
        erasures.forEach(s -> a.addObject().put("subjectId", s).put("status", "pending"));
        return n;
    }

    @Override
    public JsonNode requestErasure(String subjectId, String reason, String requestedBy) {
        if (subjectId.equals("contact:666")) {
            throw new IllegalStateException("contact:666 is erased already");
        }
        erasures.add(subjectId);
        return JSON.createObjectNode().put("requestId", "r-1").put("subjectId", subjectId);
    }

    /** contact:7's erasure would delete its row, anonymize a ticket, redact a mention; held. */
    @Override
    public JsonNode erasurePreview(String subjectId) {
        if (!subjectId.equals("contact:7")) {
            throw new IllegalArgumentException("nobody with that subject id");
        }
        ObjectNode n = JSON.createObjectNode().put("subjectId", subjectId);
        n.putArray("delete").addObject().put("table", "contacts").put("record", "contacts/7");
        n.putArray("anonymize")
                .addObject()
                .put("table", "tickets")
                .put("record", "tickets/3")
                .putArray("columns")
                .add("requester_email");
        n.putArray("redact")
                .addObject()
                .put("table", "ticket_comments")
                .put("record", "ticket_comments/11")
                .putArray("columns")
                .add("body");
        n.putArray("blockers")
                .addObject()
                .put("kind", "open-ticket")
                .put("record", "tickets/12")
                .put("detail", "status open");
        n.put("keyShredded", true);
        n.put("canProceed", false);
        return n;
    }

    @Override
    public List<JsonNode> accessesOf(String subjectId) {
        List<JsonNode> out = new ArrayList<>();
        for (AccessRecord r : recorded) {
            if (r.subjectIds().contains(subjectId)) {
                out.add(0, r.toNode());
            }
        }
        return out;
    }

    /**
     * Requests for the decisions: {@code r-await} awaits approval (asked by dpo2), {@code r-mine}
     * too (asked by dpo1), {@code r-blocked} is blocked, {@code r-done} done. Decisions do not
     * change them (the matrix sends each more than once); they are kept in {@link #decisions}.
     */
    final List<String> decisions = new CopyOnWriteArrayList<>();

    @Override
    public ObjectNode erasureRequest(String requestId) {
        ObjectNode r = JSON.createObjectNode().put("requestId", requestId);
        switch (requestId) {
            case "r-await" -> r.put("subjectId", "contact:8").put("requestedBy", "dpo2");
            case "r-mine" -> r.put("subjectId", "contact:9").put("requestedBy", "dpo1");
            case "r-blocked" -> r.put("subjectId", "contact:7").put("requestedBy", "dpo2");
            case "r-done" -> r.put("subjectId", "contact:6").put("requestedBy", "dpo2");
            default -> throw new IllegalArgumentException("no such request");
        }
        r.put(
                "status",
                switch (requestId) {
                    case "r-blocked" -> "blocked";
                    case "r-done" -> "done";
                    default -> "awaiting-approval";
                });
        return r;
    }

    @Override
    public JsonNode retryErasure(String requestId, String by) {
        decisions.add("retry " + requestId + " by " + by);
        return erasureRequest(requestId).put("status", "pending");
    }

    @Override
    public JsonNode approveErasure(String requestId, String approver) {
        decisions.add("approve " + requestId + " by " + approver);
        return erasureRequest(requestId).put("status", "pending").put("approvedBy", approver);
    }

    @Override
    public JsonNode rejectErasure(String requestId, String by, String reason) {
        decisions.add("reject " + requestId + " by " + by + ": " + reason);
        return erasureRequest(requestId).put("status", "rejected").put("rejectedBy", by);
    }

    @Override
    public JsonNode status() {
        ObjectNode n = JSON.createObjectNode();
        n.putObject("postgres")
                .put("address", "jdbc:postgresql://127.0.0.1:15432/helpdesk")
                .put("health", "healthy")
                .put("healthy", true);
        return n;
    }

    @Override
    public JsonNode catalog() {
        ObjectNode n = JSON.createObjectNode().put("source", "shipped");
        ObjectNode t = n.putArray("tables").addObject().put("table", "contacts");
        t.put("subject", "self: contact");
        t.putArray("columns")
                .addObject()
                .put("column", "email")
                .put("category", "contact_detail")
                .put("personal", true)
                .put("identifies", "email");
        return n;
    }

    @Override
    public JsonNode retentionPolicy() {
        ObjectNode n = JSON.createObjectNode().put("source", "shipped");
        n.putObject("erasure").put("deadline", "P1M").put("approval", "single");
        n.put("adoption", "hold-backlog");
        n.putArray("rules")
                .addObject()
                .put("id", "tickets.soft-deleted")
                .put("table", "tickets")
                .put("after", "P60D")
                .put("action", "delete");
        n.putArray("holds");
        return n;
    }

    volatile java.time.Instant lastDeadLettersSince;

    @Override
    public JsonNode deadLetters(java.time.Instant since) {
        lastDeadLettersSince = since;
        ObjectNode n = JSON.createObjectNode().put("since", since.toString()).put("total", 1);
        n.putObject("byReason").put("MALFORMED_JSON", 1);
        n.putObject("bySource").put("helpdesk.public.tickets", 1);
        n.putArray("letters")
                .addObject()
                .put("failedAt", since.plusSeconds(60).toString())
                .put("job", "lethe-audit")
                .put("reason", "MALFORMED_JSON")
                .put("detail", "not JSON at byte 17")
                .put("sourceTopic", "helpdesk.public.tickets")
                .put("sourcePartition", 0)
                .put("sourceOffset", 4711);
        return n;
    }
}
