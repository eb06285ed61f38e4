package dev.lethe.stack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;

/**
 * The local helpdesk PostgreSQL server as its own process: a real PostgreSQL 17 (zonky's binaries)
 * with {@code wal_level=logical}, its data in a persistent directory so that a restart resumes
 * where it stopped (the replication slot, and with it every change not yet captured, survives).
 *
 * <p>Usage: {@code PostgresServer <data-dir> <port> <database>}. Runs until SIGTERM/SIGINT.
 */
public final class PostgresServer {

    private PostgresServer() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: PostgresServer <data-dir> <port> <database>");
            System.exit(2);
        }
        Path dataDir = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        String database = args[2];
        Files.createDirectories(dataDir);

        EmbeddedPostgres pg =
                EmbeddedPostgres.builder()
                        .setPort(port)
                        .setDataDirectory(dataDir)
                        .setCleanDataDirectory(false)
                        .setServerConfig("listen_addresses", "127.0.0.1")
                        .setServerConfig("wal_level", "logical")
                        .setServerConfig("max_replication_slots", "10")
                        .setServerConfig("max_wal_senders", "10")
                        // Durable commits: a change Debezium has not captured yet must survive a
                        // crash of this process (zonky's defaults trade that away for test speed).
                        .setServerConfig("fsync", "on")
                        .setServerConfig("synchronous_commit", "on")
                        .setServerConfig("full_page_writes", "on")
                        .setServerConfig("max_connections", "100")
                        .setServerConfig("shared_buffers", "128MB")
                        .start();
        try (Connection c = pg.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            try (ResultSet rs =
                    s.executeQuery(
                            "SELECT 1 FROM pg_database WHERE datname = '"
                                    + database.replace("'", "''")
                                    + "'")) {
                if (!rs.next()) {
                    s.execute("CREATE DATABASE \"" + database.replace("\"", "\"\"") + "\"");
                }
            }
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    try {
                                        pg.close();
                                    } catch (Exception e) {
                                        System.err.println("postgres: stop failed: " + e);
                                    }
                                    stopped.countDown();
                                },
                                "postgres-stop"));
        System.out.println("LETHE-READY postgres 127.0.0.1:" + port + "/" + database);
        stopped.await();
    }
}
