package dev.lethe.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.SecretKey;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The key store on a real PostgreSQL; each test uses its own subjects. */
class JdbcSubjectKeyStoreITCase {

    private static final AtomicInteger NEXT_SUBJECT = new AtomicInteger(1);

    private static EmbeddedPostgres postgres;
    private static DataSource dataSource;
    private static MasterKeySource masterKeys;

    @BeforeAll
    static void startPostgres() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
        dataSource = postgres.getPostgresDatabase();
        masterKeys = () -> masterKey((byte) 42, "test-master");
        store().createSchema();
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void createsTheGovernanceSchemaIdempotently() throws SQLException {
        store().createSchema();
        store().createSchema();

        assertThat(
                        queryStrings(
                                "SELECT table_name FROM information_schema.tables"
                                        + " WHERE table_schema = 'lethe' ORDER BY table_name"))
                .containsExactly("erased_subjects", "subject_keys");
    }

    @Test
    void createsOneKeyPerSubjectAndStoresItWrapped() throws SQLException {
        String subject = newSubject();

        SecretKey key = store().getOrCreate(subject);

        assertThat(key.getEncoded()).hasSize(32);
        assertThat(store().getOrCreate(subject).getEncoded()).isEqualTo(key.getEncoded());
        assertThat(store().find(subject).map(SecretKey::getEncoded)).contains(key.getEncoded());
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select =
                        connection.prepareStatement(
                                "SELECT wrapped_key, master_key_id FROM lethe.subject_keys"
                                        + " WHERE subject_id = ?")) {
            select.setString(1, subject);
            try (ResultSet row = select.executeQuery()) {
                assertThat(row.next()).isTrue();
                byte[] wrapped = row.getBytes(1);
                assertThat(wrapped).hasSize(61);
                assertThat(indexOf(wrapped, key.getEncoded())).isEqualTo(-1);
                assertThat(row.getString(2)).isEqualTo("test-master");
            }
        }
    }

    @Test
    void findsNothingForASubjectWithoutKey() {
        String subject = newSubject();

        assertThat(store().find(subject)).isEmpty();
        assertThat(store().isErased(subject)).isFalse();
        assertThat(store().erasure(subject)).isEmpty();
    }

    @Test
    void shredDeletesTheKeyAndRecordsATombstone() throws SQLException {
        String subject = newSubject();
        JdbcSubjectKeyStore store = store();
        store.getOrCreate(subject);

        assertThat(store.shred(subject, "dsar-17", "gdpr-art-17")).isTrue();

        assertThat(store.find(subject)).isEmpty();
        assertThat(store().find(subject)).isEmpty();
        assertThat(store().isErased(subject)).isTrue();
        assertThat(store().erasure(subject))
                .get()
                .satisfies(
                        erasure -> {
                            assertThat(erasure.requestId()).isEqualTo("dsar-17");
                            assertThat(erasure.reason()).isEqualTo("gdpr-art-17");
                            assertThat(erasure.erasedAt()).isNotNull();
                        });
        assertThat(keyRows(subject)).isZero();
    }

    @Test
    void shreddingTwiceChangesNothing() {
        String subject = newSubject();
        store().getOrCreate(subject);
        store().shred(subject, "dsar-1", "gdpr-art-17");

        assertThat(store().shred(subject, "dsar-2", "retention")).isFalse();

        assertThat(store().erasure(subject).get().requestId()).isEqualTo("dsar-1");
    }

    @Test
    void neverCreatesAKeyAgainForAnErasedSubject() throws SQLException {
        String subject = newSubject();
        JdbcSubjectKeyStore store = store();
        store.getOrCreate(subject);
        store.shred(subject, "dsar-1", "gdpr-art-17");

        assertThatThrownBy(() -> store.getOrCreate(subject))
                .isInstanceOf(SubjectErasedException.class)
                .hasMessageContaining(subject);
        assertThatThrownBy(() -> store().getOrCreate(subject))
                .isInstanceOf(SubjectErasedException.class);
        assertThat(keyRows(subject)).isZero();
    }

    @Test
    void aSubjectErasedBeforeItHadAKeyNeverGetsOne() throws SQLException {
        String subject = newSubject();

        assertThat(store().shred(subject, "dsar-1", "gdpr-art-17")).isTrue();

        assertThatThrownBy(() -> store().getOrCreate(subject))
                .isInstanceOf(SubjectErasedException.class);
        assertThat(keyRows(subject)).isZero();
    }

    @Test
    void prefetchLoadsExistingKeysAndCreatesMissingOnesSoGetOrCreateNeedsNoRoundTrip()
            throws SQLException {
        String existing = newSubject();
        byte[] existingKey = store().getOrCreate(existing).getEncoded();
        String fresh1 = newSubject();
        String fresh2 = newSubject();
        AtomicInteger connections = new AtomicInteger();
        JdbcSubjectKeyStore store =
                JdbcSubjectKeyStore.builder()
                        .dataSource(counting(dataSource, connections))
                        .masterKeys(masterKeys)
                        .build();

        store.prefetch(List.of(existing, fresh1, fresh2, fresh1));
        int afterPrefetch = connections.get();
        byte[] fresh1Key = store.getOrCreate(fresh1).getEncoded();
        store.getOrCreate(fresh2);

        assertThat(afterPrefetch).isEqualTo(2); // one read, one transaction creating both
        assertThat(store.getOrCreate(existing).getEncoded()).isEqualTo(existingKey);
        assertThat(connections.get()).isEqualTo(afterPrefetch);
        assertThat(keyRows(fresh1)).isEqualTo(1);
        assertThat(keyRows(fresh2)).isEqualTo(1);
        assertThat(store().getOrCreate(fresh1).getEncoded()).isEqualTo(fresh1Key);
    }

    @Test
    void prefetchNeverCreatesAKeyForAnErasedSubject() throws SQLException {
        String erased = newSubject();
        String fresh = newSubject();
        store().shred(erased, "dsar-1", "gdpr-art-17");
        JdbcSubjectKeyStore store = store();

        store.prefetch(List.of(erased, fresh));

        assertThat(keyRows(erased)).isZero();
        assertThat(keyRows(fresh)).isEqualTo(1);
        assertThatThrownBy(() -> store.getOrCreate(erased))
                .isInstanceOf(SubjectErasedException.class);
    }

    @Test
    void concurrentPrefetchesOfOverlappingSubjectsGiveOneKeyEach() throws Exception {
        List<String> subjects = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            subjects.add(newSubject());
        }
        CountDownLatch start = new CountDownLatch(1);
        List<Callable<Map<String, byte[]>>> calls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            List<String> batch = new ArrayList<>(subjects.subList(i * 10, i * 10 + 20));
            java.util.Collections.reverse(batch);
            calls.add(
                    () -> {
                        start.await();
                        JdbcSubjectKeyStore store = store();
                        store.prefetch(batch);
                        // what the store cached: its own new key, or the one another stored first
                        Map<String, byte[]> cached = new HashMap<>();
                        for (String subject : batch) {
                            cached.put(subject, store.getOrCreate(subject).getEncoded());
                        }
                        return cached;
                    });
        }

        List<Map<String, byte[]>> cachedByStore = runAll(calls, start);

        for (String subject : subjects) {
            assertThat(keyRows(subject)).as(subject).isEqualTo(1);
        }
        JdbcSubjectKeyStore a = store();
        JdbcSubjectKeyStore b = store();
        a.prefetch(subjects);
        for (String subject : subjects) {
            assertThat(a.getOrCreate(subject).getEncoded())
                    .isEqualTo(b.getOrCreate(subject).getEncoded());
        }
        for (Map<String, byte[]> cached : cachedByStore) {
            cached.forEach(
                    (subject, key) ->
                            assertThat(key)
                                    .as("the key stored for %s", subject)
                                    .isEqualTo(b.getOrCreate(subject).getEncoded()));
        }
    }

    @Test
    void aKeyAnotherWriterStoresFirstIsTheOneCached() throws Exception {
        String contested = newSubject();
        String free = newSubject();
        SecretKey theirs = DataKeys.newDataKey();
        // between this store's read (no keys yet) and its insert, another writer stores a key for
        // one of the subjects
        DataSource racing =
                beforeStatement(
                        dataSource,
                        "unnest(?::text[], ?::text[])",
                        () -> insertKeyRow(contested, theirs));
        JdbcSubjectKeyStore store =
                JdbcSubjectKeyStore.builder().dataSource(racing).masterKeys(masterKeys).build();

        store.prefetch(List.of(contested, free));

        assertThat(store.getOrCreate(contested).getEncoded()).isEqualTo(theirs.getEncoded());
        assertThat(store.getOrCreate(free).getEncoded())
                .isEqualTo(store().getOrCreate(free).getEncoded());
        assertThat(keyRows(contested)).isEqualTo(1);
        assertThat(keyRows(free)).isEqualTo(1);
    }

    @Test
    void aPrefetchOfErasedSubjectsOnlyStoresNothing() throws Exception {
        String a = newSubject();
        String b = newSubject();
        store().shred(a, "request-1", "test");
        store().shred(b, "request-1", "test");
        JdbcSubjectKeyStore store = store();

        store.prefetch(List.of(a, b));

        assertThat(keyRows(a)).isZero();
        assertThat(keyRows(b)).isZero();
        assertThat(store.find(a)).isEmpty();
    }

    @Test
    void aStoreClosesTheDataSourceItOwnsAndLeavesOthersOpen() throws Exception {
        List<String> closed = new ArrayList<>();
        JdbcSubjectKeyStore owning =
                JdbcSubjectKeyStore.builder()
                        .dataSource(closeable(dataSource, () -> closed.add("owned")))
                        .masterKeys(masterKeys)
                        .closeDataSourceOnClose()
                        .build();
        JdbcSubjectKeyStore borrowing =
                JdbcSubjectKeyStore.builder()
                        .dataSource(closeable(dataSource, () -> closed.add("borrowed")))
                        .masterKeys(masterKeys)
                        .build();

        owning.close();
        borrowing.close();

        assertThat(closed).containsExactly("owned");
    }

    @Test
    void concurrentGetOrCreateGivesOneKey() throws Exception {
        String subject = newSubject();
        List<JdbcSubjectKeyStore> stores = List.of(uncachedStore(), uncachedStore());
        CountDownLatch start = new CountDownLatch(1);
        List<Callable<byte[]>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            JdbcSubjectKeyStore store = stores.get(i % 2);
            calls.add(
                    () -> {
                        start.await();
                        return store.getOrCreate(subject).getEncoded();
                    });
        }

        List<byte[]> keys = runAll(calls, start);

        Set<String> distinct = new HashSet<>();
        keys.forEach(k -> distinct.add(Arrays.toString(k)));
        assertThat(distinct).hasSize(1);
        assertThat(keyRows(subject)).isEqualTo(1);
    }

    @Test
    void noKeySurvivesAnErasureRacingItsCreation() throws Exception {
        List<String> subjects = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            subjects.add(newSubject());
        }
        CountDownLatch start = new CountDownLatch(1);
        List<Callable<byte[]>> calls = new ArrayList<>();
        for (String subject : subjects) {
            calls.add(
                    () -> {
                        start.await();
                        try {
                            return uncachedStore().getOrCreate(subject).getEncoded();
                        } catch (SubjectErasedException erased) {
                            return new byte[0];
                        }
                    });
            calls.add(
                    () -> {
                        start.await();
                        uncachedStore().shred(subject, "dsar-race", "gdpr-art-17");
                        return new byte[0];
                    });
        }

        runAll(calls, start);

        for (String subject : subjects) {
            assertThat(store().isErased(subject)).isTrue();
            assertThat(keyRows(subject)).as("key rows of %s", subject).isZero();
        }
    }

    @Test
    void aKeyShreddedElsewhereLivesInTheCacheAtMostItsTimeToLive() {
        String subject = newSubject();
        DataKeyCacheTest.MutableClock clock = new DataKeyCacheTest.MutableClock();
        JdbcSubjectKeyStore job =
                JdbcSubjectKeyStore.builder()
                        .dataSource(dataSource)
                        .masterKeys(masterKeys)
                        .cacheTtl(Duration.ofMinutes(1))
                        .clock(clock)
                        .build();
        job.getOrCreate(subject);

        store().shred(subject, "dsar-1", "gdpr-art-17");

        assertThat(job.find(subject)).as("within the TTL, from the cache").isPresent();
        clock.advance(Duration.ofMinutes(1));
        assertThat(job.find(subject)).as("after the TTL").isEmpty();
    }

    @Test
    void invalidateDropsACachedKeyAtOnce() {
        String subject = newSubject();
        JdbcSubjectKeyStore job = store();
        job.getOrCreate(subject);
        store().shred(subject, "dsar-1", "gdpr-art-17");

        job.invalidate(subject);

        assertThat(job.find(subject)).isEmpty();
    }

    @Test
    void aKeyWrappedByAnUnknownMasterKeyIsAClearError() {
        String subject = newSubject();
        store().getOrCreate(subject);
        JdbcSubjectKeyStore rotated =
                JdbcSubjectKeyStore.builder()
                        .dataSource(dataSource)
                        .masterKeys(() -> masterKey((byte) 7, "next-master"))
                        .build();

        assertThatThrownBy(() -> rotated.find(subject))
                .isInstanceOf(SubjectKeyStoreException.class)
                .hasMessageContaining("wrapped by master key test-master");
    }

    @Test
    void unwrapsWithAnOlderMasterKeyAfterRotation() {
        String older = newSubject();
        SecretKey olderKey = store().getOrCreate(older);
        MasterKey previous = masterKeys.current();
        MasterKey next = masterKey((byte) 7, "next-master");
        JdbcSubjectKeyStore rotated =
                JdbcSubjectKeyStore.builder()
                        .dataSource(dataSource)
                        .masterKeys(
                                new MasterKeySource() {
                                    @Override
                                    public MasterKey current() {
                                        return next;
                                    }

                                    @Override
                                    public java.util.Optional<MasterKey> byId(String keyId) {
                                        return List.of(next, previous).stream()
                                                .filter(k -> k.id().equals(keyId))
                                                .findFirst();
                                    }
                                })
                        .build();

        assertThat(rotated.find(older).map(SecretKey::getEncoded)).contains(olderKey.getEncoded());
        String newer = newSubject();
        rotated.getOrCreate(newer);
        assertThatThrownBy(() -> store().find(newer)).isInstanceOf(SubjectKeyStoreException.class);
    }

    private static JdbcSubjectKeyStore store() {
        return JdbcSubjectKeyStore.builder().dataSource(dataSource).masterKeys(masterKeys).build();
    }

    private static JdbcSubjectKeyStore uncachedStore() {
        return JdbcSubjectKeyStore.builder()
                .dataSource(dataSource)
                .masterKeys(masterKeys)
                .cacheSize(0)
                .build();
    }

    /** {@code delegate} as a closeable data source (like a pool) that runs {@code onClose}. */
    private static DataSource closeable(DataSource delegate, Runnable onClose) {
        return (DataSource)
                java.lang.reflect.Proxy.newProxyInstance(
                        DataSource.class.getClassLoader(),
                        new Class<?>[] {DataSource.class, AutoCloseable.class},
                        (proxy, method, args) -> {
                            if (method.getName().equals("close")) {
                                onClose.run();
                                return null;
                            }
                            return forward(method, delegate, args);
                        });
    }

    /**
     * {@code delegate}, running {@code action} once before the first statement containing {@code
     * sql}.
     */
    private static DataSource beforeStatement(DataSource delegate, String sql, Runnable action) {
        AtomicInteger runs = new AtomicInteger();
        return (DataSource)
                java.lang.reflect.Proxy.newProxyInstance(
                        DataSource.class.getClassLoader(),
                        new Class<?>[] {DataSource.class},
                        (proxy, method, args) -> {
                            Object result = forward(method, delegate, args);
                            if (!method.getName().equals("getConnection")) {
                                return result;
                            }
                            Connection connection = (Connection) result;
                            return java.lang.reflect.Proxy.newProxyInstance(
                                    Connection.class.getClassLoader(),
                                    new Class<?>[] {Connection.class},
                                    (p, m, a) -> {
                                        if (m.getName().equals("prepareStatement")
                                                && String.valueOf(a[0]).contains(sql)
                                                && runs.getAndIncrement() == 0) {
                                            action.run();
                                        }
                                        return forward(m, connection, a);
                                    });
                        });
    }

    /** Stores a key row for {@code subject} on a connection of its own (committed at once). */
    private static void insertKeyRow(String subject, SecretKey key) {
        MasterKey master = masterKeys.current();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert =
                        connection.prepareStatement(
                                "INSERT INTO lethe.subject_keys (subject_id, wrapped_key,"
                                        + " master_key_id) VALUES (?, ?, ?)")) {
            insert.setString(1, subject);
            insert.setBytes(2, DataKeys.wrap(master, subject, key));
            insert.setString(3, master.id());
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Calls {@code method} on {@code target}, throwing what it throws (for proxies). */
    private static Object forward(java.lang.reflect.Method method, Object target, Object[] args)
            throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** {@code delegate}, counting the connections it hands out. */
    private static DataSource counting(DataSource delegate, AtomicInteger connections) {
        return (DataSource)
                java.lang.reflect.Proxy.newProxyInstance(
                        DataSource.class.getClassLoader(),
                        new Class<?>[] {DataSource.class},
                        (proxy, method, args) -> {
                            if (method.getName().equals("getConnection")) {
                                connections.incrementAndGet();
                            }
                            return forward(method, delegate, args);
                        });
    }

    private static String newSubject() {
        return SubjectIds.contact(NEXT_SUBJECT.getAndIncrement());
    }

    private static MasterKey masterKey(byte fill, String id) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, fill);
        return MasterKey.of(id, bytes);
    }

    private static <T> List<T> runAll(List<Callable<T>> calls, CountDownLatch start)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> call : calls) {
                futures.add(pool.submit(call));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private static int keyRows(String subject) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select =
                        connection.prepareStatement(
                                "SELECT count(*) FROM lethe.subject_keys WHERE subject_id = ?")) {
            select.setString(1, subject);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        }
    }

    private static List<String> queryStrings(String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(sql);
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
