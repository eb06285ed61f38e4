package dev.lethe.jobs.purge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.keys.FileMasterKeySource;
import dev.lethe.keys.JdbcSubjectKeyStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key store (audit job) and the purge tables (retention job) create objects in schema {@code
 * lethe}, and the jobs start together: on a fresh database both at once must succeed (PostgreSQL's
 * {@code CREATE SCHEMA IF NOT EXISTS} alone fails one of two concurrent transactions).
 */
class LetheSchemaCreationITCase {

    @TempDir static Path dir;
    private static EmbeddedPostgres postgres;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
    }

    @Test
    void keyStoreAndPurgeTablesCreatedAtOnceOnAFreshDatabase() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 12; round++) {
                String name = "fresh_" + round;
                try (Connection c = postgres.getPostgresDatabase().getConnection();
                        Statement st = c.createStatement()) {
                    st.execute("CREATE DATABASE " + name);
                }
                DataSource db = postgres.getDatabase("postgres", name);
                JdbcSubjectKeyStore keys =
                        JdbcSubjectKeyStore.builder()
                                .dataSource(db)
                                .masterKeys(new FileMasterKeySource(dir.resolve("master.key")))
                                .build();
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> both = new ArrayList<>();
                both.add(
                        pool.submit(
                                () -> {
                                    go.await();
                                    keys.createSchema();
                                    return null;
                                }));
                both.add(
                        pool.submit(
                                () -> {
                                    go.await();
                                    try (Connection c = db.getConnection()) {
                                        PurgeSchema.create(c);
                                    }
                                    return null;
                                }));
                go.countDown();
                for (Future<?> f : both) {
                    f.get(60, TimeUnit.SECONDS); // rethrows a failed creation
                }
                try (Connection c = db.getConnection();
                        Statement st = c.createStatement();
                        ResultSet rs =
                                st.executeQuery(
                                        "SELECT count(*) FROM information_schema.tables"
                                                + " WHERE table_schema = 'lethe' AND table_name IN"
                                                + " ('subject_keys', 'purge_log')")) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("round %d", round).isEqualTo(2);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aDatabaseMadeBeforeTheApprovalColumnsGetsThemOnTheNextSetup() throws Exception {
        try (Connection c = postgres.getPostgresDatabase().getConnection();
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE before_approvals");
        }
        DataSource db = postgres.getDatabase("postgres", "before_approvals");
        try (Connection c = db.getConnection();
                Statement st = c.createStatement()) {
            for (String sql : PurgeSchema.DDL) {
                st.execute(sql); // the tables as they first shipped
            }
            st.execute(
                    "INSERT INTO lethe.erasure_requests (request_id, subject_id, reason, due_at)"
                            + " VALUES ('r1', 'contact:1', 'test', now())");
        }
        String columns =
                "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'lethe'"
                        + " AND table_name = 'erasure_requests' AND column_name IN"
                        + " ('requested_by', 'approved_by', 'approved_at', 'rejected_by',"
                        + " 'rejected_at', 'rejection_reason', 'retry_requested_by',"
                        + " 'retry_requested_at')";
        try (Connection c = db.getConnection()) {
            assertThat(count(c, columns)).isZero();
            PurgeSchema.create(c);
            assertThat(count(c, columns)).isEqualTo(8);
            PurgeSchema.create(c); // and again: nothing to do
            assertThat(count(c, "SELECT count(*) FROM lethe.erasure_requests")).isOne();
        }
    }

    private static int count(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
