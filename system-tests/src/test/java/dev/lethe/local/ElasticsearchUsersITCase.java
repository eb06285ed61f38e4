package dev.lethe.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.testing.SharedStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The local Elasticsearch as {@code ./lethe up} sets it up: each component signs in as its own user
 * and may touch only its indices; nobody signs in with another's password or with none.
 */
class ElasticsearchUsersITCase {

    static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void eachComponentMayDoOnlyWhatItNeeds() throws Exception {
        StackSettings s = SharedStack.settings();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String audit = "lethe-audit-users-" + run;
        String locations = "lethe-locations-users-" + run;

        // the jobs create and write their own indices
        assertThat(put(s, ComponentRole.AUDIT, "/" + audit + "/_doc/1", "{\"x\":1}"))
                .isEqualTo(201);
        assertThat(put(s, ComponentRole.DISCOVERY, "/" + locations + "/_doc/1", "{\"x\":1}"))
                .isEqualTo(201);
        // not each other's, and the server writes none
        assertThat(put(s, ComponentRole.AUDIT, "/" + locations + "/_doc/2", "{\"x\":1}"))
                .isEqualTo(403);
        assertThat(put(s, ComponentRole.DISCOVERY, "/" + audit + "/_doc/2", "{\"x\":1}"))
                .isEqualTo(403);
        assertThat(put(s, ComponentRole.SERVER, "/" + audit + "/_doc/2", "{\"x\":1}"))
                .isEqualTo(403);
        assertThat(put(s, ComponentRole.RETENTION, "/" + audit + "/_doc/2", "{\"x\":1}"))
                .isEqualTo(403);
        // the server reads both; the audit job does not read the locations
        assertThat(get(s, ComponentRole.SERVER, "/" + audit + "/_doc/1")).isEqualTo(200);
        assertThat(get(s, ComponentRole.SERVER, "/" + locations + "/_doc/1")).isEqualTo(200);
        assertThat(get(s, ComponentRole.AUDIT, "/" + locations + "/_doc/1")).isEqualTo(403);
        // the purge job deletes location documents, never an index
        assertThat(send(s, ComponentRole.RETENTION, "DELETE", "/" + locations + "/_doc/1", null))
                .isEqualTo(200);
        assertThat(send(s, ComponentRole.RETENTION, "DELETE", "/" + locations, null))
                .isEqualTo(403);
        assertThat(send(s, ComponentRole.SERVER, "DELETE", "/" + audit, null)).isEqualTo(403);

        // another component's password, or none, is refused
        String[] wrong = {
            ComponentRole.SERVER.user(),
            s.elasticsearchPasswordOf(ComponentRole.AUDIT).orElseThrow()
        };
        assertThat(status(s, "GET", "/" + audit + "/_doc/1", null, wrong)).isEqualTo(401);
        assertThat(status(s, "GET", "/" + audit + "/_doc/1", null, null)).isEqualTo(401);

        // clean up as the operator
        String[] elastic = {s.elasticsearchUser(), s.elasticsearchPassword().orElseThrow()};
        status(s, "DELETE", "/" + audit, null, elastic);
        status(s, "DELETE", "/" + locations, null, elastic);
    }

    private static int put(StackSettings s, ComponentRole c, String path, String body)
            throws Exception {
        return send(s, c, "PUT", path, body);
    }

    private static int get(StackSettings s, ComponentRole c, String path) throws Exception {
        return send(s, c, "GET", path, null);
    }

    private static int send(
            StackSettings s, ComponentRole c, String method, String path, String body)
            throws Exception {
        return status(
                s,
                method,
                path,
                body,
                new String[] {c.user(), s.elasticsearchPasswordOf(c).orElseThrow()});
    }

    private static int status(
            StackSettings s, String method, String path, String body, String[] credentials)
            throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(s.elasticsearchUrl() + path))
                        .header("Content-Type", "application/json")
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body));
        if (credentials != null) {
            b.header(
                    "Authorization",
                    "Basic "
                            + Base64.getEncoder()
                                    .encodeToString(
                                            (credentials[0] + ":" + credentials[1])
                                                    .getBytes(StandardCharsets.UTF_8)));
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
