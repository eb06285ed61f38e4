package dev.lethe.jobs.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.operators.StreamMap;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The receipt wiring of the retention job: each tick empties the outbox and emits how many. */
class PublishReceiptsTest {

    /** An outbox holding {@code pending} receipts; records each call's batch size. */
    static final class FakeRelay implements PublishReceipts.Relay {
        int pending;
        final List<Integer> calls = new ArrayList<>();
        Exception failure;
        boolean closed;

        @Override
        public int publishPending(int max) throws Exception {
            calls.add(max);
            if (failure != null) {
                throw failure;
            }
            int n = Math.min(max, pending);
            pending -= n;
            return n;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static OneInputStreamOperatorTestHarness<Long, Integer> harness(FakeRelay relay)
            throws Exception {
        var h =
                new OneInputStreamOperatorTestHarness<>(
                        new StreamMap<>(new PublishReceipts(() -> relay)));
        h.open();
        return h;
    }

    @Test
    void aTickPublishesBatchesUntilOneIsNotFullAndEmitsHowManyInAll() throws Exception {
        FakeRelay relay = new FakeRelay();
        relay.pending = 2 * PublishReceipts.BATCH + 34;
        try (var h = harness(relay)) {
            h.processElement(new StreamRecord<>(1L));

            assertThat(relay.pending).isZero();
            assertThat(relay.calls).containsExactly(500, 500, 500);
            assertThat(h.extractOutputValues()).containsExactly(1034);
        }
    }

    @Test
    void aFullLastBatchIsFollowedByOneMoreCallThatFindsNothing() throws Exception {
        FakeRelay relay = new FakeRelay();
        relay.pending = PublishReceipts.BATCH;
        try (var h = harness(relay)) {
            h.processElement(new StreamRecord<>(1L));

            assertThat(relay.calls).hasSize(2);
            assertThat(h.extractOutputValues()).containsExactly(500);
        }
    }

    @Test
    void aTickWithAnEmptyOutboxAsksOnceAndEmitsZero() throws Exception {
        FakeRelay relay = new FakeRelay();
        try (var h = harness(relay)) {
            h.processElement(new StreamRecord<>(1L));
            relay.pending = 3;
            h.processElement(new StreamRecord<>(2L));

            assertThat(relay.calls).hasSize(2);
            assertThat(h.extractOutputValues()).containsExactly(0, 3);
        }
    }

    /**
     * Unlike an erasure round, a failed publish fails the operator: the job restarts and the
     * receipts, still unpublished in the outbox, are published again (never lost).
     */
    @Test
    void aFailedPublishFailsTheTickAndLeavesTheReceiptsForTheNextAttempt() throws Exception {
        FakeRelay relay = new FakeRelay();
        relay.pending = 7;
        relay.failure = new java.util.concurrent.ExecutionException("broker down", null);
        try (var h = harness(relay)) {
            assertThatThrownBy(() -> h.processElement(new StreamRecord<>(1L)))
                    .hasMessageContaining("broker down");
            assertThat(h.extractOutputValues()).isEmpty();

            relay.failure = null;
            h.processElement(new StreamRecord<>(2L));
            assertThat(h.extractOutputValues()).containsExactly(7);
        }
    }

    @Test
    void theRelayIsOpenedWithTheOperatorAndClosedWithIt() throws Exception {
        FakeRelay relay = new FakeRelay();
        var h = harness(relay);
        assertThat(relay.closed).isFalse();

        h.close();

        assertThat(relay.closed).isTrue();
    }

    @Test
    void aRelayThatCannotOpenFailsTheOperatorsStartAndClosingIsHarmless() throws Exception {
        var h =
                new OneInputStreamOperatorTestHarness<>(
                        new StreamMap<>(
                                new PublishReceipts(
                                        () -> {
                                            throw new IllegalStateException("no database");
                                        })));
        assertThatThrownBy(h::open)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("no database");
        h.close();
    }
}
