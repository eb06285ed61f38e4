package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Which transactions hang on the log: the coordinators' and the partitions' views of Kafka's admin
 * client, judged against the bound (Kafka's own description classes, as the admin client returns
 * them).
 */
class HangingTransactionsTest {

    private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");
    private static final Duration BOUND = Duration.ofMinutes(1);
    private static final List<String> LOG = List.of("lethe.audit", "lethe.audit.checkpoints");
    private static final TopicPartition AUDIT_0 = new TopicPartition("lethe.audit", 0);
    private static final TopicPartition CHECKPOINTS_0 =
            new TopicPartition("lethe.audit.checkpoints", 0);
    private static final TopicPartition CONTACTS_0 =
            new TopicPartition("helpdesk.public.contacts", 0);
    private static final String LOG_TXN = "lethe-audit-lethe-audit-log-0-17";

    private final Map<String, TransactionDescription> transactions = new HashMap<>();
    private final Map<TopicPartition, List<ProducerState>> producers = new HashMap<>();
    private final Map<Long, String> transactionalIds = new HashMap<>();

    @Test
    void anOngoingTransactionYoungerThanTheBoundIsFine() {
        coordinator(LOG_TXN, TransactionState.ONGOING, 7, ago(Duration.ofSeconds(25)), AUDIT_0);
        openOn(AUDIT_0, 7, 1234, ago(Duration.ofSeconds(2)));

        HangingTransactions.Report r = judge();

        assertThat(r.open()).isEqualTo(1);
        assertThat(r.hanging()).isEmpty();
    }

    @Test
    void anOngoingTransactionOnTheLogOlderThanTheBoundIsHanging() {
        coordinator(LOG_TXN, TransactionState.ONGOING, 7, ago(Duration.ofMinutes(16)), AUDIT_0);
        // its last write is recent: the age is the coordinator's, from the transaction's start
        openOn(AUDIT_0, 7, 1234, ago(Duration.ofSeconds(1)));

        HangingTransactions.Report r = judge();

        assertThat(r.open()).isEqualTo(1);
        assertThat(r.hanging())
                .containsExactly(
                        new HangingTransactions.Hanging(
                                AUDIT_0, 1234, 7, 3, LOG_TXN, ago(Duration.ofMinutes(16)), true));
        assertThat(r.hanging().get(0).describe(NOW))
                .isEqualTo(
                        "lethe.audit-0 from offset 1234, open 960 s, producer 7 epoch 3"
                                + " (lethe-audit-lethe-audit-log-0-17)");
    }

    @Test
    void theCheckpointsTopicIsPartOfTheLog() {
        coordinator(
                "lethe-audit-lethe-audit-checkpoints-0-4",
                TransactionState.ONGOING,
                9,
                ago(Duration.ofMinutes(3)),
                CHECKPOINTS_0);

        assertThat(judge().hanging())
                .extracting(HangingTransactions.Hanging::partition)
                .containsExactly(CHECKPOINTS_0);
    }

    @Test
    void aHangingTransactionTheLogsPartitionDidNotListHasNoStartOffset() {
        coordinator(LOG_TXN, TransactionState.ONGOING, 7, ago(Duration.ofMinutes(5)), AUDIT_0);

        HangingTransactions.Hanging h = judge().hanging().get(0);

        assertThat(h.startOffset()).isEqualTo(-1);
        assertThat(h.describe(NOW)).startsWith("lethe.audit-0, open 300 s, producer 7");
    }

    @Test
    void transactionsOnOtherTopicsAreIgnored() {
        coordinator(
                "retention-1", TransactionState.ONGOING, 11, ago(Duration.ofHours(1)), CONTACTS_0);
        openOn(CONTACTS_0, 12, 50, ago(Duration.ofHours(1)));
        producers.put(
                new TopicPartition("lethe.audit.it-1", 0),
                List.of(open(13, 5, ago(Duration.ofHours(1)))));

        HangingTransactions.Report r = judge();

        assertThat(r.open()).isZero();
        assertThat(r.hanging()).isEmpty();
    }

    @Test
    void onlyTheLogsPartitionsOfATransactionOnSeveralTopicsCount() {
        coordinator(
                LOG_TXN,
                TransactionState.ONGOING,
                7,
                ago(Duration.ofMinutes(2)),
                CONTACTS_0,
                AUDIT_0);

        assertThat(judge().hanging())
                .extracting(HangingTransactions.Hanging::partition)
                .containsExactly(AUDIT_0);
    }

    @Test
    void transactionsBeingCommittedOrAbortedOrCompletedAreIgnored() {
        Instant old = ago(Duration.ofMinutes(20));
        coordinator("committing", TransactionState.PREPARE_COMMIT, 1, old, AUDIT_0);
        coordinator("aborting", TransactionState.PREPARE_ABORT, 2, old, AUDIT_0);
        coordinator("committed", TransactionState.COMPLETE_COMMIT, 3, old, AUDIT_0);
        coordinator("aborted", TransactionState.COMPLETE_ABORT, 4, old, AUDIT_0);
        coordinator("fencing", TransactionState.PREPARE_EPOCH_FENCE, 5, old, AUDIT_0);
        coordinator("empty", TransactionState.EMPTY, 6, old);
        // the partition still waits for the markers of the two being ended: their coordinator
        // holds them, so they are not hanging however long ago they last wrote
        openOn(AUDIT_0, 1, 100, old);
        openOn(AUDIT_0, 2, 101, old);

        HangingTransactions.Report r = judge();

        assertThat(r.hanging()).isEmpty();
        assertThat(r.open()).isEqualTo(2);
    }

    @Test
    void aTransactionOpenOnAPartitionThatNoCoordinatorHoldsIsHangingOnceItStopsWriting() {
        // producer 21's coordinator holds a later transaction of it open on the checkpoints only:
        // the one the log's partition still has open never gets its marker, nothing ends it but
        // an abort
        coordinator(
                "lethe-audit-lethe-audit-log-0-3",
                TransactionState.ONGOING,
                21,
                ago(Duration.ofSeconds(5)),
                CHECKPOINTS_0);
        transactionalIds.put(21L, "lethe-audit-lethe-audit-log-0-3");
        openOn(AUDIT_0, 21, 880, ago(Duration.ofMinutes(3)));
        openOn(AUDIT_0, 22, 990, ago(Duration.ofSeconds(3)));

        HangingTransactions.Report r = judge();

        assertThat(r.open()).isEqualTo(3);
        assertThat(r.hanging())
                .containsExactly(
                        new HangingTransactions.Hanging(
                                AUDIT_0,
                                880,
                                21,
                                3,
                                "lethe-audit-lethe-audit-log-0-3",
                                ago(Duration.ofMinutes(3)),
                                false));
        assertThat(r.hanging().get(0).describe(NOW))
                .endsWith("(lethe-audit-lethe-audit-log-0-3), unknown to its coordinator");
    }

    @Test
    void anOpenTransactionWithoutAKnownWriteTimeIsOld() {
        producers.put(AUDIT_0, List.of(open(30, 7, -1)));

        HangingTransactions.Hanging h = judge().hanging().get(0);

        assertThat(h.since()).isEqualTo(Instant.EPOCH);
        assertThat(h.transactionalId()).isNull();
    }

    @Test
    void producersWithNoTransactionOpenAreNotCounted() {
        producers.put(
                AUDIT_0,
                List.of(
                        new ProducerState(
                                40,
                                1,
                                12,
                                ago(Duration.ofHours(2)).toEpochMilli(),
                                OptionalInt.of(0),
                                OptionalLong.empty())));

        assertThat(judge()).isEqualTo(new HangingTransactions.Report(0, List.of()));
    }

    @Test
    void theOldestHangingTransactionComesFirst() {
        coordinator("b", TransactionState.ONGOING, 2, ago(Duration.ofMinutes(2)), AUDIT_0);
        coordinator("a", TransactionState.ONGOING, 1, ago(Duration.ofMinutes(9)), CHECKPOINTS_0);

        assertThat(judge().hanging())
                .extracting(HangingTransactions.Hanging::transactionalId)
                .containsExactly("a", "b");
    }

    private HangingTransactions.Report judge() {
        return HangingTransactions.judge(
                new HangingTransactions.View(transactions, producers, transactionalIds),
                LOG,
                BOUND,
                NOW);
    }

    private static Instant ago(Duration d) {
        return NOW.minus(d);
    }

    /** The coordinator's description of {@code id}, begun at {@code start}. */
    private void coordinator(
            String id,
            TransactionState state,
            long producerId,
            Instant start,
            TopicPartition... partitions) {
        transactions.put(
                id,
                new TransactionDescription(
                        1,
                        state,
                        producerId,
                        3,
                        900_000,
                        state == TransactionState.EMPTY
                                ? OptionalLong.empty()
                                : OptionalLong.of(start.toEpochMilli()),
                        Set.of(partitions)));
    }

    /** A transaction of {@code producerId} open on {@code tp} from {@code offset}. */
    private void openOn(TopicPartition tp, long producerId, long offset, Instant lastWrite) {
        producers
                .computeIfAbsent(tp, k -> new java.util.ArrayList<>())
                .add(open(producerId, offset, lastWrite.toEpochMilli()));
    }

    private static ProducerState open(long producerId, long offset, Instant lastWrite) {
        return open(producerId, offset, lastWrite.toEpochMilli());
    }

    private static ProducerState open(long producerId, long offset, long lastWriteMillis) {
        return new ProducerState(
                producerId, 3, 0, lastWriteMillis, OptionalInt.of(0), OptionalLong.of(offset));
    }
}
