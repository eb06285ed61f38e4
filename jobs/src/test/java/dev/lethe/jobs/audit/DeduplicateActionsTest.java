package dev.lethe.jobs.audit;

import static dev.lethe.jobs.audit.LetheActionEntriesTest.RECORDED;
import static dev.lethe.jobs.audit.LetheActionEntriesTest.exportOf;
import static dev.lethe.jobs.audit.LetheActionEntriesTest.ticketDeletedByRetention;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.events.AuditEntry;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class DeduplicateActionsTest {

    private static AuditEntry receipt(long ticket, long offset) {
        return LetheActionEntries.ofReceipt(
                ticketDeletedByRetention(ticket), "lethe.purge.receipts", 0, offset, RECORDED);
    }

    @Test
    void aReplayedReceiptIsDroppedAndOthersPass() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(new StreamRecord<>(receipt(9, 1)));
            h.processElement(new StreamRecord<>(receipt(9, 2))); // outbox replay
            h.processElement(new StreamRecord<>(receipt(10, 3)));
            h.processElement(
                    new StreamRecord<>(
                            LetheActionEntries.ofExportRecord(
                                    exportOf("contact:42"), "t", 0, 4, RECORDED)));
            assertThat(h.extractOutputValues())
                    .extracting(AuditEntry::getSourceOffset)
                    .containsExactly(1L, 3L, 4L);
            // one remembered action id per entity
            assertThat(h.numKeyedStateEntries()).isEqualTo(3);
        }
    }

    @Test
    void afterRestoreAReplayIsStillRecognized() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            h.processElement(new StreamRecord<>(receipt(9, 1)));
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(new StreamRecord<>(receipt(9, 1)));
            h.processElement(new StreamRecord<>(receipt(11, 2)));
            assertThat(h.extractOutputValues())
                    .extracting(AuditEntry::getEntityId)
                    .containsExactly("tickets/11");
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, AuditEntry, AuditEntry> harness()
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new DeduplicateActions()),
                AuditEntry::getEntityId,
                Types.STRING);
    }
}
