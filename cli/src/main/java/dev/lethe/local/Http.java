package dev.lethe.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * Small JSON-over-HTTP calls to Connect, Elasticsearch, Flink and Lethe's own server. The {@code
 * authorization} argument is the whole {@code Authorization} header ({@link #basic}, or {@code
 * Bearer <token>}), or null for none.
 */
public final class Http {

    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    private Http() {}

    public record Response(int status, String body) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    public static Response get(URI uri, String authorization)
            throws IOException, InterruptedException {
        return send(request(uri, authorization).GET().build());
    }

    public static Response put(URI uri, String json, String authorization)
            throws IOException, InterruptedException {
        return sendJson("PUT", uri, json, authorization);
    }

    public static Response post(URI uri, String json, String authorization)
            throws IOException, InterruptedException {
        return sendJson("POST", uri, json, authorization);
    }

    public static Response patch(URI uri, String authorization)
            throws IOException, InterruptedException {
        return send(
                request(uri, authorization)
                        .method("PATCH", HttpRequest.BodyPublishers.noBody())
                        .build());
    }

    /**
     * A POST without a body whose answer is bytes (a download), waiting up to {@code timeout}.
     *
     * @return the answer; its body is the bytes of the download, or of a problem
     */
    public static HttpResponse<byte[]> postForBytes(URI uri, String authorization, Duration timeout)
            throws IOException, InterruptedException {
        return CLIENT.send(
                request(uri, authorization)
                        .timeout(timeout)
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    public static String basic(String user, String password) {
        if (user == null || password == null) {
            return null;
        }
        return "Basic "
                + Base64.getEncoder()
                        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static HttpRequest.Builder request(URI uri, String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b;
    }

    /** A {@code method} request with the JSON body {@code json}. */
    private static Response sendJson(String method, URI uri, String json, String authorization)
            throws IOException, InterruptedException {
        return send(
                request(uri, authorization)
                        .header("Content-Type", "application/json")
                        .method(
                                method,
                                HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
                        .build());
    }

    private static Response send(HttpRequest r) throws IOException, InterruptedException {
        HttpResponse<String> resp = CLIENT.send(r, HttpResponse.BodyHandlers.ofString());
        return new Response(resp.statusCode(), resp.body());
    }
}
