package dev.lethe.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.events.AuditEntry;
import dev.lethe.local.IndependentSlot;
import dev.lethe.local.StackSettings;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * What PostgreSQL committed during a test, read independently of Debezium ({@link IndependentSlot},
 * a {@code test_decoding} slot {@code it_<run>} made before the test's writes), and the assertion
 * that an audit log holds each of it exactly once by (entity, LSN).
 */
public final class CommittedChanges implements AutoCloseable {

    public static final Set<String> GOVERNED = IndependentSlot.governedTables();

    private final IndependentSlot slot;

    private CommittedChanges(IndependentSlot slot) {
        this.slot = slot;
    }

    /** Creates the slot {@code it_<run>} now; changes committed from here on are kept for it. */
    public static CommittedChanges from(StackSettings s, String run) throws Exception {
        String name = "it_" + run.replaceAll("[^a-zA-Z0-9]", "_").toLowerCase();
        return new CommittedChanges(IndependentSlot.create(s, name, GOVERNED));
    }

    public String slot() {
        return slot.name();
    }

    /** {@code entity@LSN} of every committed change on a governed table, in commit order. */
    public List<String> read() throws Exception {
        return slot.read();
    }

    /** What the audit log lacks or holds twice of {@code committed} ({@code entity@LSN} each). */
    public static IndependentSlot.Comparison compare(
            List<String> committed, List<AuditEntry> entries) {
        return IndependentSlot.compare(committed, entries);
    }

    /** {@link IndependentSlot#commitMarker}. */
    public static void commitMarker(StackSettings s, String run) throws Exception {
        IndependentSlot.commitMarker(s, run);
    }

    /**
     * Reads the audit log {@code auditTopic} until it holds every one of {@code committed} (entries
     * of one entity leave in order, but entities do not wait for each other: a thread may wait for
     * its ticket's change while a later contact passes), for at most {@code timeout}; asserts that
     * none is missing and none logged twice, and returns the entries read.
     */
    public static List<AuditEntry> assertLoggedOnce(
            String auditTopic, List<String> committed, Duration timeout) throws Exception {
        List<AuditEntry> entries =
                AuditTestJobs.entries(
                        auditTopic,
                        e -> true,
                        l -> compare(committed, l).missing().isEmpty(),
                        timeout);
        IndependentSlot.Comparison compared = compare(committed, entries);
        assertThat(compared.missing()).as("committed changes never logged").isEmpty();
        assertThat(compared.doubled()).as("changes logged twice").isEmpty();
        return entries;
    }

    @Override
    public void close() throws Exception {
        slot.close();
    }
}
