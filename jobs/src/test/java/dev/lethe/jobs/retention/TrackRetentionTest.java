package dev.lethe.jobs.retention;

import static dev.lethe.jobs.retention.RetentionTestData.POLICY;
import static dev.lethe.jobs.retention.RetentionTestData.RETRY_MS;
import static dev.lethe.jobs.retention.RetentionTestData.WINDOW_MS;
import static dev.lethe.jobs.retention.RetentionTestData.at;
import static dev.lethe.jobs.retention.RetentionTestData.inserted;
import static dev.lethe.jobs.retention.RetentionTestData.restored;
import static dev.lethe.jobs.retention.RetentionTestData.softDeleted;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.events.ChangeEvent;
import dev.lethe.events.Operation;
import dev.lethe.jobs.purge.PurgeCommand;
import dev.lethe.jobs.purge.PurgeExecutor;
import dev.lethe.jobs.purge.PurgeOutcome;
import dev.lethe.jobs.retention.RetentionTestData.FakeHelpdesk;
import dev.lethe.normalize.EntityId;
import dev.lethe.retention.PurgeGuard.Verdict;
import dev.lethe.retention.RetentionPolicy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class TrackRetentionTest {

    static KeyedOneInputStreamOperatorTestHarness<String, ChangeEvent, PurgeOutcome> harness(
            FakeHelpdesk helpdesk, OperatorSubtaskState restore, long now) throws Exception {
        return harness(helpdesk, restore, now, RETRY_MS);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, ChangeEvent, PurgeOutcome> harness(
            FakeHelpdesk helpdesk, OperatorSubtaskState restore, long now, long retryMs)
            throws Exception {
        var h = harness(new TrackRetention(POLICY, () -> helpdesk, retryMs));
        h.setProcessingTime(now);
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        helpdesk.clock = () -> h.getProcessingTime();
        return h;
    }

    /** A harness of {@code operator}'s process function, keyed by entity, not opened yet. */
    private static KeyedOneInputStreamOperatorTestHarness<String, ChangeEvent, PurgeOutcome>
            harness(KeyedProcessFunction<String, ChangeEvent, PurgeOutcome> operator)
                    throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(operator),
                (ChangeEvent c) -> EntityId.of(c),
                Types.STRING);
    }

    /** A snapshot of the operator as an older version ({@link LegacyTrackRetention}) wrote it. */
    private static OperatorSubtaskState legacySnapshot(ChangeEvent... changes) throws Exception {
        try (var old = harness(new LegacyTrackRetention(POLICY))) {
            old.open();
            for (ChangeEvent c : changes) {
                old.processElement(new StreamRecord<>(c));
            }
            return old.snapshot(1, 10);
        }
    }

    /** The operator keeps nothing: no state, no timer. */
    private static void assertTracksNothing(
            KeyedOneInputStreamOperatorTestHarness<String, ChangeEvent, PurgeOutcome> h) {
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numProcessingTimeTimers()).isZero();
    }

    private static void send(
            KeyedOneInputStreamOperatorTestHarness<String, ChangeEvent, PurgeOutcome> h,
            ChangeEvent e)
            throws Exception {
        h.processElement(new StreamRecord<>(e));
    }

    @Test
    void aSoftDeleteIsPurgedWhenItsWindowEndsAndStateAndTimersGoBackToZero() throws Exception {
        FakeHelpdesk helpdesk = new FakeHelpdesk();
        helpdesk.insert(1);
        helpdesk.softDelete(1, 1_000);
        try (var h = harness(helpdesk, null, 1_000)) {
            send(h, inserted(1));
            assertThat(h.numKeyedStateEntries()).isZero();
            send(h, softDeleted(1, 1_000));
            assertThat(h.numProcessingTimeTimers()).isEqualTo(1);

            h.setProcessingTime(1_000 + WINDOW_MS - 1);
            assertThat(helpdesk.purged).isEmpty();

            h.setProcessingTime(1_000 + WINDOW_MS);
            assertThat(helpdesk.purged).containsExactly(1L);
            assertThat(h.extractOutputValues()).singleElement().matches(PurgeOutcome::done);
            assertTracksNothing(h);
        }
    }

    @Test
    void aRestoreWithinTheWindowCancelsThePurge() throws Exception {
        FakeHelpdesk helpdesk = new FakeHelpdesk();
        helpdesk.insert(1);
        try (var h = harness(helpdesk, null, 0)) {
            helpdesk.softDelete(1, 0);
            send(h, softDeleted(1, 0));
            assertThat(h.numProcessingTimeTimers()).isOne(); // the purge was scheduled
            assertThat(h.numKeyedStateEntries()).isPositive();
            h.setProcessingTime(30_000);
            helpdesk.restore(1);
            send(h, restored(1));
            assertTracksNothing(h);
            h.setProcessingTime(10 * WINDOW_MS);
            assertThat(helpdesk.purged).isEmpty();
            assertThat(helpdesk.outcomes).isEmpty();
        }
    }

    @Test
    void aLaterSoftDeleteReschedules() throws Exception {
        FakeHelpdesk helpdesk = new FakeHelpdesk();
        helpdesk.insert(1);
        try (var h = harness(helpdesk, null, 0)) {
            send(h, softDeleted(1, 0));
            helpdesk.softDelete(1, 20_000);
            send(h, softDeleted(1, 20_000));
            assertThat(h.numProcessingTimeTimers()).isEqualTo(1);
            h.setProcessingTime(WINDOW_MS);
            assertThat(helpdesk.purged).isEmpty();
            h.setProcessingTime(20_000 + WINDOW_MS);
            assertThat(helpdesk.purged).containsExactly(1L);
        }
    }

    @Test
    void anAdoptionBacklogPurgeIsRecheckedSoonerThanTheRetryIntervalAndRunsOnceApproved()
            throws Exception {
        long retry = 10 * 60_000;
        FakeHelpdesk helpdesk = new FakeHelpdesk();
        helpdesk.insert(1);
        helpdesk.softDelete(1, 0);
        helpdesk.backlog.add(1L);
        try (var h = harness(helpdesk, null, 0, retry)) {
            send(h, softDeleted(1, 0));
            h.setProcessingTime(WINDOW_MS);
            assertThat(helpdesk.purged).isEmpty();
            assertThat(helpdesk.outcomes)
                    .singleElement()
                    .matches(o -> o.verdict() == Verdict.ADOPTION_BACKLOG && o.retryLater());
            assertThat(h.numKeyedStateEntries()).isPositive();

            h.setProcessingTime(WINDOW_MS + TrackRetention.BACKLOG_RECHECK_MS - 1);
            assertThat(helpdesk.outcomes).hasSize(1);
            h.setProcessingTime(WINDOW_MS + TrackRetention.BACKLOG_RECHECK_MS);
            assertThat(helpdesk.outcomes).hasSize(2); // still waiting: checked again

            helpdesk.backlog.clear(); // approved
            h.setProcessingTime(WINDOW_MS + 2 * TrackRetention.BACKLOG_RECHECK_MS);
            assertThat(helpdesk.purged).containsExactly(1L);
            assertTracksNothing(h);
        }
    }

    @Test
    void aChangeOlderThanTheLatestOfAPendingRecordNeitherCancelsNorMovesItsPurge()
            throws Exception {
        FakeHelpdesk helpdesk = new FakeHelpdesk();
        helpdesk.insert(1);
        // committed before the soft delete below, read after it: replayed dead letters
        ChangeEvent staleRestore = restored(1);
        ChangeEvent staleDelete = softDeleted(1, 5_000);
        try (var h = harness(helpdesk, null, 0)) {
            helpdesk.softDelete(1, 20_000);
            send(h, softDeleted(1, 20_000));
            send(h, staleRestore);
            send(h, staleDelete);
            assertThat(h.numProcessingTimeTimers()).isOne();
            h.setProcessingTime(5_000 + WINDOW_MS);
            assertThat(helpdesk.commands).isEmpty();
            h.setProcessingTime(20_000 + WINDOW_MS);
            assertThat(helpdesk.purged).containsExactly(1L);
        }
    }

    @Test
    void aLaterChangeOfTheSamePurgeKeepsOlderOnesOut() throws Exception {
        FakeHelpdesk helpdesk = new FakeHelpdesk();
        helpdesk.insert(1);
        ChangeEvent first = softDeleted(1, 20_000);
        ChangeEvent staleRestore = restored(1);
        ChangeEvent later = softDeleted(1, 20_000); // e.g. another column changed while deleted
        try (var h = harness(helpdesk, null, 0)) {
            helpdesk.softDelete(1, 20_000);
            send(h, first);
            send(h, later);
            send(h, staleRestore); // older than the latest read, newer than the first
            assertThat(h.numProcessingTimeTimers()).isOne();
            h.setProcessingTime(20_000 + WINDOW_MS);
            assertThat(helpdesk.purged).containsExactly(1L);
        }
    }

    @Test
    void aHeldRecordIsRetriedAndPurgedOnceTheHoldIsLifted() throws Exception {
        FakeHelpdesk helpdesk = new FakeHelpdesk();
        helpdesk.insert(1);
        helpdesk.softDelete(1, 0);
        helpdesk.held.add(1L);
        try (var h = harness(helpdesk, null, 0)) {
            send(h, softDeleted(1, 0));
            h.setProcessingTime(WINDOW_MS);
            assertThat(helpdesk.purged).isEmpty();
            assertThat(helpdesk.outcomes)
                    .singleElement()
                    .matches(o -> o.verdict() == Verdict.LEGAL_HOLD);
            assertThat(h.numProcessingTimeTimers()).isEqualTo(1);

            helpdesk.held.clear();
            h.setProcessingTime(WINDOW_MS + RETRY_MS);
            assertThat(helpdesk.purged).containsExactly(1L);
            assertTracksNothing(h);
        }
    }

    @Test
    void aHardDeleteEndsTracking() throws Exception {
        FakeHelpdesk helpdesk = new FakeHelpdesk();
        try (var h = harness(helpdesk, null, 0)) {
            send(h, softDeleted(1, 0));
            assertThat(h.numProcessingTimeTimers()).isOne(); // tracking had started
            assertThat(h.numKeyedStateEntries()).isPositive();
            send(h, RetentionTestData.ticket(1, Operation.DELETE, null));
            assertTracksNothing(h);
        }
    }

    @Test
    void scheduledPurgesSurviveARestoreAndThoseDueDuringDowntimeFireOnceOnRecovery()
            throws Exception {
        FakeHelpdesk helpdesk = new FakeHelpdesk();
        helpdesk.insert(1);
        helpdesk.insert(2);
        helpdesk.softDelete(1, 0);
        helpdesk.softDelete(2, 0);
        OperatorSubtaskState snapshot;
        try (var h = harness(helpdesk, null, 0)) {
            send(h, softDeleted(1, 0));
            send(h, softDeleted(2, 0));
            snapshot = h.snapshot(1, 10);
        }
        // down for longer than the window
        try (var h = harness(helpdesk, snapshot, 0)) {
            assertThat(h.numProcessingTimeTimers()).isEqualTo(2);
            h.setProcessingTime(5 * WINDOW_MS);
            assertThat(helpdesk.purged).containsExactlyInAnyOrder(1L, 2L);
            h.setProcessingTime(50 * WINDOW_MS);
            assertThat(helpdesk.outcomes).hasSize(2);
            assertTracksNothing(h);
        }
    }

    @Test
    void aCheckpointOfTheOldStateFormatIsRestoredAndItsPurgesHappenOnceAtTheirDeadlines()
            throws Exception {
        FakeHelpdesk helpdesk = new FakeHelpdesk();
        helpdesk.insert(1);
        helpdesk.insert(2);
        helpdesk.insert(3);
        helpdesk.softDelete(1, 0);
        helpdesk.softDelete(2, 30_000);
        helpdesk.softDelete(3, 0);
        OperatorSubtaskState legacySnapshot =
                legacySnapshot(softDeleted(1, 0), softDeleted(2, 30_000), softDeleted(3, 0));
        try (var h = harness(helpdesk, legacySnapshot, WINDOW_MS - 1)) {
            assertThat(h.numProcessingTimeTimers()).isEqualTo(3);
            // record 3 is restored before its deadline: the old schedule is found and cancelled
            helpdesk.restore(3);
            send(h, restored(3));
            assertThat(h.numProcessingTimeTimers()).isEqualTo(2);

            h.setProcessingTime(WINDOW_MS);
            assertThat(helpdesk.purged).containsExactly(1L);
            h.setProcessingTime(30_000 + WINDOW_MS - 1);
            assertThat(helpdesk.purged).containsExactly(1L);
            h.setProcessingTime(30_000 + WINDOW_MS);
            assertThat(helpdesk.purged).containsExactly(1L, 2L);
            assertThat(helpdesk.commands)
                    .extracting(c -> c.entityId() + " " + c.ruleId() + " " + c.deadline())
                    .containsExactly(
                            "tickets/1 tickets.soft-deleted " + at(WINDOW_MS),
                            "tickets/2 tickets.soft-deleted " + at(30_000 + WINDOW_MS));
            h.setProcessingTime(10 * WINDOW_MS);
            assertThat(helpdesk.outcomes).hasSize(2);
            assertTracksNothing(h);
        }
    }

    @Test
    void aRecordMovedFromTheOldStateIsKeptInTheNewOneAcrossTheNextCheckpoint() throws Exception {
        FakeHelpdesk helpdesk = new FakeHelpdesk();
        helpdesk.insert(1);
        helpdesk.softDelete(1, 0);
        helpdesk.held.add(1L);
        OperatorSubtaskState legacySnapshot = legacySnapshot(softDeleted(1, 0));
        OperatorSubtaskState moved;
        try (var h = harness(helpdesk, legacySnapshot, 0)) {
            h.setProcessingTime(WINDOW_MS); // held: moved to the new state, retried later
            assertThat(helpdesk.purged).isEmpty();
            assertThat(h.numKeyedStateEntries()).isEqualTo(1);
            moved = h.snapshot(2, WINDOW_MS);
        }
        helpdesk.held.clear();
        try (var h = harness(helpdesk, moved, WINDOW_MS)) {
            assertThat(h.numProcessingTimeTimers()).isEqualTo(1);
            h.setProcessingTime(WINDOW_MS + RETRY_MS);
            assertThat(helpdesk.purged).containsExactly(1L);
            assertTracksNothing(h);
        }
    }

    /** Carries out every command it is given, and lists them. */
    private static PurgeExecutor recording(java.util.List<PurgeCommand> executed) {
        return command -> {
            executed.add(command);
            return new PurgeOutcome(
                    command.commandId(), "r", PurgeOutcome.DONE, Verdict.ELIGIBLE, "", false);
        };
    }

    /** Ticket 1 soft deleted at 1 s and 1 µs (PostgreSQL keeps microseconds). */
    private static ChangeEvent softDeletedWithMicroseconds() {
        ChangeEvent deleted = softDeleted(1, 1_000);
        deleted.getAfter().put("deleted_at", "1970-01-01T00:00:01.000001Z");
        return deleted;
    }

    @Test
    void aDeadlineWithMicrosecondsIsNotCarriedOutInTheMillisecondBeforeIt() throws Exception {
        java.util.List<PurgeCommand> executed = new java.util.ArrayList<>();
        PurgeExecutor executor = recording(executed);
        try (var h = harness(new TrackRetention(POLICY, () -> executor, RETRY_MS))) {
            h.open();
            send(h, softDeletedWithMicroseconds());

            h.setProcessingTime(1_000 + WINDOW_MS);
            assertThat(executed).isEmpty();

            h.setProcessingTime(1_000 + WINDOW_MS + 1);
            assertThat(executed)
                    .singleElement()
                    .extracting(PurgeCommand::deadline)
                    .isEqualTo(java.time.Instant.parse("1970-01-01T00:01:01.000001Z"));
        }
    }

    @Test
    void aTimerAnOlderVersionSetAtTheDeadlineRoundedDownWaitsForTheDeadline() throws Exception {
        OperatorSubtaskState legacySnapshot = legacySnapshot(softDeletedWithMicroseconds());
        java.util.List<PurgeCommand> executed = new java.util.ArrayList<>();
        PurgeExecutor executor = recording(executed);
        try (var h = harness(new TrackRetention(POLICY, () -> executor, RETRY_MS))) {
            h.initializeState(legacySnapshot);
            h.open();

            h.setProcessingTime(1_000 + WINDOW_MS); // the old timer fires
            assertThat(executed).isEmpty();
            assertThat(h.numProcessingTimeTimers()).isOne();

            h.setProcessingTime(1_000 + WINDOW_MS + 1);
            assertThat(executed).hasSize(1);
            assertTracksNothing(h);
        }
    }

    @Test
    void theTimerOfADeadlineIsItsMillisecondRoundedUp() {
        assertThat(TrackRetention.timerFor(java.time.Instant.parse("2025-01-01T00:00:00.123Z")))
                .isEqualTo(java.time.Instant.parse("2025-01-01T00:00:00.123Z").toEpochMilli());
        assertThat(
                        TrackRetention.timerFor(
                                java.time.Instant.parse("2025-01-01T00:00:00.123000001Z")))
                .isEqualTo(java.time.Instant.parse("2025-01-01T00:00:00.124Z").toEpochMilli());
    }

    @Test
    void aRuleRemovedFromThePolicyWhileAPurgeWasPendingCarriesNothingOut() throws Exception {
        FakeHelpdesk helpdesk = new FakeHelpdesk();
        helpdesk.insert(1);
        helpdesk.softDelete(1, 0);
        OperatorSubtaskState snapshot;
        try (var h = harness(helpdesk, null, 0)) {
            send(h, softDeleted(1, 0));
            snapshot = h.snapshot(1, 10);
        }
        RetentionPolicy withoutTheRule =
                new RetentionPolicy(
                        java.util.List.of(), java.util.List.of(), POLICY.erasureDeadline());
        try (var h = harness(new TrackRetention(withoutTheRule, () -> helpdesk, RETRY_MS))) {
            h.initializeState(snapshot);
            h.open();
            h.setProcessingTime(2 * WINDOW_MS);
            assertThat(helpdesk.commands).isEmpty();
            assertTracksNothing(h);
        }
    }
}
