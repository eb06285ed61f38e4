package dev.lethe.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lethe's front door: the REST API under {@value #API}, on Javalin (Jetty 12). Every endpoint but
 * {@code health}, {@code openapi.json} and {@code token} needs a bearer token (issued here at
 * sign-in, or by the configured OIDC issuer) whose role grants the endpoint's scope; every answer
 * that shows personal data is recorded in the audit log before it is sent.
 */
public final class LetheServer implements AutoCloseable {

    public static final String API = "/api/v1";

    private static final Logger LOG = LoggerFactory.getLogger(LetheServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SUBJECT_ID =
            Pattern.compile("[a-z][a-z_]{0,31}:[A-Za-z0-9._-]{1,64}");
    private static final int MAX_PURPOSE = 200;
    private static final int MAX_QUERY = 320;

    /** How the server is reached and how long its tokens live. */
    public record Settings(String host, int port, Duration tokenTtl) {}

    /**
     * One endpoint as the OpenAPI document must describe it.
     *
     * @param scopes the caller needs one of these; empty: any signed-in caller (or nobody, for the
     *     open endpoints)
     */
    public record Route(String method, String path, List<String> scopes, boolean open) {
        public boolean grants(Role role) {
            return scopes.isEmpty() || scopes.stream().anyMatch(role.scopes()::contains);
        }
    }

    private final Settings settings;
    private final UserStore users;
    private final Passwords passwords;
    private final LocalTokens tokens;
    private final Optional<OidcTokens> oidc;
    private final Backend backend;
    private final LoginThrottle throttle;
    private final Clock clock;
    private final List<Route> routes = new ArrayList<>();
    private final String decoyHash;
    private Javalin app;

    public LetheServer(
            Settings settings,
            UserStore users,
            Passwords passwords,
            LocalTokens tokens,
            Optional<OidcTokens> oidc,
            Backend backend,
            Clock clock) {
        this.settings = settings;
        this.users = users;
        this.passwords = passwords;
        this.tokens = tokens;
        this.oidc = oidc;
        this.backend = backend;
        this.clock = clock;
        this.throttle = new LoginThrottle(5, Duration.ofMinutes(5), clock);
        this.decoyHash = passwords.decoy();
    }

    /** A handler that runs once the caller is known and allowed. */
    @FunctionalInterface
    interface Authorized {
        void handle(Context ctx, Principal who) throws Exception;
    }

    /** Starts listening; {@link #port()} tells where (port 0 picks a free one). */
    public LetheServer start() {
        app =
                Javalin.create(
                        config -> {
                            config.startup.showJavalinBanner = false;
                            config.startup.showOldJavalinVersionWarning = false;
                            config.http.maxRequestSize = 64 * 1024L;
                            config.routes.before(
                                    ctx -> {
                                        ctx.header("Cache-Control", "no-store");
                                        ctx.header("X-Content-Type-Options", "nosniff");
                                    });
                            open(config.routes, "GET", API + "/health", this::health);
                            open(config.routes, "GET", API + "/openapi.json", this::openApi);
                            open(config.routes, "POST", API + "/token", this::token);
                            scoped(config.routes, "GET", API + "/me", List.of(), this::me);
                            scoped(
                                    config.routes,
                                    "GET",
                                    API + "/subjects",
                                    Role.Scope.SUBJECTS_FIND,
                                    this::findSubjects);
                            scoped(
                                    config.routes,
                                    "GET",
                                    API + "/subjects/{subjectId}/accesses",
                                    Role.Scope.SUBJECTS_ACCESSES,
                                    this::accesses);
                            scoped(
                                    config.routes,
                                    "GET",
                                    API + "/audit/entries",
                                    List.of(Role.Scope.AUDIT_READ, Role.Scope.AUDIT_SUBJECT_VALUES),
                                    this::auditEntries);
                            scoped(
                                    config.routes,
                                    "POST",
                                    API + "/subjects/{subjectId}/exports",
                                    Role.Scope.SUBJECTS_EXPORT,
                                    this::export);
                            scoped(
                                    config.routes,
                                    "POST",
                                    API + "/audit/verifications",
                                    Role.Scope.AUDIT_VERIFY,
                                    this::startVerification);
                            scoped(
                                    config.routes,
                                    "GET",
                                    API + "/audit/verifications/{id}",
                                    Role.Scope.AUDIT_VERIFY,
                                    this::verification);
                            scoped(
                                    config.routes,
                                    "GET",
                                    API + "/audit/proofs/<entityId>/{seq}",
                                    Role.Scope.AUDIT_PROOFS,
                                    this::proof);
                            scoped(
                                    config.routes,
                                    "GET",
                                    API + "/purges",
                                    Role.Scope.PURGES_READ,
                                    this::purges);
                            scoped(
                                    config.routes,
                                    "GET",
                                    API + "/erasure-requests",
                                    Role.Scope.ERASURE_READ,
                                    this::erasureRequests);
                            scoped(
                                    config.routes,
                                    "POST",
                                    API + "/erasure-requests",
                                    Role.Scope.ERASURE_REQUEST,
                                    this::requestErasure);
                            scoped(
                                    config.routes,
                                    "GET",
                                    API + "/users",
                                    Role.Scope.USERS_MANAGE,
                                    this::listUsers);
                            config.routes.exception(Problem.class, (e, ctx) -> e.write(ctx));
                            config.routes.exception(
                                    Exception.class,
                                    (e, ctx) -> {
                                        String ref = UUID.randomUUID().toString();
                                        // the class only: a message may carry what was asked
                                        LOG.error(
                                                "request failed ({}): {}",
                                                ref,
                                                e.getClass().getName());
                                        Problem.write(
                                                ctx,
                                                500,
                                                "internal",
                                                "the request failed; the server's log names it "
                                                        + ref);
                                    });
                            config.routes.error(
                                    404,
                                    ctx -> {
                                        // a problem a handler wrote stays; Javalin's own text
                                        // for an unknown path becomes one
                                        if (!Problem.CONTENT_TYPE.equals(ctx.contentType())) {
                                            Problem.write(
                                                    ctx, 404, "not-found", "no such endpoint");
                                        }
                                    });
                            config.routes.error(
                                    405,
                                    ctx ->
                                            Problem.write(
                                                    ctx,
                                                    405,
                                                    "method-not-allowed",
                                                    "this endpoint does not take " + ctx.method()));
                        });
        app.start(settings.host(), settings.port());
        LOG.info("listening on http://{}:{}{}", settings.host(), app.port(), API);
        return this;
    }

    public int port() {
        return app.port();
    }

    /** The endpoints, as registered (the OpenAPI document's test reads them). */
    public List<Route> routes() {
        return Collections.unmodifiableList(routes);
    }

    @Override
    public void close() {
        verifier.shutdownNow();
        if (app != null) {
            app.stop();
        }
    }

    private void open(
            io.javalin.config.RoutesConfig r,
            String method,
            String path,
            io.javalin.http.Handler h) {
        routes.add(new Route(method, path, List.of(), true));
        add(r, method, path, h);
    }

    private void scoped(
            io.javalin.config.RoutesConfig r,
            String method,
            String path,
            String scope,
            Authorized h) {
        scoped(r, method, path, scope == null ? List.of() : List.of(scope), h);
    }

    private void scoped(
            io.javalin.config.RoutesConfig r,
            String method,
            String path,
            List<String> anyOf,
            Authorized h) {
        Route route = new Route(method, path, anyOf, false);
        routes.add(route);
        add(
                r,
                method,
                path,
                ctx -> {
                    Principal who = authenticate(ctx);
                    if (!route.grants(who.role())) {
                        throw Problem.forbidden(
                                "the role "
                                        + who.role().id()
                                        + " does not grant "
                                        + String.join(" or ", anyOf));
                    }
                    h.handle(ctx, who);
                });
    }

    private static void add(
            io.javalin.config.RoutesConfig r,
            String method,
            String path,
            io.javalin.http.Handler h) {
        switch (method) {
            case "GET" -> r.get(path, h);
            case "POST" -> r.post(path, h);
            default -> throw new IllegalArgumentException(method);
        }
    }

    /** The caller of a request with a valid bearer token, or a 401 problem. */
    Principal authenticate(Context ctx) throws Exception {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"lethe\"");
            throw Problem.unauthorized(
                    "sign in first: POST "
                            + API
                            + "/token, then send Authorization: Bearer <token>");
        }
        String token = header.substring(7).trim();
        Optional<Principal> who;
        if (LocalTokens.issuedHere(token)) {
            who = tokens.verify(token).filter(this::stillEnabled);
        } else {
            who = oidc.flatMap(o -> o.verify(token));
        }
        if (who.isEmpty()) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"lethe\", error=\"invalid_token\"");
            throw Problem.unauthorized("the token is invalid or expired: sign in again");
        }
        return who.get();
    }

    /** A local user disabled after the token was issued loses access at once. */
    private boolean stillEnabled(Principal p) {
        try {
            return users.credentials(p.name()).map(c -> !c.user().disabled()).orElse(false);
        } catch (Exception e) {
            throw new IllegalStateException("the user store did not answer", e);
        }
    }

    private void health(Context ctx) throws IOException {
        json(ctx, JSON.createObjectNode().put("status", "UP"));
    }

    private void openApi(Context ctx) throws IOException {
        try (InputStream in = LetheServer.class.getResourceAsStream("openapi.json")) {
            ctx.contentType("application/json").result(in.readAllBytes());
        }
    }

    private void token(Context ctx) throws Exception {
        JsonNode body;
        try {
            body = JSON.readTree(ctx.bodyAsBytes());
        } catch (IOException e) {
            throw Problem.badRequest("the body must be JSON: {\"username\": …, \"password\": …}");
        }
        if (body == null
                || !body.path("username").isTextual()
                || !body.path("password").isTextual()) {
            throw Problem.badRequest("the body must be JSON: {\"username\": …, \"password\": …}");
        }
        String name = body.get("username").asText();
        String password = body.get("password").asText();
        String address = ctx.ip();
        Optional<Duration> wait = throttle.retryAfter(name, address);
        if (wait.isPresent()) {
            long seconds = Math.max(1, wait.get().toSeconds());
            ctx.header("Retry-After", Long.toString(seconds));
            LOG.warn("sign-in refused (too many failures) for {} from {}", shown(name), address);
            Problem.write(
                    ctx,
                    429,
                    "too-many-sign-in-failures",
                    "too many failed sign-ins: try again in " + seconds + " s");
            return;
        }
        Optional<UserStore.Credentials> c =
                User.isValidName(name) ? users.credentials(name) : Optional.empty();
        // the hash is checked even for an unknown name: a failure takes as long either way
        boolean ok =
                passwords.matches(
                        password, c.map(UserStore.Credentials::passwordHash).orElse(decoyHash));
        if (c.isEmpty() || !ok || c.get().user().disabled()) {
            throttle.failed(name, address);
            LOG.warn(
                    "sign-in failed for {} from {} ({})",
                    shown(name),
                    address,
                    c.isEmpty() ? "no such user" : !ok ? "wrong password" : "user disabled");
            throw Problem.unauthorized("wrong user name or password, or the user is disabled");
        }
        throttle.succeeded(name);
        LocalTokens.Issued t = tokens.issue(c.get().user());
        LOG.info("signed in: {} ({})", name, c.get().user().role().id());
        ObjectNode out = JSON.createObjectNode();
        out.put("access_token", t.token());
        out.put("token_type", "Bearer");
        out.put("expires_in", t.expiresIn());
        json(ctx, out);
    }

    private static void json(Context ctx, JsonNode body) throws IOException {
        ctx.contentType("application/json").result(JSON.writeValueAsBytes(body));
    }

    /** A user name as logs show it: a name that is not a valid user name is not repeated. */
    private static String shown(String name) {
        return User.isValidName(name) ? name : "(not a user name)";
    }

    private void me(Context ctx, Principal who) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", who.name());
        n.put("role", who.role().id());
        n.put("issuer", who.issuer());
        ArrayNode scopes = n.putArray("scopes");
        who.role().scopes().stream().sorted().forEach(scopes::add);
        json(ctx, n);
    }

    private void findSubjects(Context ctx, Principal who) throws Exception {
        String q = ctx.queryParam("q");
        if (q == null || q.isBlank()) {
            throw Problem.badRequest(
                    "q is required: an email, phone, name, @handle or subject id (contact:42)");
        }
        if (q.length() > MAX_QUERY) {
            throw Problem.badRequest("q is longer than " + MAX_QUERY + " characters");
        }
        String purpose = purpose(ctx);
        Backend.Found found;
        long t0 = System.nanoTime();
        try {
            found = backend.find(q);
        } catch (IllegalArgumentException e) {
            throw Problem.badRequest(e.getMessage());
        }
        long t1 = System.nanoTime();
        recordOrRefuse(
                AccessRecord.of(
                        who,
                        purpose,
                        "find",
                        found.subjectIds(),
                        found.subjectIds().size(),
                        found.queryKind(),
                        clock.instant()));
        // where the time went (W3C Server-Timing): the search, and recording the access
        ctx.header(
                "Server-Timing",
                String.format(
                        java.util.Locale.ROOT,
                        "search;dur=%.1f, record;dur=%.1f",
                        (t1 - t0) / 1e6,
                        (System.nanoTime() - t1) / 1e6));
        json(ctx, found.body());
    }

    private void accesses(Context ctx, Principal who) throws Exception {
        String subject = ctx.pathParam("subjectId");
        if (!SUBJECT_ID.matcher(subject).matches()) {
            throw Problem.badRequest("subjectId must look like contact:42");
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("subjectId", subject);
        ArrayNode list = n.putArray("accesses");
        backend.accessesOf(subject).forEach(list::add);
        json(ctx, n);
    }

    /**
     * The audit log, newest first, paged by cursor. An auditor reads every entry with personal
     * values masked; a DPO reads one subject's history with its values, for a purpose, recorded.
     */
    private void auditEntries(Context ctx, Principal who) throws Exception {
        String subject = ctx.queryParam("subject");
        if (subject != null && !SUBJECT_ID.matcher(subject).matches()) {
            throw Problem.badRequest("subject must be a subject id like contact:42");
        }
        boolean values = !who.may(Role.Scope.AUDIT_READ);
        String purpose = null;
        if (values) {
            if (subject == null) {
                throw Problem.forbidden(
                        "the role "
                                + who.role().id()
                                + " reads one subject's history: give subject=<subject id>");
            }
            purpose = purpose(ctx);
        }
        AuditQuery q =
                new AuditQuery(
                        ctx.queryParam("table"),
                        ctx.queryParam("key"),
                        subject,
                        ctx.queryParam("actor"),
                        ctx.queryParam("op"),
                        ctx.queryParam("kind"),
                        instant(ctx, "since"),
                        instant(ctx, "until"),
                        cursor(ctx.queryParam("after")),
                        limit(ctx.queryParam("limit")));
        Backend.AuditPage page = backend.auditEntries(q, values);
        if (values) {
            recordOrRefuse(
                    AccessRecord.of(
                            who,
                            purpose,
                            "audit-history",
                            page.subjectIds().isEmpty() ? List.of(subject) : page.subjectIds(),
                            page.entries().size(),
                            "subject",
                            clock.instant()));
        }
        ObjectNode out = JSON.createObjectNode();
        out.set("entries", page.entries());
        if (page.next() == null) {
            out.putNull("next");
        } else {
            out.put("next", page.next());
        }
        out.put("values", values ? "decrypted" : "masked");
        json(ctx, out);
    }

    private static java.time.Instant instant(Context ctx, String param) {
        String v = ctx.queryParam(param);
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return java.time.Instant.parse(v);
        } catch (java.time.format.DateTimeParseException e) {
            throw Problem.badRequest(param + " must be an ISO instant like 2026-12-06T09:00:00Z");
        }
    }

    /** The opaque cursor a page's {@code next} gave: the log index to continue below. */
    private static Long cursor(String after) {
        if (after == null || after.isBlank()) {
            return null;
        }
        try {
            long v =
                    Long.parseLong(
                            new String(
                                    java.util.Base64.getUrlDecoder().decode(after),
                                    java.nio.charset.StandardCharsets.US_ASCII));
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (IllegalArgumentException e) {
            throw Problem.badRequest("after must be the next cursor of an earlier page");
        }
    }

    /** The cursor of the page after the one ending at {@code logIndex}. */
    public static String cursorBelow(long logIndex) {
        return java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                        Long.toString(logIndex)
                                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    private static int limit(String v) {
        if (v == null || v.isBlank()) {
            return AuditQuery.DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < 1 || n > AuditQuery.MAX_LIMIT) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw Problem.badRequest("limit must be between 1 and " + AuditQuery.MAX_LIMIT);
        }
    }

    /**
     * A person's package as a zip download; the access and the export (with its files' hashes) are
     * recorded before the bytes are sent.
     */
    private void export(Context ctx, Principal who) throws Exception {
        String subject = ctx.pathParam("subjectId");
        if (!SUBJECT_ID.matcher(subject).matches()) {
            throw Problem.badRequest("subjectId must look like contact:42");
        }
        String purpose = purpose(ctx);
        recordOrRefuse(
                AccessRecord.of(
                        who, purpose, "export", List.of(subject), 1, "subject", clock.instant()));
        Backend.Export e;
        try {
            e = backend.export(subject, who.name(), purpose);
        } catch (IllegalArgumentException nobody) {
            throw Problem.notFound(nobody.getMessage());
        }
        ctx.status(201)
                .contentType("application/zip")
                .header("Content-Disposition", "attachment; filename=\"" + e.fileName() + "\"")
                .header("X-Lethe-Items", Integer.toString(e.items()))
                .result(e.zip());
    }

    /** Verifications started here, by id: running, or done with their result. */
    private final java.util.Map<String, java.util.concurrent.CompletableFuture<JsonNode>>
            verifications = new java.util.concurrent.ConcurrentHashMap<>();

    private final java.util.concurrent.ExecutorService verifier =
            java.util.concurrent.Executors.newSingleThreadExecutor(
                    r -> {
                        Thread t = new Thread(r, "lethe-server-verify");
                        t.setDaemon(true);
                        return t;
                    });

    /** Starts a verification of the whole log (one at a time, queued); 202 with its id. */
    private void startVerification(Context ctx, Principal who) throws Exception {
        if (verifications.size() >= 100) {
            verifications.entrySet().removeIf(e -> e.getValue().isDone());
        }
        String id = UUID.randomUUID().toString();
        verifications.put(
                id,
                java.util.concurrent.CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return backend.verifyLog();
                            } catch (Exception e) {
                                throw new java.util.concurrent.CompletionException(e);
                            }
                        },
                        verifier));
        LOG.info("verification {} started by {}", id, who.name());
        ctx.status(202).header("Location", API + "/audit/verifications/" + id);
        json(ctx, JSON.createObjectNode().put("id", id).put("status", "running"));
    }

    private void verification(Context ctx, Principal who) throws Exception {
        java.util.concurrent.CompletableFuture<JsonNode> f = verifications.get(ctx.pathParam("id"));
        if (f == null) {
            throw Problem.notFound(
                    "no verification with that id (they live as long as the server)");
        }
        ObjectNode out = JSON.createObjectNode().put("id", ctx.pathParam("id"));
        if (!f.isDone()) {
            out.put("status", "running");
        } else if (f.isCompletedExceptionally()) {
            out.put("status", "error");
            out.put("detail", "the verification could not run: see the server's log");
        } else {
            JsonNode result = f.join();
            out.put("status", "done");
            out.set("result", result);
        }
        json(ctx, out);
    }

    private void proof(Context ctx, Principal who) throws Exception {
        String entity = ctx.pathParam("entityId");
        long seq;
        try {
            seq = Long.parseLong(ctx.pathParam("seq"));
        } catch (NumberFormatException e) {
            throw Problem.badRequest("seq must be a number");
        }
        if (!entity.matches("[a-z][a-z0-9_]*(/[A-Za-z0-9._:-]+)+") || seq < 1) {
            throw Problem.badRequest("give an entry as /audit/proofs/contacts/42/3");
        }
        try {
            json(ctx, backend.inclusionProof(entity, seq));
        } catch (IllegalArgumentException e) {
            throw Problem.notFound(e.getMessage());
        }
    }

    private void purges(Context ctx, Principal who) throws Exception {
        String outcome = ctx.queryParam("outcome");
        if (outcome != null && !List.of("done", "skipped", "failed").contains(outcome)) {
            throw Problem.badRequest("outcome must be done, skipped or failed");
        }
        json(
                ctx,
                backend.purges(
                        outcome,
                        ctx.queryParam("table"),
                        ctx.queryParam("rule"),
                        cursor(ctx.queryParam("after")),
                        limit(ctx.queryParam("limit"))));
    }

    private void erasureRequests(Context ctx, Principal who) throws Exception {
        json(ctx, backend.erasureRequests());
    }

    /**
     * Records an erasure request; who asked is on the record (an access entry with action {@code
     * erasure-request}) before the request is written.
     */
    private void requestErasure(Context ctx, Principal who) throws Exception {
        JsonNode body;
        try {
            body = JSON.readTree(ctx.bodyAsBytes());
        } catch (IOException e) {
            body = null;
        }
        if (body == null
                || !body.path("subjectId").isTextual()
                || !body.path("reason").isTextual()
                || body.get("reason").asText().isBlank()) {
            throw Problem.badRequest(
                    "the body must be JSON: {\"subjectId\": \"contact:42\", \"reason\": …}");
        }
        String subject = body.get("subjectId").asText();
        if (!SUBJECT_ID.matcher(subject).matches()) {
            throw Problem.badRequest("subjectId must be a subject id like contact:42");
        }
        String reason = body.get("reason").asText().strip();
        if (reason.length() > MAX_PURPOSE) {
            throw Problem.badRequest("reason is longer than " + MAX_PURPOSE + " characters");
        }
        recordOrRefuse(
                AccessRecord.of(
                        who,
                        reason,
                        "erasure-request",
                        List.of(subject),
                        1,
                        "subject",
                        clock.instant()));
        JsonNode created;
        try {
            created = backend.requestErasure(subject, reason, who.name());
        } catch (IllegalArgumentException e) {
            throw Problem.badRequest(e.getMessage());
        } catch (IllegalStateException e) {
            throw new Problem(409, "erasure-refused", e.getMessage());
        }
        ctx.status(201);
        json(ctx, created);
    }

    private void listUsers(Context ctx, Principal who) throws Exception {
        ArrayNode list = JSON.createArrayNode();
        for (User u : users.list()) {
            ObjectNode n = list.addObject();
            n.put("name", u.name());
            n.put("role", u.role().id());
            n.put("disabled", u.disabled());
            n.put("createdAt", String.valueOf(u.createdAt()));
            n.put("passwordSetAt", String.valueOf(u.passwordSetAt()));
        }
        json(ctx, JSON.createObjectNode().set("users", list));
    }

    /** The required purpose or case reference of a read of personal data. */
    private static String purpose(Context ctx) {
        String purpose = ctx.queryParam("purpose");
        if (purpose == null || purpose.isBlank()) {
            throw Problem.badRequest(
                    "purpose is required: why this person's data is looked at (a case reference,"
                            + " e.g. DSAR-2026-0042); it is recorded with the access");
        }
        if (purpose.length() > MAX_PURPOSE) {
            throw Problem.badRequest("purpose is longer than " + MAX_PURPOSE + " characters");
        }
        return purpose.strip();
    }

    private void recordOrRefuse(AccessRecord access) {
        try {
            backend.record(access);
        } catch (Exception e) {
            LOG.error("an access could not be recorded: {}", e.getClass().getName());
            throw new Problem(
                    503,
                    "access-not-recorded",
                    "the access could not be recorded in the audit log, so nothing is shown; try"
                            + " again when the stack is healthy");
        }
    }
}
