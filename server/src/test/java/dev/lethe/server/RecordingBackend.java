package dev.lethe.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
        body.putArray("people")
                .addObject()
                .put("subjectId", "contact:7")
                .put("name", "Ada Example")
                .putArray("locations");
        return new Found(body, List.of("contact:7"), "email");
    }

    @Override
    public void record(AccessRecord access) {
        if (refuseRecords) {
            throw new IllegalStateException("the log's input is down");
        }
        recorded.add(access);
    }

    /** Two entries of contact:7, log indices 5 and 4, the newest first; pages of one. */
    @Override
    public AuditPage auditEntries(AuditQuery query, boolean values) {
        long top = query.before() == null ? 5 : query.before() - 1;
        com.fasterxml.jackson.databind.node.ArrayNode entries = JSON.createArrayNode();
        if (top >= 4) {
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
                entries, top > 4 ? LetheServer.cursorBelow(top) : null, List.of("contact:7"));
    }

    @Override
    public Export export(String subjectId, String requestedBy, String purpose) {
        if (!subjectId.equals("contact:7")) {
            throw new IllegalArgumentException("nobody with that subject id");
        }
        return new Export(new byte[] {'P', 'K', 3, 4}, "contact-7.zip", 3);
    }

    @Override
    public JsonNode verifyLog() {
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

    @Override
    public JsonNode purges(String outcome, String table, String rule, Long before, int limit) {
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
    public JsonNode scheduledPurges(int limit) {
        ObjectNode n = JSON.createObjectNode();
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
}
