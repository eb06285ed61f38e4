package dev.lethe.jobs.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchAsyncClient;
import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.JsonpMapper;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import dev.lethe.jobs.config.Secrets;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.util.Objects;
import org.apache.http.HttpHost;
import org.apache.http.auth.AuthScope;
import org.apache.http.auth.UsernamePasswordCredentials;
import org.apache.http.impl.client.BasicCredentialsProvider;
import org.elasticsearch.client.RestClient;

/**
 * Where an Elasticsearch is and who to log in as. Serializable without the password: {@link
 * #open()} reads it on the machine that connects, from {@link Secrets#elasticsearchPassword}.
 *
 * <p>Works on a full distribution and on the minimal module set of the local stack alike: it never
 * calls {@code GET /} (use {@link #ping} = cluster health).
 */
public final class ElasticsearchConnection implements Serializable {

    private static final long serialVersionUID = 1L;

    private final URI url;
    private final String user;

    public ElasticsearchConnection(URI url, String user) {
        this.url = Objects.requireNonNull(url, "url");
        if (url.getHost() == null || url.getScheme() == null) {
            throw new IllegalArgumentException(
                    "Elasticsearch URL must look like http://host:9200, got " + url);
        }
        this.user = user;
    }

    public URI url() {
        return url;
    }

    public String user() {
        return user;
    }

    /** Opens the clients, reading the password from this process's secrets. */
    public Clients open() {
        if (user == null) {
            return open(null);
        }
        return open(
                Secrets.ofProcess()
                        .elasticsearchPassword(user)
                        .orElseThrow(
                                () ->
                                        new IllegalStateException(
                                                "no password for the Elasticsearch user "
                                                        + user
                                                        + ": set "
                                                        + Secrets.elasticsearchPasswordOf(user)
                                                        + " or "
                                                        + Secrets.ELASTICSEARCH_PASSWORD
                                                        + " (or either with _FILE) for the"
                                                        + " TaskManager")));
    }

    /** Opens the clients with an explicit password (null: no authentication). */
    public Clients open(String password) {
        var builder =
                RestClient.builder(
                        new HttpHost(
                                url.getHost(),
                                url.getPort() > 0 ? url.getPort() : 9200,
                                url.getScheme()));
        if (user != null && password != null) {
            BasicCredentialsProvider credentials = new BasicCredentialsProvider();
            credentials.setCredentials(
                    AuthScope.ANY, new UsernamePasswordCredentials(user, password));
            builder.setHttpClientConfigCallback(
                    http -> http.setDefaultCredentialsProvider(credentials));
        }
        RestClientTransport transport =
                new RestClientTransport(builder.build(), new JacksonJsonpMapper());
        return new Clients(transport);
    }

    /** A blocking and an async client on one transport; closing closes both. */
    public static final class Clients implements AutoCloseable {
        private final RestClientTransport transport;
        private final ElasticsearchClient client;
        private final ElasticsearchAsyncClient async;

        Clients(RestClientTransport transport) {
            this.transport = transport;
            this.client = new ElasticsearchClient(transport);
            this.async = new ElasticsearchAsyncClient(transport);
        }

        public ElasticsearchClient client() {
            return client;
        }

        public ElasticsearchAsyncClient async() {
            return async;
        }

        /**
         * The low-level REST client under both: for requests sent as raw bytes, and for the few the
         * typed client cannot express (resetting an index setting to its default).
         */
        public RestClient restClient() {
            return transport.restClient();
        }

        /** The JSON mapper the clients read answers with. */
        JsonpMapper mapper() {
            return transport.jsonpMapper();
        }

        /** Cluster health (works where {@code GET /} does not); throws if unreachable. */
        public String ping() throws IOException {
            return client.cluster().health().status().jsonValue();
        }

        @Override
        public void close() throws IOException {
            transport.close();
        }
    }
}
