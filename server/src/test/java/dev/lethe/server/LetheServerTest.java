package dev.lethe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP layer on a real Jetty (port 0) with users in memory and a recording backend: sign-in,
 * the authorization matrix over every endpoint and role, token expiry, the login rate limit, the
 * access record written before personal data is shown, and the OpenAPI document.
 */
class LetheServerTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String PASSWORD = "correct horse battery";

    static final class MutableClock extends Clock {
        volatile Instant now = Instant.parse("2026-12-06T09:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    static MutableClock clock = new MutableClock();
    static InMemoryUsers users = new InMemoryUsers();
    static RecordingBackend backend = new RecordingBackend();
    static LetheServer server;
    static HttpClient http = HttpClient.newHttpClient();
    static Passwords passwords = new Passwords();

    @BeforeAll
    static void start() throws Exception {
        TestServer.addOnePerRole(users, passwords, PASSWORD);
        users.add("gone", Role.DPO, passwords.hash(PASSWORD));
        users.disable("gone");
        users.add("spare1", Role.AUDITOR, passwords.hash(PASSWORD));
        server = TestServer.start(users, passwords, clock, backend);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void reset() {
        backend.recorded.clear();
        backend.refuseRecords = false;
        backend.decisions.clear();
        clock.now = clock.now.plus(Duration.ofHours(1)); // past any earlier test's throttle
    }

    static HttpResponse<String> send(String method, String path, String token, String body)
            throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        b.method(
                method,
                body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> signIn(String user, String password) throws Exception {
        return send(
                "POST",
                "/api/v1/token",
                null,
                JSON.createObjectNode().put("username", user).put("password", password).toString());
    }

    static String token(Role role) throws Exception {
        HttpResponse<String> r = signIn(role.id() + "1", PASSWORD);
        assertThat(r.statusCode()).isEqualTo(200);
        return JSON.readTree(r.body()).get("access_token").asText();
    }

    /** A verification the auditor started, for the matrix's GET of one. */
    static String lastVerification;

    static final java.util.concurrent.atomic.AtomicInteger NEW_USERS =
            new java.util.concurrent.atomic.AtomicInteger();

    /** A body that satisfies the endpoint, for the matrix (null: none). */
    static String exampleBody(LetheServer.Route route) {
        if (route.method().equals("POST") && route.path().endsWith("/erasure-requests")) {
            return "{\"subjectId\": \"contact:8\", \"reason\": \"Art. 17 request 7\"}";
        }
        if (route.path().endsWith("/reject")) {
            return "{\"reason\": \"identity not verified\"}";
        }
        if (route.method().equals("POST") && route.path().equals("/api/v1/users")) {
            return "{\"username\": \"matrix"
                    + NEW_USERS.incrementAndGet()
                    + "\", \"role\": \"auditor\"}";
        }
        return null;
    }

    /** A request that satisfies the endpoint's parameters, for the matrix. */
    static String example(LetheServer.Route route) {
        return switch (route.path()) {
            case "/api/v1/subjects" -> route.path() + "?q=ada%40example.org&purpose=DSAR-1";
            case "/api/v1/subjects/{subjectId}/accesses" -> "/api/v1/subjects/contact:7/accesses";
            case "/api/v1/audit/entries" -> route.path() + "?subject=contact:7&purpose=DSAR-1";
            case "/api/v1/audit/verifications/{id}" ->
                    "/api/v1/audit/verifications/" + lastVerification;
            case "/api/v1/audit/proofs/<entityId>/{seq}" -> "/api/v1/audit/proofs/contacts/7/3";
            case "/api/v1/subjects/{subjectId}/exports" ->
                    "/api/v1/subjects/contact:7/exports?purpose=DSAR-1";
            case "/api/v1/subjects/{subjectId}/erasure-preview" ->
                    "/api/v1/subjects/contact:7/erasure-preview?purpose=DSAR-1";
            case "/api/v1/users/{name}/disable" -> "/api/v1/users/spare1/disable";
            case "/api/v1/users/{name}/reset" -> "/api/v1/users/spare1/reset";
            case "/api/v1/erasure-requests/{requestId}/retry" ->
                    "/api/v1/erasure-requests/r-blocked/retry";
            case "/api/v1/erasure-requests/{requestId}/approve" ->
                    "/api/v1/erasure-requests/r-await/approve";
            case "/api/v1/erasure-requests/{requestId}/reject" ->
                    "/api/v1/erasure-requests/r-await/reject";
            default -> route.path();
        };
    }

    @Test
    void healthAndTheOpenApiDocumentNeedNoSignIn() throws Exception {
        HttpResponse<String> health = send("GET", "/api/v1/health", null, null);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(health.body()).get("status").asText()).isEqualTo("UP");
        HttpResponse<String> doc = send("GET", "/api/v1/openapi.json", null, null);
        assertThat(doc.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(doc.body()).get("openapi").asText()).startsWith("3.");
    }

    @Test
    void theOpenApiDocumentDescribesEveryEndpointWithItsScope() throws Exception {
        JsonNode doc;
        try (InputStream in = LetheServer.class.getResourceAsStream("openapi.json")) {
            doc = JSON.readTree(in);
        }
        Set<String> documented = new HashSet<>();
        doc.get("paths")
                .fields()
                .forEachRemaining(
                        p ->
                                p.getValue()
                                        .fields()
                                        .forEachRemaining(
                                                m ->
                                                        documented.add(
                                                                describe(
                                                                        m.getKey(),
                                                                        p.getKey(),
                                                                        m.getValue()))));
        Set<String> served = new HashSet<>();
        for (LetheServer.Route r : server.routes()) {
            served.add(
                    r.method()
                            + " "
                            + r.path().replace('<', '{').replace('>', '}')
                            + (r.open() ? " open" : " " + new java.util.TreeSet<>(r.scopes())));
        }
        // an endpoint open to every signed-in user has no scope, like the open ones
        assertThat(documented).isEqualTo(served);
    }

    private static String describe(String method, String path, JsonNode op) {
        String access;
        if (!op.has("security")) {
            access = "open";
        } else {
            java.util.TreeSet<String> scopes = new java.util.TreeSet<>();
            op.path("x-lethe-scopes").forEach(x -> scopes.add(x.asText()));
            access = scopes.toString();
        }
        return method.toUpperCase() + " /api/v1" + path + " " + access;
    }

    @Test
    void signInReturnsAShortLivedBearerToken() throws Exception {
        HttpResponse<String> r = signIn("dpo1", PASSWORD);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode t = JSON.readTree(r.body());
        assertThat(t.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(t.get("expires_in").asLong()).isEqualTo(900);
        assertThat(t.get("access_token").asText()).contains(".");
        HttpResponse<String> me = send("GET", "/api/v1/me", t.get("access_token").asText(), null);
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(me.body()).get("role").asText()).isEqualTo("dpo");
    }

    @Test
    void wrongPasswordsUnknownAndDisabledUsersAreRefusedAlike() throws Exception {
        for (String[] c :
                List.of(
                        new String[] {"dpo1", "wrong password!!"},
                        new String[] {"nobody", PASSWORD},
                        new String[] {"gone", PASSWORD})) {
            HttpResponse<String> r = signIn(c[0], c[1]);
            assertThat(r.statusCode()).as(c[0]).isEqualTo(401);
            assertThat(r.headers().firstValue("Content-Type").orElse(""))
                    .startsWith("application/problem+json");
            assertThat(r.body()).doesNotContain(c[1]);
        }
    }

    @Test
    void failedSignInsAreRateLimited() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(signIn("auditor1", "not the password " + i).statusCode()).isEqualTo(401);
        }
        HttpResponse<String> limited = signIn("auditor1", PASSWORD);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();
        clock.now = clock.now.plus(Duration.ofMinutes(6));
        assertThat(signIn("auditor1", PASSWORD).statusCode()).isEqualTo(200);
    }

    @Test
    void everyRoleReachesExactlyTheEndpointsItsScopesGrant() throws Exception {
        Map<Role, String> tokens = new java.util.EnumMap<>(Role.class);
        for (Role r : Role.values()) {
            tokens.put(r, token(r));
        }
        lastVerification =
                JSON.readTree(
                                send(
                                                "POST",
                                                "/api/v1/audit/verifications",
                                                tokens.get(Role.AUDITOR),
                                                null)
                                        .body())
                        .get("id")
                        .asText();
        List<String> unexpected = new ArrayList<>();
        int checked = 0;
        for (LetheServer.Route route : server.routes()) {
            if (route.open()) {
                continue;
            }
            String path = example(route);
            int anonymous = send(route.method(), path, null, null).statusCode();
            if (anonymous != 401) {
                unexpected.add(route + " without a token: " + anonymous);
            }
            int forged = send(route.method(), path, "not.a.token", null).statusCode();
            if (forged != 401) {
                unexpected.add(route + " with a forged token: " + forged);
            }
            for (Role role : Role.values()) {
                boolean granted = route.grants(role);
                int status =
                        send(route.method(), path, tokens.get(role), exampleBody(route))
                                .statusCode();
                checked++;
                if (granted ? status / 100 != 2 : status != 403) {
                    unexpected.add(route + " as " + role + ": " + status);
                }
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(Role.values().length * 3);
        assertThat(unexpected).isEmpty();
    }

    @Test
    void anExpiredTokenIsRefused() throws Exception {
        String t = token(Role.DPO);
        assertThat(send("GET", "/api/v1/me", t, null).statusCode()).isEqualTo(200);
        clock.now = clock.now.plus(LocalTokens.DEFAULT_TTL).plusSeconds(1);
        HttpResponse<String> r = send("GET", "/api/v1/me", t, null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate").orElse("")).contains("invalid_token");
    }

    static HttpResponse<String> refresh(String refreshToken) throws Exception {
        return send(
                "POST",
                "/api/v1/token",
                null,
                JSON.createObjectNode()
                        .put("grant_type", "refresh_token")
                        .put("refresh_token", refreshToken)
                        .toString());
    }

    @Test
    void aSignInIsRefreshedWithoutThePasswordUntilItEnds() throws Exception {
        JsonNode first = JSON.readTree(signIn("dpo1", PASSWORD).body());
        String refreshToken = first.get("refresh_token").asText();
        assertThat(first.get("refresh_expires_in").asLong())
                .isEqualTo(LocalTokens.DEFAULT_SIGN_IN_TTL.toSeconds());
        // a refresh token is no bearer token, an access token no refresh token
        assertThat(send("GET", "/api/v1/me", refreshToken, null).statusCode()).isEqualTo(401);
        assertThat(refresh(first.get("access_token").asText()).statusCode()).isEqualTo(401);

        clock.now = clock.now.plus(LocalTokens.DEFAULT_TTL).plusSeconds(1);
        assertThat(send("GET", "/api/v1/me", first.get("access_token").asText(), null).statusCode())
                .isEqualTo(401);
        HttpResponse<String> r = refresh(refreshToken);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode next = JSON.readTree(r.body());
        assertThat(send("GET", "/api/v1/me", next.get("access_token").asText(), null).statusCode())
                .isEqualTo(200);
        // the next refresh token keeps the sign-in's end: refreshing does not extend it
        assertThat(next.get("refresh_expires_in").asLong())
                .isEqualTo(
                        LocalTokens.DEFAULT_SIGN_IN_TTL
                                .minus(LocalTokens.DEFAULT_TTL)
                                .minusSeconds(1)
                                .toSeconds());
        clock.now = clock.now.plus(LocalTokens.DEFAULT_SIGN_IN_TTL);
        HttpResponse<String> ended = refresh(next.get("refresh_token").asText());
        assertThat(ended.statusCode()).isEqualTo(401);
        assertThat(ended.body()).contains("sign in again");
    }

    @Test
    void aPasswordResetOrADisabledUserEndsTheSignIn() throws Exception {
        users.add("roamer", Role.DPO, passwords.hash(PASSWORD));
        String beforeReset =
                JSON.readTree(signIn("roamer", PASSWORD).body()).get("refresh_token").asText();
        assertThat(refresh(beforeReset).statusCode()).isEqualTo(200);
        Thread.sleep(5); // a password set at another millisecond
        users.resetPassword("roamer", passwords.hash(PASSWORD + " again"));
        assertThat(refresh(beforeReset).statusCode()).isEqualTo(401);

        String afterReset =
                JSON.readTree(signIn("roamer", PASSWORD + " again").body())
                        .get("refresh_token")
                        .asText();
        assertThat(refresh(afterReset).statusCode()).isEqualTo(200);
        users.disable("roamer");
        assertThat(refresh(afterReset).statusCode()).isEqualTo(401);
        assertThat(refresh("not.a.token").statusCode()).isEqualTo(401);
        assertThat(
                        send("POST", "/api/v1/token", null, "{\"grant_type\":\"refresh_token\"}")
                                .statusCode())
                .isEqualTo(400);
    }

    @Test
    void aUserDisabledAfterSignInLosesAccessAtOnce() throws Exception {
        users.add("brief", Role.AUDITOR, passwords.hash(PASSWORD));
        HttpResponse<String> r = signIn("brief", PASSWORD);
        String t = JSON.readTree(r.body()).get("access_token").asText();
        assertThat(send("GET", "/api/v1/me", t, null).statusCode()).isEqualTo(200);
        users.disable("brief");
        assertThat(send("GET", "/api/v1/me", t, null).statusCode()).isEqualTo(401);
    }

    @Test
    void aFindNeedsAPurposeAndIsRecordedBeforeItIsShown() throws Exception {
        String dpo = token(Role.DPO);
        HttpResponse<String> noPurpose =
                send("GET", "/api/v1/subjects?q=ada%40example.org", dpo, null);
        assertThat(noPurpose.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(noPurpose.body()).get("detail").asText()).contains("purpose");
        assertThat(backend.recorded).isEmpty();

        String purpose = URLEncoder.encode("DSAR-2026-0042", StandardCharsets.UTF_8);
        HttpResponse<String> found =
                send("GET", "/api/v1/subjects?q=ada%40example.org&purpose=" + purpose, dpo, null);
        assertThat(found.statusCode()).isEqualTo(200);
        JsonNode people = JSON.readTree(found.body()).get("people");
        assertThat(people.at("/0/subjectId").asText()).isEqualTo("contact:7");
        // the server says which locations are mentions in someone else's record
        assertThat(people.at("/0/locations/0/record").asText()).isEqualTo("contacts/7");
        assertThat(people.at("/0/locations/0/mention").isBoolean()).isTrue();
        assertThat(people.at("/0/locations/0/mention").asBoolean()).isFalse();
        assertThat(people.at("/0/locations/1/record").asText()).isEqualTo("tickets/3");
        assertThat(people.at("/0/locations/1/mention").asBoolean()).isTrue();
        assertThat(backend.recorded).hasSize(1);
        AccessRecord a = backend.recorded.get(0);
        assertThat(a.user()).isEqualTo("dpo1");
        assertThat(a.role()).isEqualTo("dpo");
        assertThat(a.purpose()).isEqualTo("DSAR-2026-0042");
        assertThat(a.subjectIds()).containsExactly("contact:7");
        assertThat(a.action()).isEqualTo("find");
        assertThat(new String(a.toJson(), StandardCharsets.UTF_8))
                .doesNotContain("ada@example.org");

        HttpResponse<String> accesses =
                send("GET", "/api/v1/subjects/contact:7/accesses", token(Role.AUDITOR), null);
        assertThat(accesses.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(accesses.body()).at("/accesses/0/user").asText())
                .isEqualTo("dpo1");
    }

    @Test
    void anAuditorReadsTheLogMaskedAndADpoOneSubjectsHistoryOnTheRecord() throws Exception {
        HttpResponse<String> masked =
                send("GET", "/api/v1/audit/entries?limit=10", token(Role.AUDITOR), null);
        assertThat(masked.statusCode()).isEqualTo(200);
        JsonNode m = JSON.readTree(masked.body());
        assertThat(m.get("values").asText()).isEqualTo("masked");
        assertThat(m.at("/entries/0/changes/0/afterState").asText()).startsWith("masked:");
        assertThat(masked.body()).doesNotContain("ada@example.org");
        assertThat(backend.recorded).isEmpty();
        String next = m.get("next").asText();
        HttpResponse<String> older =
                send("GET", "/api/v1/audit/entries?after=" + next, token(Role.AUDITOR), null);
        assertThat(JSON.readTree(older.body()).at("/entries/0/logIndex").asLong()).isEqualTo(4);

        String dpo = token(Role.DPO);
        assertThat(send("GET", "/api/v1/audit/entries", dpo, null).statusCode()).isEqualTo(403);
        assertThat(send("GET", "/api/v1/audit/entries?subject=contact:7", dpo, null).statusCode())
                .isEqualTo(400);
        assertThat(backend.recorded).isEmpty();
        HttpResponse<String> values =
                send("GET", "/api/v1/audit/entries?subject=contact:7&purpose=DSAR-9", dpo, null);
        assertThat(values.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(values.body()).at("/entries/0/changes/0/after").asText())
                .isEqualTo("ada@example.org");
        assertThat(backend.recorded).hasSize(1);
        assertThat(backend.recorded.get(0).action()).isEqualTo("audit-history");
        assertThat(backend.recorded.get(0).subjectIds()).containsExactly("contact:7");

        assertThat(
                        send(
                                        "GET",
                                        "/api/v1/audit/entries?after=bm90LWEtbnVtYmVy",
                                        token(Role.AUDITOR),
                                        null)
                                .statusCode())
                .isEqualTo(400);
        assertThat(
                        send("GET", "/api/v1/audit/entries?limit=501", token(Role.AUDITOR), null)
                                .statusCode())
                .isEqualTo(400);
    }

    @Test
    void theAuditLogReadsOldestFirstWithOrderOldestAndItsCursorContinuesAbove() throws Exception {
        String auditor = token(Role.AUDITOR);
        backend.auditQueries.clear();
        // without order: newest first, as the console reads it, the cursor continuing below
        JsonNode newest = JSON.readTree(send("GET", "/api/v1/audit/entries", auditor, null).body());
        assertThat(newest.at("/entries/0/logIndex").asLong()).isEqualTo(5);
        AuditQuery first = backend.auditQueries.get(0);
        assertThat(first.order()).isEqualTo(AuditQuery.Order.NEWEST);
        assertThat(first.limit()).isEqualTo(AuditQuery.DEFAULT_LIMIT);
        String below = newest.get("next").asText();
        send("GET", "/api/v1/audit/entries?order=newest&after=" + below, auditor, null);
        AuditQuery second = backend.auditQueries.get(1);
        assertThat(second.before()).isEqualTo(5L);
        assertThat(second.after()).isNull();

        // oldest first: the same response shape, next continues above the page's last entry
        HttpResponse<String> oldest =
                send("GET", "/api/v1/audit/entries?order=oldest&limit=1", auditor, null);
        assertThat(oldest.statusCode()).isEqualTo(200);
        JsonNode o = JSON.readTree(oldest.body());
        assertThat(o.at("/entries/0/logIndex").asLong()).isEqualTo(4);
        assertThat(o.get("values").asText()).isEqualTo("masked");
        assertThat(backend.auditQueries.get(2))
                .satisfies(
                        q -> {
                            assertThat(q.order()).isEqualTo(AuditQuery.Order.OLDEST);
                            assertThat(q.after()).isNull();
                            assertThat(q.before()).isNull();
                            assertThat(q.limit()).isEqualTo(1);
                        });
        String above = o.get("next").asText();
        JsonNode newer =
                JSON.readTree(
                        send(
                                        "GET",
                                        "/api/v1/audit/entries?order=OLDEST&after=" + above,
                                        auditor,
                                        null)
                                .body());
        assertThat(newer.at("/entries/0/logIndex").asLong()).isEqualTo(5);
        assertThat(newer.get("next").isNull()).isTrue();
        AuditQuery continued = backend.auditQueries.get(3);
        assertThat(continued.after()).isEqualTo(4L);
        assertThat(continued.before()).isNull();
        assertThat(continued.oldestFirst()).isTrue();

        // a DPO reads one subject's history oldest first too, each page recorded
        HttpResponse<String> history =
                send(
                        "GET",
                        "/api/v1/audit/entries?subject=contact:7&purpose=DSAR-9&order=oldest",
                        token(Role.DPO),
                        null);
        assertThat(JSON.readTree(history.body()).at("/entries/0/changes/0/after").asText())
                .isEqualTo("ada@example.org");
        assertThat(backend.recorded).hasSize(1);

        HttpResponse<String> wrong =
                send("GET", "/api/v1/audit/entries?order=sideways", auditor, null);
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(wrong.body()).contains("order must be newest or oldest");
        assertThat(backend.auditQueries).hasSize(5);
    }

    @Test
    void aDpoRequestsAnErasureOnTheRecordAndAnAuditorFollowsPurges() throws Exception {
        String dpo = token(Role.DPO);
        HttpResponse<String> created =
                send(
                        "POST",
                        "/api/v1/erasure-requests",
                        dpo,
                        "{\"subjectId\": \"contact:9\", \"reason\": \"Art. 17 request 9\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(backend.recorded).hasSize(1);
        assertThat(backend.recorded.get(0).action()).isEqualTo("erasure-request");
        assertThat(backend.erasures).contains("contact:9");
        assertThat(
                        send(
                                        "POST",
                                        "/api/v1/erasure-requests",
                                        dpo,
                                        "{\"subjectId\": \"contact:666\", \"reason\": \"again\"}")
                                .statusCode())
                .isEqualTo(409);
        assertThat(
                        send("POST", "/api/v1/erasure-requests", dpo, "{\"subjectId\": \"x\"}")
                                .statusCode())
                .isEqualTo(400);
        HttpResponse<String> list = send("GET", "/api/v1/erasure-requests", dpo, null);
        assertThat(JSON.readTree(list.body()).at("/requests/0/subjectId").asText())
                .isEqualTo("contact:9");
        HttpResponse<String> purges =
                send("GET", "/api/v1/purges?outcome=skipped", token(Role.AUDITOR), null);
        assertThat(JSON.readTree(purges.body()).at("/purges/0/outcome").asText())
                .isEqualTo("skipped");
        assertThat(
                        send("GET", "/api/v1/purges?outcome=maybe", token(Role.AUDITOR), null)
                                .statusCode())
                .isEqualTo(400);
    }

    static int status(String method, String path, String token, String body) throws Exception {
        return send(method, path, token, body).statusCode();
    }

    @Test
    void underFourEyesASecondDpoApprovesAndTheRequesterCannot() throws Exception {
        String dpo = token(Role.DPO);
        HttpResponse<String> own =
                send("POST", "/api/v1/erasure-requests/r-mine/approve", dpo, null);
        assertThat(own.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(own.body()).get("detail").asText())
                .contains("second, different DPO");
        assertThat(backend.recorded).isEmpty();
        assertThat(backend.decisions).isEmpty();

        HttpResponse<String> approved =
                send("POST", "/api/v1/erasure-requests/r-await/approve", dpo, null);
        assertThat(approved.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(approved.body()).get("approvedBy").asText()).isEqualTo("dpo1");
        assertThat(backend.decisions).containsExactly("approve r-await by dpo1");
        assertThat(backend.recorded)
                .singleElement()
                .satisfies(
                        a -> {
                            assertThat(a.action()).isEqualTo("erasure-approve");
                            assertThat(a.user()).isEqualTo("dpo1");
                            assertThat(a.subjectIds()).containsExactly("contact:8");
                        });

        assertThat(status("POST", "/api/v1/erasure-requests/r-blocked/approve", dpo, null))
                .isEqualTo(409);
        assertThat(status("POST", "/api/v1/erasure-requests/nope/approve", dpo, null))
                .isEqualTo(404);
        assertThat(status("POST", "/api/v1/erasure-requests/r-await/reject", dpo, "{}"))
                .isEqualTo(400);
        // the requester may withdraw their own request
        HttpResponse<String> rejected =
                send(
                        "POST",
                        "/api/v1/erasure-requests/r-mine/reject",
                        dpo,
                        "{\"reason\": \"asked twice\"}");
        assertThat(rejected.statusCode()).isEqualTo(200);
        assertThat(backend.decisions).contains("reject r-mine by dpo1: asked twice");
        assertThat(backend.recorded.get(backend.recorded.size() - 1).action())
                .isEqualTo("erasure-reject");
        assertThat(backend.recorded.get(backend.recorded.size() - 1).purpose())
                .isEqualTo("asked twice");
        assertThat(
                        status(
                                "POST",
                                "/api/v1/erasure-requests/r-await/approve",
                                token(Role.AUDITOR),
                                null))
                .isEqualTo(403);
    }

    @Test
    void aBlockedRequestIsRetriedOnTheRecordAndADoneOneIsNot() throws Exception {
        String dpo = token(Role.DPO);
        assertThat(status("POST", "/api/v1/erasure-requests/r-blocked/retry", dpo, null))
                .isEqualTo(200);
        assertThat(backend.decisions).containsExactly("retry r-blocked by dpo1");
        assertThat(backend.recorded)
                .singleElement()
                .satisfies(
                        a -> {
                            assertThat(a.action()).isEqualTo("erasure-retry");
                            assertThat(a.subjectIds()).containsExactly("contact:7");
                        });
        HttpResponse<String> done =
                send("POST", "/api/v1/erasure-requests/r-done/retry", dpo, null);
        assertThat(done.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(done.body()).get("detail").asText()).contains("done");
        assertThat(backend.decisions).hasSize(1);
        assertThat(status("POST", "/api/v1/erasure-requests/bad%20id/retry", dpo, null))
                .isEqualTo(400);
    }

    @Test
    void purgesFilterByTimeAndBadTimesAreBadRequests() throws Exception {
        String auditor = token(Role.AUDITOR);
        assertThat(
                        status(
                                "GET",
                                "/api/v1/purges?since=2026-12-01T00:00:00Z&until=2026-12-02T00:00:00Z",
                                auditor,
                                null))
                .isEqualTo(200);
        assertThat(backend.lastPurgesSince).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(backend.lastPurgesUntil).isEqualTo(Instant.parse("2026-12-02T00:00:00Z"));
        assertThat(status("GET", "/api/v1/purges?since=yesterday", auditor, null)).isEqualTo(400);
    }

    @Test
    void anAdminReadsHealthConfigurationAndDeadLettersWithoutValues() throws Exception {
        String admin = token(Role.ADMIN);
        HttpResponse<String> health = send("GET", "/api/v1/status", admin, null);
        assertThat(JSON.readTree(health.body()).at("/postgres/health").asText())
                .isEqualTo("healthy");
        assertThat(
                        JSON.readTree(send("GET", "/api/v1/config/catalog", admin, null).body())
                                .at("/tables/0/table")
                                .asText())
                .isEqualTo("contacts");
        assertThat(
                        JSON.readTree(
                                        send("GET", "/api/v1/config/retention-policy", admin, null)
                                                .body())
                                .at("/erasure/approval")
                                .asText())
                .isEqualTo("single");
        HttpResponse<String> dead = send("GET", "/api/v1/dead-letters", admin, null);
        assertThat(dead.statusCode()).isEqualTo(200);
        assertThat(backend.lastDeadLettersSince).isEqualTo(clock.now.minus(Duration.ofDays(1)));
        assertThat(JSON.readTree(dead.body()).at("/letters/0/sourceOffset").asLong())
                .isEqualTo(4711);
        assertThat(
                        status(
                                "GET",
                                "/api/v1/dead-letters?since=" + clock.now.minus(Duration.ofDays(8)),
                                admin,
                                null))
                .isEqualTo(400);
        // no personal data for an admin, no configuration for a DPO
        assertThat(status("GET", "/api/v1/subjects?q=x&purpose=y", admin, null)).isEqualTo(403);
        assertThat(status("GET", "/api/v1/config/catalog", token(Role.DPO), null)).isEqualTo(403);
        assertThat(backend.recorded).isEmpty();
    }

    @Test
    void aRunningVerificationShowsItsProgress() throws Exception {
        String auditor = token(Role.AUDITOR);
        backend.holdVerification = new java.util.concurrent.CountDownLatch(1);
        try {
            String id =
                    JSON.readTree(send("POST", "/api/v1/audit/verifications", auditor, null).body())
                            .get("id")
                            .asText();
            JsonNode v = null;
            for (int i = 0; i < 100; i++) {
                v =
                        JSON.readTree(
                                send("GET", "/api/v1/audit/verifications/" + id, auditor, null)
                                        .body());
                if (v.at("/progress/verified").asLong() == 2) {
                    break;
                }
                Thread.sleep(50);
            }
            assertThat(v.get("status").asText()).isEqualTo("running");
            assertThat(v.at("/progress/phase").asText()).isEqualTo("verifying entries");
            assertThat(v.at("/progress/total").asLong()).isEqualTo(5);
            backend.holdVerification.countDown();
            for (int i = 0; i < 100 && "running".equals(v.get("status").asText()); i++) {
                Thread.sleep(50);
                v =
                        JSON.readTree(
                                send("GET", "/api/v1/audit/verifications/" + id, auditor, null)
                                        .body());
            }
            assertThat(v.get("status").asText()).isEqualTo("done");
            assertThat(v.has("progress")).isFalse();
        } finally {
            backend.holdVerification.countDown();
            backend.holdVerification = null;
        }
    }

    @Test
    void anExportIsAZipDownloadRecordedBeforeItIsSent() throws Exception {
        String dpo = token(Role.DPO);
        HttpResponse<String> r =
                send("POST", "/api/v1/subjects/contact:7/exports?purpose=DSAR-5", dpo, null);
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).isEqualTo("application/zip");
        assertThat(r.headers().firstValue("Content-Disposition").orElse(""))
                .contains("contact-7.zip");
        assertThat(backend.recorded).hasSize(1);
        assertThat(backend.recorded.get(0).action()).isEqualTo("export");
        assertThat(
                        send("POST", "/api/v1/subjects/contact:8/exports?purpose=DSAR-5", dpo, null)
                                .statusCode())
                .isEqualTo(404);
        backend.refuseRecords = true;
        HttpResponse<String> refused =
                send("POST", "/api/v1/subjects/contact:7/exports?purpose=DSAR-5", dpo, null);
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.body()).doesNotContain("PK");
    }

    /** The verification {@code id} once it is no longer running (or its last answer). */
    private static JsonNode finished(String id, String token) throws Exception {
        JsonNode v = null;
        for (int i = 0; i < 100; i++) {
            v = JSON.readTree(send("GET", "/api/v1/audit/verifications/" + id, token, null).body());
            if (!"running".equals(v.get("status").asText())) {
                break;
            }
            Thread.sleep(50);
        }
        return v;
    }

    @Test
    void anAuditorVerifiesTheLogInTheBackgroundAndFetchesProofs() throws Exception {
        String auditor = token(Role.AUDITOR);
        HttpResponse<String> started = send("POST", "/api/v1/audit/verifications", auditor, null);
        assertThat(started.statusCode()).isEqualTo(202);
        String id = JSON.readTree(started.body()).get("id").asText();
        assertThat(started.headers().firstValue("Location").orElse("")).endsWith(id);
        JsonNode v = finished(id, auditor);
        assertThat(v.get("status").asText()).isEqualTo("done");
        assertThat(v.at("/result/ok").asBoolean()).isTrue();
        assertThat(send("GET", "/api/v1/audit/verifications/nope", auditor, null).statusCode())
                .isEqualTo(404);
        HttpResponse<String> proof =
                send("GET", "/api/v1/audit/proofs/contacts/7/3", auditor, null);
        assertThat(proof.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(proof.body()).get("entityId").asText()).isEqualTo("contacts/7");
        assertThat(send("GET", "/api/v1/audit/proofs/contacts/8/3", auditor, null).statusCode())
                .isEqualTo(404);
        assertThat(send("GET", "/api/v1/audit/proofs/contacts/7/x", auditor, null).statusCode())
                .isEqualTo(400);
    }

    @Test
    void aVerificationStartsFromAPinnedTreeHeadWhenAskedAndRefusesAMalformedOne() throws Exception {
        String auditor = token(Role.AUDITOR);
        String head = "ab".repeat(32);
        HttpResponse<String> started =
                send(
                        "POST",
                        "/api/v1/audit/verifications",
                        auditor,
                        "{\"from\": \"" + head + "\"}");
        assertThat(started.statusCode()).isEqualTo(202);
        String id = JSON.readTree(started.body()).get("id").asText();
        JsonNode v = finished(id, auditor);
        assertThat(v.at("/result/from/hash").asText()).isEqualTo(head);
        assertThat(backend.verifiedFrom).isEqualTo(head);

        HttpResponse<String> bad =
                send("POST", "/api/v1/audit/verifications", auditor, "{\"from\": \"HEAD~1\"}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("64 hex digits");
    }

    @Test
    void nothingIsShownWhenTheAccessCannotBeRecorded() throws Exception {
        backend.refuseRecords = true;
        HttpResponse<String> r =
                send(
                        "GET",
                        "/api/v1/subjects?q=ada%40example.org&purpose=DSAR-1",
                        token(Role.DPO),
                        null);
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).doesNotContain("contact:7").doesNotContain("Ada");
    }

    @Test
    void aBadTermIsABadRequestThatDoesNotRepeatIt() throws Exception {
        HttpResponse<String> r =
                send("GET", "/api/v1/subjects?q=not+a+term&purpose=DSAR-1", token(Role.DPO), null);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).doesNotContain("not a term\"");
        assertThat(backend.recorded).isEmpty();
    }

    @Test
    void unknownEndpointsAreProblems() throws Exception {
        HttpResponse<String> r = send("GET", "/api/v1/nothing-here", null, null);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.headers().firstValue("Content-Type").orElse(""))
                .startsWith("application/problem+json");
    }
}
