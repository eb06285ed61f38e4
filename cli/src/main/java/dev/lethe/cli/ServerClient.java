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
import java.nio.file.attribute.PosixFilePermissions;
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
    }

    /** Signs in and keeps the token; returns when it expires. */
    Instant login(String user, String password) throws Exception {
        ObjectNode req = JSON.createObjectNode().put("username", user).put("password", password);
        Answer a = send("POST", "/api/v1/token", req.toString(), null);
        if (a.status() != 200) {
            throw new IllegalArgumentException(
                    "sign-in refused (HTTP " + a.status() + "): " + a.detail());
        }
        Instant expires = Instant.now().plusSeconds(a.body().path("expires_in").asLong());
        ObjectNode kept =
                JSON.createObjectNode()
                        .put("server", base.toString())
                        .put("user", user)
                        .put("access_token", a.body().path("access_token").asText())
                        .put("expires_at", expires.toString());
        Files.createDirectories(tokenFile.getParent());
        Path tmp = Files.createTempFile(tokenFile.getParent(), "cli-token", ".tmp");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(tmp, kept.toString());
        Files.move(tmp, tokenFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return expires;
    }

    /** A GET with the kept token. */
    Answer get(String path) throws Exception {
        return send("GET", path, null, token());
    }

    private String token() throws IOException {
        if (!Files.isRegularFile(tokenFile)) {
            throw new IllegalArgumentException("sign in first: ./lethe login --username NAME");
        }
        JsonNode t = JSON.readTree(tokenFile.toFile());
        if (!base.toString().equals(t.path("server").asText())
                || Instant.parse(t.path("expires_at").asText()).isBefore(Instant.now())) {
            throw new IllegalArgumentException(
                    "the saved sign-in has expired or is for another server: ./lethe login"
                            + " --username NAME");
        }
        return t.path("access_token").asText();
    }

    private Answer send(String method, String path, String body, String token) throws Exception {
        String authorization = token == null ? null : "Bearer " + token;
        Http.Response r;
        try {
            r =
                    "POST".equals(method)
                            ? Http.post(base.resolve(path), body, authorization)
                            : Http.get(base.resolve(path), authorization);
        } catch (java.net.ConnectException e) {
            throw new IllegalArgumentException(
                    "Lethe's server does not answer at "
                            + base
                            + ": is the stack up? ./lethe status");
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
