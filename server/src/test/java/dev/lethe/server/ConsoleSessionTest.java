package dev.lethe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The console's session on a real Jetty: the cookie's flags, CSRF on every unsafe request signed in
 * by the cookie (bearer tokens exempt), expiry, renewal, sign-out, the authorization matrix again
 * with cookies, the erasure preview, the users endpoints and the console's files.
 */
class ConsoleSessionTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String PASSWORD = LetheServerTest.PASSWORD;

    static LetheServerTest.MutableClock clock = new LetheServerTest.MutableClock();
    static InMemoryUsers users = new InMemoryUsers();
    static RecordingBackend backend = new RecordingBackend();
    static LetheServer server;
    static HttpClient http = HttpClient.newHttpClient();
    static Passwords passwords = new Passwords();

    /** A signed-in console: its cookie (name=value) and CSRF token. */
    record Session(String cookie, String csrf, JsonNode body) {}

    @BeforeAll
    static void start() throws Exception {
        TestServer.addOnePerRole(users, passwords, PASSWORD);
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
        clock.now = clock.now.plus(Duration.ofHours(1));
    }

    static HttpResponse<String> send(
            String method, String path, Map<String, String> headers, String body) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        headers.forEach(b::header);
        b.method(
                method,
                body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String credentials(String user, String password) {
        return JSON.createObjectNode().put("username", user).put("password", password).toString();
    }

    static HttpResponse<String> signIn(String user, String password) throws Exception {
        return send(
                "POST",
                "/api/v1/session",
                Map.of("Content-Type", "application/json"),
                credentials(user, password));
    }

    static Session session(String user) throws Exception {
        HttpResponse<String> r = signIn(user, PASSWORD);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        return new Session(cookieOf(r).orElseThrow(), body.get("csrfToken").asText(), body);
    }

    static Session session(Role role) throws Exception {
        return session(role.id() + "1");
    }

    /** The name=value of the session cookie a response sets, if any. */
    static Optional<String> cookieOf(HttpResponse<?> r) {
        return setCookie(r).map(c -> c.substring(0, c.indexOf(';')));
    }

    static Optional<String> setCookie(HttpResponse<?> r) {
        return r.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith(LetheServer.SESSION_COOKIE + "="))
                .findFirst();
    }

    static Map<String, String> withCookie(Session s) {
        return Map.of("Cookie", s.cookie());
    }

    static Map<String, String> withCookieAndCsrf(Session s) {
        return Map.of("Cookie", s.cookie(), LetheServer.CSRF_HEADER, s.csrf());
    }

    static String bearer(Role role) throws Exception {
        HttpResponse<String> r =
                send("POST", "/api/v1/token", Map.of(), credentials(role.id() + "1", PASSWORD));
        return JSON.readTree(r.body()).get("access_token").asText();
    }

    @Test
    void signingInSetsAnHttpOnlySameSiteStrictCookieAndReturnsTheCsrfToken() throws Exception {
        HttpResponse<String> r = signIn("dpo1", PASSWORD);
        assertThat(r.statusCode()).isEqualTo(200);
        String cookie = setCookie(r).orElseThrow();
        assertThat(cookie)
                .contains("; HttpOnly")
                .contains("; SameSite=Strict")
                .contains("; Path=/")
                .contains("; Max-Age=900")
                // plain HTTP here: a Secure cookie would never come back
                .doesNotContain("Secure");
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("role").asText()).isEqualTo("dpo");
        assertThat(body.get("csrfToken").asText()).hasSizeGreaterThanOrEqualTo(43);
        // the token is in the cookie only, never in what the page's script reads
        assertThat(r.body()).doesNotContain(cookie.substring(cookie.indexOf('=') + 1, 40));

        Session s = new Session(cookieOf(r).orElseThrow(), body.get("csrfToken").asText(), body);
        HttpResponse<String> me = send("GET", "/api/v1/me", withCookie(s), null);
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(me.body()).get("name").asText()).isEqualTo("dpo1");
        HttpResponse<String> again = send("GET", "/api/v1/session", withCookie(s), null);
        assertThat(JSON.readTree(again.body()).get("csrfToken").asText()).isEqualTo(s.csrf());
    }

    @Test
    void anUnsafeRequestSignedInByTheCookieNeedsTheSessionsCsrfToken() throws Exception {
        Session s = session(Role.DPO);
        String export = "/api/v1/subjects/contact:7/exports?purpose=DSAR-5";
        HttpResponse<String> none = send("POST", export, withCookie(s), null);
        assertThat(none.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(none.body()).get("type").asText()).endsWith("/csrf");
        HttpResponse<String> wrong =
                send(
                        "POST",
                        export,
                        Map.of("Cookie", s.cookie(), LetheServer.CSRF_HEADER, "x" + s.csrf()),
                        null);
        assertThat(wrong.statusCode()).isEqualTo(403);
        // another session's token is not this one's
        Session other = session(Role.DPO);
        assertThat(
                        send(
                                        "POST",
                                        export,
                                        Map.of(
                                                "Cookie",
                                                s.cookie(),
                                                LetheServer.CSRF_HEADER,
                                                other.csrf()),
                                        null)
                                .statusCode())
                .isEqualTo(403);
        assertThat(backend.recorded).isEmpty();
        assertThat(send("POST", export, withCookieAndCsrf(s), null).statusCode()).isEqualTo(201);
        assertThat(backend.recorded).hasSize(1);
        // safe methods need no CSRF token
        assertThat(send("GET", "/api/v1/erasure-requests", withCookie(s), null).statusCode())
                .isEqualTo(200);
    }

    @Test
    void bearerTokensAreNotAmbientAndNeedNoCsrfToken() throws Exception {
        HttpResponse<String> r =
                send(
                        "POST",
                        "/api/v1/subjects/contact:7/exports?purpose=DSAR-5",
                        Map.of("Authorization", "Bearer " + bearer(Role.DPO)),
                        null);
        assertThat(r.statusCode()).isEqualTo(201);
    }

    @Test
    void aSessionTokenIsNoBearerTokenAndABearerTokenNoSession() throws Exception {
        Session s = session(Role.AUDITOR);
        String sessionToken = s.cookie().substring(s.cookie().indexOf('=') + 1);
        assertThat(
                        send(
                                        "GET",
                                        "/api/v1/me",
                                        Map.of("Authorization", "Bearer " + sessionToken),
                                        null)
                                .statusCode())
                .isEqualTo(401);
        String token = bearer(Role.AUDITOR);
        assertThat(
                        send(
                                        "GET",
                                        "/api/v1/me",
                                        Map.of("Cookie", LetheServer.SESSION_COOKIE + "=" + token),
                                        null)
                                .statusCode())
                .isEqualTo(401);
        assertThat(
                        send(
                                        "GET",
                                        "/api/v1/me",
                                        Map.of("Cookie", LetheServer.SESSION_COOKIE + "=forged"),
                                        null)
                                .statusCode())
                .isEqualTo(401);
    }

    @Test
    void aSessionExpiresWithoutRequestsAndIsRenewedByThem() throws Exception {
        Session s = session(Role.AUDITOR);
        // past half its life a request gets a fresh cookie, with the same CSRF token
        clock.now = clock.now.plus(Duration.ofMinutes(10));
        HttpResponse<String> renewed = send("GET", "/api/v1/me", withCookie(s), null);
        assertThat(renewed.statusCode()).isEqualTo(200);
        Session fresh = new Session(cookieOf(renewed).orElseThrow(), s.csrf(), null);
        assertThat(fresh.cookie()).isNotEqualTo(s.cookie());
        clock.now = clock.now.plus(Duration.ofMinutes(6));
        assertThat(send("GET", "/api/v1/me", withCookie(s), null).statusCode()).isEqualTo(401);
        assertThat(
                        send("POST", "/api/v1/audit/verifications", withCookieAndCsrf(fresh), null)
                                .statusCode())
                .isEqualTo(202);
        // then nothing for longer than a token lives: over
        clock.now = clock.now.plus(LocalTokens.DEFAULT_TTL).plusSeconds(1);
        HttpResponse<String> expired = send("GET", "/api/v1/me", withCookie(fresh), null);
        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(expired.body()).get("type").asText()).endsWith("/session-expired");
        assertThat(setCookie(expired).orElseThrow()).contains("Max-Age=0");
    }

    @Test
    void signingOutEndsTheSessionOnTheServerToo() throws Exception {
        Session s = session(Role.ADMIN);
        assertThat(send("DELETE", "/api/v1/session", withCookie(s), null).statusCode())
                .isEqualTo(403);
        HttpResponse<String> out = send("DELETE", "/api/v1/session", withCookieAndCsrf(s), null);
        assertThat(out.statusCode()).isEqualTo(204);
        assertThat(setCookie(out).orElseThrow()).contains("Max-Age=0").contains("HttpOnly");
        // the token a thief copied before is refused from now on
        assertThat(send("GET", "/api/v1/users", withCookie(s), null).statusCode()).isEqualTo(401);
        // signing out without a session just clears the cookie
        assertThat(send("DELETE", "/api/v1/session", Map.of(), null).statusCode()).isEqualTo(204);
    }

    @Test
    void sessionSignInIsJsonOnlyAndThrottledLikeTokens() throws Exception {
        HttpResponse<String> form =
                send(
                        "POST",
                        "/api/v1/session",
                        Map.of("Content-Type", "text/plain"),
                        credentials("dpo1", PASSWORD));
        assertThat(form.statusCode()).isEqualTo(415);
        assertThat(cookieOf(form)).isEmpty();
        for (int i = 0; i < 3; i++) {
            assertThat(signIn("spare1", "wrong password " + i).statusCode()).isEqualTo(401);
        }
        // the same throttle as POST /token
        for (int i = 0; i < 2; i++) {
            send("POST", "/api/v1/token", Map.of(), credentials("spare1", "wrong again " + i));
        }
        HttpResponse<String> limited = signIn("spare1", PASSWORD);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();
        assertThat(cookieOf(limited)).isEmpty();
    }

    @Test
    void theAuthorizationMatrixHoldsForCookiesToo() throws Exception {
        Map<Role, Session> sessions = new EnumMap<>(Role.class);
        for (Role r : Role.values()) {
            sessions.put(r, session(r));
        }
        LetheServerTest.lastVerification =
                JSON.readTree(
                                send(
                                                "POST",
                                                "/api/v1/audit/verifications",
                                                withCookieAndCsrf(sessions.get(Role.AUDITOR)),
                                                null)
                                        .body())
                        .get("id")
                        .asText();
        List<String> unexpected = new ArrayList<>();
        for (LetheServer.Route route : server.routes()) {
            if (route.open()) {
                continue;
            }
            String path = LetheServerTest.example(route);
            boolean unsafe = !route.method().equals("GET");
            for (Role role : Role.values()) {
                Session s = sessions.get(role);
                int status =
                        send(
                                        route.method(),
                                        path,
                                        withCookieAndCsrf(s),
                                        LetheServerTest.exampleBody(route))
                                .statusCode();
                if (route.grants(role) ? status / 100 != 2 : status != 403) {
                    unexpected.add(route + " as " + role + " by cookie: " + status);
                }
                if (unsafe) {
                    int noCsrf =
                            send(
                                            route.method(),
                                            path,
                                            withCookie(s),
                                            LetheServerTest.exampleBody(route))
                                    .statusCode();
                    if (noCsrf != 403) {
                        unexpected.add(route + " as " + role + " without CSRF: " + noCsrf);
                    }
                }
            }
        }
        assertThat(unexpected).isEmpty();
    }

    @Test
    void anErasurePreviewNeedsAPurposeAndIsRecordedBeforeItIsShown() throws Exception {
        Session s = session(Role.DPO);
        String path = "/api/v1/subjects/contact:7/erasure-preview";
        assertThat(send("POST", path, withCookieAndCsrf(s), null).statusCode()).isEqualTo(400);
        assertThat(backend.recorded).isEmpty();
        HttpResponse<String> r =
                send("POST", path + "?purpose=Art17-123", withCookieAndCsrf(s), null);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode p = JSON.readTree(r.body());
        assertThat(p.at("/delete/0/record").asText()).isEqualTo("contacts/7");
        assertThat(p.at("/blockers/0/kind").asText()).isEqualTo("open-ticket");
        assertThat(backend.recorded).hasSize(1);
        assertThat(backend.recorded.get(0).action()).isEqualTo("erasure-preview");
        assertThat(backend.recorded.get(0).purpose()).isEqualTo("Art17-123");
        assertThat(
                        send(
                                        "POST",
                                        "/api/v1/subjects/contact:8/erasure-preview?purpose=x",
                                        withCookieAndCsrf(s),
                                        null)
                                .statusCode())
                .isEqualTo(404);
        Session auditor = session(Role.AUDITOR);
        assertThat(send("POST", path + "?purpose=x", withCookieAndCsrf(auditor), null).statusCode())
                .isEqualTo(403);
    }

    @Test
    void anAdminAddsDisablesAndResetsUsers() throws Exception {
        Session admin = session(Role.ADMIN);
        HttpResponse<String> added =
                send(
                        "POST",
                        "/api/v1/users",
                        withCookieAndCsrf(admin),
                        "{\"username\": \"dana\", \"role\": \"dpo\"}");
        assertThat(added.statusCode()).isEqualTo(201);
        String oneTime = JSON.readTree(added.body()).get("password").asText();
        assertThat(signIn("dana", oneTime).statusCode()).isEqualTo(200);
        assertThat(
                        send(
                                        "POST",
                                        "/api/v1/users",
                                        withCookieAndCsrf(admin),
                                        "{\"username\": \"dana\", \"role\": \"dpo\"}")
                                .statusCode())
                .isEqualTo(409);
        assertThat(
                        send(
                                        "POST",
                                        "/api/v1/users",
                                        withCookieAndCsrf(admin),
                                        "{\"username\": \"x y\", \"role\": \"dpo\"}")
                                .statusCode())
                .isEqualTo(400);
        HttpResponse<String> danaIn = signIn("dana", oneTime);
        Session dana =
                new Session(
                        cookieOf(danaIn).orElseThrow(),
                        JSON.readTree(danaIn.body()).get("csrfToken").asText(),
                        null);
        assertThat(send("GET", "/api/v1/me", withCookie(dana), null).statusCode()).isEqualTo(200);

        assertThat(
                        send("POST", "/api/v1/users/dana/disable", withCookieAndCsrf(admin), null)
                                .statusCode())
                .isEqualTo(200);
        // a disabled user's session ends at once
        assertThat(send("GET", "/api/v1/me", withCookie(dana), null).statusCode()).isEqualTo(401);
        assertThat(signIn("dana", oneTime).statusCode()).isEqualTo(401);

        HttpResponse<String> reset =
                send(
                        "POST",
                        "/api/v1/users/dana/reset",
                        withCookieAndCsrf(admin),
                        "{\"password\": \"another long passphrase\"}");
        assertThat(reset.statusCode()).isEqualTo(200);
        assertThat(reset.body()).doesNotContain("another long passphrase");
        assertThat(signIn("dana", "another long passphrase").statusCode()).isEqualTo(200);
        HttpResponse<String> generated =
                send("POST", "/api/v1/users/dana/reset", withCookieAndCsrf(admin), null);
        assertThat(
                        signIn("dana", JSON.readTree(generated.body()).get("password").asText())
                                .statusCode())
                .isEqualTo(200);
        assertThat(
                        send("POST", "/api/v1/users/nobody/disable", withCookieAndCsrf(admin), null)
                                .statusCode())
                .isEqualTo(404);
        JsonNode list = JSON.readTree(send("GET", "/api/v1/users", withCookie(admin), null).body());
        assertThat(list.toString()).contains("\"dana\"").doesNotContain("argon2");
    }

    @Test
    void theConsoleIsServedAtTheRootWithAStrictContentSecurityPolicy() throws Exception {
        HttpResponse<String> page = send("GET", "/", Map.of(), null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.body()).contains("<title>Lethe console</title>");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElse(""))
                .contains("script-src 'self'")
                .contains("frame-ancestors 'none'");
        HttpResponse<String> js = send("GET", "/js/app.js", Map.of(), null);
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.headers().firstValue("Content-Type").orElse("")).contains("javascript");
        // the scripts build pages from text, never from HTML strings
        for (String f : List.of("app.js", "dom.js", "api.js", "dpo.js", "auditor.js", "admin.js")) {
            String code = send("GET", "/js/" + f, Map.of(), null).body();
            assertThat(code)
                    .as(f)
                    .doesNotContain("innerHTML")
                    .doesNotContain("outerHTML")
                    .doesNotContain("insertAdjacentHTML")
                    .doesNotContain("document.write");
        }
    }
}
