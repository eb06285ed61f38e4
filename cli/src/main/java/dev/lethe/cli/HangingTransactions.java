package dev.lethe.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;

/**
 * Whether a Kafka transaction holds the audit log back from its readers: a pure decision over what
 * the brokers say of the transactions touching the log's topics ({@link TransactionsCheck} reads
 * it).
 *
 * <p>The audit job writes the log exactly once, in transactions that Flink's Kafka sink opens at a
 * checkpoint and commits when the next one completes. Every reader reads {@code read_committed}: it
 * sees nothing of a partition past the first offset of a transaction still open there (the
 * partition's last stable offset stays at it). A transaction its producer will never finish — the
 * producer killed, and the job restored under transactional ids that do not abort it — keeps the
 * log still for every reader until its coordinator aborts it after {@code transaction.timeout.ms}
 * (the audit job's: 15 minutes), or forever if the coordinator no longer knows it.
 *
 * <p>Two views, as {@code kafka-transactions.sh find-hanging} takes them:
 *
 * <ul>
 *   <li>the coordinators' ({@code listTransactions}, {@code describeTransactions}): a transaction
 *       {@link TransactionState#ONGOING ONGOING} on a partition of the log since longer than the
 *       bound is hanging. Transactions being committed or aborted (their markers being written),
 *       completed or empty are not;
 *   <li>the partitions' ({@code describeProducers}): a producer with a transaction open on a
 *       partition of the log (its {@code currentTransactionStartOffset}) that no coordinator holds
 *       open with that partition, and that has written nothing there for longer than the bound, is
 *       hanging: no coordinator will ever write its marker. Its transactional id is named when a
 *       coordinator still lists its producer id.
 * </ul>
 *
 * A transaction in both views is one transaction: its start offset is the partition's, its age the
 * coordinator's. Partitions of other topics are ignored.
 */
final class HangingTransactions {

    /** The coordinator states in which a transaction's partitions still wait for its marker. */
    static final Set<TransactionState> OPEN_STATES =
            EnumSet.of(
                    TransactionState.ONGOING,
                    TransactionState.PREPARE_COMMIT,
                    TransactionState.PREPARE_ABORT);

    private HangingTransactions() {}

    /**
     * What the brokers said, read coordinators first (a transaction that begins after they answered
     * is young in the partitions' view, never taken for one they do not know).
     *
     * @param transactions by transactional id, the coordinators' descriptions (those in {@link
     *     #OPEN_STATES} are enough)
     * @param producers each partition of the log's topics with its active producers
     * @param transactionalIds the transactional ids of producer ids, as the coordinators list them
     *     (for naming a transaction open on a partition only)
     */
    record View(
            Map<String, TransactionDescription> transactions,
            Map<TopicPartition, List<ProducerState>> producers,
            Map<Long, String> transactionalIds) {

        static final View EMPTY = new View(Map.of(), Map.of(), Map.of());
    }

    /**
     * A transaction open on a partition of the log for longer than the bound.
     *
     * @param partition where
     * @param startOffset its first offset there: readers see nothing from it on (-1: unknown, the
     *     partition did not list it)
     * @param producerId its producer
     * @param producerEpoch the producer's epoch
     * @param transactionalId its transactional id (null: no coordinator lists the producer)
     * @param since when its coordinator began it, or, unknown to every coordinator, when it last
     *     wrote to the partition
     * @param coordinatorKnows whether a coordinator holds it open (it aborts it at the
     *     transaction's timeout); if not, nothing will end it but an abort
     */
    record Hanging(
            TopicPartition partition,
            long startOffset,
            long producerId,
            int producerEpoch,
            String transactionalId,
            Instant since,
            boolean coordinatorKnows) {

        /** How long it has been open at {@code now}, in whole seconds. */
        long ageSeconds(Instant now) {
            return Math.max(0, Duration.between(since, now).toSeconds());
        }

        /** Identifies the transaction on its partition across checks. */
        String key() {
            return partition + "/" + producerId + "/" + since.toEpochMilli();
        }

        /**
         * One line: {@code lethe.audit-0 from offset 1234, open 972 s, producer 7 epoch 3
         * (lethe-audit-lethe-audit-log-0-17)}.
         */
        String describe(Instant now) {
            return partition
                    + (startOffset < 0 ? "" : " from offset " + startOffset)
                    + ", open "
                    + ageSeconds(now)
                    + " s, producer "
                    + producerId
                    + " epoch "
                    + producerEpoch
                    + (transactionalId == null ? "" : " (" + transactionalId + ")")
                    + (coordinatorKnows ? "" : ", unknown to its coordinator");
        }
    }

    /**
     * The transactions open on the log now.
     *
     * @param open transactions open on a partition of the log (one per transaction and partition)
     * @param hanging of those, the ones open for longer than the bound, oldest first
     */
    record Report(int open, List<Hanging> hanging) {}

    /**
     * Judges {@code view} at {@code now}: which transactions on partitions of {@code topics} have
     * been open for longer than {@code bound}.
     */
    static Report judge(View view, Collection<String> topics, Duration bound, Instant now) {
        Set<String> watched = Set.copyOf(topics);
        Set<String> open = new HashSet<>();
        List<Hanging> hanging = new ArrayList<>();
        for (Map.Entry<String, TransactionDescription> e : view.transactions().entrySet()) {
            TransactionDescription d = e.getValue();
            if (!OPEN_STATES.contains(d.state())) {
                continue;
            }
            for (TopicPartition tp : d.topicPartitions()) {
                if (!watched.contains(tp.topic())) {
                    continue;
                }
                open.add(tp + "/" + d.producerId());
                if (d.state() != TransactionState.ONGOING || d.transactionStartTimeMs().isEmpty()) {
                    continue; // its markers are being written
                }
                Instant since = Instant.ofEpochMilli(d.transactionStartTimeMs().getAsLong());
                if (olderThan(since, bound, now)) {
                    hanging.add(
                            new Hanging(
                                    tp,
                                    startOffset(view, tp, d.producerId()),
                                    d.producerId(),
                                    d.producerEpoch(),
                                    e.getKey(),
                                    since,
                                    true));
                }
            }
        }
        for (Map.Entry<TopicPartition, List<ProducerState>> e : view.producers().entrySet()) {
            TopicPartition tp = e.getKey();
            if (!watched.contains(tp.topic())) {
                continue;
            }
            for (ProducerState p : e.getValue()) {
                if (p.currentTransactionStartOffset().isEmpty()
                        || !open.add(tp + "/" + p.producerId())) {
                    continue; // none open, or a coordinator holds it open (judged above)
                }
                // a write time the broker does not know (-1) is as old as can be
                Instant since = Instant.ofEpochMilli(Math.max(0, p.lastTimestamp()));
                if (olderThan(since, bound, now)) {
                    hanging.add(
                            new Hanging(
                                    tp,
                                    p.currentTransactionStartOffset().getAsLong(),
                                    p.producerId(),
                                    p.producerEpoch(),
                                    view.transactionalIds().get(p.producerId()),
                                    since,
                                    false));
                }
            }
        }
        hanging.sort(
                Comparator.comparing((Hanging h) -> h.since())
                        .thenComparing(h -> h.partition().toString()));
        return new Report(open.size(), List.copyOf(hanging));
    }

    private static boolean olderThan(Instant since, Duration bound, Instant now) {
        return Duration.between(since, now).compareTo(bound) > 0;
    }

    /** The first offset of {@code producerId}'s transaction on {@code tp}, or -1. */
    private static long startOffset(View view, TopicPartition tp, long producerId) {
        for (ProducerState p : view.producers().getOrDefault(tp, List.of())) {
            if (p.producerId() == producerId && p.currentTransactionStartOffset().isPresent()) {
                return p.currentTransactionStartOffset().getAsLong();
            }
        }
        return -1;
    }
}
