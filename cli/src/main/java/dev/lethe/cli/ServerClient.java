package dev.lethe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.local.Http;
import dev.lethe.local.StackSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The command line as a client of Lethe's server: signs in ({@code ./lethe login}) and keeps the
 * token in {@code <data-dir>/cli-token.json} (0600), then sends it with each request.
 */
final class ServerClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final Path tokenFile;

    ServerClient(StackSettings s) {
        this.base = s.serverUrl();
        this.tokenFile = s.dataDir().resolve("cli-token.json");
    }

    /** An answer: its status and JSON body. */
    record Answer(int status, JsonNode body) {
        /** The problem's detail of an error answer. */
        String detail() {
            return body == null ? "" : body.path("detail").asText("");
        }

        /** This answer when its status is one of {@code expected}; else throws {@link Refused}. */
        Answer expect(int... expected) {
            for (int e : expected) {
                if (status == e) {
                    return this;
                }
            }
            throw new Refused(status, detail());
        }
    }

    /**
     * The server refused a request: {@code ./lethe} prints {@code lethe: the server refused (HTTP
     * status): detail} and exits 1.
     */
    static final class Refused extends RuntimeException {
        private final int status;

        Refused(int status, String detail) {
            super("the server refused (HTTP " + status + "): " + detail);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    /** What to do without a kept sign-in, for the commands that also have a break-glass path. */
    static final String SIGN_IN_OR_BREAK_GLASS =
            "sign in with ./lethe login --username NAME: the command goes through Lethe's server."
                    + " Where a command has --break-glass REASON, an admin holding the stack's"
                    + " secrets may instead read the stores directly, recorded in the audit log";

    /** Whether a kept sign-in for this server exists and has not expired. */
    boolean signedIn() {
        try {
            token();
            return true;
        } catch (IllegalArgumentException | IOException e) {
            return false;
        }
    }

    /** The signed-in user's name, as kept by {@code ./lethe login}. */
    String user() throws IOException {
        token();
        return JSON.readTree(tokenFile.toFile()).path("user").asText();
    }

    /** A POST of a JSON body with the kept token. */
    Answer post(String path, String json) throws Exception {
        return send("POST", path, json == null ? "" : json, token());
    }

    /** A download: a POST without a body answered by bytes. */
    record Download(int status, byte[] body, java.net.http.HttpHeaders headers) {
        /** The bytes when the status is {@code expected}; else throws {@link Refused}. */
        byte[] expect(int expected) {
            if (status != expected) {
                String detail = "";
                try {
                    detail = JSON.readTree(body).path("detail").asText("");
                } catch (IOException | RuntimeException e) {
                    detail = "";
                }
                throw new Refused(status, detail);
            }
            return body;
        }
    }

    /** POSTs to {@code path} and reads the answer as bytes, waiting up to {@code timeout}. */
    Download download(String path, java.time.Duration timeout) throws Exception {
        String authorization = "Bearer " + token();
        try {
            java.net.http.HttpResponse<byte[]> r =
                    Http.postForBytes(base.resolve(path), authorization, timeout);
            return new Download(r.statusCode(), r.body(), r.headers());
        } catch (java.net.ConnectException e) {
            throw notAnswering();
        }
    }

    /** A query parameter's value, URL-encoded. */
    static String q(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }

    private IllegalArgumentException notAnswering() {
        return new IllegalArgumentException(
                "Lethe's server does not answer at " + base + ": is the stack up? ./lethe status");
    }

    /** Signs in and keeps the token; returns when the sign-in ends (its refreshes included). */
    Instant login(String user, String password) throws Exception {
        ObjectNode req = JSON.createObjectNode().put("username", user).put("password", password);
        Answer a = send("POST", "/api/v1/token", req.toString(), null);
        if (a.status() != 200) {
            throw new IllegalArgumentException(
                    "sign-in refused (HTTP " + a.status() + "): " + a.detail());
        }
        return keep(user, a.body()).signInEnds();
    }

    /** What {@code cli-token.json} holds: the access token and the sign-in's refresh token. */
    private record Kept(Instant accessExpires, Instant signInEnds) {}

    private Kept keep(String user, JsonNode answer) throws IOException {
        Instant now = Instant.now();
        Instant expires = now.plusSeconds(answer.path("expires_in").asLong());
        Instant ends =
                answer.hasNonNull("refresh_token")
                        ? now.plusSeconds(answer.path("refresh_expires_in").asLong())
                        : expires;
        ObjectNode kept =
                JSON.createObjectNode()
                        .put("server", base.toString())
                        .put("user", user)
                        .put("access_token", answer.path("access_token").asText())
                        .put("expires_at", expires.toString());
        if (answer.hasNonNull("refresh_token")) {
            kept.put("refresh_token", answer.path("refresh_token").asText());
            kept.put("refresh_expires_at", ends.toString());
        }
        OwnerOnlyFiles.write(tokenFile, kept.toString());
        return new Kept(expires, ends);
    }

    /** A GET with the kept token. */
    Answer get(String path) throws Exception {
        return send("GET", path, null, token());
    }

    /**
     * The kept access token; one that has expired (or expires within {@link #REFRESH_AHEAD}) is
     * replaced first with the sign-in's refresh token, while the sign-in lasts.
     */
    private String token() throws IOException {
        if (!Files.isRegularFile(tokenFile)) {
            throw new IllegalArgumentException(SIGN_IN_OR_BREAK_GLASS);
        }
        JsonNode t = JSON.readTree(tokenFile.toFile());
        if (!base.toString().equals(t.path("server").asText())) {
            throw new IllegalArgumentException(
                    "the kept sign-in is for another server: " + SIGN_IN_OR_BREAK_GLASS);
        }
        Instant now = Instant.now();
        if (Instant.parse(t.path("expires_at").asText()).isAfter(now.plus(REFRESH_AHEAD))) {
            return t.path("access_token").asText();
        }
        if (t.hasNonNull("refresh_token")
                && Instant.parse(t.path("refresh_expires_at").asText()).isAfter(now)) {
            ObjectNode req =
                    JSON.createObjectNode()
                            .put("grant_type", "refresh_token")
                            .put("refresh_token", t.path("refresh_token").asText());
            Answer a;
            try {
                a = send("POST", "/api/v1/token", req.toString(), null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException(
                        "interrupted while refreshing the sign-in");
            }
            if (a.status() == 200) {
                keep(t.path("user").asText(), a.body());
                return a.body().path("access_token").asText();
            }
            throw new IllegalArgumentException(
                    "the sign-in has ended (" + a.detail() + "): " + SIGN_IN_OR_BREAK_GLASS);
        }
        throw new IllegalArgumentException(
                "the kept sign-in has expired: " + SIGN_IN_OR_BREAK_GLASS);
    }

    /** An access token this close to its expiry is replaced before it is sent. */
    static final java.time.Duration REFRESH_AHEAD = java.time.Duration.ofSeconds(30);

    private Answer send(String method, String path, String body, String token)
            throws IOException, InterruptedException {
        String authorization = token == null ? null : "Bearer " + token;
        Http.Response r;
        try {
            r =
                    "POST".equals(method)
                            ? Http.post(base.resolve(path), body, authorization)
                            : Http.get(base.resolve(path), authorization);
        } catch (java.net.ConnectException e) {
            throw notAnswering();
        }
        JsonNode n = null;
        if (r.body() != null && !r.body().isBlank()) {
            try {
                n = JSON.readTree(r.body());
            } catch (IOException e) {
                n = null;
            }
        }
        return new Answer(r.status(), n);
    }
}
