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
 * Lethe's front door: the REST API under {@value #API}, on Javalin (Jetty 12), and the web console
 * at {@code /} (static files calling the same API). Every endpoint but {@code health}, {@code
 * openapi.json}, {@code token} and signing in or out of a session needs a bearer token (issued here
 * at sign-in, or by the configured OIDC issuer) or the console's session cookie, whose role grants
 * the endpoint's scope; every answer that shows personal data is recorded in the audit log before
 * it is sent.
 *
 * <p>The console's session is a token of {@link LocalTokens} in an HttpOnly, SameSite=Strict
 * cookie. A cookie is sent by the browser on its own, so every unsafe request (POST, PUT, PATCH,
 * DELETE) authenticated by it must also carry the session's CSRF token in {@value #CSRF_HEADER}
 * (the token is a claim of the signed session token, handed to the console's script at sign-in);
 * bearer tokens are sent only on purpose and need none.
 */
public final class LetheServer implements AutoCloseable {

    public static final String API = "/api/v1";

    /** The console's session cookie. */
    public static final String SESSION_COOKIE = "lethe_session";

    /** The header that carries a session's CSRF token on unsafe requests. */
    public static final String CSRF_HEADER = "X-CSRF-Token";

    /** What the console's pages may load and run: their own files only. */
    static final String CONTENT_SECURITY_POLICY =
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
                    + " connect-src 'self'; form-action 'self'; base-uri 'none';"
                    + " frame-ancestors 'none'";

    private static final java.util.Set<String> SAFE_METHODS =
            java.util.Set.of("GET", "HEAD", "OPTIONS");

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

    /** Sessions signed out before their token expired: token id to expiry. */
    private final java.util.Map<String, java.time.Instant> signedOut =
            new java.util.concurrent.ConcurrentHashMap<>();

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
                            // the console: static files from the classpath, no build step
                            config.staticFiles.add(
                                    files -> {
                                        files.hostedPath = "/";
                                        files.directory = "/dev/lethe/server/console";
                                        files.location =
                                                io.javalin.http.staticfiles.Location.CLASSPATH;
                                    });
                            config.routes.before(
                                    ctx -> {
                                        ctx.header("Cache-Control", "no-store");
                                        ctx.header("X-Content-Type-Options", "nosniff");
                                        ctx.header(
                                                "Content-Security-Policy", CONTENT_SECURITY_POLICY);
                                        ctx.header("X-Frame-Options", "DENY");
                                        ctx.header("Referrer-Policy", "no-referrer");
                                    });
                            open(config.routes, "GET", API + "/health", this::health);
                            open(config.routes, "GET", API + "/openapi.json", this::openApi);
                            open(config.routes, "POST", API + "/token", this::token);
                            open(config.routes, "POST", API + "/session", this::signInSession);
                            open(config.routes, "DELETE", API + "/session", this::signOutSession);
                            scoped(
                                    config.routes,
                                    "GET",
                                    API + "/session",
                                    List.of(),
                                    this::session);
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
                                    API + "/purges/scheduled",
                                    Role.Scope.PURGES_READ,
                                    this::scheduledPurges);
                            scoped(
                                    config.routes,
                                    "GET",
                                    API + "/purges/backlog",
                                    Role.Scope.PURGES_READ,
                                    (ctx, who) -> json(ctx, backend.purgeBacklog()));
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
                                    "POST",
                                    API + "/subjects/{subjectId}/erasure-preview",
                                    Role.Scope.ERASURE_PREVIEW,
                                    this::erasurePreview);
                            adminAndApprovalRoutes(config.routes);
                            scoped(
                                    config.routes,
                                    "GET",
                                    API + "/users",
                                    Role.Scope.USERS_MANAGE,
                                    this::listUsers);
                            scoped(
                                    config.routes,
                                    "POST",
                                    API + "/users",
                                    Role.Scope.USERS_MANAGE,
                                    this::addUser);
                            scoped(
                                    config.routes,
                                    "POST",
                                    API + "/users/{name}/disable",
                                    Role.Scope.USERS_MANAGE,
                                    this::disableUser);
                            scoped(
                                    config.routes,
                                    "POST",
                                    API + "/users/{name}/reset",
                                    Role.Scope.USERS_MANAGE,
                                    this::resetUser);
                            config.routes.exception(Problem.class, (e, ctx) -> e.write(ctx));
                            config.routes.exception(
                                    UnsupportedOperationException.class,
                                    (e, ctx) ->
                                            Problem.write(
                                                    ctx,
                                                    501,
                                                    "not-implemented",
                                                    "this server does not offer that yet"));
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
            case "DELETE" -> r.delete(path, h);
            default -> throw new IllegalArgumentException(method);
        }
    }

    /**
     * The caller of a request with a valid bearer token or session cookie, or a 401 problem; a
     * cookie on an unsafe request without the session's CSRF token is a 403 problem.
     */
    Principal authenticate(Context ctx) throws Exception {
        String header = ctx.header("Authorization");
        if (header == null && ctx.cookie(SESSION_COOKIE) != null) {
            return sessionCaller(ctx).who();
        }
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"lethe\"");
            throw Problem.unauthorized(
                    "sign in first: POST "
                            + API
                            + "/token, then send Authorization: Bearer <token> (or sign in to"
                            + " the console at /)");
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

    /**
     * The session of a request's cookie: valid, not signed out, its user still enabled, and on an
     * unsafe method its CSRF token repeated in {@value #CSRF_HEADER}. A session past half its life
     * gets a fresh cookie (same CSRF token), so it ends after {@code tokenTtl} without a request.
     */
    private LocalTokens.Session sessionCaller(Context ctx) {
        Optional<LocalTokens.Session> s = validSession(ctx);
        if (s.isEmpty()) {
            clearSessionCookie(ctx);
            throw new Problem(
                    401, "session-expired", "the session expired or ended: sign in again");
        }
        LocalTokens.Session session = s.get();
        if (!SAFE_METHODS.contains(ctx.method().name())) {
            String sent = ctx.header(CSRF_HEADER);
            if (sent == null
                    || !java.security.MessageDigest.isEqual(
                            sent.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                            session.csrf().getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
                LOG.warn(
                        "refused a {} for {}: session cookie without its CSRF token",
                        ctx.method().name(),
                        session.who().name());
                throw new Problem(
                        403,
                        "csrf",
                        "a request signed in by the session cookie must carry the session's "
                                + CSRF_HEADER
                                + " header");
            }
        }
        if (java.time.Duration.between(clock.instant(), session.expiresAt())
                        .compareTo(tokens.ttl().dividedBy(2))
                < 0) {
            setSessionCookie(
                    ctx,
                    tokens.issueSession(session.who().name(), session.who().role(), session.csrf())
                            .token());
        }
        return session;
    }

    private Optional<LocalTokens.Session> validSession(Context ctx) {
        String cookie = ctx.cookie(SESSION_COOKIE);
        if (cookie == null) {
            return Optional.empty();
        }
        return tokens.verifySession(cookie)
                .filter(x -> !signedOut.containsKey(x.id()))
                .filter(x -> stillEnabled(x.who()));
    }

    private void setSessionCookie(Context ctx, String token) {
        ctx.res()
                .addHeader(
                        "Set-Cookie",
                        SESSION_COOKIE
                                + "="
                                + token
                                + "; Path=/; Max-Age="
                                + tokens.ttl().toSeconds()
                                + "; HttpOnly; SameSite=Strict"
                                + (secure(ctx) ? "; Secure" : ""));
    }

    private static void clearSessionCookie(Context ctx) {
        ctx.res()
                .addHeader(
                        "Set-Cookie",
                        SESSION_COOKIE
                                + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"
                                + (secure(ctx) ? "; Secure" : ""));
    }

    /** Whether the request came over TLS (then the cookie is never sent over plain HTTP). */
    private static boolean secure(Context ctx) {
        return "https".equalsIgnoreCase(ctx.scheme());
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

    /**
     * {@code POST /token}: a sign-in with name and password, or ({@code "grant_type":
     * "refresh_token"}) the next access token of a sign-in. Both answer an access token and the
     * sign-in's refresh token; a refresh keeps the sign-in's end and works only while the user is
     * enabled and has the password the sign-in was made with.
     */
    private void token(Context ctx) throws Exception {
        JsonNode body = null;
        try {
            body = JSON.readTree(ctx.bodyAsBytes());
        } catch (IOException e) {
            body = null; // checkSignIn says what the body must be
        }
        if (body != null && "refresh_token".equals(body.path("grant_type").asText())) {
            refreshToken(ctx, body);
            return;
        }
        Optional<User> user = checkSignIn(ctx);
        if (user.isEmpty()) {
            return;
        }
        json(ctx, tokenAnswer(user.get(), tokens.issueRefresh(user.get())));
    }

    private void refreshToken(Context ctx, JsonNode body) throws Exception {
        if (!body.path("refresh_token").isTextual()) {
            throw Problem.badRequest(
                    "the body must be JSON: {\"grant_type\": \"refresh_token\", \"refresh_token\": …}");
        }
        Optional<LocalTokens.Refresh> r = tokens.verifyRefresh(body.get("refresh_token").asText());
        Optional<User> user = Optional.empty();
        if (r.isPresent()) {
            user =
                    users.credentials(r.get().name())
                            .map(UserStore.Credentials::user)
                            .filter(u -> !u.disabled())
                            .filter(
                                    u ->
                                            u.passwordSetAt() != null
                                                    && u.passwordSetAt().toEpochMilli()
                                                            == r.get().passwordSetAtMillis());
        }
        if (user.isEmpty()) {
            LOG.warn(
                    "token refresh refused from {} ({})",
                    ctx.ip(),
                    r.isEmpty() ? "invalid or ended sign-in" : "user disabled or password reset");
            throw Problem.unauthorized(
                    "the sign-in has ended (expired, the user disabled or the password reset):"
                            + " sign in again");
        }
        json(ctx, tokenAnswer(user.get(), tokens.issueRefresh(user.get(), r.get().signInEnds())));
    }

    private ObjectNode tokenAnswer(User user, LocalTokens.Issued refresh) {
        LocalTokens.Issued t = tokens.issue(user);
        ObjectNode out = JSON.createObjectNode();
        out.put("access_token", t.token());
        out.put("token_type", "Bearer");
        out.put("expires_in", t.expiresIn());
        out.put("refresh_token", refresh.token());
        out.put("refresh_expires_in", refresh.expiresIn());
        return out;
    }

    /**
     * The console's sign-in: the same checks, throttle and failure records as {@code /token}; the
     * session token goes to an HttpOnly cookie, its CSRF token to the answer.
     */
    private void signInSession(Context ctx) throws Exception {
        // a form of another site cannot send JSON: no signing in a victim to someone else's account
        String type = ctx.contentType();
        if (type == null
                || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new Problem(
                    415, "unsupported-media-type", "send the sign-in as application/json");
        }
        Optional<User> user = checkSignIn(ctx);
        if (user.isEmpty()) {
            return;
        }
        String csrf = LocalTokens.newCsrfToken();
        LocalTokens.Issued t = tokens.issueSession(user.get().name(), user.get().role(), csrf);
        setSessionCookie(ctx, t.token());
        Principal who = new Principal(user.get().name(), user.get().role(), LocalTokens.ISSUER);
        ObjectNode out = whoAmI(who);
        out.put("csrfToken", csrf);
        out.put("expires_in", t.expiresIn());
        json(ctx, out);
    }

    /** Who the caller is, and, signed in by the session cookie, the session's CSRF token. */
    private void session(Context ctx, Principal who) throws Exception {
        ObjectNode out = whoAmI(who);
        if (ctx.header("Authorization") == null) {
            validSession(ctx).ifPresent(s -> out.put("csrfToken", s.csrf()));
        }
        json(ctx, out);
    }

    /**
     * Signs out: the cookie is cleared and the session's token refused from now on (a valid session
     * needs its CSRF token for that, like any unsafe request).
     */
    private void signOutSession(Context ctx) throws Exception {
        if (ctx.header("Authorization") == null && validSession(ctx).isPresent()) {
            LocalTokens.Session s = sessionCaller(ctx);
            java.time.Instant now = clock.instant();
            signedOut.entrySet().removeIf(e -> e.getValue().isBefore(now));
            signedOut.put(s.id(), s.expiresAt());
            LOG.info("signed out: {}", s.who().name());
        }
        clearSessionCookie(ctx);
        ctx.status(204);
    }

    /**
     * Checks a sign-in's user name and password (throttled, failures logged); the user, or empty
     * when the answer (429) is written already.
     */
    private Optional<User> checkSignIn(Context ctx) throws Exception {
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
            return Optional.empty();
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
        LOG.info("signed in: {} ({})", name, c.get().user().role().id());
        return Optional.of(c.get().user());
    }

    private static void json(Context ctx, JsonNode body) throws IOException {
        ctx.contentType("application/json").result(JSON.writeValueAsBytes(body));
    }

    /** A user name as logs show it: a name that is not a valid user name is not repeated. */
    private static String shown(String name) {
        return User.isValidName(name) ? name : "(not a user name)";
    }

    private void me(Context ctx, Principal who) throws IOException {
        json(ctx, whoAmI(who));
    }

    private static ObjectNode whoAmI(Principal who) {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", who.name());
        n.put("role", who.role().id());
        n.put("issuer", who.issuer());
        ArrayNode scopes = n.putArray("scopes");
        who.role().scopes().stream().sorted().forEach(scopes::add);
        return n;
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
        // which locations are mentions in other people's records is the server's to say, whatever
        // the backend answered
        json(ctx, Mentions.mark(found.body().deepCopy()));
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
     * The audit log, newest first (or oldest first with {@code order=oldest}), paged by cursor. An
     * auditor reads every entry with personal values masked; a DPO reads one subject's history with
     * its values, for a purpose, recorded.
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
        AuditQuery.Order order = order(ctx.queryParam("order"));
        // the cursor continues after the previous page in the page's order: below it newest
        // first, above it oldest first
        Long cursor = cursor(ctx.queryParam("after"));
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
                        order == AuditQuery.Order.NEWEST ? cursor : null,
                        order == AuditQuery.Order.OLDEST ? cursor : null,
                        order,
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

    /** {@code order=newest} (the default) or {@code order=oldest}. */
    private static AuditQuery.Order order(String v) {
        if (v == null || v.isBlank()) {
            return AuditQuery.Order.NEWEST;
        }
        for (AuditQuery.Order o : AuditQuery.Order.values()) {
            if (o.id().equalsIgnoreCase(v.strip())) {
                return o;
            }
        }
        throw Problem.badRequest("order must be newest or oldest");
    }

    /**
     * The opaque cursor a page's {@code next} gave: the log index to continue below (newest first)
     * or above (oldest first).
     */
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

    /** The cursor of the (older) newest-first page after the one ending at {@code logIndex}. */
    public static String cursorBelow(long logIndex) {
        return cursorAfter(logIndex);
    }

    /**
     * The cursor of the page after the one ending at {@code logIndex}, in the page's order: older
     * entries newest first, newer ones oldest first.
     */
    public static String cursorAfter(long logIndex) {
        return java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                        Long.toString(logIndex)
                                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    /** {@code GET /purges/scheduled?limit=&after=}: the schedule, soonest first, by cursor. */
    private void scheduledPurges(Context ctx, Principal who) throws Exception {
        int limit = limit(ctx.queryParam("limit"));
        Optional<String> after =
                Optional.ofNullable(ctx.queryParam("after")).filter(a -> !a.isBlank());
        JsonNode page;
        try {
            page = backend.scheduledPurges(limit, after);
        } catch (IllegalArgumentException e) {
            throw Problem.badRequest(
                    "after: not a cursor of the purge schedule (take the one a page answered)");
        }
        json(ctx, page);
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

    /** A verification started here: running (with its progress), or done with its result. */
    private record Verification(
            java.util.concurrent.CompletableFuture<JsonNode> result,
            VerificationProgress progress) {}

    /** Verifications started here, by id. */
    private final java.util.Map<String, Verification> verifications =
            new java.util.concurrent.ConcurrentHashMap<>();

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
            verifications.entrySet().removeIf(e -> e.getValue().result().isDone());
        }
        String fromHead = null;
        if (!ctx.body().isBlank()) {
            JsonNode body = jsonBody(ctx, "{\"from\": \"<tree head hash>\"} or no body");
            if (body.hasNonNull("from")) {
                fromHead = body.path("from").asText();
                if (!fromHead.matches("[0-9a-fA-F]{64}")) {
                    throw Problem.badRequest(
                            "from: a tree head's checkpoint hash, 64 hex digits (as a verification"
                                    + " reports for its latest checkpoint)");
                }
            }
        }
        String from = fromHead;
        String id = UUID.randomUUID().toString();
        VerificationProgress progress = new VerificationProgress();
        progress.phase("queued");
        verifications.put(
                id,
                new Verification(
                        java.util.concurrent.CompletableFuture.supplyAsync(
                                () -> {
                                    try {
                                        progress.phase("starting");
                                        return backend.verifyLog(from, progress);
                                    } catch (Exception e) {
                                        // what the status answer points to; the verifier's
                                        // messages name log positions and hashes, never values
                                        LOG.warn("verification {} could not run", id, e);
                                        throw new java.util.concurrent.CompletionException(e);
                                    }
                                },
                                verifier),
                        progress));
        LOG.info("verification {} started by {}", id, who.name());
        ctx.status(202).header("Location", API + "/audit/verifications/" + id);
        json(ctx, JSON.createObjectNode().put("id", id).put("status", "running"));
    }

    private void verification(Context ctx, Principal who) throws Exception {
        Verification v = verifications.get(ctx.pathParam("id"));
        if (v == null) {
            throw Problem.notFound(
                    "no verification with that id (they live as long as the server)");
        }
        java.util.concurrent.CompletableFuture<JsonNode> f = v.result();
        ObjectNode out = JSON.createObjectNode().put("id", ctx.pathParam("id"));
        if (!f.isDone()) {
            out.put("status", "running");
            out.set("progress", v.progress().toJson());
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
                        instant(ctx, "since"),
                        instant(ctx, "until"),
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

    /**
     * A dry run of an erasure: what would be deleted, anonymized, redacted and what blocks it. It
     * shows where the person's data lives, so it needs a purpose and is recorded first.
     */
    private void erasurePreview(Context ctx, Principal who) throws Exception {
        String subject = ctx.pathParam("subjectId");
        if (!SUBJECT_ID.matcher(subject).matches()) {
            throw Problem.badRequest("subjectId must look like contact:42");
        }
        String purpose = purpose(ctx);
        recordOrRefuse(
                AccessRecord.of(
                        who,
                        purpose,
                        "erasure-preview",
                        List.of(subject),
                        1,
                        "subject",
                        clock.instant()));
        try {
            json(ctx, backend.erasurePreview(subject));
        } catch (IllegalArgumentException nobody) {
            throw Problem.notFound(nobody.getMessage());
        }
    }

    /**
     * Adds a local user ({@code {"username", "role", "password"?}}); without a password one is
     * generated and shown once in the answer, like {@code ./lethe users add}.
     */
    private void addUser(Context ctx, Principal who) throws Exception {
        JsonNode body = jsonBody(ctx, "{\"username\": …, \"role\": \"dpo|auditor|admin\"}");
        String name = body.path("username").asText(null);
        if (!User.isValidName(name)) {
            throw Problem.badRequest(
                    "username: 1 to 64 letters, digits, dot, dash or underscore, starting with a"
                            + " letter");
        }
        Role role =
                Role.of(body.path("role").asText(null))
                        .orElseThrow(
                                () -> Problem.badRequest("role must be dpo, auditor or admin"));
        Password pw = password(body);
        try {
            users.add(name, role, passwords.hash(pw.value()));
        } catch (IllegalArgumentException taken) {
            throw new Problem(409, "user-exists", "a user with that name exists already");
        }
        LOG.info("user {} ({}) added by {}", name, role.id(), who.name());
        ObjectNode out = JSON.createObjectNode().put("name", name).put("role", role.id());
        pw.shownOnce(out);
        ctx.status(201);
        json(ctx, out);
    }

    private void disableUser(Context ctx, Principal who) throws Exception {
        String name = userName(ctx);
        if (!users.disable(name)) {
            throw Problem.notFound("no user with that name");
        }
        LOG.info("user {} disabled by {}", name, who.name());
        json(ctx, JSON.createObjectNode().put("name", name).put("disabled", true));
    }

    /**
     * Sets a new password ({@code {"password"?}}, generated and shown once when absent) and enables
     * the user again, like {@code ./lethe users reset}.
     */
    private void resetUser(Context ctx, Principal who) throws Exception {
        String name = userName(ctx);
        JsonNode body =
                ctx.bodyAsBytes().length == 0
                        ? JSON.createObjectNode()
                        : jsonBody(ctx, "{\"password\": …} or no body");
        Password pw = password(body);
        if (!users.resetPassword(name, passwords.hash(pw.value()))) {
            throw Problem.notFound("no user with that name");
        }
        LOG.info("user {} reset by {}", name, who.name());
        ObjectNode out = JSON.createObjectNode().put("name", name).put("disabled", false);
        pw.shownOnce(out);
        json(ctx, out);
    }

    /** A password given in a request's body, or a generated one to show once. */
    private record Password(String value, boolean generated) {
        void shownOnce(ObjectNode out) {
            if (generated) {
                out.put("password", value);
            }
        }
    }

    private static Password password(JsonNode body) {
        JsonNode given = body.get("password");
        if (given == null || given.isNull()) {
            return new Password(Passwords.generate(), true);
        }
        if (!given.isTextual() || given.asText().length() < Passwords.MIN_LENGTH) {
            throw Problem.badRequest(
                    "password needs at least " + Passwords.MIN_LENGTH + " characters");
        }
        return new Password(given.asText(), false);
    }

    private static String userName(Context ctx) {
        String name = ctx.pathParam("name");
        if (!User.isValidName(name)) {
            throw Problem.badRequest("not a user name");
        }
        return name;
    }

    private static JsonNode jsonBody(Context ctx, String shape) {
        JsonNode body;
        try {
            body = JSON.readTree(ctx.bodyAsBytes());
        } catch (IOException e) {
            body = null;
        }
        if (body == null || !body.isObject()) {
            throw Problem.badRequest("the body must be JSON: " + shape);
        }
        return body;
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

    // ---- the admin's pages and erasure decisions (retry, four-eyes approval) ----

    /** The routes of the admin's pages and of the decisions on erasure requests. */
    private void adminAndApprovalRoutes(io.javalin.config.RoutesConfig r) {
        scoped(r, "GET", API + "/status", Role.Scope.STATUS_READ, this::status);
        scoped(r, "GET", API + "/metrics", Role.Scope.STATUS_READ, this::metrics);
        scoped(r, "GET", API + "/dead-letters", Role.Scope.STATUS_READ, this::deadLetters);
        scoped(r, "GET", API + "/config/catalog", Role.Scope.CONFIG_READ, this::catalog);
        scoped(
                r,
                "GET",
                API + "/config/retention-policy",
                Role.Scope.CONFIG_READ,
                this::retentionPolicy);
        scoped(
                r,
                "POST",
                API + "/erasure-requests/{requestId}/retry",
                Role.Scope.ERASURE_RETRY,
                this::retryErasure);
        scoped(
                r,
                "POST",
                API + "/erasure-requests/{requestId}/approve",
                Role.Scope.ERASURE_APPROVE,
                this::approveErasure);
        scoped(
                r,
                "POST",
                API + "/erasure-requests/{requestId}/reject",
                Role.Scope.ERASURE_APPROVE,
                this::rejectErasure);
    }

    /** How far back the dead letters may be read: the dead-letter topic keeps seven days. */
    private static final Duration DEAD_LETTERS_MAX = Duration.ofDays(7);

    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

    /** The stack's health as Prometheus metrics (numbers only). */
    private void metrics(Context ctx, Principal who) throws Exception {
        ctx.contentType(PrometheusMetrics.CONTENT_TYPE)
                .result(PrometheusMetrics.of(backend.status()));
    }

    private void status(Context ctx, Principal who) throws Exception {
        json(ctx, backend.status());
    }

    private void catalog(Context ctx, Principal who) throws Exception {
        json(ctx, backend.catalog());
    }

    private void retentionPolicy(Context ctx, Principal who) throws Exception {
        json(ctx, backend.retentionPolicy());
    }

    /** The dead letters since {@code since} (default: the last day; at most seven days back). */
    private void deadLetters(Context ctx, Principal who) throws Exception {
        java.time.Instant now = clock.instant();
        java.time.Instant since = instant(ctx, "since");
        if (since == null) {
            since = now.minus(Duration.ofDays(1));
        }
        if (since.isBefore(now.minus(DEAD_LETTERS_MAX))) {
            throw Problem.badRequest(
                    "since must be within the last 7 days (the dead-letter topic keeps no more)");
        }
        json(ctx, backend.deadLetters(since));
    }

    /** The request named by the path, or a 404 problem. */
    private JsonNode erasureRequestOf(Context ctx) throws Exception {
        String id = ctx.pathParam("requestId");
        if (!REQUEST_ID.matcher(id).matches()) {
            throw Problem.badRequest("not an erasure request id");
        }
        try {
            return backend.erasureRequest(id);
        } catch (IllegalArgumentException none) {
            throw Problem.notFound("no erasure request with that id");
        }
    }

    /**
     * Makes a blocked or failing erasure request due now; who asked is on the record (action {@code
     * erasure-retry}) before it changes.
     */
    private void retryErasure(Context ctx, Principal who) throws Exception {
        JsonNode request = erasureRequestOf(ctx);
        String status = request.path("status").asText();
        if (!List.of("blocked", "failing").contains(status)) {
            throw new Problem(
                    409,
                    "erasure-not-retryable",
                    "only a blocked or failing request can be retried; this one is " + status);
        }
        decided(
                ctx,
                who,
                request,
                "erasure-retry",
                "retry of erasure request " + request.path("requestId").asText(),
                () -> backend.retryErasure(request.path("requestId").asText(), who.name()));
    }

    /**
     * Four-eyes: a second DPO approves a request awaiting approval; the DPO who asked for it gets a
     * 403. The approval is on the record (action {@code erasure-approve}) before it changes.
     */
    private void approveErasure(Context ctx, Principal who) throws Exception {
        JsonNode request = erasureRequestOf(ctx);
        awaitingApproval(request);
        if (who.name().equals(request.path("requestedBy").asText(null))) {
            throw new Problem(
                    403,
                    "four-eyes",
                    "you requested this erasure: a second, different DPO must approve it (you may"
                            + " reject it to withdraw it)");
        }
        decided(
                ctx,
                who,
                request,
                "erasure-approve",
                "approval of erasure request " + request.path("requestId").asText(),
                () -> backend.approveErasure(request.path("requestId").asText(), who.name()));
    }

    /**
     * Four-eyes: rejects a request awaiting approval ({@code {"reason"}}, kept for good); on the
     * record (action {@code erasure-reject}, the reason as its purpose) before it changes.
     */
    private void rejectErasure(Context ctx, Principal who) throws Exception {
        JsonNode body = jsonBody(ctx, "{\"reason\": …}");
        String reason = body.path("reason").asText("").strip();
        if (reason.isEmpty()) {
            throw Problem.badRequest("reason is required: why the erasure is rejected");
        }
        if (reason.length() > MAX_PURPOSE) {
            throw Problem.badRequest("reason is longer than " + MAX_PURPOSE + " characters");
        }
        JsonNode request = erasureRequestOf(ctx);
        awaitingApproval(request);
        decided(
                ctx,
                who,
                request,
                "erasure-reject",
                reason,
                () ->
                        backend.rejectErasure(
                                request.path("requestId").asText(), who.name(), reason));
    }

    private static void awaitingApproval(JsonNode request) {
        String status = request.path("status").asText();
        if (!"awaiting-approval".equals(status)) {
            throw new Problem(
                    409,
                    "erasure-not-awaiting-approval",
                    "only a request awaiting approval can be approved or rejected; this one is "
                            + status);
        }
    }

    /** A decision on an erasure request, made by the backend. */
    @FunctionalInterface
    private interface Decision {
        JsonNode make() throws Exception;
    }

    /** Records the decision in the audit log, then makes it; answers the request as it is now. */
    private void decided(
            Context ctx,
            Principal who,
            JsonNode request,
            String action,
            String purpose,
            Decision decision)
            throws Exception {
        recordOrRefuse(
                AccessRecord.of(
                        who,
                        purpose,
                        action,
                        List.of(request.path("subjectId").asText()),
                        1,
                        "subject",
                        clock.instant()));
        JsonNode now;
        try {
            now = decision.make();
        } catch (IllegalArgumentException e) {
            throw Problem.badRequest(e.getMessage());
        } catch (IllegalStateException e) {
            throw new Problem(409, "erasure-request-changed", e.getMessage());
        } catch (SecurityException e) {
            throw new Problem(403, "four-eyes", e.getMessage());
        }
        LOG.info(
                "erasure request {}: {} by {}",
                request.path("requestId").asText(),
                action,
                who.name());
        json(ctx, now);
    }
}
