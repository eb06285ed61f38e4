package dev.lethe.jobs.audit;

import static dev.lethe.jobs.audit.AuditTestData.STATE_KEYS;
import static dev.lethe.jobs.audit.AuditTestData.T0;
import static dev.lethe.jobs.audit.AuditTestData.at;
import static dev.lethe.jobs.audit.AuditTestData.threadInserted;
import static dev.lethe.jobs.audit.AuditTestData.ticketInserted;
import static dev.lethe.jobs.audit.AuditTestData.ticketRow;
import static dev.lethe.jobs.testing.Utf8.containsUtf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.events.ChangeEvent;
import dev.lethe.events.Operation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResolveRowSubjectsTest {

    private static final RowSubjectPaths PATHS =
            RowSubjectPaths.of(PersonalDataCatalog.loadDefault());

    private static final String SECRET = "my passport number is C01X00T47";

    @Test
    void aThreadWhoseTicketIsKnownGetsItsContactAtOnceAndOtherRowsPassStraightThrough()
            throws Exception {
        try (var h = harness()) {
            h.open();
            send(h, ticket(3, 5, 10));
            send(h, thread(9, 3, 20));
            send(h, at(AuditTestData.contactInserted(5, "anna@example.eu", null), 5, T0 + 5));
            send(h, at(AuditTestData.accountInserted(1, "Berger GmbH"), 6, T0 + 6));

            assertThat(out(h))
                    .containsExactly(
                            "tickets/3@10 contact:5",
                            "threads/9@20 contact:5",
                            "contacts/5@5 contact:5",
                            "accounts/1@6 -");
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aThreadReadBeforeItsTicketIsHeldUntilTheTicketComesWithItsOwnTimestamp() throws Exception {
        try (var h = harness()) {
            h.open();
            send(h, thread(9, 3, 20));
            assertThat(out(h)).isEmpty();
            assertThat(h.numEventTimeTimers()).isEqualTo(1);

            send(h, ticket(3, 5, 10));

            assertThat(out(h)).containsExactly("tickets/3@10 contact:5", "threads/9@20 contact:5");
            assertThat(records(h).get(1).getTimestamp()).isEqualTo(T0 + 20);
            // nothing is held any more; the timer fires without effect
            h.processWatermark(T0 + 20 + ResolveRowSubjects.UNRESOLVED_AFTER_MS);
            assertThat(out(h)).hasSize(2);
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aThreadWhoseTicketNeverComesLeavesWithoutSubjectAGraceAfterEventTimePassesItsCommit()
            throws Exception {
        long grace = ResolveRowSubjects.UNRESOLVED_AFTER_MS;
        try (var h = harness()) {
            h.open();
            send(h, thread(9, 404, 20));
            h.processWatermark(T0 + 20);
            // a tickets partition that fell behind while marked idle still delivers in the grace
            h.processWatermark(T0 + 19 + grace);
            assertThat(out(h)).isEmpty();

            h.processWatermark(T0 + 20 + grace);

            assertThat(out(h)).containsExactly("threads/9@20 -");
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
            // and one further behind event time than the grace leaves at once, without subject
            send(h, thread(10, 404, 15));
            assertThat(out(h)).containsExactly("threads/9@20 -", "threads/10@15 -");
        }
    }

    @Test
    void aTicketArrivingLateBehindTheWatermarkStillGivesItsThreadASubject() throws Exception {
        try (var h = harness()) {
            h.open();
            send(h, thread(9, 3, 20));
            // event time passed the commit: the tickets partition was idle and comes back late
            h.processWatermark(T0 + 25);
            assertThat(out(h)).isEmpty();

            send(h, ticket(3, 5, 10));

            assertThat(out(h)).contains("threads/9@20 contact:5");
        }
    }

    @Test
    void aChangeGetsTheGreatestVersionOfItsTicketAtOrBelowItsLsnWhateverTheOrderTheyCameIn()
            throws Exception {
        try (var h = harness()) {
            h.open();
            // replay: the ticket's whole history is read before its threads
            send(h, ticket(3, 5, 10));
            send(h, reassigned(3, 5, 6, 30));
            send(h, thread(9, 3, 20));
            send(h, thread(10, 3, 40));
            send(h, thread(11, 3, 30));

            assertThat(out(h))
                    .containsExactly(
                            "tickets/3@10 contact:5",
                            "tickets/3@30 contact:6",
                            "threads/9@20 contact:5",
                            "threads/10@40 contact:6",
                            "threads/11@30 contact:6");
        }
        try (var h = harness()) {
            h.open();
            // live: the threads first, the ticket's versions after
            send(h, thread(9, 3, 20));
            send(h, thread(10, 3, 40));
            send(h, ticket(3, 5, 10));
            send(h, reassigned(3, 5, 6, 30));

            assertThat(out(h))
                    .containsExactly(
                            "tickets/3@10 contact:5",
                            "threads/9@20 contact:5",
                            "threads/10@40 contact:5", // the residual case: 30 was not read yet
                            "tickets/3@30 contact:6");
        }
    }

    @Test
    void aThreadOfADeletedTicketHasNoSubjectAndTheTicketsHistoryIsDroppedAfterTheRetention()
            throws Exception {
        try (var h = harness()) {
            h.open();
            send(h, ticket(3, 5, 10));
            send(h, deleted(3, 5, 30));
            send(h, thread(9, 3, 40));
            assertThat(out(h)).contains("threads/9@40 -");
            assertThat(h.numKeyedStateEntries()).isEqualTo(1);

            h.processWatermark(T0 + 30 + ResolveRowSubjects.RETENTION_MS);

            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void olderVersionsArePrunedOnceANewerOneIsOlderThanTheRetention() throws Exception {
        try (var h = harness()) {
            h.open();
            send(h, ticket(3, 5, 10));
            send(h, reassigned(3, 5, 6, 30));
            send(h, thread(9, 3, 20));
            assertThat(out(h)).contains("threads/9@20 contact:5");

            h.processWatermark(T0 + 30 + ResolveRowSubjects.RETENTION_MS);
            send(h, thread(10, 3, 20)); // later than the retention: the old version is gone

            assertThat(out(h)).endsWith("threads/10@20 -");
            send(h, thread(11, 3, 50));
            assertThat(out(h)).endsWith("threads/11@50 contact:6");
            assertThat(h.numKeyedStateEntries()).isEqualTo(1); // the ticket's current version
        }
    }

    @Test
    void heldChangesSurviveARestoreSealed(@TempDir Path dir) throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            send(h, thread(9, 3, 20));
            snapshot = h.snapshot(1, T0 + 21);
        }
        Path file = dir.resolve("resolve.snapshot");
        OperatorSnapshotUtil.writeStateHandle(snapshot, file.toString());
        byte[] bytes = Files.readAllBytes(file);
        assertThat(containsUtf8(bytes, "tickets/3")).as("the held change's key").isTrue();
        assertThat(containsUtf8(bytes, "C01X00T47")).as("plaintext in the snapshot").isFalse();
        assertThat(containsUtf8(bytes, "anna@example.eu"))
                .as("plaintext in the snapshot")
                .isFalse();

        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            send(h, ticket(3, 5, 10));
            assertThat(out(h)).containsExactly("tickets/3@10 contact:5", "threads/9@20 contact:5");
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, ChangeEvent, SubjectedChange>
            harness() throws Exception {
        AuditResources resources = new AuditResources(null, () -> null, STATE_KEYS, () -> null);
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new ResolveRowSubjects(resources)),
                PATHS::resolutionKey,
                Types.STRING);
    }

    private static void send(
            KeyedOneInputStreamOperatorTestHarness<String, ChangeEvent, SubjectedChange> h,
            ChangeEvent change)
            throws Exception {
        h.processElement(change, change.getSource().getCommitTime().toEpochMilli());
    }

    private static ChangeEvent ticket(long id, long contactId, long lsn) {
        return at(ticketInserted(id, contactId, "Hello", "anna@example.eu"), lsn, T0 + lsn);
    }

    private static ChangeEvent reassigned(long id, long from, long to, long lsn) {
        return at(
                AuditTestData.change(
                        "tickets",
                        id,
                        Operation.UPDATE,
                        ticketRow(id, from, "Hello", "x"),
                        ticketRow(id, to, "Hello", "x")),
                lsn,
                T0 + lsn);
    }

    private static ChangeEvent deleted(long id, long contactId, long lsn) {
        return at(
                AuditTestData.change(
                        "tickets",
                        id,
                        Operation.DELETE,
                        ticketRow(id, contactId, "Hello", "x"),
                        null),
                lsn,
                T0 + lsn);
    }

    private static ChangeEvent thread(long id, long ticketId, long lsn) {
        return at(threadInserted(id, ticketId, SECRET), lsn, T0 + lsn);
    }

    @SuppressWarnings("unchecked")
    private static List<StreamRecord<SubjectedChange>> records(
            KeyedOneInputStreamOperatorTestHarness<String, ChangeEvent, SubjectedChange> h) {
        return h.getOutput().stream()
                .filter(o -> o instanceof StreamRecord<?>)
                .map(o -> (StreamRecord<SubjectedChange>) o)
                .toList();
    }

    /** "entity@lsn subject" per output record, "-" for none. */
    private static List<String> out(
            KeyedOneInputStreamOperatorTestHarness<String, ChangeEvent, SubjectedChange> h) {
        return records(h).stream()
                .map(StreamRecord::getValue)
                .map(
                        c ->
                                dev.lethe.normalize.EntityId.of(c.change)
                                        + "@"
                                        + c.change.getSource().getLsn()
                                        + " "
                                        + (c.rowSubject == null ? "-" : c.rowSubject))
                .toList();
    }
}
