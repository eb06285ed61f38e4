package dev.lethe.jobs.audit;

import static dev.lethe.jobs.audit.AuditTestData.T0;
import static dev.lethe.jobs.audit.AuditTestData.draft;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.events.AuditEntry;
import dev.lethe.jobs.changes.ChangePosition;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class OrderEntityChangesTest {

    @Test
    void anEntryLeavesAsSoonAsEveryEarlierChangeOfItsEntityHasLeftWithoutWaitingForEventTime()
            throws Exception {
        try (var h = harness()) {
            h.open();
            announce(h, "contacts/1", 10, T0);
            announce(h, "contacts/1", 20, T0 + 1);
            announce(h, "contacts/1", 30, T0 + 2);

            send(h, draft("contacts/1", 30, T0 + 2, 3L)); // the actor join swapped it ahead
            assertThat(lsns(h)).isEmpty();
            // only the entry that waits has a fallback timer
            assertThat(h.numEventTimeTimers()).isEqualTo(1);
            send(h, draft("contacts/1", 10, T0, 1L));
            assertThat(lsns(h)).containsExactly(10L);
            send(h, draft("contacts/1", 20, T0 + 1, 2L));

            assertThat(lsns(h)).containsExactly(10L, 20L, 30L);
            assertThat(h.numEventTimeTimers()).isEqualTo(1);
        }
    }

    @Test
    void entriesThatLeaveOnArrivalSetNoTimer() throws Exception {
        try (var h = harness()) {
            h.open();
            for (int i = 1; i <= 3; i++) {
                announce(h, "contacts/" + i, 10 * i, T0 + i);
                send(h, draft("contacts/" + i, 10 * i, T0 + i, (long) i));
            }

            assertThat(lsns(h)).containsExactly(10L, 20L, 30L);
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void anEntryThatOvertakesItsPositionWaitsForIt() throws Exception {
        try (var h = harness()) {
            h.open();
            send(h, draft("contacts/1", 10, T0, 1L));
            assertThat(lsns(h)).isEmpty();

            announce(h, "contacts/1", 10, T0);

            assertThat(lsns(h)).containsExactly(10L);
        }
    }

    @Test
    void aRedeliveredChangeIsDroppedWhetherItIsStillWaitingOrAlreadyOut() throws Exception {
        try (var h = harness()) {
            h.open();
            announce(h, "contacts/1", 10, T0);
            announce(h, "contacts/1", 20, T0 + 5);
            send(h, draft("contacts/1", 20, T0 + 5, 2L));
            send(h, draft("contacts/1", 20, T0 + 5, 2L)); // second copy while waiting
            announce(h, "contacts/1", 10, T0); // Debezium redelivery while 10 is still expected
            send(h, draft("contacts/1", 10, T0, 1L));
            announce(h, "contacts/1", 10, T0); // redelivery after emission
            send(h, draft("contacts/1", 10, T0, 1L));
            announce(h, "contacts/1", 30, T0 + 6);
            send(h, draft("contacts/1", 30, T0 + 6, 3L));
            watermark(h, T0 + 6);

            assertThat(lsns(h)).containsExactly(10L, 20L, 30L);
        }
    }

    @Test
    void whenEventTimeReachesTheirCommitUnannouncedEntriesLeaveInLsnOrder() throws Exception {
        // state restored from a version without positions: only the event-time path releases it
        try (var h = harness()) {
            h.open();
            send(h, draft("contacts/1", 30, T0 + 2, 3L));
            send(h, draft("contacts/1", 10, T0, 1L));
            send(h, draft("contacts/1", 20, T0 + 1, 2L));
            assertThat(lsns(h)).isEmpty();

            watermark(h, T0 + 1);
            assertThat(lsns(h)).containsExactly(10L, 20L);
            announce(h, "contacts/1", 20, T0 + 1); // late position of an entry already out
            announce(h, "contacts/1", 40, T0 + 3);
            send(h, draft("contacts/1", 40, T0 + 3, 4L));
            assertThat(lsns(h)).containsExactly(10L, 20L); // 40 still waits for 30
            watermark(h, T0 + 2);

            assertThat(lsns(h)).containsExactly(10L, 20L, 30L, 40L);
        }
    }

    @Test
    void anAnnouncedChangeWhoseEntryIsLateIsNeitherOvertakenNorDropped() throws Exception {
        // a contact's insert waits in the actor join while its update (another transaction, actor
        // known) is already here and event time passes both commits: after a crash, a partition
        // that was idle comes back behind the watermark. The update must wait for the insert.
        try (var h = harness()) {
            h.open();
            announce(h, "contacts/1858", 10, T0);
            announce(h, "contacts/1858", 20, T0 + 5);
            send(h, draft("contacts/1858", 20, T0 + 5, 2L));
            watermark(h, T0 + 60_000);
            assertThat(lsns(h)).as("the update waits for the announced insert").isEmpty();

            send(h, draft("contacts/1858", 10, T0, 1L));

            assertThat(lsns(h)).containsExactly(10L, 20L);
        }
    }

    @Test
    void anEntryWhosePositionAndEntryBothComeAfterALaterOneLeftByEventTimeIsLoggedNotDropped()
            throws Exception {
        // the crash run's loss: after a restart, the update's entry (actor known) arrived before
        // any position of the entity, event time was already past both commits, so the fallback let
        // it go; the insert's position and entry came later and were taken for copies
        try (var h = harness()) {
            h.open();
            watermark(h, T0 + 60_000);
            send(h, draft("contacts/1858", 20, T0 + 5, 2L));
            watermark(h, T0 + 60_001);
            assertThat(lsns(h)).containsExactly(20L);

            announce(h, "contacts/1858", 10, T0);
            announce(h, "contacts/1858", 20, T0 + 5);
            send(h, draft("contacts/1858", 10, T0, 1L));
            announce(h, "contacts/1858", 10, T0); // redelivered after a connector restart
            send(h, draft("contacts/1858", 10, T0, 1L));
            send(h, draft("contacts/1858", 20, T0 + 5, 2L));

            assertThat(lsns(h)).as("late, but logged once").containsExactly(20L, 10L);
        }
    }

    @Test
    void anEntryHeldPastTheOvertakeBoundLeavesAndTheMissingOneIsStillLoggedWhenItComes()
            throws Exception {
        try (var h = harness()) {
            h.open();
            announce(h, "contacts/1", 10, T0);
            announce(h, "contacts/1", 20, T0 + 5);
            send(h, draft("contacts/1", 20, T0 + 5, 2L));
            watermark(h, T0 + 5 + OrderEntityChanges.OVERTAKE_AFTER_MS - 1);
            assertThat(lsns(h)).isEmpty();

            watermark(h, T0 + 5 + OrderEntityChanges.OVERTAKE_AFTER_MS);
            assertThat(lsns(h)).containsExactly(20L);
            OperatorSubtaskState snapshot = h.snapshot(1L, 1L);
            try (var restored = harness()) {
                restored.initializeState(snapshot);
                restored.open();
                send(restored, draft("contacts/1", 10, T0, 1L));
                send(restored, draft("contacts/1", 10, T0, 1L)); // and a redelivered copy

                assertThat(lsns(restored)).as("late, once").containsExactly(10L);
            }
        }
    }

    @Test
    void anUnannouncedEntryDueByEventTimeStillLeavesBeforeAnAnnouncedMissingOne() throws Exception {
        // state restored from a version without positions waits only for event time; an
        // announced change after it whose entry has not come yet does not hold it back
        try (var h = harness()) {
            h.open();
            send(h, draft("contacts/1", 10, T0, 1L));
            announce(h, "contacts/1", 20, T0 + 5);
            watermark(h, T0 + 60_000);
            assertThat(lsns(h)).containsExactly(10L);

            send(h, draft("contacts/1", 20, T0 + 5, 2L));

            assertThat(lsns(h)).containsExactly(10L, 20L);
        }
    }

    @Test
    void aReplayedChangeOlderThanWhatTheChainLoggedIsLoggedLateOnceAcrossARestore()
            throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            // 20 was dead-lettered; 30 was logged, and event time went far past both
            announce(h, "contacts/1", 10, T0);
            send(h, draft("contacts/1", 10, T0, 1L));
            announce(h, "contacts/1", 30, T0 + 2);
            send(h, draft("contacts/1", 30, T0 + 2, 3L));
            watermark(h, T0 + 86_400_000L);
            assertThat(lsns(h)).containsExactly(10L, 30L);

            // the replay: its usual position, then its marked one
            announce(h, "contacts/1", 20, T0 + 1);
            replayed(h, "contacts/1", 20, T0 + 1);
            replayed(h, "contacts/1", 20, T0 + 1); // a second copy of the mark expects nothing more
            snapshot = h.snapshot(1, T0 + 86_400_000L);
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            send(h, draft("contacts/1", 20, T0 + 1, 2L));
            send(h, draft("contacts/1", 20, T0 + 1, 2L)); // and a second copy of the entry

            assertThat(lsns(h)).as("late, once, not dropped as a copy").containsExactly(20L);
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aReplayedChangeTheChainHasNotPassedTakesTheUsualWay() throws Exception {
        try (var h = harness()) {
            h.open();
            announce(h, "contacts/1", 10, T0);
            send(h, draft("contacts/1", 10, T0, 1L));
            // a replay newer than what was logged (its entity had nothing since): the mark adds
            // nothing, the usual position orders it
            replayed(h, "contacts/1", 20, T0 + 1);
            announce(h, "contacts/1", 20, T0 + 1);
            send(h, draft("contacts/1", 20, T0 + 1, 2L));
            replayed(h, "contacts/1", 20, T0 + 1); // a mark coming after its entry left
            send(h, draft("contacts/1", 20, T0 + 1, 2L));

            assertThat(lsns(h)).containsExactly(10L, 20L);
            assertThat(h.numKeyedStateEntries()).as("lastLsn only").isEqualTo(1);
        }
    }

    @Test
    void entitiesAreIndependentAndOnlyTheLastLsnStaysInState() throws Exception {
        try (var h = harness()) {
            h.open();
            announce(h, "contacts/1", 10, T0);
            announce(h, "tickets/9", 5, T0);
            send(h, draft("tickets/9", 5, T0, 1L));
            assertThat(h.extractOutputValues())
                    .extracting(AuditEntry::getEntityId)
                    .containsExactly("tickets/9");
            send(h, draft("contacts/1", 10, T0, 1L));
            watermark(h, T0);

            assertThat(h.extractOutputValues())
                    .extracting(AuditEntry::getEntityId)
                    .containsExactly("tickets/9", "contacts/1");
            // per entity: lastLsn only (nothing announced or waiting any more)
            assertThat(h.numKeyedStateEntries()).isEqualTo(2);
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void afterRestoreTheAnnouncedAndWaitingChangesAndTheLastLsnAreKept() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            announce(h, "contacts/1", 10, T0);
            announce(h, "contacts/1", 20, T0 + 1);
            announce(h, "contacts/1", 30, T0 + 2);
            send(h, draft("contacts/1", 10, T0, 1L));
            send(h, draft("contacts/1", 30, T0 + 2, 3L));
            assertThat(lsns(h)).containsExactly(10L);
            snapshot = h.snapshot(1, T0 + 100);
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            announce(h, "contacts/1", 10, T0); // replayed after restore: duplicates
            send(h, draft("contacts/1", 10, T0, 1L));
            send(h, draft("contacts/1", 20, T0 + 1, 2L));

            assertThat(lsns(h)).containsExactly(20L, 30L);
        }
    }

    private static KeyedTwoInputStreamOperatorTestHarness<
                    String, ChangePosition, AuditEntry, AuditEntry>
            harness() throws Exception {
        return new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new OrderEntityChanges()),
                p -> p.entityId,
                AuditEntry::getEntityId,
                Types.STRING);
    }

    private static void announce(
            KeyedTwoInputStreamOperatorTestHarness<String, ChangePosition, AuditEntry, AuditEntry>
                    h,
            String entityId,
            long lsn,
            long commitMillis)
            throws Exception {
        h.processElement1(
                new StreamRecord<>(new ChangePosition(entityId, lsn, commitMillis), commitMillis));
    }

    /** The marked position of a replayed dead letter. */
    private static void replayed(
            KeyedTwoInputStreamOperatorTestHarness<String, ChangePosition, AuditEntry, AuditEntry>
                    h,
            String entityId,
            long lsn,
            long commitMillis)
            throws Exception {
        ChangePosition p = new ChangePosition(entityId, lsn, commitMillis);
        p.replayed = true;
        h.processElement1(new StreamRecord<>(p, commitMillis));
    }

    private static void send(
            KeyedTwoInputStreamOperatorTestHarness<String, ChangePosition, AuditEntry, AuditEntry>
                    h,
            AuditEntry e)
            throws Exception {
        h.processElement2(new StreamRecord<>(e, e.getCommitTime().toEpochMilli()));
    }

    private static void watermark(
            KeyedTwoInputStreamOperatorTestHarness<String, ChangePosition, AuditEntry, AuditEntry>
                    h,
            long time)
            throws Exception {
        h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(time));
    }

    private static List<Long> lsns(
            KeyedTwoInputStreamOperatorTestHarness<String, ChangePosition, AuditEntry, AuditEntry>
                    h) {
        return h.extractOutputValues().stream().map(AuditEntry::getLsn).toList();
    }
}
