package dev.lethe.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small helpdesk's worth of answers for the console's browser test: two people (Anna, found by
 * her email; Ben, mentioned in her ticket), their locations (one soft deleted, one a mention in
 * someone else's record), an audit log whose ticket text is hostile HTML, erasure requests at every
 * stage of their deadline, purges and a verification with its signed tree head. Accesses are
 * recorded like {@link RecordingBackend} does and show up in the log as access entries.
 */
class SeededBackend extends RecordingBackend {

    /** A ticket text that would run if a page put it in as HTML. */
    static final String HOSTILE =
            "<script>window.__pwned = 1</script><img src=x onerror=\"window.__pwned = 2\"> I want a"
                    + " refund";

    static final String ANNA = "contact:42";

    private final Clock clock;
    private final Instant t0;
    private final List<ObjectNode> requests = new CopyOnWriteArrayList<>();

    SeededBackend(Clock clock) {
        this.clock = clock;
        this.t0 = clock.instant().minus(Duration.ofDays(3));
        request("contact:17", "done", null, 40, "Art. 17 request #101");
        request(
                "contact:23",
                "blocked",
                "open ticket tickets/77 (status open)",
                26,
                "Art. 17 #108");
        request("contact:31", "pending", null, 9, "Art. 17 #111");
        request("contact:35", "blocked", "legal hold on tickets/80: litigation 2026-04", 33, "#99");
        // made while four-eyes approval was on: waiting for a second DPO
        request("contact:51", "awaiting-approval", null, 1, "Art. 17 #120")
                .put("requestedBy", "sam");
        request("contact:52", "awaiting-approval", null, 2, "Art. 17 #119")
                .put("requestedBy", "sam");
        request("contact:53", "awaiting-approval", null, 1, "Art. 17 #121")
                .put("requestedBy", "dana");
    }

    /** Whether erasure requests made now wait for a second DPO ({@code erasure.approval}). */
    volatile boolean fourEyes;

    private ObjectNode request(
            String subject, String status, String why, int daysAgo, String reason) {
        Instant requested = clock.instant().minus(Duration.ofDays(daysAgo));
        Instant due = requested.plus(Duration.ofDays(30));
        ObjectNode e = JSON.createObjectNode();
        e.put("requestId", "r-" + subject.substring(8));
        e.put("subjectId", subject);
        e.put("status", status);
        e.put("statusReason", why);
        e.put("recordsFound", status.equals("done") ? 6 : 4);
        e.put("recordsPurged", status.equals("done") ? 6 : 0);
        e.put("requestedAt", requested.toString());
        e.put("dueAt", due.toString());
        boolean done = status.equals("done");
        e.put("completedAt", done ? requested.plus(Duration.ofDays(2)).toString() : null);
        long days = Math.floorDiv(Duration.between(clock.instant(), due).toHours(), 24);
        if (done) {
            e.putNull("daysLeft");
        } else {
            e.put("daysLeft", days);
        }
        e.put("overdue", !done && clock.instant().isAfter(due));
        e.put("reason", reason);
        e.put("requestedBy", "sam");
        requests.add(e);
        return e;
    }

    @Override
    public Found find(String query) {
        ObjectNode body = JSON.createObjectNode().put("query", "email");
        ArrayNode people = body.putArray("people");
        if (!query.contains("anna") && !query.equals(ANNA)) {
            return new Found(body, List.of(), "email");
        }
        ObjectNode anna = people.addObject().put("subjectId", ANNA).put("name", "Anna Svensson");
        ObjectNode ids = anna.putObject("identifiers");
        ids.putArray("email").add("anna@example.eu").add("anna.svensson@example.se");
        ids.putArray("phone").add("+46701234567");
        ids.putArray("handle").add("@annasv");
        ArrayNode ls = anna.putArray("locations");
        location(ls, "contacts", "contacts/42", "email", "contact", "email", "anna@example.eu");
        location(ls, "contacts", "contacts/42", "name", "identity", "name", "anna svensson");
        location(ls, "contacts", "contacts/42", "phone", "contact", "phone", "+46701234567");
        location(ls, "tickets", "tickets/901", "requester_id", "reference", "contact_id", ANNA);
        location(ls, "tickets", "tickets/877", "requester_id", "reference", "contact_id", ANNA)
                .put("softDeleted", true);
        ObjectNode found =
                location(
                        ls,
                        "ticket_comments",
                        "ticket_comments/5120",
                        "body",
                        "free_text",
                        "email",
                        "anna.svensson@example.se");
        found.put("detector", "email-regex")
                .put("confidence", 0.97)
                .put("start", 48)
                .put("end", 72);
        found.putArray("subjectIds").add(ANNA).add("contact:77");
        return new Found(body, List.of(ANNA), "email");
    }

    private ObjectNode location(
            ArrayNode ls,
            String table,
            String record,
            String column,
            String category,
            String kind,
            String value) {
        ObjectNode l = ls.addObject();
        l.put("id", record + "/" + column);
        l.put("table", table);
        l.put("record", record);
        l.put("column", column);
        l.put("category", category);
        l.put("kind", kind);
        l.put("value", value);
        l.put("detector", "declared");
        l.put("confidence", 1.0);
        l.put("lastChanged", t0.plus(Duration.ofHours(ls.size())).toString());
        l.put("softDeleted", false);
        l.putArray("subjectIds").add(ANNA);
        return l;
    }

    /** The log: changes of Anna's rows (one ticket text hostile), then the recorded accesses. */
    private List<ObjectNode> log(boolean values) {
        List<ObjectNode> all = new ArrayList<>();
        all.add(
                change(
                        1,
                        "contacts",
                        "42",
                        1,
                        "INSERT",
                        "agent",
                        "7",
                        values,
                        new String[] {"email", null, "anna@example.eu", "email"},
                        new String[] {"name", null, "Anna Svensson", "name"},
                        new String[] {"phone", null, "+46701234567", "phone"},
                        new String[] {"country", null, "SE", null}));
        all.add(
                change(
                        2,
                        "tickets",
                        "901",
                        1,
                        "INSERT",
                        "contact",
                        "42",
                        values,
                        new String[] {"subject", null, "Refund for order 5531", "free_text"},
                        new String[] {"body", null, HOSTILE, "free_text"},
                        new String[] {"status", null, "open", null}));
        all.add(
                change(
                        3,
                        "contacts",
                        "42",
                        2,
                        "UPDATE",
                        "agent",
                        "7",
                        values,
                        new String[] {
                            "email", "anna@example.eu", "anna.svensson@example.se", "email"
                        }));
        all.add(
                change(
                        4,
                        "tickets",
                        "901",
                        2,
                        "UPDATE",
                        "agent",
                        "9",
                        values,
                        new String[] {"status", "open", "solved", null}));
        all.add(
                change(
                        5,
                        "tickets",
                        "877",
                        3,
                        "SOFT_DELETE",
                        "agent",
                        "9",
                        values,
                        new String[] {"deleted_at", null, t0.plusSeconds(7200).toString(), null}));
        all.add(
                change(
                        6,
                        "contacts",
                        "17",
                        4,
                        "PURGE",
                        "purge",
                        null,
                        values,
                        new String[] {"email", "[erased]", null, "email"}));
        long i = 100;
        for (AccessRecord r : recorded) {
            ObjectNode e = JSON.createObjectNode();
            e.put("logIndex", i++);
            e.put("kind", "access");
            e.put("entityId", "access/" + r.id());
            e.put("table", (String) null);
            e.putObject("key");
            e.put("seq", 1);
            e.put("op", "ACCESS");
            e.putArray("changes");
            r.subjectIds().forEach(e.putArray("subjectIds")::add);
            e.putObject("actor").put("type", "user").put("id", r.user()).put("reason", r.purpose());
            e.put("commitTime", r.at().toString());
            e.put("captureTime", r.at().toString());
            ObjectNode a = e.putObject("attributes");
            a.put("role", r.role()).put("action", r.action());
            a.put("results", Integer.toString(r.results()));
            e.put("prevHash", fingerprint("prev" + i, 64));
            e.put("hash", fingerprint("hash" + i, 64));
            e.put("hashMatchesContent", true);
            all.add(e);
        }
        all.sort((a, b) -> Long.compare(b.get("logIndex").asLong(), a.get("logIndex").asLong()));
        return all;
    }

    private ObjectNode change(
            long logIndex,
            String table,
            String key,
            long seq,
            String op,
            String actorType,
            String actorId,
            boolean values,
            String[]... fields) {
        ObjectNode e = JSON.createObjectNode();
        e.put("logIndex", logIndex);
        e.put("kind", op.equals("PURGE") ? "purge" : "change");
        e.put("entityId", table + "/" + key);
        e.put("table", table);
        e.putObject("key").put("id", key);
        e.put("seq", seq);
        e.put("op", op);
        ArrayNode changes = e.putArray("changes");
        for (String[] f : fields) {
            ObjectNode c = changes.addObject().put("column", f[0]).put("personal", f[3] != null);
            put(c, "before", f[1], f[3], values);
            put(c, "after", f[2], f[3], values);
        }
        e.putArray("subjectIds").add(key.equals("17") ? "contact:17" : ANNA);
        ObjectNode actor = e.putObject("actor").put("type", actorType).put("id", actorId);
        actor.putNull("reason");
        Instant at = t0.plus(Duration.ofHours(logIndex * 5));
        e.put("commitTime", at.toString());
        e.put("captureTime", at.plusMillis(180).toString());
        e.put("lsn", 24_000_000L + logIndex * 512);
        e.putObject("attributes");
        e.put("prevHash", logIndex == 1 ? null : fingerprint("entry" + (logIndex - 1), 64));
        e.put("hash", fingerprint("entry" + logIndex, 64));
        e.put("hashMatchesContent", true);
        return e;
    }

    private static void put(ObjectNode c, String side, String v, String category, boolean values) {
        if (v == null) {
            c.putNull(side);
        } else if (v.equals("[erased]")) {
            c.putNull(side);
            c.put(side + "State", "erased");
        } else if (category != null && !values) {
            c.putNull(side);
            c.put(side + "State", "masked:" + category + ":" + fingerprint(v, 16));
        } else {
            c.put(side, v);
        }
    }

    static String fingerprint(String v, int hexChars) {
        try {
            byte[] d =
                    MessageDigest.getInstance("SHA-256").digest(v.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d).substring(0, hexChars);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public AuditPage auditEntries(AuditQuery q, boolean values) {
        ArrayNode out = JSON.createArrayNode();
        long last = -1;
        boolean more = false;
        List<ObjectNode> log = log(values);
        if (q.oldestFirst()) {
            java.util.Collections.reverse(log);
        }
        for (ObjectNode e : log) {
            long index = e.get("logIndex").asLong();
            Instant at = Instant.parse(e.get("commitTime").asText());
            String entity = e.get("entityId").asText();
            String actor = e.at("/actor/type").asText() + ":" + e.at("/actor/id").asText();
            if (!q.withinCursors(index)
                    || (q.table() != null && !q.table().equals(e.path("table").asText()))
                    || (q.key() != null
                            && !entity.equals(q.key())
                            && !entity.endsWith("/" + q.key()))
                    || (q.subject() != null
                            && !e.get("subjectIds").toString().contains("\"" + q.subject() + "\""))
                    || (q.op() != null && !q.op().equals(e.get("op").asText()))
                    || (q.kind() != null && !q.kind().equals(e.get("kind").asText()))
                    || (q.actor() != null && !actor.startsWith(q.actor()))
                    || (q.since() != null && at.isBefore(q.since()))
                    || (q.until() != null && !at.isBefore(q.until()))) {
                continue;
            }
            if (out.size() == q.limit()) {
                more = true;
                break;
            }
            out.add(e);
            last = index;
        }
        return new AuditPage(
                out,
                more ? LetheServer.cursorAfter(last) : null,
                q.subject() == null ? List.of() : List.of(q.subject()));
    }

    @Override
    public JsonNode inclusionProof(String entityId, long seq) {
        if (!entityId.startsWith("contacts/") && !entityId.startsWith("tickets/")) {
            throw new IllegalArgumentException("no such entry under a checkpoint yet");
        }
        ObjectNode p = JSON.createObjectNode();
        p.put("type", "lethe-inclusion-proof");
        p.put("entityId", entityId);
        p.put("seq", seq);
        p.put("logIndex", 3);
        p.put("entryHash", fingerprint("entry3", 64));
        p.put("treeSize", 6);
        ArrayNode path = p.putArray("path");
        path.add(fingerprint("a", 64)).add(fingerprint("b", 64));
        p.putObject("checkpoint")
                .put("checkpointSeq", 2)
                .put("treeSize", 6)
                .put("rootHash", fingerprint("root", 64));
        return p;
    }

    @Override
    public JsonNode verifyLog(VerificationProgress progress) {
        // slow enough for the console to show its progress
        long entries = 6 + recorded.size();
        progress.total(entries);
        try {
            progress.phase("reading checkpoints");
            Thread.sleep(300);
            progress.phase("verifying entries");
            for (long i = 1; i <= entries; i++) {
                Thread.sleep(250);
                progress.verified(i);
            }
            progress.phase("cross-checking the index");
            Thread.sleep(300);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("ok", true);
        n.put("entries", 6 + recorded.size());
        n.put("checkpoints", 2);
        n.put("checkpointsVerified", 2);
        n.put("merkleRoot", fingerprint("root", 64));
        n.putObject("latestCheckpoint")
                .put("checkpointSeq", 2)
                .put("treeSize", 6)
                .put("hash", fingerprint("checkpoint2", 64));
        n.putArray("problems");
        n.putObject("horizon").put("logIndex", 6).put("commitTime", clock.instant().toString());
        return n;
    }

    @Override
    public JsonNode purges(
            String outcome,
            String table,
            String rule,
            Instant since,
            Instant until,
            Long before,
            int limit) {
        ObjectNode n = JSON.createObjectNode();
        ArrayNode list = n.putArray("purges");
        Object[][] rows = {
            {7, "done", "delete", "contacts", "contacts/17", "erasure", "Art. 17 request #101"},
            {
                6,
                "done",
                "anonymize",
                "ticket_comments",
                "ticket_comments/3301",
                "erasure",
                "redacted mentions of contact:17"
            },
            {
                5,
                "skipped",
                "delete",
                "tickets",
                "tickets/80",
                "soft-deleted-60d",
                "legal hold: litigation 2026-04"
            },
            {
                4,
                "done",
                "delete",
                "tickets",
                "tickets/512",
                "soft-deleted-60d",
                "soft deleted 61 days ago"
            },
            {
                3,
                "failed",
                "delete",
                "attachments",
                "attachments/88",
                "soft-deleted-60d",
                "the row changed since it was planned; retried"
            },
        };
        for (Object[] r : rows) {
            Instant executed = t0.plus(Duration.ofHours((Integer) r[0] * 7));
            if ((since != null && executed.isBefore(since))
                    || (until != null && !executed.isBefore(until))) {
                continue;
            }
            if ((outcome != null && !outcome.equals(r[1]))
                    || (table != null && !table.equals(r[3]))
                    || (rule != null && !rule.equals(r[5]))) {
                continue;
            }
            ObjectNode p = list.addObject();
            p.put("seq", (Integer) r[0]);
            p.put("executedAt", t0.plus(Duration.ofHours((Integer) r[0] * 7)).toString());
            p.put("outcome", (String) r[1]);
            p.put("action", (String) r[2]);
            p.put("table", (String) r[3]);
            p.put("entityId", (String) r[4]);
            p.put("rule", (String) r[5]);
            p.put("reason", (String) r[6]);
        }
        n.putNull("next");
        return n;
    }

    @Override
    public JsonNode erasureRequests() {
        ObjectNode n = JSON.createObjectNode();
        n.put("approval", fourEyes ? "four-eyes" : "single");
        ArrayNode a = n.putArray("requests");
        List<ObjectNode> all = new ArrayList<>(requests);
        all.sort((x, y) -> y.get("requestedAt").asText().compareTo(x.get("requestedAt").asText()));
        all.forEach(a::add);
        return n;
    }

    @Override
    public JsonNode requestErasure(String subjectId, String reason, String requestedBy) {
        super.requestErasure(subjectId, reason, requestedBy);
        String status = fourEyes ? "awaiting-approval" : "pending";
        request(
                        subjectId,
                        status,
                        fourEyes ? null : "open ticket tickets/901 (status open)",
                        0,
                        reason)
                .put("requestedBy", requestedBy);
        return JSON.createObjectNode()
                .put("requestId", "r-" + subjectId.substring(8))
                .put("subjectId", subjectId)
                .put("status", status)
                .put("dueAt", clock.instant().plus(Duration.ofDays(30)).toString());
    }

    @Override
    public JsonNode erasurePreview(String subjectId) {
        if (!subjectId.equals(ANNA)) {
            throw new IllegalArgumentException("nobody with that subject id");
        }
        ObjectNode n =
                JSON.createObjectNode().put("subjectId", subjectId).put("name", "Anna Svensson");
        ArrayNode delete = n.putArray("delete");
        for (String r : List.of("contacts/42", "tickets/877", "consents/42-marketing")) {
            delete.addObject().put("table", r.substring(0, r.indexOf('/'))).put("record", r);
        }
        n.putArray("anonymize")
                .addObject()
                .put("table", "tickets")
                .put("record", "tickets/901")
                .putArray("columns")
                .add("subject")
                .add("body");
        n.putArray("redact")
                .addObject()
                .put("table", "ticket_comments")
                .put("record", "ticket_comments/5120")
                .putArray("columns")
                .add("body");
        n.putArray("blockers")
                .addObject()
                .put("kind", "open-ticket")
                .put("record", "tickets/901")
                .put("detail", "status open: solve or close it first");
        n.put("keyShredded", true);
        n.put("canProceed", false);
        return n;
    }

    @Override
    public Export export(String subjectId, String requestedBy, String purpose) {
        if (!subjectId.equals(ANNA)) {
            throw new IllegalArgumentException("nobody with that subject id");
        }
        return new Export(
                new byte[] {'P', 'K', 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
                "contact-42-export.zip",
                14);
    }

    @Override
    public List<JsonNode> accessesOf(String subjectId) {
        List<JsonNode> out = new ArrayList<>(super.accessesOf(subjectId));
        if (subjectId.equals(ANNA)) {
            ObjectNode old = JSON.createObjectNode();
            old.put("logIndex", 4)
                    .put("at", t0.toString())
                    .put("user", "otto")
                    .put("role", "dpo")
                    .put("purpose", "DSAR-2026-0031")
                    .put("action", "find")
                    .put("results", 1)
                    .put("pending", false);
            old.putArray("subjectIds").add(ANNA);
            out.add(old);
        }
        return out;
    }

    private ObjectNode requestNamed(String requestId) {
        for (ObjectNode r : requests) {
            if (r.get("requestId").asText().equals(requestId)) {
                return r;
            }
        }
        throw new IllegalArgumentException("no such request");
    }

    @Override
    public ObjectNode erasureRequest(String requestId) {
        return requestNamed(requestId).deepCopy();
    }

    @Override
    public JsonNode retryErasure(String requestId, String by) {
        ObjectNode r = requestNamed(requestId);
        r.put("status", "pending").put("statusReason", "retry requested by " + by);
        return r.deepCopy();
    }

    @Override
    public JsonNode approveErasure(String requestId, String approver) {
        ObjectNode r = requestNamed(requestId);
        if (approver.equals(r.path("requestedBy").asText())) {
            throw new SecurityException("a second DPO must approve it");
        }
        r.put("status", "pending").putNull("statusReason");
        r.put("approvedBy", approver).put("approvedAt", clock.instant().toString());
        return r.deepCopy();
    }

    @Override
    public JsonNode rejectErasure(String requestId, String by, String reason) {
        ObjectNode r = requestNamed(requestId);
        r.put("status", "rejected").put("statusReason", "REJECTED by " + by + ": " + reason);
        r.put("rejectedBy", by)
                .put("rejectedAt", clock.instant().toString())
                .put("rejectionReason", reason);
        r.putNull("daysLeft");
        r.put("overdue", false);
        return r.deepCopy();
    }

    /** The stack as ./lethe status --json shows it: healthy, two dead letters in the last hour. */
    @Override
    public JsonNode status() {
        ObjectNode n = JSON.createObjectNode();
        component(n, "postgres", "jdbc:postgresql://127.0.0.1:15432/helpdesk", 4102L)
                .put("detail", "PostgreSQL 17.6, wal_level=logical");
        component(n, "kafka", "127.0.0.1:19092", 4150L).put("detail", "1 broker(s)");
        component(n, "connect", "http://127.0.0.1:18083", 4188L)
                .put("detail", "connector helpdesk RUNNING, tasks RUNNING")
                .put("restarts", 1)
                .put("lastRestart", clock.instant().minus(Duration.ofHours(5)).toString())
                .put("lastRestartReason", "process 4011 exited");
        component(n, "elasticsearch", "http://127.0.0.1:19200", 4233L)
                .put("detail", "cluster green");
        component(n, "flink", "http://127.0.0.1:18081", 4301L)
                .put("detail", "Flink 2.2.0, 1 taskmanager(s), 3 job(s) RUNNING");
        component(n, "server", "http://127.0.0.1:18080/api/v1", 4420L)
                .put("detail", "REST API UP, bound to 127.0.0.1");
        ObjectNode dead = component(n, "deadletters", "lethe.deadletters", null);
        dead.put("health", "attention").put("detail", "2 in the last hour (MALFORMED_JSON 2)");
        dead.put("lastHour", 2);
        dead.putObject("byReason").put("MALFORMED_JSON", 2);
        dead.putObject("bySource").put("helpdesk.public.tickets", 2);
        component(n, "catalog", "personal-data catalog", null)
                .put("detail", "every column of the governed tables is classified")
                .putArray("unclassified");
        component(n, "monitor", "audit log lethe.audit.entries", null)
                .put("detail", "verified through checkpoint 2 (6 entries) 4 min ago");
        return n;
    }

    private ObjectNode component(ObjectNode root, String name, String address, Long pid) {
        ObjectNode c = root.putObject(name);
        c.put("address", address);
        c.put("health", "healthy");
        c.put("healthy", true);
        c.put("managed", true);
        if (pid == null) {
            c.putNull("pid");
            c.putNull("uptimeSeconds");
        } else {
            c.put("pid", pid);
            c.put("uptimeSeconds", 3 * 3600 + pid % 100);
        }
        c.put("restarts", 0);
        return c;
    }

    @Override
    public JsonNode catalog() {
        ObjectNode n = JSON.createObjectNode().put("source", "shipped");
        ArrayNode tables = n.putArray("tables");
        ObjectNode contacts =
                tables.addObject()
                        .put("table", "contacts")
                        .put("subject", "self: contact")
                        .putNull("note");
        ArrayNode cs = contacts.putArray("columns");
        column(cs, "id", "identifier", false, null, false, null, null);
        column(cs, "email", "contact_detail", true, "email", false, null, null);
        column(cs, "name", "name", true, "name", false, null, null);
        column(cs, "phone", "contact_detail", true, "phone", false, null, null);
        column(cs, "account_id", "reference", false, null, false, "accounts.id", null);
        ObjectNode tickets =
                tables.addObject()
                        .put("table", "tickets")
                        .put("subject", "via: contact_id \u2192 contacts")
                        .putNull("note");
        ArrayNode ts = tickets.putArray("columns");
        column(ts, "id", "identifier", false, null, false, null, null);
        column(ts, "contact_id", "reference", false, null, false, "contacts.id", null);
        column(ts, "subject", "free_text", true, null, true, null, null);
        column(ts, "body", "free_text", true, null, true, null, "<b>customers write anything</b>");
        column(ts, "status", "classification", false, null, false, null, null);
        tables.addObject()
                .put("table", "accounts")
                .put("subject", "none: an account is a customer organisation")
                .putNull("note")
                .putArray("columns")
                .addObject()
                .put("column", "name")
                .put("category", "organisation")
                .put("personal", false)
                .put("scan", true);
        return n;
    }

    private static void column(
            ArrayNode cs,
            String name,
            String category,
            boolean personal,
            String identifies,
            boolean scan,
            String references,
            String note) {
        ObjectNode c = cs.addObject();
        c.put("column", name).put("category", category).put("personal", personal);
        c.put("identifies", identifies).put("scan", scan).put("references", references);
        c.put("note", note);
    }

    @Override
    public JsonNode retentionPolicy() {
        ObjectNode n = JSON.createObjectNode().put("source", "shipped");
        n.putObject("erasure")
                .put("deadline", "P1M")
                .put("approval", fourEyes ? "four-eyes" : "single");
        n.put("adoption", "hold-backlog");
        ArrayNode rules = n.putArray("rules");
        rules.addObject()
                .put("id", "tickets.soft-deleted")
                .put("table", "tickets")
                .put("since", "deleted_at")
                .put("after", "P60D")
                .put("action", "delete")
                .put("note", "its threads, comments and attachments are deleted first")
                .putObject("when");
        ObjectNode closed =
                rules.addObject()
                        .put("id", "tickets.closed")
                        .put("table", "tickets")
                        .put("since", "closed_at")
                        .put("after", "P2Y")
                        .put("action", "anonymize")
                        .put("note", "");
        closed.putObject("when").put("status", "closed");
        closed.putObject("anonymize").put("subject", "redacted").put("body", "redacted");
        n.putArray("holds")
                .addObject()
                .put("target", "record tickets/80")
                .put("reason", "litigation 2026-04");
        return n;
    }

    @Override
    public JsonNode deadLetters(Instant since) {
        ObjectNode n = JSON.createObjectNode().put("since", since.toString()).put("total", 3);
        n.putObject("byReason").put("MALFORMED_JSON", 2).put("SCHEMA_CHANGE", 1);
        n.putObject("bySource")
                .put("helpdesk.public.tickets", 2)
                .put("helpdesk.public.contacts", 1);
        ArrayNode letters = n.putArray("letters");
        // oldest first, as RecentDeadLetters reads them
        letter(
                letters,
                52,
                "lethe-audit",
                "MALFORMED_JSON",
                "tickets.custom_fields: not JSON at byte 17",
                "helpdesk.public.tickets",
                0,
                90412);
        letter(
                letters,
                50,
                "lethe-discovery",
                "MALFORMED_JSON",
                "tickets.custom_fields: not JSON at byte 17",
                "helpdesk.public.tickets",
                0,
                90412);
        letter(
                letters,
                20,
                "lethe-audit",
                "SCHEMA_CHANGE",
                "column contacts.nickname is new",
                "helpdesk.public.contacts",
                0,
                18211);
        return n;
    }

    private void letter(
            ArrayNode letters,
            int minutesAgo,
            String job,
            String reason,
            String detail,
            String topic,
            int partition,
            long offset) {
        letters.addObject()
                .put("failedAt", clock.instant().minus(Duration.ofMinutes(minutesAgo)).toString())
                .put("job", job)
                .put("reason", reason)
                .put("detail", detail)
                .put("sourceTopic", topic)
                .put("sourcePartition", partition)
                .put("sourceOffset", offset);
    }
}
