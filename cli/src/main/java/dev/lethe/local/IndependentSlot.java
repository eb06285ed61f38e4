package dev.lethe.local;

import dev.lethe.audit.Actor;
import dev.lethe.audit.AuditEntryBinary;
import dev.lethe.audit.MalformedRecordException;
import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.events.AuditEntry;
import dev.lethe.jobs.config.JobSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What PostgreSQL committed, read independently of Debezium: a {@code test_decoding} logical slot
 * made before a period of interest, peeked (never consumed) afterwards. Each change on a governed
 * table comes as {@code entity@LSN} ({@code contacts/1858@23456789}), the way the audit log
 * identifies a change, so that the log can be compared with it by (entity, LSN): the check
 * docs/reliability.md describes for changes that never reached capture.
 *
 * <p>The slot keeps WAL from its creation until it is dropped ({@link #close}): use it for a
 * bounded period. Reads only the first 200 characters of each decoded change (its table, operation
 * and id), so a 50 MB value does not come over the wire; never logs a row's content.
 */
public final class IndependentSlot implements AutoCloseable {

    private static final Pattern CHANGE =
            Pattern.compile(
                    "^table public\\.(\\w+): (INSERT|UPDATE|DELETE): .*?id\\[bigint\\]:(\\d+)");
    private static final Pattern SLOT_NAME = Pattern.compile("[a-z0-9_]{1,63}");

    private final StackSettings settings;
    private final String slot;
    private final Set<String> governed;

    private IndependentSlot(StackSettings settings, String slot, Set<String> governed) {
        this.settings = settings;
        this.slot = slot;
        this.governed = governed;
    }

    /** The tables of the shipped personal-data catalog: the ones the audit log holds changes of. */
    public static Set<String> governedTables() {
        return Set.copyOf(PostgresRoles.governedTables(PersonalDataCatalog.loadDefault()));
    }

    /**
     * Creates the slot {@code name} now (lower-case letters, digits and {@code _}); changes
     * committed from here on, on {@code governed} tables, are read by {@link #read}.
     */
    public static IndependentSlot create(StackSettings s, String name, Collection<String> governed)
            throws Exception {
        if (!SLOT_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "slot name " + name + ": use 1 to 63 lower-case letters, digits and _");
        }
        try (Connection c = StackProbe.connectPostgres(s);
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT pg_create_logical_replication_slot(?, 'test_decoding')")) {
            ps.setString(1, name);
            ps.execute();
        }
        return new IndependentSlot(s, name, Set.copyOf(governed));
    }

    public String name() {
        return slot;
    }

    /** {@code entity@LSN} of every committed change on a governed table so far, in commit order. */
    public List<String> read() throws Exception {
        List<String> changes = new ArrayList<>();
        try (Connection c = StackProbe.connectPostgres(settings);
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT lsn::text, left(data, 200) FROM"
                                        + " pg_logical_slot_peek_changes(?, NULL, NULL)")) {
            c.setAutoCommit(false);
            ps.setFetchSize(1000);
            ps.setString(1, slot);
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    Matcher m = CHANGE.matcher(r.getString(2));
                    if (m.find() && governed.contains(m.group(1))) {
                        changes.add(m.group(1) + "/" + m.group(3) + "@" + lsn(r.getString(1)));
                    }
                }
            }
            c.commit();
        }
        return changes;
    }

    /** What an audit log lacks or holds twice of the committed changes ({@code entity@LSN}). */
    public record Comparison(List<String> missing, List<String> doubled) {}

    /** Compares committed changes with the change entries of an audit log by (entity, LSN). */
    public static Comparison compare(List<String> committed, Collection<AuditEntry> entries) {
        Map<String, Integer> audited = new HashMap<>();
        for (AuditEntry e : entries) {
            count(audited, e);
        }
        return compareCounts(committed, audited);
    }

    /** Counts {@code e} in {@code audited} by its {@code entity@LSN} when it is a change entry. */
    public static void count(Map<String, Integer> audited, AuditEntry e) {
        if ("change".equals(e.getKind()) && e.getLsn() != null) {
            audited.merge(e.getEntityId() + "@" + e.getLsn(), 1, Integer::sum);
        }
    }

    /**
     * Reads the stack's audit log of record (read_committed) until it holds every one of {@code
     * committed} or {@code timeout} has passed: how often it holds each change entry's {@code
     * entity@LSN}.
     */
    public static Map<String, Integer> awaitLogged(
            StackSettings s, List<String> committed, Duration timeout)
            throws MalformedRecordException {
        Map<String, Integer> logged = new HashMap<>();
        Properties p = s.kafkaClient();
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (var info :
                    c.partitionsFor(JobSettings.DEFAULT_AUDIT_TOPIC, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(info.topic(), info.partition()));
            }
            c.assign(partitions);
            c.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                int read = 0;
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    read++;
                    count(logged, AuditEntryBinary.fromSingleObject(r.value()));
                }
                if (read == 0 && compareCounts(committed, logged).missing().isEmpty()) {
                    break;
                }
            }
        }
        return logged;
    }

    /**
     * Compares committed changes with how often the log holds each {@code entity@LSN} (change
     * entries only).
     */
    public static Comparison compareCounts(List<String> committed, Map<String, Integer> audited) {
        List<String> missing = new ArrayList<>();
        List<String> doubled = new ArrayList<>();
        for (String change : committed) {
            Integer n = audited.get(change);
            if (n == null) {
                missing.add(change);
            } else if (n > 1) {
                doubled.add(change);
            }
        }
        return new Comparison(missing, doubled);
    }

    /**
     * Commits a marker contact ({@code marker.<run>@example.eu}, by an agent) after everything else
     * of a period: the changes committed before it are the ones its log must hold once it holds the
     * marker's.
     */
    public static void commitMarker(StackSettings s, String run) throws Exception {
        try (Connection c = StackProbe.connectPostgres(s)) {
            c.setAutoCommit(false);
            Actor.agent(7, "marker").emit(c);
            try (PreparedStatement ps =
                    c.prepareStatement("INSERT INTO contacts (email) VALUES (?)")) {
                ps.setString(1, "marker." + run + "@example.eu");
                ps.executeUpdate();
            }
            c.commit();
        }
    }

    /** Drops the slot: PostgreSQL no longer keeps WAL for it. */
    @Override
    public void close() throws Exception {
        try (Connection c = StackProbe.connectPostgres(settings);
                PreparedStatement ps = c.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
            ps.setString(1, slot);
            ps.execute();
        }
    }

    /** An LSN's text form ({@code 16/B374D848}) as the number the audit log records. */
    static long lsn(String text) {
        int slash = text.indexOf('/');
        return (Long.parseLong(text.substring(0, slash), 16) << 32)
                | Long.parseLong(text.substring(slash + 1), 16);
    }
}
