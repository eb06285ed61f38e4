package dev.lethe.testing;

import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What PostgreSQL committed, read independently of Debezium: a {@code test_decoding} logical slot
 * made before a test's writes, peeked (not consumed) afterwards. Each change on a governed table as
 * {@code entity@LSN}, the way the audit log identifies a change.
 */
public final class CommittedChanges implements AutoCloseable {

    public static final Set<String> GOVERNED =
            Set.of(
                    "accounts",
                    "contacts",
                    "agents",
                    "custom_field_definitions",
                    "tickets",
                    "threads",
                    "comments",
                    "attachments",
                    "consents");
    private static final Pattern CHANGE =
            Pattern.compile(
                    "^table public\\.(\\w+): (INSERT|UPDATE|DELETE): .*?id\\[bigint\\]:(\\d+)");

    private final StackSettings settings;
    private final String slot;

    private CommittedChanges(StackSettings settings, String slot) {
        this.settings = settings;
        this.slot = slot;
    }

    /** Creates the slot {@code it_<run>} now; changes committed from here on are kept for it. */
    public static CommittedChanges from(StackSettings s, String run) throws Exception {
        String slot = "it_" + run.replaceAll("[^a-zA-Z0-9]", "_").toLowerCase();
        try (Connection c = StackProbe.connectPostgres(s);
                Statement st = c.createStatement()) {
            st.execute(
                    "SELECT pg_create_logical_replication_slot('" + slot + "', 'test_decoding')");
        }
        return new CommittedChanges(s, slot);
    }

    public String slot() {
        return slot;
    }

    /** {@code entity@LSN} of every committed change on a governed table, in commit order. */
    public List<String> read() throws Exception {
        List<String> changes = new ArrayList<>();
        try (Connection c = StackProbe.connectPostgres(settings);
                Statement st = c.createStatement()) {
            st.setFetchSize(1000);
            c.setAutoCommit(false);
            // only the start of each line: a 50 MB value need not come over the wire
            try (ResultSet r =
                    st.executeQuery(
                            "SELECT lsn::text, left(data, 200) FROM"
                                    + " pg_logical_slot_peek_changes('"
                                    + slot
                                    + "', NULL, NULL)")) {
                while (r.next()) {
                    Matcher m = CHANGE.matcher(r.getString(2));
                    if (m.find() && GOVERNED.contains(m.group(1))) {
                        changes.add(m.group(1) + "/" + m.group(3) + "@" + lsn(r.getString(1)));
                    }
                }
            }
            c.commit();
        }
        return changes;
    }

    /** What the audit log lacks or holds twice of {@code committed} ({@code entity@LSN} each). */
    public record Comparison(List<String> missing, List<String> doubled) {}

    /** Compares committed changes with the change entries of an audit log by (entity, LSN). */
    public static Comparison compare(
            List<String> committed, List<dev.lethe.events.AuditEntry> entries) {
        java.util.Map<String, Integer> audited = new java.util.HashMap<>();
        for (dev.lethe.events.AuditEntry e : entries) {
            if ("change".equals(e.getKind()) && e.getLsn() != null) {
                audited.merge(e.getEntityId() + "@" + e.getLsn(), 1, Integer::sum);
            }
        }
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
     * Commits a marker contact after everything a test wrote ({@code marker.<run>@example.eu}, by
     * an agent): the changes committed before it are the ones {@link #read} must find logged.
     */
    public static void commitMarker(StackSettings s, String run) throws Exception {
        try (java.sql.Connection c = StackProbe.connectPostgres(s)) {
            c.setAutoCommit(false);
            dev.lethe.audit.Actor.agent(7, "marker").emit(c);
            try (java.sql.PreparedStatement ps =
                    c.prepareStatement("INSERT INTO contacts (email) VALUES (?)")) {
                ps.setString(1, "marker." + run + "@example.eu");
                ps.executeUpdate();
            }
            c.commit();
        }
    }

    /**
     * Reads the audit log {@code auditTopic} until it holds every one of {@code committed} (entries
     * of one entity leave in order, but entities do not wait for each other: a thread may wait for
     * its ticket's change while a later contact passes), for at most {@code timeout}; asserts that
     * none is missing and none logged twice, and returns the entries read.
     */
    public static List<dev.lethe.events.AuditEntry> assertLoggedOnce(
            String auditTopic, List<String> committed, java.time.Duration timeout)
            throws Exception {
        List<dev.lethe.events.AuditEntry> entries =
                AuditTestJobs.entries(
                        auditTopic,
                        e -> true,
                        l -> compare(committed, l).missing().isEmpty(),
                        timeout);
        Comparison compared = compare(committed, entries);
        org.assertj.core.api.Assertions.assertThat(compared.missing())
                .as("committed changes never logged")
                .isEmpty();
        org.assertj.core.api.Assertions.assertThat(compared.doubled())
                .as("changes logged twice")
                .isEmpty();
        return entries;
    }

    @Override
    public void close() throws Exception {
        try (Connection c = StackProbe.connectPostgres(settings);
                Statement st = c.createStatement()) {
            st.execute("SELECT pg_drop_replication_slot('" + slot + "')");
        }
    }

    private static long lsn(String text) {
        int slash = text.indexOf('/');
        return (Long.parseLong(text.substring(0, slash), 16) << 32)
                | Long.parseLong(text.substring(slash + 1), 16);
    }
}
