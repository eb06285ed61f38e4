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

    /** Set when this process is asked to stop: the server's exit is expected from then on. */
    private static volatile boolean stopping;

    /**
     * Exits this process when the PostgreSQL server it runs dies (e.g. {@code kill -9} of the
     * postmaster), so that the stack's supervisor sees the component as dead and restarts it,
     * instead of a live wrapper around a dead database.
     */
    private static void watchPostmaster(Path dataDir, CountDownLatch stopped) {
        try {
            long pid =
                    Long.parseLong(
                            Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
            java.util.Optional<ProcessHandle> postmaster = ProcessHandle.of(pid);
            if (postmaster.isEmpty()) {
                return;
            }
            postmaster
                    .get()
                    .onExit()
                    .thenRun(
                            () -> {
                                if (!stopping) {
                                    System.err.println(
                                            "postgres: the server (pid " + pid + ") exited");
                                    Runtime.getRuntime().halt(1);
                                }
                            });
        } catch (Exception e) {
            System.err.println("postgres: cannot watch the server: " + e);
        }
    }

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
                                    stopping = true;
                                    try {
                                        pg.close();
                                    } catch (Exception e) {
                                        System.err.println("postgres: stop failed: " + e);
                                    }
                                    stopped.countDown();
                                },
                                "postgres-stop"));
        System.out.println("LETHE-READY postgres 127.0.0.1:" + port + "/" + database);
        watchPostmaster(dataDir, stopped);
        stopped.await();
    }
}
