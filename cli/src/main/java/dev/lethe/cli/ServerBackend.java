package dev.lethe.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.cli.SubjectFinder.Person;
import dev.lethe.crypto.SubjectCipher;
import dev.lethe.discovery.PersonalDataInText;
import dev.lethe.server.AccessRecord;
import dev.lethe.server.AuditQuery;
import dev.lethe.server.Backend;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * The server's backend on the real stores: searches {@code lethe-locations} with the code of {@code
 * ./lethe subject find}, records accesses on {@value AuditRequests#TOPIC} through {@link AccessLog}
 * (the audit job chains them into the log) and reads them back from the audit log's index ({@code
 * kind: access}).
 */
final class ServerBackend implements Backend, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** How long this process remembers an access it recorded, until the log's index shows it. */
    private static final Duration PENDING = Duration.ofMinutes(10);

    private final ElasticsearchClient es;
    private final String locationsIndex;
    private final String auditIndex;
    private final AccessLog accessLog;
    private final ConcurrentLinkedDeque<AccessRecord> recent = new ConcurrentLinkedDeque<>();

    private final java.util.function.Supplier<java.util.Optional<SubjectCipher>> openCipher;
    private final byte[] fingerprintKey;

    /** The shipped catalog file, with no run-time classification: what the policy is checked on. */
    private final dev.lethe.catalog.PersonalDataCatalog catalogFile =
            dev.lethe.catalog.PersonalDataCatalog.loadDefault();

    /**
     * The catalog as the jobs apply it: the file with the columns classified at run time ({@code
     * ./lethe catalog classify}), read again at most every {@value #CATALOG_REFRESH_MS} ms (as the
     * jobs do). Guarded by itself: {@link RefreshingCatalog} is for one thread.
     */
    private final dev.lethe.catalog.RefreshingCatalog catalogs;

    static final long CATALOG_REFRESH_MS = 5_000;
    private volatile SubjectCipher cipher;
    private final javax.sql.DataSource db;
    private final dev.lethe.jobs.purge.ErasureIndex erasureIndex;
    private final dev.lethe.local.StackSettings settings;
    private final SubjectFinder finder;

    /**
     * The retention policy in force (the shipped one), its erasure approval overridden by {@value
     * #APPROVAL_ENV} when set.
     */
    private final dev.lethe.retention.RetentionPolicy policy;

    /** The stack's policy file ({@code --retention-policy}), empty for the shipped one. */
    private final String policyFile;

    /** Turns four-eyes erasure on (or off) for this server: {@code four-eyes} or {@code single}. */
    static final String APPROVAL_ENV = "LETHE_ERASURE_APPROVAL";

    /**
     * @param openCipher opens the subject cipher over the key store; empty while there is no master
     *     key (the audit job makes it on first use): values stay encrypted until there is
     * @param fingerprintKey the key of masked values' fingerprints
     */
    ServerBackend(
            ElasticsearchClient es,
            String locationsIndex,
            String auditIndex,
            java.util.Properties kafka,
            java.util.function.Supplier<java.util.Optional<SubjectCipher>> openCipher,
            byte[] fingerprintKey,
            javax.sql.DataSource db,
            dev.lethe.jobs.purge.ErasureIndex erasureIndex,
            dev.lethe.local.StackSettings settings)
            throws Exception {
        this.es = es;
        this.erasureIndex = erasureIndex;
        this.settings = settings;
        // one finder for every request: it learns once that the index's full names are complete
        // (a query of its own, which a finder made per request would repeat every time)
        this.finder = SubjectFinder.onIndex(es, locationsIndex);
        this.policyFile = settings.retentionPolicy().map(Object::toString).orElse("");
        this.policy = policy(catalogFile, policyFile, System.getenv(APPROVAL_ENV));
        this.db = db;
        this.catalogs =
                new dev.lethe.catalog.RefreshingCatalog(
                        catalogFile,
                        () -> {
                            try (java.sql.Connection c = db.getConnection()) {
                                return LiveCatalog.classifications(c);
                            }
                        },
                        CATALOG_REFRESH_MS);
        this.openCipher = openCipher;
        this.fingerprintKey = fingerprintKey.clone();
        this.locationsIndex = locationsIndex;
        this.auditIndex = auditIndex;
        this.accessLog = new AccessLog(kafka);
    }

    @Override
    public Found find(String query) throws Exception {
        SubjectQuery q = SubjectQuery.parse(query);
        List<Person> people = finder.find(q);
        return new Found(
                SubjectFindCommand.toJson(q, people),
                SubjectFindCommand.shown(people),
                SubjectFindCommand.kind(q));
    }

    @Override
    public void record(AccessRecord access) throws Exception {
        accessLog.record(access);
        recent.addLast(access);
        Instant horizon = Instant.now().minus(PENDING);
        while (!recent.isEmpty() && recent.peekFirst().at().isBefore(horizon)) {
            recent.pollFirst();
        }
    }

    /**
     * The search of one round of an audit page: the query's filters the index can decide, its
     * cursors as a range of {@code logIndex}, sorted by {@code logIndex} in the page's order (so
     * that {@code searchAfter}, the sort values of the previous round's last hit, walks on in it).
     */
    static co.elastic.clients.elasticsearch.core.SearchRequest auditSearch(
            String index,
            AuditQuery q,
            List<co.elastic.clients.elasticsearch._types.FieldValue> searchAfter) {
        List<co.elastic.clients.elasticsearch._types.query_dsl.Query> must = new ArrayList<>();
        if (q.table() != null) {
            must.add(LocationSearch.term("table", q.table()));
        }
        if (q.subject() != null) {
            must.add(LocationSearch.term("subjectIds", q.subject()));
        }
        if (q.kind() != null) {
            must.add(LocationSearch.term("kind", q.kind()));
        }
        if (q.op() != null) {
            must.add(LocationSearch.term("op", q.op()));
        }
        if (q.key() != null && q.key().contains("/")) {
            must.add(LocationSearch.term("entityId", q.key()));
        }
        if (q.before() != null || q.after() != null) {
            // the cursors: below the last entry of a newest-first page, above an oldest-first one
            must.add(
                    co.elastic.clients.elasticsearch._types.query_dsl.Query.of(
                            x ->
                                    x.range(
                                            r ->
                                                    r.number(
                                                            n -> {
                                                                n.field("logIndex");
                                                                if (q.before() != null) {
                                                                    n.lt((double) q.before());
                                                                }
                                                                if (q.after() != null) {
                                                                    n.gt((double) q.after());
                                                                }
                                                                return n;
                                                            }))));
        }
        if (q.since() != null || q.until() != null) {
            must.add(
                    co.elastic.clients.elasticsearch._types.query_dsl.Query.of(
                            x ->
                                    x.range(
                                            r ->
                                                    r.number(
                                                            n -> {
                                                                n.field("commitTime");
                                                                if (q.since() != null) {
                                                                    n.gte(
                                                                            (double)
                                                                                    q.since()
                                                                                            .toEpochMilli());
                                                                }
                                                                if (q.until() != null) {
                                                                    n.lt(
                                                                            (double)
                                                                                    q.until()
                                                                                            .toEpochMilli());
                                                                }
                                                                return n;
                                                            }))));
        }
        co.elastic.clients.elasticsearch._types.SortOrder order =
                q.oldestFirst()
                        ? co.elastic.clients.elasticsearch._types.SortOrder.Asc
                        : co.elastic.clients.elasticsearch._types.SortOrder.Desc;
        co.elastic.clients.elasticsearch.core.SearchRequest.Builder s =
                new co.elastic.clients.elasticsearch.core.SearchRequest.Builder()
                        .index(index)
                        .size(Math.min(AuditQuery.MAX_LIMIT, q.limit() * 2))
                        .sort(o -> o.field(f -> f.field("logIndex").order(order)))
                        .query(
                                LocationSearch.and(
                                        must.toArray(
                                                co.elastic.clients.elasticsearch._types.query_dsl
                                                                        .Query
                                                                []
                                                        ::new)));
        if (searchAfter != null) {
            s.searchAfter(searchAfter);
        }
        return s.build();
    }

    @Override
    public AuditPage auditEntries(AuditQuery q, boolean values) throws Exception {
        // the index narrows, the same filter as ./lethe audit log decides (keys, actor facts)
        AuditEntryFilter exact =
                new AuditEntryFilter(
                        q.table(),
                        q.key(),
                        q.subject() == null ? Set.of() : Set.of(q.subject()),
                        q.op(),
                        q.actor(),
                        q.since(),
                        q.until());
        AuditEntryText format = new AuditEntryText(personalValues(values));
        com.fasterxml.jackson.databind.node.ArrayNode entries = JSON.createArrayNode();
        Set<String> subjects = new LinkedHashSet<>();
        List<co.elastic.clients.elasticsearch._types.FieldValue> after = null;
        long last = -1;
        boolean more = true;
        try {
            while (entries.size() < q.limit() && more) {
                var hits =
                        es.search(auditSearch(auditIndex, q, after), JsonNode.class).hits().hits();
                more = !hits.isEmpty();
                for (var hit : hits) {
                    after = new ArrayList<>(hit.sort());
                    dev.lethe.events.AuditEntry e =
                            dev.lethe.jobs.audit.AuditDocuments.fromJson(hit.source());
                    if (!exact.test(e)) {
                        continue;
                    }
                    entries.add(format.json(e));
                    subjects.addAll(e.getSubjectIds());
                    last = e.getLogIndex();
                    if (entries.size() == q.limit()) {
                        break;
                    }
                }
            }
        } catch (ElasticsearchException e) {
            if (!"index_not_found_exception".equals(e.error().type())) {
                throw e;
            }
        }
        // a full page has a next one, unless nothing can be below it (newest first, at index 0)
        String next =
                entries.size() == q.limit() && (q.oldestFirst() ? last >= 0 : last > 0)
                        ? dev.lethe.server.LetheServer.cursorAfter(last)
                        : null;
        return new AuditPage(entries, next, new ArrayList<>(subjects));
    }

    private AuditEntryText.PersonalValues personalValues(boolean decrypted) {
        SubjectCipher c = cipher;
        if (c == null) {
            c = openCipher.get().orElse(null);
            cipher = c;
        }
        if (c == null) {
            return AuditEntryText.PersonalValues.NONE;
        }
        return decrypted
                ? AuditEntryText.PersonalValues.of(c)
                : AuditEntryText.PersonalValues.masked(c, fingerprintKey, liveCatalog());
    }

    @Override
    public JsonNode verifyLog(String fromHead, dev.lethe.server.VerificationProgress progress)
            throws Exception {
        if (fromHead == null) {
            return verifyLog(progress);
        }
        progress.phase("verifying from the pinned tree head");
        PinnedHeadVerification.Outcome outcome =
                AuditVerifyCommand.incremental(
                        settings,
                        java.util.Optional.empty(),
                        fromHead,
                        Duration.ofSeconds(30),
                        new AuditIndexCopies(es, auditIndex),
                        dev.lethe.local.AuditTrust.witness(settings));
        com.fasterxml.jackson.databind.node.ObjectNode out = outcome.result().json();
        AuditVerifyCommand.describeStart(out, outcome.from());
        return out;
    }

    @Override
    public JsonNode verifyLog(dev.lethe.server.VerificationProgress progress) throws Exception {
        return AuditVerifyCommand.verify(
                        settings,
                        new AuditTopics(),
                        null,
                        Duration.ofSeconds(30),
                        new AuditIndexCopies(es, auditIndex),
                        dev.lethe.local.AuditTrust.witness(settings),
                        false,
                        new AuditVerification.Progress() {
                            @Override
                            public void phase(String phase) {
                                progress.phase(phase);
                            }

                            @Override
                            public void total(long entries) {
                                progress.total(entries);
                            }

                            @Override
                            public void verified(long entries) {
                                progress.verified(entries);
                            }
                        })
                .json();
    }

    @Override
    public JsonNode inclusionProof(String entityId, long seq) throws Exception {
        AuditLogSource source = new AuditTopics().source(settings);
        List<dev.lethe.events.AuditCheckpoint> checkpoints = source.checkpoints();
        long covered =
                checkpoints.stream()
                        .mapToLong(dev.lethe.events.AuditCheckpoint::getTreeSize)
                        .max()
                        .orElse(0);
        return JSON.readTree(
                AuditProofs.inclusion(
                        source.entries(covered),
                        checkpoints,
                        AuditProofs.EntrySelector.parse(entityId + "#" + seq)));
    }

    @Override
    public Export export(String subjectId, String requestedBy, String purpose) throws Exception {
        // kept in the audit log for good, like ./lethe subject export's --reason
        PersonalDataInText.requireNone("purpose", purpose);
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("lethe-export-");
        try {
            SubjectExportCommand.Exported done =
                    SubjectExportCommand.export(
                            settings,
                            SubjectQuery.parse(subjectId),
                            List.of(ExportFiles.Format.values()),
                            dir,
                            requestedBy,
                            purpose,
                            liveCatalog(),
                            ProcessingRegister.load(null),
                            locationsIndex,
                            new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
            java.io.ByteArrayOutputStream zip = new java.io.ByteArrayOutputStream();
            try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(zip)) {
                for (java.nio.file.Path f : done.files()) {
                    z.putNextEntry(new java.util.zip.ZipEntry(f.getFileName().toString()));
                    java.nio.file.Files.copy(f, z);
                    z.closeEntry();
                }
            }
            return new Export(
                    zip.toByteArray(),
                    subjectId.replace(':', '-') + "-export.zip",
                    done.pkg().items().size());
        } finally {
            try (var files = java.nio.file.Files.list(dir)) {
                for (java.nio.file.Path f : files.toList()) {
                    java.nio.file.Files.deleteIfExists(f);
                }
            }
            java.nio.file.Files.deleteIfExists(dir);
        }
    }

    /** A connection to the helpdesk database with Lethe's purge and erasure tables in place. */
    private java.sql.Connection letheSchema() throws java.sql.SQLException {
        java.sql.Connection c = db.getConnection();
        try {
            dev.lethe.jobs.purge.PurgeSchema.create(c);
            return c;
        } catch (java.sql.SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    @Override
    public JsonNode purges(
            String outcome,
            String table,
            String rule,
            Instant since,
            Instant until,
            Long before,
            int limit)
            throws Exception {
        try (java.sql.Connection c = letheSchema()) {
            return PurgesCommand.purgeLog(c, outcome, table, rule, before, since, until, limit);
        }
    }

    @Override
    public JsonNode scheduledPurges(int limit, java.util.Optional<String> after) throws Exception {
        try (java.sql.Connection c = letheSchema()) {
            return PurgesCommand.scheduled(c, limit, after);
        }
    }

    @Override
    public JsonNode purgeBacklog() throws Exception {
        try (java.sql.Connection c = letheSchema()) {
            return PurgesCommand.backlog(c);
        }
    }

    @Override
    public JsonNode erasureRequests() throws Exception {
        try (java.sql.Connection c = letheSchema()) {
            ObjectNode out = SubjectEraseCommand.requests(c);
            out.put("approval", policy.erasureApproval().yaml());
            return out;
        }
    }

    @Override
    public JsonNode requestErasure(String subjectId, String reason, String requestedBy)
            throws Exception {
        // kept with the request for good, like ./lethe subject erase's --reason
        PersonalDataInText.requireNone("reason", reason);
        dev.lethe.catalog.PersonalDataCatalog catalog = liveCatalog();
        String id = java.util.UUID.randomUUID().toString();
        String status;
        Instant now = Instant.now();
        try (java.sql.Connection c = letheSchema()) {
            java.util.Optional<String> refused =
                    dev.lethe.jobs.purge.ErasureProcessor.refusal(c, catalog, subjectId);
            if (refused.isPresent()) {
                throw new IllegalStateException("refused: " + refused.get());
            }
            status =
                    dev.lethe.jobs.purge.ErasureProcessor.request(
                            c, id, subjectId, reason, requestedBy, policy, catalog, now);
        }
        return JSON.createObjectNode()
                .put("requestId", id)
                .put("subjectId", subjectId)
                .put("status", status)
                .put("requestedBy", requestedBy)
                .put("requestedAt", now.toString())
                .put("dueAt", policy.erasureDeadline().after(now).toString());
    }

    @Override
    public List<JsonNode> accessesOf(String subjectId) throws Exception {
        List<JsonNode> logged = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        try {
            SearchAfterPages.forEach(
                    es,
                    auditIndex,
                    LocationSearch.and(
                            LocationSearch.term("kind", "access"),
                            LocationSearch.term("subjectIds", subjectId)),
                    List.of(SearchAfterPages.asc("logIndex")),
                    List.of(),
                    500,
                    hit -> {
                        JsonNode e = hit.source();
                        ObjectNode a = JSON.createObjectNode();
                        a.put("logIndex", e.path("logIndex").asLong());
                        a.put("at", Instant.ofEpochMilli(e.path("commitTime").asLong()).toString());
                        a.put("user", e.path("actor").path("id").asText());
                        a.put("role", e.path("attributes").path("role").asText());
                        a.put("purpose", e.path("actor").path("reason").asText());
                        a.put("action", e.path("attributes").path("action").asText());
                        a.put("results", e.path("attributes").path("results").asInt());
                        a.set("subjectIds", e.path("subjectIds"));
                        a.put("pending", false);
                        logged.add(0, a);
                        seen.add(e.path("attributes").path("accessId").asText());
                    });
        } catch (ElasticsearchException e) {
            if (!"index_not_found_exception".equals(e.error().type())) {
                throw e;
            }
        }
        List<JsonNode> pending = new ArrayList<>();
        for (AccessRecord r : recent) {
            if (r.subjectIds().contains(subjectId) && !seen.contains(r.id())) {
                ObjectNode a = JSON.createObjectNode();
                a.put("at", r.at().toString());
                a.put("user", r.user());
                a.put("role", r.role());
                // as the log keeps it: a purpose that names someone is withheld
                a.put(
                        "purpose",
                        dev.lethe.discovery.PersonalDataInText.textOrWithheld(r.purpose()));
                a.put("action", r.action());
                a.put("results", r.results());
                r.subjectIds().forEach(a.putArray("subjectIds")::add);
                a.put("pending", true);
                pending.add(0, a);
            }
        }
        pending.addAll(logged);
        return pending;
    }

    @Override
    public JsonNode erasurePreview(String subjectId) throws Exception {
        return SubjectEraseCommand.preview(db, erasureIndex, liveCatalog(), policy, subjectId);
    }

    /**
     * The stack's policy ({@code policyFile}, empty for the shipped one), its erasure approval
     * overridden by {@code approval} when given.
     */
    static dev.lethe.retention.RetentionPolicy policy(
            dev.lethe.catalog.PersonalDataCatalog catalog, String policyFile, String approval) {
        dev.lethe.retention.RetentionPolicy p =
                dev.lethe.retention.RetentionPolicy.loadOrDefault(policyFile, catalog);
        if (approval == null || approval.isBlank()) {
            return p;
        }
        return p.withErasureApproval(
                dev.lethe.retention.RetentionPolicy.ErasureApproval.parse(approval.strip())
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                APPROVAL_ENV
                                                        + " must be single or four-eyes, got '"
                                                        + approval
                                                        + "'")));
    }

    // ---- erasure requests: one request, retry, four-eyes approval ----

    @Override
    public JsonNode erasureRequest(String requestId) throws Exception {
        try (java.sql.Connection c = letheSchema();
                java.sql.PreparedStatement q =
                        c.prepareStatement(
                                SubjectEraseCommand.REQUEST_COLUMNS + " WHERE request_id = ?")) {
            q.setString(1, requestId);
            try (java.sql.ResultSet r = q.executeQuery()) {
                if (!r.next()) {
                    throw new IllegalArgumentException("no erasure request with that id");
                }
                return SubjectEraseCommand.request(r, Instant.now());
            }
        }
    }

    /** A decision on a request, made in the helpdesk database. */
    @FunctionalInterface
    private interface Decide {
        dev.lethe.jobs.purge.ErasureProcessor.Decision on(java.sql.Connection c)
                throws java.sql.SQLException;
    }

    /** Makes the decision; the request as it is now, or the exception the API maps. */
    private JsonNode decide(String requestId, Decide decide) throws Exception {
        dev.lethe.jobs.purge.ErasureProcessor.Decision d;
        try (java.sql.Connection c = letheSchema()) {
            d = decide.on(c);
        }
        switch (d) {
            case NO_SUCH_REQUEST ->
                    throw new IllegalArgumentException("no erasure request with that id");
            case WRONG_STATUS ->
                    throw new IllegalStateException(
                            "the request changed meanwhile: reload the requests");
            case SAME_PERSON ->
                    throw new SecurityException(
                            "you requested this erasure: a second, different DPO must approve it");
            default -> {
                return erasureRequest(requestId);
            }
        }
    }

    @Override
    public JsonNode retryErasure(String requestId, String by) throws Exception {
        return decide(
                requestId,
                c -> dev.lethe.jobs.purge.ErasureProcessor.retry(c, requestId, by, Instant.now()));
    }

    @Override
    public JsonNode approveErasure(String requestId, String approver) throws Exception {
        return decide(
                requestId,
                c ->
                        dev.lethe.jobs.purge.ErasureProcessor.approve(
                                c, requestId, approver, Instant.now()));
    }

    @Override
    public JsonNode rejectErasure(String requestId, String by, String reason) throws Exception {
        // kept with the request for good, like a request's reason
        PersonalDataInText.requireNone("reason", reason);
        return decide(
                requestId,
                c ->
                        dev.lethe.jobs.purge.ErasureProcessor.reject(
                                c, requestId, by, reason, Instant.now()));
    }

    // ---- the admin's pages: no personal data ----

    /** What ./lethe status --json shows, probed as the server's own PostgreSQL role. */
    @Override
    public JsonNode status() throws Exception {
        StatusCommand.Report report =
                StatusCommand.read(
                        settings.as(dev.lethe.local.ComponentRole.SERVER),
                        new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        return StatusCommand.json(report.all(), report.findings());
    }

    /** The catalog with the run-time classifications as of at most five seconds ago. */
    private dev.lethe.catalog.PersonalDataCatalog liveCatalog() {
        synchronized (catalogs) {
            catalogs.refresh();
            return catalogs.current();
        }
    }

    @Override
    public JsonNode catalog() {
        dev.lethe.catalog.PersonalDataCatalog catalog = liveCatalog();
        ObjectNode out = JSON.createObjectNode();
        out.put("source", dev.lethe.catalog.PersonalDataCatalog.DEFAULT_RESOURCE);
        com.fasterxml.jackson.databind.node.ArrayNode tables = out.putArray("tables");
        for (String t : new java.util.TreeSet<>(catalog.tables())) {
            dev.lethe.catalog.TableSpec spec = catalog.table(t).orElseThrow();
            ObjectNode n = tables.addObject();
            n.put("table", t);
            n.put("subject", subject(spec.subjectPath()));
            n.put("note", spec.note());
            com.fasterxml.jackson.databind.node.ArrayNode columns = n.putArray("columns");
            for (dev.lethe.catalog.ColumnSpec c : spec.columns().values()) {
                ObjectNode col = columns.addObject();
                col.put("column", c.name());
                col.put("category", c.category().catalogName());
                col.put("personal", c.personal());
                col.put("identifies", c.identifier().map(i -> i.catalogName()).orElse(null));
                col.put("scan", c.scan());
                col.put("references", c.referenced().map(Object::toString).orElse(null));
                col.put("storesFile", c.storesFile());
                col.put("note", c.note());
            }
        }
        return out;
    }

    /** A table's subject path as the catalog file writes it: {@code self: contact}, … */
    private static String subject(dev.lethe.catalog.SubjectPath p) {
        return switch (p.kind()) {
            case SELF -> "self: " + p.subjectKind();
            case VIA ->
                    "via: "
                            + String.join(
                                    " \u2192 ", p.hops().stream().map(Object::toString).toList())
                            + " ("
                            + p.subjectKind()
                            + ")";
            case NONE -> "none: " + p.noneReason();
        };
    }

    @Override
    public JsonNode retentionPolicy() {
        ObjectNode out = JSON.createObjectNode();
        out.put(
                "source",
                policyFile.isEmpty()
                        ? dev.lethe.retention.RetentionPolicy.DEFAULT_RESOURCE
                        : policyFile);
        ObjectNode erasure = out.putObject("erasure");
        erasure.put("deadline", policy.erasureDeadline().toString());
        erasure.put("approval", policy.erasureApproval().yaml());
        out.put("adoption", policy.adoption().yaml());
        com.fasterxml.jackson.databind.node.ArrayNode rules = out.putArray("rules");
        for (dev.lethe.retention.RetentionRule r : policy.rules()) {
            ObjectNode n = rules.addObject();
            n.put("id", r.id());
            n.put("table", r.table());
            n.put("since", r.since());
            ObjectNode when = n.putObject("when");
            r.when().forEach(when::put);
            n.put("after", r.after().toString());
            n.put("action", r.action().name().toLowerCase(java.util.Locale.ROOT));
            ObjectNode anonymize = n.putObject("anonymize");
            r.anonymize()
                    .forEach(
                            (col, m) ->
                                    anonymize.put(
                                            col, m.name().toLowerCase(java.util.Locale.ROOT)));
            n.put("note", r.note());
        }
        com.fasterxml.jackson.databind.node.ArrayNode holds = out.putArray("holds");
        for (dev.lethe.retention.LegalHold h : policy.holds()) {
            holds.addObject()
                    .put("target", h.target())
                    .put("reason", PersonalDataInText.textOrWithheld(h.reason()));
        }
        return out;
    }

    @Override
    public JsonNode deadLetters(Instant since) {
        RecentDeadLetters read =
                RecentDeadLetters.read(
                        settings.kafkaClient(),
                        dev.lethe.jobs.config.JobSettings.DEFAULT_DEAD_LETTER_TOPIC,
                        since);
        return DeadLettersCommand.json(read, read.letters());
    }

    @Override
    public void close() {
        accessLog.close();
    }
}
