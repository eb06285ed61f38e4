package dev.lethe.simulator;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import dev.lethe.audit.Actor;
import dev.lethe.simulator.HelpdeskData.Consent;
import dev.lethe.simulator.HelpdeskData.Contact;
import dev.lethe.simulator.HelpdeskData.ContactBundle;
import dev.lethe.simulator.TextComposer.Person;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A steady, mixed helpdesk workload: inserts, updates, soft deletes, restores and hard deletes at a
 * fixed rate, each operation its own transaction started by an {@link Actor}. The sequence of
 * operation types (and the generated content) is fixed by the seed; which rows they hit depends on
 * what is in the database.
 *
 * <pre>{@code
 * LoadResult result = LoadGenerator.builder()
 *         .dataSource(ds).rate(200).duration(Duration.ofMinutes(5)).seed(7)
 *         .build().run();
 * }</pre>
 *
 * One thread, one connection: the rate it can reach is bounded by the database's commit latency (a
 * few thousand operations per second locally). A lost connection is reopened; an operation that
 * fails is rolled back and counted as failed. {@link #stop()} ends a run early from another thread.
 */
public final class LoadGenerator {

    public static final double DEFAULT_RATE = 50;
    public static final Duration DEFAULT_DURATION = Duration.ofMinutes(1);
    public static final long DEFAULT_SEED = 1;
    public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(LoadGenerator.class);
    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();
    private static final LoadOperation[] OPERATIONS = LoadOperation.values();

    private final DataSource dataSource;
    private final double rate;
    private final Duration duration;
    private final long maxOperations;
    private final long seed;
    private final int[] weights;
    private final Consumer<LoadResult> progress;
    private final Duration progressInterval;

    private final AtomicBoolean stopped = new AtomicBoolean();
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLongArray performed = new AtomicLongArray(OPERATIONS.length);
    private final AtomicLongArray skipped = new AtomicLongArray(OPERATIONS.length);
    private final AtomicLong failed = new AtomicLong();
    private volatile long startedNanos;

    private Random choices;
    private HelpdeskGenerator content;
    private Connection connection;
    private List<Long> agentIds = List.of();

    LoadGenerator(Builder b) {
        this.dataSource = b.dataSource;
        this.rate = b.rate;
        this.duration = b.duration;
        this.maxOperations = b.maxOperations;
        this.seed = b.seed;
        this.weights = new int[OPERATIONS.length];
        for (LoadOperation op : OPERATIONS) {
            weights[op.ordinal()] = b.mix.getOrDefault(op, 0);
        }
        this.progress = b.progress;
        this.progressInterval = b.progressInterval;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * {@link #run()} on a thread of its own, started now: the future completes with its result
     * (exceptionally with {@link IllegalStateException} if the load cannot run at all).
     */
    public CompletableFuture<LoadResult> runInBackground() {
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return run();
                    } catch (SQLException e) {
                        throw new IllegalStateException("the load stopped: " + sqlState(e), e);
                    }
                });
    }

    /**
     * Runs until the duration has passed, the operation limit is reached or {@link #stop()} is
     * called; blocking.
     */
    public LoadResult run() throws SQLException {
        if (!running.compareAndSet(false, true)) {
            throw new IllegalStateException("a LoadGenerator runs once; build a new one");
        }
        choices = new Random(seed);
        try {
            connect();
            content =
                    new HelpdeskGenerator(
                            seed ^ 0x5DEECE66DL,
                            Integer.MAX_VALUE,
                            Instant.now(),
                            EmailsInUse.read(connection),
                            0);
            // the clock starts once set up: rate and duration are the workload's own
            startedNanos = System.nanoTime();
            long intervalNanos = (long) (1e9 / rate);
            long deadline = startedNanos + duration.toNanos();
            long nextProgress = startedNanos + progressInterval.toNanos();
            long due = startedNanos;
            long done = 0;
            while (!stopped.get() && done < maxOperations) {
                long now = System.nanoTime();
                if (now - deadline >= 0) {
                    break;
                }
                if (due - now > 0) {
                    LockSupport.parkNanos(Math.min(due - now, deadline - now));
                    continue;
                }
                // never burst more than a second's worth of operations to catch up
                due = Math.max(due, now - TimeUnit.SECONDS.toNanos(1)) + intervalNanos;
                perform(next());
                done++;
                if (progress != null && now - nextProgress >= 0) {
                    progress.accept(snapshot());
                    nextProgress = now + progressInterval.toNanos();
                }
            }
        } finally {
            closeQuietly();
        }
        LoadResult result = snapshot();
        LOG.info(
                "Load run done: {} operations ({} failed) in {} ms, {} ops/s",
                result.total(),
                result.failed(),
                result.elapsed().toMillis(),
                String.format("%.1f", result.achievedRate()));
        return result;
    }

    /** Ends a running {@link #run()} after its current operation. */
    public void stop() {
        stopped.set(true);
    }

    /** Counters so far; safe to call from any thread while running. */
    public LoadResult snapshot() {
        Map<LoadOperation, Long> done = new EnumMap<>(LoadOperation.class);
        Map<LoadOperation, Long> none = new EnumMap<>(LoadOperation.class);
        for (LoadOperation op : OPERATIONS) {
            done.put(op, performed.get(op.ordinal()));
            none.put(op, skipped.get(op.ordinal()));
        }
        long started = startedNanos;
        Duration elapsed =
                started == 0 ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - started);
        return new LoadResult(done, none, failed.get(), elapsed);
    }

    private LoadOperation next() {
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        int r = choices.nextInt(total);
        for (LoadOperation op : OPERATIONS) {
            r -= weights[op.ordinal()];
            if (r < 0) {
                return op;
            }
        }
        throw new AssertionError();
    }

    private void perform(LoadOperation op) {
        long choice = choices.nextLong();
        try {
            if (connection == null || connection.isClosed()) {
                connect();
            }
            boolean done = execute(op, new Random(choice));
            connection.commit();
            (done ? performed : skipped).incrementAndGet(op.ordinal());
        } catch (SQLException | RuntimeException e) {
            failed.incrementAndGet();
            // the SQL state names the problem; messages may quote row values
            LOG.warn("{} failed ({}), rolled back", op, sqlState(e));
            rollbackOrReconnect();
        }
    }

    private boolean execute(LoadOperation op, Random random) throws SQLException {
        return switch (op) {
            case INSERT_CONTACT -> insertContact();
            case INSERT_TICKET -> insertTicket(random);
            case INSERT_THREAD -> insertThread(random);
            case INSERT_COMMENT -> insertComment(random);
            case UPDATE_TICKET_STATUS -> updateTicketStatus(random);
            case UPDATE_CONTACT_PHONE -> updateContactPhone(random);
            case SOFT_DELETE_CONTACT -> setDeleted("contacts", random, true);
            case SOFT_DELETE_TICKET -> setDeleted("tickets", random, true);
            case RESTORE_CONTACT -> setDeleted("contacts", random, false);
            case RESTORE_TICKET -> setDeleted("tickets", random, false);
            case HARD_DELETE_CONTACT -> hardDeleteContact(random);
        };
    }

    // ------------------------------------------------------------------ operations

    private boolean insertContact() throws SQLException {
        ContactBundle bundle = content.next();
        Contact c = bundle.contact();
        Actor.system("portal-signup", "contact signed up").emit(connection);
        long id;
        try (PreparedStatement ps =
                connection.prepareStatement(
                        "INSERT INTO contacts (first_name, last_name, email, phone, mobile,"
                                + " twitter_handle, locale, region) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                                + " ON CONFLICT (email) DO NOTHING RETURNING id")) {
            ps.setString(1, c.firstName());
            ps.setString(2, c.lastName());
            ps.setString(3, c.email());
            ps.setString(4, c.phone());
            ps.setString(5, c.mobile());
            ps.setString(6, c.twitterHandle());
            ps.setString(7, c.locale());
            ps.setString(8, c.region());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
                id = rs.getLong(1);
            }
        }
        try (PreparedStatement ps =
                connection.prepareStatement(
                        "INSERT INTO consents (contact_id, purpose, granted, form, source)"
                                + " VALUES (?, ?, ?, ?, ?)")) {
            for (Consent consent : bundle.consents()) {
                ps.setLong(1, id);
                ps.setString(2, consent.purpose());
                ps.setBoolean(3, consent.granted());
                ps.setString(4, consent.form());
                ps.setString(5, consent.source());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return true;
    }

    private boolean insertTicket(Random random) throws SQLException {
        Target contact = pick("contacts", "deleted_at IS NULL", random);
        if (contact == null) {
            return false;
        }
        Subject subject = subject(contact.id());
        if (subject == null) {
            return false;
        }
        Actor.customer(contact.id(), "ticket opened").emit(connection);
        try (PreparedStatement ps =
                connection.prepareStatement(
                        "INSERT INTO tickets (contact_id, subject, description, channel)"
                                + " VALUES (?, ?, ?, ?)")) {
            ps.setLong(1, contact.id());
            ps.setString(2, content.subjectFor(subject.person(), subject.locale()));
            ps.setString(3, content.messageFrom(subject.person(), subject.locale()));
            ps.setString(4, random.nextBoolean() ? "email" : "web");
            ps.executeUpdate();
        }
        return true;
    }

    private boolean insertThread(Random random) throws SQLException {
        Target ticket = pick("tickets", "deleted_at IS NULL", random);
        if (ticket == null) {
            return false;
        }
        long contactId = contactOfTicket(ticket.id());
        Subject subject = subject(contactId);
        if (subject == null) {
            return false;
        }
        boolean inbound = random.nextBoolean();
        long agentId = agentId(random);
        (inbound
                        ? Actor.customer(contactId, "replied to ticket")
                        : agentActor(agentId, "replied to customer"))
                .emit(connection);
        try (PreparedStatement ps =
                connection.prepareStatement(
                        "INSERT INTO threads (ticket_id, direction, from_address, to_address,"
                                + " content) VALUES (?, ?, ?, ?, ?)")) {
            String agentEmail = agentEmail(agentId);
            ps.setLong(1, ticket.id());
            ps.setString(2, inbound ? "in" : "out");
            ps.setString(3, inbound ? subject.person().email() : agentEmail);
            ps.setString(4, inbound ? agentEmail : subject.person().email());
            ps.setString(
                    5,
                    inbound
                            ? content.messageFrom(subject.person(), subject.locale())
                            : content.replyTo(subject.person(), subject.locale()));
            ps.executeUpdate();
        }
        return true;
    }

    private boolean insertComment(Random random) throws SQLException {
        Target ticket = pick("tickets", "deleted_at IS NULL", random);
        if (ticket == null) {
            return false;
        }
        Subject subject = subject(contactOfTicket(ticket.id()));
        if (subject == null) {
            return false;
        }
        long agentId = agentId(random);
        agentActor(agentId, "internal note").emit(connection);
        try (PreparedStatement ps =
                connection.prepareStatement(
                        "INSERT INTO comments (ticket_id, agent_id, is_public, content)"
                                + " VALUES (?, ?, false, ?)")) {
            ps.setLong(1, ticket.id());
            if (agentId > 0) {
                ps.setLong(2, agentId);
            } else {
                ps.setNull(2, java.sql.Types.BIGINT);
            }
            ps.setString(3, content.noteAbout(subject.person(), subject.locale()));
            ps.executeUpdate();
        }
        return true;
    }

    private boolean updateTicketStatus(Random random) throws SQLException {
        Target ticket = pick("tickets", "deleted_at IS NULL", random);
        if (ticket == null) {
            return false;
        }
        List<String> statuses = HelpdeskGenerator.statuses();
        String status = statuses.get(random.nextInt(statuses.size()));
        agentActor(agentId(random), "ticket status changed").emit(connection);
        try (PreparedStatement ps =
                connection.prepareStatement(
                        "UPDATE tickets SET status = ?, updated_at = now(), closed_at = CASE WHEN ?"
                                + " THEN coalesce(closed_at, now()) END WHERE id = ?")) {
            ps.setString(1, status);
            ps.setBoolean(2, status.equals("solved") || status.equals("closed"));
            ps.setLong(3, ticket.id());
            return ps.executeUpdate() == 1;
        }
    }

    private boolean updateContactPhone(Random random) throws SQLException {
        Target contact = pick("contacts", "deleted_at IS NULL", random);
        if (contact == null) {
            return false;
        }
        Subject subject = subject(contact.id());
        if (subject == null) {
            return false;
        }
        boolean mobile = random.nextBoolean();
        PhoneNumber number = content.phoneFor(subject.locale(), mobile);
        PhoneNumbers.Style style =
                PhoneNumbers.Style.values()[random.nextInt(PhoneNumbers.Style.values().length)];
        Actor.customer(contact.id(), "changed phone number").emit(connection);
        try (PreparedStatement ps =
                connection.prepareStatement(
                        "UPDATE contacts SET "
                                + (mobile ? "mobile" : "phone")
                                + " = ?, updated_at = now() WHERE id = ?")) {
            ps.setString(1, PhoneNumbers.format(number, style));
            ps.setLong(2, contact.id());
            return ps.executeUpdate() == 1;
        }
    }

    private boolean setDeleted(String table, Random random, boolean delete) throws SQLException {
        Target row = pick(table, delete ? "deleted_at IS NULL" : "deleted_at IS NOT NULL", random);
        if (row == null) {
            return false;
        }
        String what = table.equals("contacts") ? "contact" : "ticket";
        agentActor(agentId(random), delete ? what + " moved to trash" : what + " restored")
                .emit(connection);
        try (PreparedStatement ps =
                connection.prepareStatement(
                        "UPDATE "
                                + table
                                + " SET deleted_at = "
                                + (delete ? "now()" : "NULL")
                                + ", updated_at = now() WHERE id = ?")) {
            ps.setLong(1, row.id());
            return ps.executeUpdate() == 1;
        }
    }

    private boolean hardDeleteContact(Random random) throws SQLException {
        Target contact = pick("contacts", "deleted_at IS NOT NULL", random);
        if (contact == null) {
            contact = pick("contacts", "true", random);
        }
        if (contact == null) {
            return false;
        }
        Actor.system("trash", "contact deleted permanently").emit(connection);
        String tickets = "SELECT id FROM tickets WHERE contact_id = ?";
        for (String sql :
                List.of(
                        "DELETE FROM attachments WHERE ticket_id IN (" + tickets + ")",
                        "DELETE FROM comments WHERE ticket_id IN (" + tickets + ")",
                        "DELETE FROM threads WHERE ticket_id IN (" + tickets + ")",
                        "DELETE FROM tickets WHERE contact_id = ?",
                        "DELETE FROM consents WHERE contact_id = ?",
                        "DELETE FROM contacts WHERE id = ?")) {
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                ps.setLong(1, contact.id());
                ps.executeUpdate();
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ helpers

    private record Target(long id) {}

    private record Subject(Person person, ContactLocale locale) {}

    /**
     * A row of {@code table} matching {@code condition}: the first at or after a random id between
     * the table's smallest and largest, else the last before it.
     */
    private Target pick(String table, String condition, Random random) throws SQLException {
        long min;
        long max;
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT min(id), max(id) FROM " + table)) {
            rs.next();
            min = rs.getLong(1);
            max = rs.getLong(2);
            if (rs.wasNull()) {
                return null;
            }
        }
        long from = min + (long) (random.nextDouble() * (max - min + 1));
        for (String sql :
                List.of(
                        "SELECT id FROM %s WHERE id >= ? AND %s ORDER BY id LIMIT 1",
                        "SELECT id FROM %s WHERE id < ? AND %s ORDER BY id DESC LIMIT 1")) {
            try (PreparedStatement ps =
                    connection.prepareStatement(String.format(sql, table, condition))) {
                ps.setLong(1, from);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return new Target(rs.getLong(1));
                    }
                }
            }
        }
        return null;
    }

    private long contactOfTicket(long ticketId) throws SQLException {
        try (PreparedStatement ps =
                connection.prepareStatement("SELECT contact_id FROM tickets WHERE id = ?")) {
            ps.setLong(1, ticketId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    /** The contact as texts need them: name, address, phones, handle. */
    private Subject subject(long contactId) throws SQLException {
        try (PreparedStatement ps =
                connection.prepareStatement(
                        "SELECT first_name, last_name, email, phone, mobile, twitter_handle, locale"
                                + " FROM contacts WHERE id = ?")) {
            ps.setLong(1, contactId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                ContactLocale locale = locale(rs.getString(7));
                String first = Objects.requireNonNullElse(rs.getString(1), "");
                String last = Objects.requireNonNullElse(rs.getString(2), "");
                Person person =
                        new Person(
                                contactId,
                                rs.getString(3),
                                first,
                                last,
                                locale.japanese(),
                                locale.country(),
                                parse(rs.getString(4), locale),
                                parse(rs.getString(5), locale),
                                rs.getString(6),
                                content.ibanFor(locale));
                return new Subject(person, locale);
            }
        }
    }

    private static ContactLocale locale(String tag) {
        for (ContactLocale l : ContactLocale.values()) {
            if (l.tag().equalsIgnoreCase(tag)) {
                return l;
            }
        }
        return ContactLocale.EN_GB;
    }

    private static PhoneNumber parse(String written, ContactLocale locale) {
        if (written == null) {
            return null;
        }
        try {
            return PHONES.parse(written, locale.country());
        } catch (NumberParseException e) {
            return null;
        }
    }

    private long agentId(Random random) {
        return agentIds.isEmpty() ? 0 : agentIds.get(random.nextInt(agentIds.size()));
    }

    private static Actor agentActor(long agentId, String reason) {
        return agentId > 0 ? Actor.agent(agentId, reason) : Actor.system("automation", reason);
    }

    private String agentEmail(long agentId) throws SQLException {
        if (agentId <= 0) {
            return "support@helpdesk.example";
        }
        try (PreparedStatement ps =
                connection.prepareStatement("SELECT email FROM agents WHERE id = ?")) {
            ps.setLong(1, agentId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "support@helpdesk.example";
            }
        }
    }

    private void connect() throws SQLException {
        closeQuietly();
        connection = dataSource.getConnection();
        connection.setAutoCommit(false);
        List<Long> ids = new ArrayList<>();
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT id FROM agents ORDER BY id")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        connection.commit();
        agentIds = List.copyOf(ids);
    }

    private void rollbackOrReconnect() {
        try {
            if (connection != null && connection.isValid(2)) {
                connection.rollback();
                return;
            }
        } catch (SQLException e) {
            // reconnect below
        }
        try {
            connect();
        } catch (SQLException e) {
            LOG.warn("Reconnecting failed ({}), retrying with the next operation", sqlState(e));
            closeQuietly();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
    }

    private void closeQuietly() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // already gone
            }
            connection = null;
        }
    }

    private static String sqlState(Exception e) {
        return e instanceof SQLException sql
                ? "SQL state " + sql.getSQLState()
                : e.getClass().getSimpleName();
    }

    /** Builder; see {@link LoadGenerator}. */
    public static final class Builder {
        private DataSource dataSource;
        private double rate = DEFAULT_RATE;
        private Duration duration = DEFAULT_DURATION;
        private long maxOperations = Long.MAX_VALUE;
        private long seed = DEFAULT_SEED;
        private final Map<LoadOperation, Integer> mix = new EnumMap<>(LoadOperation.class);
        private Consumer<LoadResult> progress;
        private Duration progressInterval = DEFAULT_PROGRESS_INTERVAL;

        Builder() {
            for (LoadOperation op : OPERATIONS) {
                mix.put(op, op.defaultWeight());
            }
        }

        /** The helpdesk database; required. */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = dataSource;
            return this;
        }

        /** Target operations per second (default {@value #DEFAULT_RATE}). */
        public Builder rate(double operationsPerSecond) {
            this.rate = operationsPerSecond;
            return this;
        }

        /** How long to run (default one minute). */
        public Builder duration(Duration duration) {
            this.duration = duration;
            return this;
        }

        /** Stop after this many operations even if the duration has not passed. */
        public Builder maxOperations(long maxOperations) {
            this.maxOperations = maxOperations;
            return this;
        }

        /** Fixes the sequence of operation types and the generated content. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Relative weight of an operation type in the mix; 0 leaves it out. */
        public Builder weight(LoadOperation operation, int weight) {
            mix.put(operation, weight);
            return this;
        }

        /** Called on the load thread with a snapshot every {@code interval}. */
        public Builder onProgress(Duration interval, Consumer<LoadResult> progress) {
            this.progressInterval = interval;
            this.progress = progress;
            return this;
        }

        public LoadGenerator build() {
            if (dataSource == null) {
                throw new IllegalArgumentException("dataSource is required");
            }
            if (!(rate > 0)) {
                throw new IllegalArgumentException("rate must be > 0 operations/s, was " + rate);
            }
            if (duration == null || duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("duration must be positive, was " + duration);
            }
            if (maxOperations <= 0) {
                throw new IllegalArgumentException("maxOperations must be > 0");
            }
            if (mix.values().stream().anyMatch(w -> w < 0)
                    || mix.values().stream().mapToInt(Integer::intValue).sum() == 0) {
                throw new IllegalArgumentException(
                        "operation weights must be >= 0 and not all 0: " + mix);
            }
            if (progressInterval == null
                    || progressInterval.isNegative()
                    || progressInterval.isZero()) {
                throw new IllegalArgumentException("progress interval must be positive");
            }
            return new LoadGenerator(this);
        }
    }
}
