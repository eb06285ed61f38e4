package dev.lethe.jobs.audit;

import static dev.lethe.jobs.audit.AuditTestData.T0;
import static dev.lethe.jobs.audit.AuditTestData.draft;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.events.AuditEntry;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class ChainOperatorTest {

    @Test
    void changesOfOneEntityLeaveInLsnOrderOnceEventTimeReachesTheirCommit() throws Exception {
        try (var h = harness()) {
            h.open();
            send(h, draft("contacts/1", 30, T0 + 2, 3L));
            send(h, draft("contacts/1", 10, T0, 1L));
            send(h, draft("contacts/1", 20, T0 + 1, 2L));
            assertThat(h.extractOutputValues()).isEmpty();

            h.processWatermark(T0 + 2);

            assertThat(lsns(h)).containsExactly(10L, 20L, 30L);
        }
    }

    @Test
    void aRedeliveredChangeIsDroppedWhetherItIsStillWaitingOrAlreadyOut() throws Exception {
        try (var h = harness()) {
            h.open();
            send(h, draft("contacts/1", 10, T0, 1L));
            send(h, draft("contacts/1", 10, T0, 1L)); // second copy while waiting
            h.processWatermark(T0);
            send(h, draft("contacts/1", 10, T0, 1L)); // Debezium redelivery after emission
            send(h, draft("contacts/1", 20, T0 + 5, 2L));
            h.processWatermark(T0 + 5);

            assertThat(lsns(h)).containsExactly(10L, 20L);
        }
    }

    @Test
    void entitiesAreIndependentAndOnlyTheLastLsnStaysInState() throws Exception {
        try (var h = harness()) {
            h.open();
            send(h, draft("contacts/1", 10, T0, 1L));
            send(h, draft("tickets/9", 5, T0, 1L));
            assertThat(h.numEventTimeTimers()).isEqualTo(2);
            h.processWatermark(T0);

            assertThat(h.extractOutputValues())
                    .extracting(AuditEntry::getEntityId)
                    .containsExactlyInAnyOrder("contacts/1", "tickets/9");
            // per entity: lastLsn only (the waiting map is empty again)
            assertThat(h.numKeyedStateEntries()).isEqualTo(2);
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void afterRestoreTheWaitingChangesAndTheLastLsnAreKept() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            send(h, draft("contacts/1", 10, T0, 1L));
            h.processWatermark(T0);
            send(h, draft("contacts/1", 20, T0 + 1, 2L));
            snapshot = h.snapshot(1, T0 + 100);
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            send(h, draft("contacts/1", 10, T0, 1L)); // replayed after restore: a duplicate
            send(h, draft("contacts/1", 30, T0 + 2, 3L));
            h.processWatermark(T0 + 2);

            assertThat(lsns(h)).containsExactly(20L, 30L);
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, AuditEntry, AuditEntry> harness()
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new ChainOperator()),
                AuditEntry::getEntityId,
                Types.STRING);
    }

    private static void send(
            KeyedOneInputStreamOperatorTestHarness<String, AuditEntry, AuditEntry> h, AuditEntry e)
            throws Exception {
        h.processElement(new StreamRecord<>(e, e.getCommitTime().toEpochMilli()));
    }

    private static List<Long> lsns(
            KeyedOneInputStreamOperatorTestHarness<String, AuditEntry, AuditEntry> h) {
        return h.extractOutputValues().stream().map(AuditEntry::getLsn).toList();
    }
}
