package dev.lethe.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.connectors.HelpdeskMigrations;
import dev.lethe.events.ChangeEvent;
import dev.lethe.events.Operation;
import dev.lethe.events.SourcePosition;
import dev.lethe.jobs.config.HelpdeskDataSources;
import dev.lethe.jobs.purge.JdbcPurgeExecutor;
import dev.lethe.jobs.purge.PurgeCommand;
import dev.lethe.jobs.purge.PurgeExecutor;
import dev.lethe.jobs.purge.PurgeOutcome;
import dev.lethe.jobs.retention.TrackRetention;
import dev.lethe.normalize.EntityId;
import dev.lethe.retention.RetentionPolicy;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayInputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.storage.FileSystemCheckpointStorage;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Retention: (1) the real {@link TrackRetention} operator holding many pending deadlines (the
 * shipped 60-day policy, soft deletes of now): time to register them, heap used, checkpoint size
 * per timer; (2) purge throughput of the real {@link JdbcPurgeExecutor} on an embedded PostgreSQL
 * with the helpdesk schema, on the connection pool the retention job gives it ({@link
 * HelpdeskDataSources#pooled}, 2 connections), against plain {@code DELETE ... WHERE id = ?} of the
 * same kind of rows in the same run. No stack: purge lateness end to end is not measured here.
 */
@Command(
        name = "retention",
        mixinStandardHelpOptions = true,
        description =
                "Pending-deadline state size and purge throughput vs plain DELETE (no stack).")
final class RetentionBench implements Callable<Integer> {

    @Option(
            names = "--timers",
            defaultValue = "1000000",
            description = "Pending deadlines held by the operator (0 skips).")
    int timers;

    @Option(
            names = "--purges",
            defaultValue = "20000",
            description = "Soft-deleted tickets purged, and as many deleted plainly (0 skips).")
    int purges;

    @Override
    public Integer call() throws Exception {
        if (timers > 0) {
            pendingDeadlines();
        }
        if (purges > 0) {
            purgeThroughput();
        }
        return 0;
    }

    // ---- (1) state of pending deadlines ----

    private void pendingDeadlines() throws Exception {
        PersonalDataCatalog catalog = PersonalDataCatalog.loadDefault();
        RetentionPolicy policy = RetentionPolicy.loadDefault(catalog);
        Path checkpoints = Files.createTempDirectory("lethe-bench-retention-");
        long now = System.currentTimeMillis();
        String deletedAt = Instant.ofEpochMilli(now).toString();
        PurgeExecutor.Factory noDatabase = () -> new NoPurges();
        try (var h =
                new KeyedOneInputStreamOperatorTestHarness<String, ChangeEvent, PurgeOutcome>(
                        new KeyedProcessOperator<>(new TrackRetention(policy, noDatabase, 600_000)),
                        EntityId::of,
                        Types.STRING)) {
            h.setCheckpointStorage(new FileSystemCheckpointStorage(checkpoints.toUri()));
            h.setProcessingTime(now);
            h.open();
            long heapBefore = usedHeap();
            long t0 = System.nanoTime();
            for (long id = 1; id <= timers; id++) {
                h.processElement(new StreamRecord<>(softDeletedTicket(id, deletedAt)));
            }
            double registerSeconds = (System.nanoTime() - t0) / 1e9;
            long heapAfter = usedHeap();
            if (h.numProcessingTimeTimers() != timers) {
                throw new IllegalStateException(
                        "expected " + timers + " timers, found " + h.numProcessingTimeTimers());
            }
            long s0 = System.nanoTime();
            OperatorSubtaskState snapshot = h.snapshot(1, now);
            double snapshotSeconds = (System.nanoTime() - s0) / 1e9;
            long stateBytes = snapshot.getStateSize();
            long fileBytes = directorySize(checkpoints);
            double perMillion = 1_000_000.0 / timers;
            System.out.printf(
                    "| pending deadlines | %,d timers (policy P60D, executor without database)"
                            + " |%n",
                    timers);
            System.out.printf(
                    "| register | %.1f s (%,.0f deadlines/s) |%n",
                    registerSeconds, timers / registerSeconds);
            System.out.printf(
                    "| heap held (HashMapStateBackend, after GC) | %,.0f MB (%,.0f MB per 1M)"
                            + " |%n",
                    (heapAfter - heapBefore) / 1e6, (heapAfter - heapBefore) / 1e6 * perMillion);
            System.out.printf(
                    "| checkpoint (OperatorSubtaskState.getStateSize) | %,.1f MB (%,.1f MB per"
                            + " 1M timers; %,.0f B per timer), files %,.1f MB, taken in %.1f s |%n",
                    stateBytes / 1e6,
                    stateBytes / 1e6 * perMillion,
                    (double) stateBytes / timers,
                    fileBytes / 1e6,
                    snapshotSeconds);
        } finally {
            deleteTree(checkpoints);
        }
    }

    private static ChangeEvent softDeletedTicket(long id, String deletedAt) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("id", Long.toString(id));
        row.put("contact_id", "1");
        row.put("status", "open");
        row.put("deleted_at", deletedAt);
        return ChangeEvent.newBuilder()
                .setTable("tickets")
                .setKey(Map.of("id", Long.toString(id)))
                .setOp(Operation.UPDATE)
                .setBefore(null)
                .setAfter(new HashMap<>(row))
                .setSource(
                        SourcePosition.newBuilder()
                                .setLsn(id)
                                .setCommitTime(Instant.EPOCH)
                                .setCaptureTime(Instant.EPOCH)
                                .setTopic("helpdesk.public.tickets")
                                .setPartition(0)
                                .setOffset(id)
                                .build())
                .build();
    }

    /** Holds deadlines only: nothing fires in this part, the schedule mirror is not written. */
    private static final class NoPurges implements PurgeExecutor {
        @Override
        public PurgeOutcome execute(PurgeCommand command) {
            throw new IllegalStateException("no purge is due in this benchmark");
        }
    }

    private static long usedHeap() throws InterruptedException {
        Runtime r = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return r.totalMemory() - r.freeMemory();
    }

    private static long directorySize(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(
                            p -> {
                                try {
                                    return Files.size(p);
                                } catch (Exception e) {
                                    return 0;
                                }
                            })
                    .sum();
        }
    }

    private static void deleteTree(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    // ---- (2) purge throughput ----

    private void purgeThroughput() throws Exception {
        PersonalDataCatalog catalog = PersonalDataCatalog.loadDefault();
        RetentionPolicy policy =
                RetentionPolicy.load(
                        new ByteArrayInputStream(
                                ("version: 1\nrules:\n"
                                                + "  - {id: tickets.soft-deleted, table: tickets,"
                                                + " since: deleted_at, after: 1s, action: delete}\n")
                                        .getBytes(StandardCharsets.UTF_8)),
                        "bench",
                        catalog);
        try (EmbeddedPostgres postgres =
                EmbeddedPostgres.builder().setServerConfig("wal_level", "logical").start()) {
            DataSource db = postgres.getPostgresDatabase();
            HelpdeskMigrations.migrate(db);
            // as RetentionJob.dataSource(settings, "purge") builds it
            HikariDataSource pooled =
                    (HikariDataSource)
                            HelpdeskDataSources.pooled(
                                    postgres.getJdbcUrl("postgres", "postgres"),
                                    "postgres",
                                    "lethe-purge",
                                    2);
            JdbcPurgeExecutor executor =
                    new JdbcPurgeExecutor(pooled, catalog, policy, Clock.systemUTC());
            executor.createSchema();

            List<long[]> shipped = softDeletedTickets(db, purges);
            List<long[]> reused = softDeletedTickets(db, purges);
            List<long[]> plain = softDeletedTickets(db, purges);
            Thread.sleep(1_500); // past the 1 s window

            double shippedSeconds =
                    purgeThroughOperator("as shipped (pool of 2)", db, executor, policy, shipped);
            pooled.close();
            try (Connection one = db.getConnection()) {
                DataSource oneConnection = reusing(one);
                JdbcPurgeExecutor reusingExecutor =
                        new JdbcPurgeExecutor(oneConnection, catalog, policy, Clock.systemUTC());
                double reusedSeconds =
                        purgeThroughOperator(
                                "one reused connection",
                                oneConnection,
                                reusingExecutor,
                                policy,
                                reused);

                long d0 = System.nanoTime();
                try (PreparedStatement s =
                        one.prepareStatement("DELETE FROM tickets WHERE id = ?")) {
                    one.setAutoCommit(true);
                    for (long[] t : plain) {
                        s.setLong(1, t[0]);
                        if (s.executeUpdate() != 1) {
                            throw new IllegalStateException("a plain delete found no row");
                        }
                    }
                }
                double plainSeconds = (System.nanoTime() - d0) / 1e9;
                long left = count(db, "SELECT count(*) FROM tickets");
                if (left != 0) {
                    throw new IllegalStateException(left + " tickets left");
                }
                double plainRate = purges / plainSeconds;
                double shippedRate = purges / shippedSeconds;
                double reusedRate = purges / reusedSeconds;
                System.out.printf(
                        "| purges through TrackRetention + JdbcPurgeExecutor as shipped"
                                + " (HikariCP pool of 2, HelpdeskDataSources) | %,d in %.1f"
                                + " s: %,.0f purges/s, ratio %.3f |%n",
                        purges, shippedSeconds, shippedRate, shippedRate / plainRate);
                System.out.printf(
                        "| the same, one reused connection | %,d in %.1f s: %,.0f purges/s,"
                                + " ratio %.3f |%n",
                        purges, reusedSeconds, reusedRate, reusedRate / plainRate);
                System.out.printf(
                        "| baseline: DELETE FROM tickets WHERE id = ? (one connection,"
                                + " autocommit) | %,d in %.1f s: %,.0f deletes/s |%n",
                        purges, plainSeconds, plainRate);
            }
        }
    }

    /**
     * Feeds the soft deletes of {@code tickets} to the real operator (each schedule is mirrored to
     * {@code lethe.purge_schedule}), then moves processing time past their deadlines: the seconds
     * the timers took to fire, i.e. to purge them all (execute + unschedule each).
     */
    private double purgeThroughOperator(
            String label,
            DataSource db,
            JdbcPurgeExecutor executor,
            RetentionPolicy policy,
            List<long[]> tickets)
            throws Exception {
        PurgeExecutor.Factory factory = () -> executor;
        long now = System.currentTimeMillis();
        long latest = 0;
        try (var h =
                new KeyedOneInputStreamOperatorTestHarness<String, ChangeEvent, PurgeOutcome>(
                        new KeyedProcessOperator<>(new TrackRetention(policy, factory, 600_000)),
                        EntityId::of,
                        Types.STRING)) {
            h.setProcessingTime(0);
            h.open();
            Map<Long, Instant> deletedAts = deletedAt(db, tickets);
            long r0 = System.nanoTime();
            for (Map.Entry<Long, Instant> t : deletedAts.entrySet()) {
                Instant deletedAt = t.getValue();
                latest = Math.max(latest, deletedAt.toEpochMilli());
                h.processElement(
                        new StreamRecord<>(softDeletedTicket(t.getKey(), deletedAt.toString())));
            }
            if (h.numProcessingTimeTimers() != tickets.size()) {
                throw new IllegalStateException(
                        "expected "
                                + tickets.size()
                                + " timers, found "
                                + h.numProcessingTimeTimers());
            }
            double registerSeconds = (System.nanoTime() - r0) / 1e9;
            System.out.printf(
                    "| %s: schedule %,d soft deletes (each mirrored to lethe.purge_schedule) |"
                            + " %.1f s: %,.0f/s |%n",
                    label, tickets.size(), registerSeconds, tickets.size() / registerSeconds);
            long p0 = System.nanoTime();
            h.setProcessingTime(Math.max(now, latest + 1_000));
            double seconds = (System.nanoTime() - p0) / 1e9;
            long done = h.extractOutputValues().stream().filter(PurgeOutcome::done).count();
            if (done != tickets.size() || h.numProcessingTimeTimers() != 0) {
                throw new IllegalStateException(
                        done + " of " + tickets.size() + " purges were done");
            }
            return seconds;
        }
    }

    /** A data source handing out one connection whose close() is a no-op. */
    private static DataSource reusing(Connection connection) {
        Connection keptOpen =
                (Connection)
                        Proxy.newProxyInstance(
                                RetentionBench.class.getClassLoader(),
                                new Class<?>[] {Connection.class},
                                (proxy, method, args) -> {
                                    if (method.getName().equals("close")) {
                                        return null;
                                    }
                                    try {
                                        return method.invoke(connection, args);
                                    } catch (InvocationTargetException e) {
                                        throw e.getCause();
                                    }
                                });
        return (DataSource)
                Proxy.newProxyInstance(
                        RetentionBench.class.getClassLoader(),
                        new Class<?>[] {DataSource.class},
                        (proxy, method, args) -> {
                            if (method.getName().equals("getConnection")) {
                                keptOpen.setAutoCommit(true);
                                return keptOpen;
                            }
                            throw new UnsupportedOperationException(method.getName());
                        });
    }

    /** Soft-deleted tickets, ten per contact; returns {ticket id}. */
    private static List<long[]> softDeletedTickets(DataSource db, int n) throws Exception {
        List<long[]> tickets = new ArrayList<>(n);
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement contact =
                            c.prepareStatement(
                                    "INSERT INTO contacts (email) VALUES (?) RETURNING id");
                    PreparedStatement ticket =
                            c.prepareStatement(
                                    "INSERT INTO tickets (contact_id, subject) VALUES (?, 's')"
                                            + " RETURNING id")) {
                long contactId = 0;
                for (int i = 0; i < n; i++) {
                    if (i % 10 == 0) {
                        contact.setString(1, "bench" + System.nanoTime() + "@example.eu");
                        try (ResultSet r = contact.executeQuery()) {
                            r.next();
                            contactId = r.getLong(1);
                        }
                    }
                    ticket.setLong(1, contactId);
                    try (ResultSet r = ticket.executeQuery()) {
                        r.next();
                        tickets.add(new long[] {r.getLong(1)});
                    }
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("UPDATE tickets SET deleted_at = now() WHERE deleted_at IS NULL");
            }
            c.commit();
        }
        return tickets;
    }

    private static Map<Long, Instant> deletedAt(DataSource db, List<long[]> tickets)
            throws Exception {
        Map<Long, Instant> out = new LinkedHashMap<>();
        try (Connection c = db.getConnection();
                PreparedStatement s =
                        c.prepareStatement("SELECT deleted_at FROM tickets WHERE id = ?")) {
            for (long[] t : tickets) {
                s.setLong(1, t[0]);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    out.put(t[0], r.getTimestamp(1).toInstant());
                }
            }
        }
        return out;
    }

    private static long count(DataSource db, String sql) throws Exception {
        try (Connection c = db.getConnection();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}
