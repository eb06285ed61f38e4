package dev.lethe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.discovery.LocationDocument;
import dev.lethe.discovery.PersonalDataInText;
import dev.lethe.jobs.elasticsearch.ElasticsearchConnection;
import dev.lethe.jobs.purge.ElasticsearchErasureIndex;
import dev.lethe.jobs.purge.ErasureIndex;
import dev.lethe.jobs.purge.ErasureProcessor;
import dev.lethe.jobs.purge.PurgeSchema;
import dev.lethe.keys.SubjectIds;
import dev.lethe.local.StackOptions;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import dev.lethe.retention.RetentionPolicy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./lethe subject erase <subject> --reason ...}: records an erasure request (Art. 17) in
 * {@code lethe.erasure_requests}; the retention job carries it out on its own, as soon as it sees
 * it ({@link ErasureProcessor}). {@code --wait} polls until the request is done (or blocked or
 * failing: exit 1 with the reason), {@code --dry-run} prints what would be erased and redacted
 * without recording anything, {@code --status} lists the requests and their progress.
 */
@Command(
        name = "erase",
        mixinStandardHelpOptions = true,
        description = {
            "Records an erasure request (Art. 17) for a subject (e.g. contact:42); the retention"
                    + " job erases every record of the person, redacts their mentions in others'"
                    + " text and shreds their data key.",
            "--status lists requests and their progress; --dry-run shows what would be erased.",
            "Goes through Lethe's server (sign in with ./lethe login); --break-glass REASON works"
                    + " on the database directly, recorded in the audit log."
        })
final class SubjectEraseCommand implements Callable<Integer> {

    @Mixin StackOptions options;

    @Parameters(arity = "0..1", paramLabel = "SUBJECT", description = "e.g. contact:42")
    String subject;

    @Option(
            names = "--reason",
            description =
                    "why (recorded with the request and the erasure, for good; refused if it holds"
                            + " an email, phone, IBAN, card number or handle)")
    String reason;

    @Option(names = "--request-id", description = "the request's id (default: a new UUID)")
    String requestId;

    @Option(names = "--status", description = "list the erasure requests and their progress")
    boolean status;

    @Option(names = "--dry-run", description = "print what would be erased; record nothing")
    boolean dryRun;

    @Option(
            names = "--wait",
            arity = "0..1",
            fallbackValue = "10m",
            converter = DurationConverter.class,
            description = "wait (up to this long, default 10m) until the request is carried out")
    Duration wait;

    @Option(
            names = "--policy",
            description = "the retention policy file (default: the one shipped with Lethe)")
    String policyPath = "";

    @Mixin BreakGlass breakGlass;

    @Override
    public Integer call() throws Exception {
        // kept with the request and in the register of erased subjects, for good
        PersonalDataInText.requireNone("--reason", reason);
        breakGlass.directOnly("--policy", !policyPath.isEmpty());
        breakGlass.directOnly("--request-id", requestId != null);
        StackSettings s = options.resolve();
        if (!status && (subject == null || !SubjectIds.isValid(subject))) {
            System.err.println("give a subject id such as contact:42 (see ./lethe subject find)");
            return 2;
        }
        if (!breakGlass.on()) {
            return throughServer(new ServerClient(s));
        }
        breakGlass.record(
                s,
                status ? "erasure-status" : dryRun ? "erasure-preview" : "erasure-request",
                subject == null || status ? List.of() : List.of(subject),
                0,
                status ? null : "subject");
        try (Connection db = StackProbe.connectPostgres(s)) {
            PurgeSchema.create(db);
            if (status) {
                printStatus(requests(db), null);
                return 0;
            }
            PersonalDataCatalog catalog = PersonalDataCatalog.loadDefault();
            RetentionPolicy policy = RetentionPolicy.loadOrDefault(policyPath, catalog);
            Optional<String> refused = ErasureProcessor.refusal(db, catalog, subject);
            if (refused.isPresent()) {
                System.err.println("refused: " + refused.get() + "; nothing was recorded");
                return 2;
            }
            if (dryRun) {
                return dryRun(s, catalog, policy);
            }
            if (reason == null || reason.isBlank()) {
                System.err.println("--reason is required");
                return 2;
            }
            String id = requestId != null ? requestId : UUID.randomUUID().toString();
            ErasureProcessor.request(
                    db, id, subject, reason, breakGlass.who(), policy, catalog, Instant.now());
            System.out.println("erasure request " + id + " recorded for " + subject);
            if (wait == null) {
                return 0;
            }
            return waitFor(id, () -> requests(db));
        }
    }

    /** The same command through Lethe's server, signed in with {@code ./lethe login}. */
    private int throughServer(ServerClient server) throws Exception {
        if (status) {
            printStatus(server.get("/api/v1/erasure-requests").expect(200).body(), null);
            return 0;
        }
        if (reason == null || reason.isBlank()) {
            System.err.println(
                    dryRun
                            ? "--reason is required: the server records why this person's data is"
                                    + " looked at"
                            : "--reason is required");
            return 2;
        }
        if (dryRun) {
            ServerClient.Answer a =
                    server.post(
                            "/api/v1/subjects/"
                                    + subject
                                    + "/erasure-preview?purpose="
                                    + ServerClient.q(reason),
                            null);
            if (a.status() == 404) {
                System.err.println("refused: " + a.detail() + "; nothing was recorded");
                return 2;
            }
            JsonNode preview = a.expect(200).body();
            for (JsonNode b : preview.path("blockers")) {
                if ("already-erased".equals(b.path("kind").asText())) {
                    System.err.println(
                            "refused: " + b.path("detail").asText() + "; nothing was recorded");
                    return 2;
                }
            }
            printPreview(preview, System.out);
            return 0;
        }
        ServerClient.Answer a =
                server.post(
                        "/api/v1/erasure-requests",
                        JSON.createObjectNode()
                                .put("subjectId", subject)
                                .put("reason", reason)
                                .toString());
        if (a.status() == 409) {
            System.err.println(a.detail() + "; nothing was recorded");
            return 2;
        }
        String id = a.expect(201).body().path("requestId").asText();
        System.out.println("erasure request " + id + " recorded for " + subject);
        if (wait == null) {
            return 0;
        }
        return waitFor(id, () -> server.get("/api/v1/erasure-requests").expect(200).body());
    }

    /** Reads the erasure requests, as {@link #requests} or the server answers them. */
    @FunctionalInterface
    private interface Requests {
        JsonNode read() throws Exception;
    }

    /**
     * Polls until the request is done (0), or stuck, rejected or out of time (1); prints its
     * status. A request awaiting a second DPO's approval is waited for (said once).
     */
    private int waitFor(String id, Requests requests) throws Exception {
        Instant until = Instant.now().plus(wait);
        boolean toldAwaiting = false;
        while (true) {
            JsonNode all = requests.read();
            String state = null;
            for (JsonNode r : all.path("requests")) {
                if (id.equals(r.path("requestId").asText())) {
                    state = r.path("status").asText();
                }
            }
            Optional<Integer> over = waitOutcome(state);
            if (over.isPresent() || Instant.now().isAfter(until)) {
                printStatus(all, id);
                return over.orElse(1);
            }
            if (ErasureProcessor.AWAITING_APPROVAL.equals(state) && !toldAwaiting) {
                System.err.println(
                        "the request awaits a second DPO's approval (four-eyes); waiting up to "
                                + wait);
                toldAwaiting = true;
            }
            Thread.sleep(500);
        }
    }

    /**
     * How {@code --wait} ends for a request in {@code state}: 0 when it was carried out, 1 when it
     * will not be without someone acting (blocked, failing, refused, rejected), empty while it may
     * still be (pending, awaiting approval, not yet visible).
     */
    static Optional<Integer> waitOutcome(String state) {
        if (ErasureProcessor.DONE.equals(state)) {
            return Optional.of(0);
        }
        if (ErasureProcessor.BLOCKED.equals(state)
                || ErasureProcessor.FAILING.equals(state)
                || ErasureProcessor.REFUSED.equals(state)
                || ErasureProcessor.REJECTED.equals(state)) {
            return Optional.of(1);
        }
        return Optional.empty();
    }

    private int dryRun(StackSettings s, PersonalDataCatalog catalog, RetentionPolicy policy)
            throws Exception {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(s.postgresJdbcUrl());
        ds.setUser(s.postgresUser());
        ds.setPassword(s.postgresPassword());
        try (ElasticsearchConnection.Clients clients =
                new ElasticsearchConnection(s.elasticsearchUrl(), s.elasticsearchUser())
                        .open(s.elasticsearchPassword().orElse(null))) {
            ElasticsearchErasureIndex index =
                    new ElasticsearchErasureIndex(
                            clients,
                            LocationDocument.INDEX,
                            Duration.ofMinutes(1),
                            Clock.systemUTC());
            printPreview(preview(ds, index, catalog, policy, subject), System.out);
        }
        return 0;
    }

    /**
     * A dry run of erasing {@code subjectId} with the purge job's own planner, read only: what a
     * request made now would delete and redact, and what blocks it. What {@code subject erase
     * --dry-run} prints and Lethe's server answers ({@code Backend#erasurePreview}).
     *
     * @throws IllegalArgumentException when the subject cannot be erased (but is not erased yet)
     */
    static ObjectNode preview(
            DataSource db,
            ErasureIndex index,
            PersonalDataCatalog catalog,
            RetentionPolicy policy,
            String subjectId)
            throws Exception {
        ObjectNode out = JSON.createObjectNode().put("subjectId", subjectId);
        ArrayNode delete = out.putArray("delete");
        out.putArray("anonymize");
        ArrayNode redact = out.putArray("redact");
        ArrayNode blockers = out.putArray("blockers");
        try (Connection c = db.getConnection()) {
            Optional<String> refused = ErasureProcessor.refusal(c, catalog, subjectId);
            if (refused.isPresent()) {
                if (!refused.get().endsWith(" is already erased")) {
                    throw new IllegalArgumentException(refused.get());
                }
                blockers.addObject()
                        .put("kind", "already-erased")
                        .put("record", catalog.subjectRecord(subjectId))
                        .put("detail", refused.get());
                out.put("keyShredded", true);
                out.put("canProceed", false);
                return out;
            }
        }
        // the purge job's own planner, read only: the preview is what a request made now does.
        // Not closed: closing it would close the caller's Elasticsearch clients (its index's).
        ErasureProcessor processor =
                new ErasureProcessor(
                        db, catalog, policy, null, index, Clock.systemUTC(), Duration.ZERO);
        dev.lethe.erasure.ErasurePlan plan = processor.plan(subjectId);
        for (String r : plan.erase()) {
            delete.addObject().put("table", table(r)).put("record", r);
        }
        for (String r : plan.dependents()) {
            delete.addObject().put("table", table(r)).put("record", r).put("detail", DEPENDENT);
        }
        for (Map.Entry<String, Map<String, Set<String>>> m : plan.redact().entrySet()) {
            ObjectNode item = redact.addObject().put("table", table(m.getKey()));
            item.put("record", m.getKey());
            ArrayNode columns = item.putArray("columns");
            m.getValue().keySet().forEach(columns::add);
            item.put("detail", "mentions in someone else's record");
        }
        if (plan.openTicket() != null) {
            blockers.addObject()
                    .put("kind", "open-ticket")
                    .put("record", plan.openTicket())
                    .put("detail", plan.openTicket() + " is still open: solve or close it");
        }
        for (String held : processor.holds(plan)) {
            blockers.addObject()
                    .put("kind", "legal-hold")
                    .put("record", held.substring(0, held.indexOf(':')))
                    .put("detail", held);
        }
        out.put("keyShredded", true);
        out.put("canProceed", blockers.isEmpty());
        return out;
    }

    private static final String DEPENDENT = "deleted with the record it belongs to";

    private static String table(String record) {
        return record.substring(0, record.indexOf('/'));
    }

    /** Prints a dry run in {@link #preview}'s JSON (read directly or the server's). */
    static void printPreview(JsonNode p, java.io.PrintStream out) {
        String subjectId = p.path("subjectId").asText();
        out.println("dry run: an erasure of " + subjectId + " would now");
        for (JsonNode d : p.path("delete")) {
            out.println(
                    "  delete  "
                            + d.path("record").asText()
                            + (DEPENDENT.equals(d.path("detail").asText())
                                    ? " (with the record it belongs to)"
                                    : ""));
        }
        for (JsonNode a : p.path("anonymize")) {
            out.println("  anonymize  " + a.path("record").asText() + " " + columns(a));
        }
        for (JsonNode r : p.path("redact")) {
            out.println(
                    "  redact  "
                            + r.path("record").asText()
                            + " "
                            + columns(r)
                            + " (mentions in someone else's record)");
        }
        out.println("  shred   the data key of " + subjectId);
        for (JsonNode b : p.path("blockers")) {
            switch (b.path("kind").asText()) {
                case "open-ticket" ->
                        out.println(
                                "blocked: "
                                        + b.path("record").asText()
                                        + " is still open (solve or close it)");
                default -> out.println("blocked: " + b.path("detail").asText());
            }
        }
    }

    private static String columns(JsonNode item) {
        List<String> columns = new java.util.ArrayList<>();
        item.path("columns").forEach(c -> columns.add(c.asText()));
        return String.join(",", columns);
    }

    /**
     * Every erasure request, newest first: {@code {requests: [{requestId, subjectId, status,
     * statusReason, recordsFound, recordsPurged, requestedAt, dueAt, completedAt, daysLeft,
     * overdue, reason}]}}. What {@code subject erase --status} prints and Lethe's server answers.
     */
    static ObjectNode requests(Connection db) throws Exception {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode list = out.putArray("requests");
        Instant now = Instant.now();
        try (PreparedStatement q =
                        db.prepareStatement(REQUEST_COLUMNS + " ORDER BY requested_at DESC");
                ResultSet r = q.executeQuery()) {
            while (r.next()) {
                list.add(request(r, now));
            }
        }
        return out;
    }

    /** The columns of a request as {@link #request(ResultSet, Instant)} reads them. */
    static final String REQUEST_COLUMNS =
            "SELECT request_id, subject_id, status, status_reason, records_found, records_purged,"
                    + " requested_at, due_at, completed_at, reason, requested_by, approved_by,"
                    + " approved_at, rejected_by, rejected_at, rejection_reason,"
                    + " retry_requested_by, retry_requested_at FROM lethe.erasure_requests";

    /** One request as the API and {@code --status --json} show it. */
    static ObjectNode request(ResultSet r, Instant now) throws SQLException {
        ObjectNode e = JSON.createObjectNode();
        String status = r.getString(3);
        Instant due = r.getTimestamp(8).toInstant();
        e.put("requestId", r.getString(1));
        e.put("subjectId", r.getString(2));
        e.put("status", status);
        e.put("statusReason", r.getString(4));
        e.put("recordsFound", r.getInt(5));
        e.put("recordsPurged", r.getInt(6));
        e.put("requestedAt", r.getTimestamp(7).toInstant().toString());
        e.put("dueAt", due.toString());
        e.put("completedAt", instant(r.getTimestamp(9)));
        // a request that is over (done, refused, rejected) has no days left
        boolean over =
                List.of(ErasureProcessor.DONE, ErasureProcessor.REFUSED, ErasureProcessor.REJECTED)
                        .contains(status);
        if (over) {
            e.putNull("daysLeft");
        } else {
            e.put("daysLeft", Math.floorDiv(Duration.between(now, due).toHours(), 24));
        }
        e.put("overdue", !over && now.isAfter(due));
        e.put("reason", PersonalDataInText.textOrWithheld(r.getString(10)));
        e.put("requestedBy", r.getString(11));
        e.put("approvedBy", r.getString(12));
        e.put("approvedAt", instant(r.getTimestamp(13)));
        e.put("rejectedBy", r.getString(14));
        e.put("rejectedAt", instant(r.getTimestamp(15)));
        e.put("rejectionReason", PersonalDataInText.textOrWithheld(r.getString(16)));
        e.put("retryRequestedBy", r.getString(17));
        e.put("retryRequestedAt", instant(r.getTimestamp(18)));
        return e;
    }

    private static String instant(Timestamp t) {
        return t == null ? null : t.toInstant().toString();
    }

    /**
     * Prints requests in {@link #requests}'s JSON (read directly or the server's); {@code only}:
     * one.
     */
    static void printStatus(JsonNode answer, String only) {
        System.out.printf(
                "%-36s %-14s %-16s %6s %6s %-20s %-20s %s%n",
                "REQUEST", "SUBJECT", "STATUS", "FOUND", "PURGED", "REQUESTED", "DUE", "REASON");
        for (JsonNode r : answer.path("requests")) {
            if (only != null && !only.equals(r.path("requestId").asText())) {
                continue;
            }
            String st = r.path("status").asText();
            if (r.path("overdue").asBoolean()) {
                st = "OVERDUE " + st;
            }
            System.out.printf(
                    "%-36s %-14s %-16s %6d %6d %-20s %-20s %s%n",
                    r.path("requestId").asText(),
                    r.path("subjectId").asText(),
                    st,
                    r.path("recordsFound").asInt(),
                    r.path("recordsPurged").asInt(),
                    r.path("requestedAt").asText().substring(0, 19),
                    r.path("dueAt").asText().substring(0, 19),
                    r.path("statusReason").asText(""));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
}
