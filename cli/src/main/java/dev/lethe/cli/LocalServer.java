package dev.lethe.cli;

import dev.lethe.discovery.LocationDocument;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.elasticsearch.ElasticsearchConnection;
import dev.lethe.local.LocalSecrets;
import dev.lethe.local.StackSettings;
import dev.lethe.server.JdbcUserStore;
import dev.lethe.server.LetheServer;
import dev.lethe.server.LocalTokens;
import dev.lethe.server.OidcTokens;
import dev.lethe.server.Passwords;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * Lethe's server on a stack's stores, running in this process: what {@code ./lethe server} runs,
 * and what the benchmarks measure.
 */
public final class LocalServer implements AutoCloseable {

    private final ElasticsearchConnection.Clients clients;
    private final ServerBackend backend;
    private final LetheServer server;
    private final JdbcUserStore users;
    private final javax.sql.DataSource db;

    private LocalServer(
            ElasticsearchConnection.Clients clients,
            ServerBackend backend,
            LetheServer server,
            JdbcUserStore users,
            javax.sql.DataSource db) {
        this.db = db;
        this.clients = clients;
        this.backend = backend;
        this.server = server;
        this.users = users;
    }

    /**
     * Starts the server on {@code port} (0: a free one) of the stack's server host; the token and
     * fingerprint keys are the stack's ({@code <data-dir>/secrets}, or {@code
     * LETHE_SERVER_TOKEN_KEY}).
     */
    public static LocalServer start(
            StackSettings stack,
            int port,
            Duration tokenTtl,
            Duration signInTtl,
            Optional<OidcTokens> oidc)
            throws Exception {
        // everything the server reads, it reads as its own users (read-only in the stores)
        StackSettings s = stack.as(dev.lethe.local.ComponentRole.SERVER);
        // pooled: a new PostgreSQL connection (SCRAM handshake, a backend process) for each
        // request's user check doubled the latency of a find
        javax.sql.DataSource db =
                dev.lethe.jobs.config.HelpdeskDataSources.pooled(
                        s.postgresJdbcUrl(), s.postgresUser(), "lethe-server", 4);
        JdbcUserStore users = new JdbcUserStore(db).ensureSchema();
        byte[] tokenKey =
                Base64.getUrlDecoder()
                        .decode(
                                Optional.ofNullable(System.getenv("LETHE_SERVER_TOKEN_KEY"))
                                        .orElse(
                                                LocalSecrets.get(
                                                        s.secretsDir(), "server-token-key", 32)));
        byte[] fingerprintKey =
                Base64.getUrlDecoder()
                        .decode(LocalSecrets.get(s.secretsDir(), "server-fingerprint-key", 32));
        ElasticsearchConnection.Clients clients =
                new ElasticsearchConnection(s.elasticsearchUrl(), s.elasticsearchUser())
                        .open(s.elasticsearchPassword().orElse(null));
        ServerBackend backend = null;
        try {
            backend =
                    new ServerBackend(
                            clients.client(),
                            LocationDocument.INDEX,
                            JobSettings.DEFAULT_AUDIT_INDEX,
                            s.kafkaClient(),
                            () -> AuditLogCommand.KeyStoreValues.cipher(s),
                            fingerprintKey,
                            db,
                            new dev.lethe.jobs.purge.ElasticsearchErasureIndex(
                                    clients,
                                    LocationDocument.INDEX,
                                    Duration.ofMinutes(1),
                                    Clock.systemUTC()),
                            s);
            LetheServer server =
                    new LetheServer(
                                    new LetheServer.Settings(s.serverHost(), port, tokenTtl),
                                    users,
                                    new Passwords(),
                                    new LocalTokens(
                                            tokenKey, tokenTtl, signInTtl, Clock.systemUTC()),
                                    oidc,
                                    backend,
                                    Clock.systemUTC())
                            .start();
            return new LocalServer(clients, backend, server, users, db);
        } catch (Exception | Error e) {
            if (backend != null) {
                backend.close();
            }
            clients.close();
            throw e;
        }
    }

    public int port() {
        return server.port();
    }

    /** The local users of the stack's database. */
    public JdbcUserStore users() {
        return users;
    }

    @Override
    public void close() throws Exception {
        try (clients;
                backend) {
            server.close();
        } finally {
            if (db instanceof AutoCloseable pool) {
                pool.close();
            }
        }
    }
}
