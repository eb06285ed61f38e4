package dev.lethe.stack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;
import org.postgresql.PGConnection;

/**
 * The local helpdesk PostgreSQL server as its own process: a real PostgreSQL 17 (zonky's binaries)
 * with {@code wal_level=logical}, its data in a persistent directory so that a restart resumes
 * where it stopped (the replication slot, and with it every change not yet captured, survives).
 *
 * <p>Every client authenticates with a password ({@code scram-sha-256} on every line of {@code
 * pg_hba.conf}, no {@code trust}): the superuser {@code postgres} has the password of the
 * environment variable {@value #PASSWORD_ENV}. A new data directory is initialized so ({@code
 * initdb --auth=scram-sha-256 --pwfile}); one initialized with {@code trust} gets the password and
 * the rules on its next start.
 *
 * <p>Usage: {@code PostgresServer <data-dir> <port> <database>}. Runs until SIGTERM/SIGINT.
 */
public final class PostgresServer {

    private PostgresServer() {}

    /** The environment variable that holds the superuser's password. */
    public static final String PASSWORD_ENV = "LETHE_POSTGRES_PASSWORD";

    /** The superuser of the local server (zonky's {@code initdb -U}). */
    public static final String SUPERUSER = "postgres";

    /** The client authentication rules: a password on every connection, loopback only. */
    static final String HBA =
            String.join(
                    "\n",
                    "# written by Lethe's PostgresServer on every start; edits are overwritten",
                    "# TYPE  DATABASE     USER  ADDRESS       METHOD",
                    "local   all          all                 scram-sha-256",
                    "host    all          all   127.0.0.1/32  scram-sha-256",
                    "host    all          all   ::1/128       scram-sha-256",
                    "local   replication  all                 scram-sha-256",
                    "host    replication  all   127.0.0.1/32  scram-sha-256",
                    "host    replication  all   ::1/128       scram-sha-256",
                    "");

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
        String password = System.getenv(PASSWORD_ENV);
        if (password == null || password.isBlank()) {
            System.err.println("postgres: " + PASSWORD_ENV + " must be set in the environment");
            System.exit(2);
        }
        Files.createDirectories(dataDir);
        boolean fresh = !Files.isRegularFile(dataDir.resolve("postgresql.conf"));
        Path pwfile = null;
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        if (fresh) {
            // initdb's options: these come after zonky's own "-A trust", so they win
            pwfile = ownerOnlyFile(dataDir.getParent(), password);
            builder.setLocaleConfig("auth", "scram-sha-256");
            builder.setLocaleConfig("pwfile", pwfile.toString());
        }
        EmbeddedPostgres pg;
        try {
            pg = start(builder, dataDir, port, password);
        } finally {
            if (pwfile != null) {
                Files.deleteIfExists(pwfile);
            }
        }
        requirePasswords(pg, dataDir, password);
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

    private static EmbeddedPostgres start(
            EmbeddedPostgres.Builder builder, Path dataDir, int port, String password)
            throws java.io.IOException {
        return builder.setPort(port)
                // zonky's own readiness check connects as the superuser, with the password
                .setConnectConfig("password", password)
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
    }

    /**
     * Makes {@code pg_hba.conf} {@link #HBA} and reloads it if it was not. A data directory that
     * allowed {@code trust} may have a superuser without a password: it gets {@code password} first
     * (sent as a SCRAM verifier, never in clear in a statement).
     */
    static void requirePasswords(EmbeddedPostgres pg, Path dataDir, String password)
            throws Exception {
        Path hba = dataDir.resolve("pg_hba.conf");
        String current = Files.isRegularFile(hba) ? Files.readString(hba) : "";
        if (current.equals(HBA)) {
            return;
        }
        try (Connection c = pg.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            if (trusts(current)) {
                c.unwrap(PGConnection.class)
                        .alterUserPassword(SUPERUSER, password.toCharArray(), "scram-sha-256");
            }
            Path tmp = hba.resolveSibling("pg_hba.conf.tmp");
            Files.writeString(tmp, HBA);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            Files.move(
                    tmp, hba, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            try (ResultSet rs = s.executeQuery("SELECT pg_reload_conf()")) {
                rs.next();
            }
        }
        System.out.println("postgres: pg_hba.conf requires passwords (scram-sha-256)");
    }

    /** Whether a pg_hba.conf has a rule with the {@code trust} method. */
    static boolean trusts(String hba) {
        return hba.lines()
                .map(l -> l.replaceFirst("#.*", "").trim())
                .filter(l -> !l.isEmpty())
                .anyMatch(l -> l.matches(".*\\strust(\\s.*)?$"));
    }

    private static Path ownerOnlyFile(Path dir, String content) throws java.io.IOException {
        Path f =
                Files.createTempFile(
                        dir,
                        ".pwfile",
                        "",
                        PosixFilePermissions.asFileAttribute(
                                PosixFilePermissions.fromString("rw-------")));
        Files.writeString(f, content + "\n");
        return f;
    }
}
