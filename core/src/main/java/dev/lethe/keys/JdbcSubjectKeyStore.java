package dev.lethe.keys;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import javax.crypto.SecretKey;
import javax.sql.DataSource;

/**
 * The subject key store in PostgreSQL, in the governance schema {@code lethe} of the helpdesk
 * database (created by {@link #createSchema()}, idempotently):
 *
 * <pre>
 * lethe.subject_keys     (subject_id TEXT PRIMARY KEY, wrapped_key BYTEA, master_key_id TEXT, created_at TIMESTAMPTZ)
 * lethe.erased_subjects  (subject_id TEXT PRIMARY KEY, erased_at TIMESTAMPTZ, request_id TEXT, reason TEXT)
 * </pre>
 *
 * <p>Data keys are stored wrapped by the master key ({@link MasterKeySource}); the id of the master
 * key is stored with each, so older keys unwrap after a rotation.
 *
 * <p><b>Erasure is final.</b> Creating a key and shredding one take the same per-subject
 * transaction-scoped advisory lock, and creation checks the tombstone under it, so a key created
 * concurrently with an erasure is either shredded by it or never created: no key exists for an
 * erased subject, ever. Concurrent {@link #getOrCreate} calls (threads or processes) get one key
 * ({@code INSERT ... ON CONFLICT DO NOTHING}, then {@code SELECT}).
 *
 * <p><b>Cache.</b> Unwrapped data keys are cached in memory: at most {@code cacheSize} keys (least
 * recently used are dropped first), each for at most {@code cacheTtl} after it was read. A shred
 * through this instance removes the key from its cache at once. A shred by another process (or
 * another instance) is seen here when the cached entry expires: <b>a shredded key can live in a
 * running job's cache for at most {@code cacheTtl}</b> (default {@link #DEFAULT_CACHE_TTL}), or
 * until {@link #invalidate} is called for it, e.g. when the job sees the erasure event. (The JDK
 * cannot wipe a {@code SecretKeySpec}'s bytes; dropped keys are left to the garbage collector.)
 * Erased subjects are remembered without expiry, since erasure is final.
 */
public final class JdbcSubjectKeyStore implements SubjectKeyStore, AutoCloseable {

    /** How many unwrapped data keys are cached at most, by default. */
    public static final int DEFAULT_CACHE_SIZE = 10_000;

    /** How long an unwrapped data key is cached at most, by default. */
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofMinutes(5);

    /** The governance schema. */
    public static final String SCHEMA = "lethe";

    /** First half of the advisory lock key of every per-subject lock ("LeTh"). */
    private static final int LOCK_NAMESPACE = 0x4c655468;

    private static final String[] SCHEMA_DDL = {
        "CREATE SCHEMA IF NOT EXISTS lethe",
        "CREATE TABLE IF NOT EXISTS lethe.subject_keys ("
                + " subject_id TEXT PRIMARY KEY,"
                + " wrapped_key BYTEA NOT NULL,"
                + " master_key_id TEXT NOT NULL,"
                + " created_at TIMESTAMPTZ NOT NULL DEFAULT now())",
        "CREATE TABLE IF NOT EXISTS lethe.erased_subjects ("
                + " subject_id TEXT PRIMARY KEY,"
                + " erased_at TIMESTAMPTZ NOT NULL DEFAULT now(),"
                + " request_id TEXT NOT NULL,"
                + " reason TEXT NOT NULL)",
        "COMMENT ON TABLE lethe.subject_keys IS"
                + " 'Lethe: one data key per data subject, wrapped by the master key."
                + " Deleting a row erases everything encrypted under it.'",
        "COMMENT ON TABLE lethe.erased_subjects IS"
                + " 'Lethe: erased data subjects; no key is ever created for them again.'"
    };

    private static final String SELECT_KEY =
            "SELECT wrapped_key, master_key_id FROM lethe.subject_keys WHERE subject_id = ?";
    private static final String SELECT_KEYS =
            "SELECT subject_id, wrapped_key, master_key_id FROM lethe.subject_keys"
                    + " WHERE subject_id = ANY (?)";
    private static final String LOCK_MANY =
            "SELECT count(pg_advisory_xact_lock(?, hashtext(s)))"
                    + " FROM (SELECT s FROM unnest(?::text[]) AS s ORDER BY s) AS sorted";
    private static final String SELECT_ERASED_MANY =
            "SELECT subject_id FROM lethe.erased_subjects WHERE subject_id = ANY (?)";
    private static final String LOCK_SUBJECT = "SELECT pg_advisory_xact_lock(?, hashtext(?))";
    private static final String SELECT_ERASURE =
            "SELECT erased_at, request_id, reason FROM lethe.erased_subjects WHERE subject_id = ?";
    private static final String INSERT_KEYS =
            "INSERT INTO lethe.subject_keys (subject_id, wrapped_key, master_key_id)"
                    + " SELECT s, decode(k, 'hex'), ? FROM unnest(?::text[], ?::text[]) AS t (s, k)"
                    + " ON CONFLICT (subject_id) DO NOTHING RETURNING subject_id";
    private static final HexFormat HEX = HexFormat.of();
    private static final String INSERT_KEY =
            "INSERT INTO lethe.subject_keys (subject_id, wrapped_key, master_key_id)"
                    + " VALUES (?, ?, ?) ON CONFLICT (subject_id) DO NOTHING";
    private static final String INSERT_ERASURE =
            "INSERT INTO lethe.erased_subjects (subject_id, request_id, reason)"
                    + " VALUES (?, ?, ?) ON CONFLICT (subject_id) DO NOTHING";
    private static final String DELETE_KEY = "DELETE FROM lethe.subject_keys WHERE subject_id = ?";

    private final DataSource dataSource;
    private final MasterKeySource masterKeys;
    private final DataKeyCache cache;
    private AutoCloseable dataSourceToClose;

    JdbcSubjectKeyStore(
            DataSource dataSource,
            MasterKeySource masterKeys,
            int cacheSize,
            Duration cacheTtl,
            Clock clock) {
        this.dataSource = dataSource;
        this.masterKeys = masterKeys;
        this.cache = new DataKeyCache(cacheSize, cacheTtl, clock);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Takes the transaction-scoped lock that every creator of schema {@code lethe}'s objects holds
     * (the key store, the purge tables): PostgreSQL's {@code CREATE SCHEMA/TABLE IF NOT EXISTS} is
     * not safe when two transactions run it at once (a unique violation on the catalog), and the
     * audit and retention jobs start together.
     */
    public static void lockSchemaDdl(Connection connection) throws SQLException {
        try (PreparedStatement lock =
                connection.prepareStatement("SELECT pg_advisory_xact_lock(?, 0)")) {
            lock.setInt(1, LOCK_NAMESPACE);
            lock.execute();
        }
    }

    /**
     * Creates the schema {@code lethe} and its tables if they do not exist. Safe to call from
     * several processes at once.
     */
    public void createSchema() {
        inTransaction(
                "create schema " + SCHEMA,
                connection -> {
                    createSchema(connection);
                    return null;
                });
    }

    /**
     * Creates the key store's tables in the caller's transaction unless they all exist: a role that
     * may only use them (the audit job's) never needs the right to create anything.
     */
    public static void createSchema(Connection connection) throws SQLException {
        if (allExist(connection, "lethe.subject_keys", "lethe.erased_subjects")) {
            return;
        }
        lockSchemaDdl(connection);
        try (Statement ddl = connection.createStatement()) {
            for (String sql : SCHEMA_DDL) {
                ddl.execute(sql);
            }
        }
    }

    /** Whether every one of these schema-qualified tables exists. */
    public static boolean allExist(Connection connection, String... tables) throws SQLException {
        try (PreparedStatement q = connection.prepareStatement("SELECT to_regclass(?)")) {
            for (String table : tables) {
                q.setString(1, table);
                try (ResultSet rs = q.executeQuery()) {
                    if (!rs.next() || rs.getString(1) == null) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    @Override
    public SecretKey getOrCreate(String subjectId) {
        SubjectIds.requireValid(subjectId);
        SecretKey cached = cache.get(subjectId);
        if (cached != null) {
            return cached;
        }
        if (cache.knownErased(subjectId)) {
            throw new SubjectErasedException(subjectId);
        }
        Optional<SecretKey> existing = load(subjectId);
        if (existing.isPresent()) {
            return existing.get();
        }
        MasterKey master = masterKeys.current();
        byte[] wrapped = DataKeys.wrap(master, subjectId, DataKeys.newDataKey());
        StoredKey stored =
                inTransaction(
                        "create the data key of " + subjectId,
                        connection -> {
                            lockSubject(connection, subjectId);
                            if (readErasure(connection, subjectId).isPresent()) {
                                return null;
                            }
                            try (PreparedStatement insert =
                                    connection.prepareStatement(INSERT_KEY)) {
                                insert.setString(1, subjectId);
                                insert.setBytes(2, wrapped);
                                insert.setString(3, master.id());
                                insert.executeUpdate();
                            }
                            return readKey(connection, subjectId);
                        });
        if (stored == null) {
            cache.markErased(subjectId);
            throw new SubjectErasedException(subjectId);
        }
        SecretKey key = stored.unwrap(subjectId);
        cache.put(subjectId, key);
        return key;
    }

    /**
     * Two round trips for the keys that exist, one transaction for those to create: locks on all of
     * them (in subject order, so two batches cannot deadlock), one read of the tombstones, one
     * batched insert, one read back. Keys end up in the cache, tombstones in its erased set.
     */
    @Override
    public void prefetch(Collection<String> subjectIds) {
        SortedSet<String> wanted = new TreeSet<>();
        for (String subjectId : subjectIds) {
            SubjectIds.requireValid(subjectId);
            if (cache.get(subjectId) == null && !cache.knownErased(subjectId)) {
                wanted.add(subjectId);
            }
        }
        if (wanted.isEmpty()) {
            return;
        }
        Map<String, StoredKey> existing =
                inTransaction(
                        "read the data keys of " + wanted.size() + " subjects",
                        connection -> readKeys(connection, wanted));
        existing.forEach((subjectId, stored) -> cache.put(subjectId, stored.unwrap(subjectId)));
        SortedSet<String> missing = new TreeSet<>(wanted);
        missing.removeAll(existing.keySet());
        if (missing.isEmpty()) {
            return;
        }
        MasterKey master = masterKeys.current();
        Map<String, SecretKey> fresh = new HashMap<>();
        Map<String, byte[]> wrapped = new HashMap<>();
        for (String subjectId : missing) {
            SecretKey dataKey = DataKeys.newDataKey();
            fresh.put(subjectId, dataKey);
            wrapped.put(subjectId, DataKeys.wrap(master, subjectId, dataKey));
        }
        record Created(Set<String> inserted, Map<String, StoredKey> theirs, Set<String> erased) {}
        Created created =
                inTransaction(
                        "create the data keys of " + missing.size() + " subjects",
                        connection -> {
                            String[] ids = missing.toArray(String[]::new);
                            try (PreparedStatement lock = connection.prepareStatement(LOCK_MANY)) {
                                lock.setInt(1, LOCK_NAMESPACE);
                                lock.setArray(2, connection.createArrayOf("text", ids));
                                lock.execute();
                            }
                            Set<String> erased = new HashSet<>();
                            try (PreparedStatement select =
                                    connection.prepareStatement(SELECT_ERASED_MANY)) {
                                select.setArray(1, connection.createArrayOf("text", ids));
                                try (ResultSet rows = select.executeQuery()) {
                                    while (rows.next()) {
                                        erased.add(rows.getString(1));
                                    }
                                }
                            }
                            List<String> toCreate = new ArrayList<>();
                            List<String> wrappedHex = new ArrayList<>();
                            for (String subjectId : ids) {
                                if (!erased.contains(subjectId)) {
                                    toCreate.add(subjectId);
                                    wrappedHex.add(HEX.formatHex(wrapped.get(subjectId)));
                                }
                            }
                            Set<String> inserted = new HashSet<>();
                            if (!toCreate.isEmpty()) {
                                // one statement for the batch (a row per statement cost the
                                // database more than the rest of a new subject's key)
                                try (PreparedStatement insert =
                                        connection.prepareStatement(INSERT_KEYS)) {
                                    insert.setString(1, master.id());
                                    insert.setArray(
                                            2,
                                            connection.createArrayOf("text", toCreate.toArray()));
                                    insert.setArray(
                                            3,
                                            connection.createArrayOf("text", wrappedHex.toArray()));
                                    try (ResultSet rows = insert.executeQuery()) {
                                        while (rows.next()) {
                                            inserted.add(rows.getString(1));
                                        }
                                    }
                                }
                            }
                            // a key another writer stored first is read back
                            List<String> theirs = new ArrayList<>(toCreate);
                            theirs.removeAll(inserted);
                            return new Created(
                                    inserted,
                                    theirs.isEmpty() ? Map.of() : readKeys(connection, theirs),
                                    erased);
                        });
        created.erased().forEach(cache::markErased);
        created.inserted().forEach(subjectId -> cache.put(subjectId, fresh.get(subjectId)));
        created.theirs()
                .forEach((subjectId, stored) -> cache.put(subjectId, stored.unwrap(subjectId)));
    }

    @Override
    public Optional<SecretKey> find(String subjectId) {
        SubjectIds.requireValid(subjectId);
        SecretKey cached = cache.get(subjectId);
        if (cached != null) {
            return Optional.of(cached);
        }
        if (cache.knownErased(subjectId)) {
            return Optional.empty();
        }
        return load(subjectId);
    }

    @Override
    public boolean shred(String subjectId, String requestId, String reason) {
        SubjectIds.requireValid(subjectId);
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(reason, "reason");
        boolean erasedNow =
                inTransaction(
                        "shred the data key of " + subjectId,
                        connection -> {
                            lockSubject(connection, subjectId);
                            int tombstones;
                            try (PreparedStatement insert =
                                    connection.prepareStatement(INSERT_ERASURE)) {
                                insert.setString(1, subjectId);
                                insert.setString(2, requestId);
                                insert.setString(3, reason);
                                tombstones = insert.executeUpdate();
                            }
                            try (PreparedStatement delete =
                                    connection.prepareStatement(DELETE_KEY)) {
                                delete.setString(1, subjectId);
                                delete.executeUpdate();
                            }
                            return tombstones == 1;
                        });
        cache.markErased(subjectId);
        return erasedNow;
    }

    @Override
    public boolean isErased(String subjectId) {
        SubjectIds.requireValid(subjectId);
        return cache.knownErased(subjectId) || erasure(subjectId).isPresent();
    }

    @Override
    public Optional<Erasure> erasure(String subjectId) {
        SubjectIds.requireValid(subjectId);
        Optional<Erasure> erasure =
                inTransaction(
                        "read the erasure of " + subjectId,
                        connection -> readErasure(connection, subjectId));
        erasure.ifPresent(e -> cache.markErased(subjectId));
        return erasure;
    }

    /**
     * Closes the data source if the store was built to own it ({@link
     * Builder#closeDataSourceOnClose}), e.g. the connection pool an operator made for it; otherwise
     * nothing (the caller's data source stays open).
     */
    @Override
    public void close() throws Exception {
        if (dataSourceToClose != null) {
            dataSourceToClose.close();
        }
    }

    /**
     * Drops the subject's key from this instance's cache, e.g. when a job sees the subject's
     * erasure event, so the key is not used here for up to the cache TTL after another process
     * shredded it.
     */
    public void invalidate(String subjectId) {
        cache.invalidate(subjectId);
    }

    private Optional<SecretKey> load(String subjectId) {
        StoredKey stored =
                inTransaction(
                        "read the data key of " + subjectId,
                        connection -> readKey(connection, subjectId));
        if (stored == null) {
            return Optional.empty();
        }
        SecretKey key = stored.unwrap(subjectId);
        cache.put(subjectId, key);
        return Optional.of(key);
    }

    private static void lockSubject(Connection connection, String subjectId) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement(LOCK_SUBJECT)) {
            lock.setInt(1, LOCK_NAMESPACE);
            lock.setString(2, subjectId);
            lock.execute();
        }
    }

    private StoredKey readKey(Connection connection, String subjectId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(SELECT_KEY)) {
            select.setString(1, subjectId);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? new StoredKey(row.getBytes(1), row.getString(2)) : null;
            }
        }
    }

    private Map<String, StoredKey> readKeys(Connection connection, Collection<String> subjectIds)
            throws SQLException {
        Map<String, StoredKey> keys = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(SELECT_KEYS)) {
            select.setArray(1, connection.createArrayOf("text", subjectIds.toArray()));
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    keys.put(row.getString(1), new StoredKey(row.getBytes(2), row.getString(3)));
                }
            }
        }
        return keys;
    }

    private static Optional<Erasure> readErasure(Connection connection, String subjectId)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(SELECT_ERASURE)) {
            select.setString(1, subjectId);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                Timestamp erasedAt = row.getTimestamp(1);
                return Optional.of(
                        new Erasure(
                                subjectId,
                                erasedAt.toInstant(),
                                row.getString(2),
                                row.getString(3)));
            }
        }
    }

    private final class StoredKey {
        private final byte[] wrapped;
        private final String masterKeyId;

        StoredKey(byte[] wrapped, String masterKeyId) {
            this.wrapped = wrapped;
            this.masterKeyId = masterKeyId;
        }

        SecretKey unwrap(String subjectId) {
            MasterKey master =
                    masterKeys
                            .byId(masterKeyId)
                            .orElseThrow(
                                    () ->
                                            new SubjectKeyStoreException(
                                                    "the data key of "
                                                            + subjectId
                                                            + " is wrapped by master key "
                                                            + masterKeyId
                                                            + ", which "
                                                            + masterKeys
                                                            + " does not have"));
            return DataKeys.unwrap(master, subjectId, wrapped);
        }
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private <T> T inTransaction(String what, Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new SubjectKeyStoreException(
                    "key store: cannot " + what + " (SQL state " + e.getSQLState() + ")", e);
        }
    }

    /** Builds a {@link JdbcSubjectKeyStore}; data source and master key source are required. */
    public static final class Builder {
        private DataSource dataSource;
        private MasterKeySource masterKeys;
        private int cacheSize = DEFAULT_CACHE_SIZE;
        private Duration cacheTtl = DEFAULT_CACHE_TTL;
        private Clock clock = Clock.systemUTC();
        private boolean closeDataSource;

        private Builder() {}

        /**
         * The store owns its data source: {@link JdbcSubjectKeyStore#close()} closes it (if it is
         * {@link AutoCloseable}, as a connection pool is).
         */
        public Builder closeDataSourceOnClose() {
            this.closeDataSource = true;
            return this;
        }

        /** The helpdesk database (the store's tables live in its schema {@code lethe}). */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = dataSource;
            return this;
        }

        /** Where the master key comes from. */
        public Builder masterKeys(MasterKeySource masterKeys) {
            this.masterKeys = masterKeys;
            return this;
        }

        /** At most this many unwrapped keys in memory; 0 disables the cache. */
        public Builder cacheSize(int cacheSize) {
            this.cacheSize = cacheSize;
            return this;
        }

        /**
         * An unwrapped key is used from memory for at most this long after it was read: the bound
         * on how long a key shredded elsewhere is still used here.
         */
        public Builder cacheTtl(Duration cacheTtl) {
            this.cacheTtl = cacheTtl;
            return this;
        }

        /** The clock of the cache's expiry (tests). */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Does not touch the database; call {@link JdbcSubjectKeyStore#createSchema()} once. */
        public JdbcSubjectKeyStore build() {
            if (dataSource == null) {
                throw new IllegalStateException("JdbcSubjectKeyStore needs a dataSource");
            }
            if (masterKeys == null) {
                throw new IllegalStateException("JdbcSubjectKeyStore needs a masterKeys source");
            }
            if (cacheSize < 0) {
                throw new IllegalStateException("cacheSize must be >= 0, got " + cacheSize);
            }
            if (cacheTtl == null || cacheTtl.isNegative()) {
                throw new IllegalStateException("cacheTtl must be >= 0");
            }
            JdbcSubjectKeyStore store =
                    new JdbcSubjectKeyStore(
                            dataSource,
                            masterKeys,
                            cacheSize,
                            cacheTtl,
                            Objects.requireNonNull(clock));
            if (closeDataSource && dataSource instanceof AutoCloseable closeable) {
                store.dataSourceToClose = closeable;
            }
            return store;
        }
    }
}
