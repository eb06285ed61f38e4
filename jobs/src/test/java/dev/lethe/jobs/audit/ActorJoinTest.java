package dev.lethe.jobs.audit;

import static dev.lethe.jobs.audit.AuditTestData.T0;
import static dev.lethe.jobs.audit.AuditTestData.agent;
import static dev.lethe.jobs.audit.AuditTestData.draft;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.events.AuditEntry;
import dev.lethe.jobs.changes.ActorSeen;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class ActorJoinTest {

    private static final long RETENTION = 60_000;

    @Test
    void aChangeWhoseActorIsKnownLeavesAtOnceWithIt() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement2(new StreamRecord<>(agent(7, T0, "42", "phone call"), T0));
            h.processElement1(new StreamRecord<>(draft("contacts/1", 10, T0, 7L), T0));

            assertThat(h.extractOutputValues()).hasSize(1);
            AuditEntry out = h.extractOutputValues().get(0);
            assertThat(out.getActor().getType()).isEqualTo("agent");
            assertThat(out.getActor().getId()).isEqualTo("42");
            assertThat(out.getActor().getReason()).isEqualTo("phone call");
        }
    }

    @Test
    void theWritersOwnActorIsNotReplacedByTheTriggersFallbackOfTheSameTransaction()
            throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement2(new StreamRecord<>(agent(7, T0, "42", "phone call"), T0));
            h.processElement2(
                    new StreamRecord<>(
                            new ActorSeen(7, 2, T0, "database", "helpdesk_app", "role=app"), T0));
            h.processElement1(new StreamRecord<>(draft("contacts/1", 10, T0, 7L), T0));
            // the fallback first, the writer's own after it (read out of order): the writer's
            h.processElement2(
                    new StreamRecord<>(
                            new ActorSeen(8, 2, T0, "database", "helpdesk_app", "role=app"), T0));
            h.processElement2(new StreamRecord<>(agent(8, T0, "43", "merge"), T0));
            h.processElement1(new StreamRecord<>(draft("contacts/2", 11, T0, 8L), T0));

            assertThat(h.extractOutputValues())
                    .extracting(e -> e.getEntityId() + " by " + e.getActor().getId())
                    .containsExactly("contacts/1 by 42", "contacts/2 by 43");
        }
    }

    @Test
    void aChangeWaitsForItsActorThatArrivesLater() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement1(new StreamRecord<>(draft("contacts/1", 10, T0, 7L), T0));
            h.processElement1(new StreamRecord<>(draft("tickets/3", 11, T0, 7L), T0));
            assertThat(h.extractOutputValues()).isEmpty();

            h.processElement2(new StreamRecord<>(agent(7, T0, "42", "merge"), T0));

            assertThat(h.extractOutputValues())
                    .extracting(e -> e.getEntityId() + " by " + e.getActor().getType())
                    .containsExactly("contacts/1 by agent", "tickets/3 by agent");
        }
    }

    @Test
    void withoutActorMessageTheChangeLeavesAsUnknownOnceEventTimePassesItsCommit()
            throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement1(new StreamRecord<>(draft("contacts/1", 10, T0, 8L), T0));
            h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(T0 - 1));
            assertThat(h.extractOutputValues()).isEmpty();

            h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(T0));

            assertThat(h.extractOutputValues()).hasSize(1);
            assertThat(h.extractOutputValues().get(0).getActor().getType())
                    .isEqualTo(AuditDrafts.UNKNOWN);
        }
    }

    @Test
    void aChangeArrivingAfterEventTimePassedItsCommitLeavesAtOnce() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(T0));
            // no later watermark may come for a while (a quiet helpdesk): it must not wait for one
            h.processElement1(new StreamRecord<>(draft("contacts/1", 10, T0, 8L), T0));

            assertThat(h.extractOutputValues())
                    .extracting(e -> e.getEntityId() + " by " + e.getActor().getType())
                    .containsExactly("contacts/1 by " + AuditDrafts.UNKNOWN);
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void everythingOfATransactionIsClearedAfterTheRetention() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement2(new StreamRecord<>(agent(7, T0, "42", "r"), T0));
            h.processElement1(new StreamRecord<>(draft("contacts/1", 10, T0, 7L), T0));
            assertThat(h.numKeyedStateEntries()).isPositive();

            h.processBothWatermarks(
                    new org.apache.flink.streaming.api.watermark.Watermark(T0 + RETENTION));

            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aWaitingChangeSurvivesRestoreAndGetsItsActor() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            h.processElement1(new StreamRecord<>(draft("contacts/1", 10, T0, 7L), T0));
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            h.processElement2(new StreamRecord<>(agent(7, T0, "42", "r"), T0));

            assertThat(h.extractOutputValues()).hasSize(1);
            assertThat(h.extractOutputValues().get(0).getActor().getId()).isEqualTo("42");
        }
    }

    private static KeyedTwoInputStreamOperatorTestHarness<Long, AuditEntry, ActorSeen, AuditEntry>
            harness() throws Exception {
        return new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new ActorJoin(RETENTION)),
                ActorJoin::transactionOf,
                a -> a.txId,
                Types.LONG);
    }
}
