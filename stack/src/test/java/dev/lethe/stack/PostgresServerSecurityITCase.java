package dev.lethe.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local PostgreSQL as {@code ./lethe up} runs it takes no client without the password: a new
 * data directory is initialized so, and one made with {@code trust} (as before) is switched on its
 * next start, idempotently.
 */
class PostgresServerSecurityITCase {

    private static final String PASSWORD = "pg-secret-value";

    @TempDir Path dir;

    @Test
    void newDataDirectoryRequiresThePassword() throws Exception {
        Path data = dir.resolve("new/data");
        int port = freePort();
        startAndAssertOnlyThePasswordGetsIn(data, port);
    }

    @Test
    void trustDataDirectoryIsSwitchedOnStart() throws Exception {
        Path data = dir.resolve("old/data");
        Files.createDirectories(data);
        // a data directory as the server made it before: zonky's initdb -A trust, no password
        try (EmbeddedPostgres old =
                EmbeddedPostgres.builder()
                        .setDataDirectory(data)
                        .setCleanDataDirectory(false)
                        .start()) {
            try (Connection c = old.getPostgresDatabase().getConnection()) {
                assertThat(c.isValid(5)).isTrue();
            }
        }
        assertThat(PostgresServer.trusts(Files.readString(data.resolve("pg_hba.conf")))).isTrue();

        int port = freePort();
        startAndAssertOnlyThePasswordGetsIn(data, port);
        // again: nothing left to switch, still closed
        startAndAssertOnlyThePasswordGetsIn(data, port);
    }

    /** Starts the server on {@code data}, checks who gets in, stops it. */
    private void startAndAssertOnlyThePasswordGetsIn(Path data, int port) throws Exception {
        Process server = start(data, port);
        try {
            assertOnlyThePasswordGetsIn(port, data);
        } finally {
            stop(server);
        }
    }

    private void assertOnlyThePasswordGetsIn(int port, Path data) throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/helpdesk";
        assertThatThrownBy(() -> connect(url, null)).isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> connect(url, "wrong")).isInstanceOf(SQLException.class);
        try (Connection c = connect(url, PASSWORD);
                ResultSet rs = c.createStatement().executeQuery("SELECT current_user")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("postgres");
        }
        String hba = Files.readString(data.resolve("pg_hba.conf"));
        assertThat(PostgresServer.trusts(hba)).isFalse();
        assertThat(hba).isEqualTo(PostgresServer.HBA);
    }

    private static Connection connect(String url, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        if (password != null) {
            p.setProperty("password", password);
        }
        return DriverManager.getConnection(url, p);
    }

    private Process start(Path data, int port) throws Exception {
        ProcessBuilder pb =
                new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx128m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        PostgresServer.class.getName(),
                        data.toString(),
                        String.valueOf(port),
                        "helpdesk");
        pb.environment().put(PostgresServer.PASSWORD_ENV, PASSWORD);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        StringBuilder log = new StringBuilder();
        BufferedReader r =
                new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String line;
        while ((line = r.readLine()) != null) {
            log.append(line).append('\n');
            if (line.startsWith("LETHE-READY")) {
                Thread drain =
                        new Thread(
                                () -> {
                                    try {
                                        while (r.readLine() != null) {}
                                    } catch (IOException e) {
                                        // process ended
                                    }
                                });
                drain.setDaemon(true);
                drain.start();
                return p;
            }
            if (System.nanoTime() > deadline) {
                break;
            }
        }
        p.destroyForcibly();
        throw new AssertionError("PostgresServer did not start:\n" + log);
    }

    private static void stop(Process p) throws Exception {
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
