package dev.lethe.jobs.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.jobs.config.JobSettings;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Event time from complete transactions: right after the raw topics' source (chained to it, one
 * subtask), it reads Debezium's transaction topic into a {@link TransactionLedger} and advances the
 * watermark to the commit time of the last transaction whose changes and actor message have all
 * been read, as soon as they have, instead of waiting for the partitions' idle timeout. Every
 * operator that waits for event time (the actor join, the chain's fallback, subjects, discovery's
 * locator) so releases a change once its transaction, and every one before it, is complete. The
 * source's own watermark (commit time per partition, quiet partitions at the wall clock) stays the
 * fallback and the floor: the watermark passed on is the greater of the two.
 *
 * <p>Actor messages: Debezium 3 counts messages in the END, so an END that counts none releases at
 * once, and one that counts a message waits until it is read (written before the END, but to
 * another partition, it can be appended after it). A connector that does not count them: the
 * transaction leaves once a later transaction's message has been read, or once a look at the
 * message topic (taken after its END was read) finds the topic read to its end ({@link
 * PartitionHeads}, off the task thread): well under a second, not the idle timeout.
 *
 * <p>Records pass unchanged, except the transaction topic's, which end here. Replayed dead letters
 * ({@link RawRecord#replayed()}) pass without counting: their transaction was counted when their
 * record was first read. Watermarks are passed on at most every {@link #EMIT_INTERVAL_MS}
 * (processing time): one per transaction would cut every batch downstream that a watermark closes.
 *
 * <p>State: the ledger's open transactions (ids, counts, commit times; no row data), in operator
 * state. A job restored from a version without it starts with an empty ledger: transactions partly
 * read before the restore leave by the fallback.
 */
public final class TransactionWatermarks extends AbstractStreamOperator<RawRecord>
        implements OneInputStreamOperator<RawRecord, RawRecord> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TransactionWatermarks.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * How Debezium 3 names the data collection of logical-decoding messages in an END (the class
     * name of its id). Once an END has named it, the connector counts messages, and an END without
     * it means a transaction without one.
     */
    static final String MESSAGE_COLLECTION = "LogicalDecodingMessage";

    /** The longest a watermark waits to be passed on after the one before: 20 ms. */
    static final long EMIT_INTERVAL_MS = 20;

    private final String transactionTopic;
    private final String messageTopic;
    private final String collectionPrefix;
    private final Set<String> changeTopics;
    private final PartitionHeads.Factory headsFactory;

    private transient TransactionLedger ledger;
    private transient ListState<byte[]> ledgerState;
    private transient long upstream;
    private transient long emitted;
    private transient long emittedAt;
    private transient boolean timerSet;
    private transient PartitionHeads heads;
    private transient Map<Integer, Long> nextMessage;
    private transient boolean countsMessages;

    /**
     * @param transactionTopic Debezium's transaction topic ({@code <prefix>.transaction})
     * @param messageTopic the actor messages' topic
     * @param collectionPrefix what makes a topic of an END's data collection ({@code <prefix>.})
     * @param changeTopics the table topics the job reads
     * @param heads where the message topic ends, to learn that a transaction has no message
     */
    public TransactionWatermarks(
            String transactionTopic,
            String messageTopic,
            String collectionPrefix,
            Set<String> changeTopics,
            PartitionHeads.Factory heads) {
        this.transactionTopic = transactionTopic;
        this.messageTopic = messageTopic;
        this.collectionPrefix = collectionPrefix;
        this.changeTopics = Set.copyOf(changeTopics);
        this.headsFactory = heads;
    }

    /** {@code raw} with event time from complete transactions; {@code uid} names the operator. */
    public static DataStream<RawRecord> apply(
            DataStream<RawRecord> raw, JobSettings settings, String uid) {
        return apply(
                raw,
                settings,
                uid,
                KafkaPartitionHeads.factory(
                        settings.kafkaBootstrap(),
                        settings.kafkaUser(),
                        List.of(settings.actorTopic()),
                        settings.jobName()));
    }

    /**
     * As {@link #apply(DataStream, JobSettings, String)}, the message topic's end from {@code
     * heads}.
     */
    public static DataStream<RawRecord> apply(
            DataStream<RawRecord> raw,
            JobSettings settings,
            String uid,
            PartitionHeads.Factory heads) {
        Set<String> tables = new HashSet<>(settings.rawTopics());
        tables.remove(settings.actorTopic());
        TransactionWatermarks operator =
                new TransactionWatermarks(
                        settings.transactionTopic(),
                        settings.actorTopic(),
                        settings.rawTopicPrefix() + ".",
                        tables,
                        heads);
        return raw.transform(
                        "transaction-watermarks", TypeInformation.of(RawRecord.class), operator)
                .setParallelism(RawTopicsSource.PARALLELISM)
                .uid(uid);
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        ledgerState =
                context.getOperatorStateStore()
                        .getListState(
                                new ListStateDescriptor<>(
                                        "transaction-ledger",
                                        PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        ledger = new TransactionLedger();
        for (byte[] stored : ledgerState.get()) {
            ledger = TransactionLedger.restore(stored);
        }
        heads = headsFactory.create();
        nextMessage = new HashMap<>();
        upstream = Long.MIN_VALUE;
        emitted = Long.MIN_VALUE;
        emittedAt = Long.MIN_VALUE / 2;
        getRuntimeContext()
                .getMetricGroup()
                .gauge("numTransactionsTracked", () -> ledger.tracked());
        getRuntimeContext()
                .getMetricGroup()
                .gauge("numTransactionsComplete", () -> ledger.completed());
        getRuntimeContext()
                .getMetricGroup()
                .gauge("numTransactionsPassedIncomplete", () -> ledger.passed());
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        ledgerState.update(List.of(ledger.snapshot()));
    }

    @Override
    public void processElement(StreamRecord<RawRecord> element) throws Exception {
        RawRecord r = element.getValue();
        if (r.replayed()) {
            // a dead letter fed back: its transaction was counted when its record was first read
            output.collect(element);
            return;
        }
        if (r.topic.equals(transactionTopic)) {
            readBoundary(r);
        } else {
            output.collect(element);
            if (r.transactionId != null) {
                if (r.topic.equals(messageTopic)) {
                    nextMessage.merge(r.partition, r.offset + 1, Math::max);
                    ledger.message(r.transactionId, r.commitTimeMillis);
                } else if (changeTopics.contains(r.topic)) {
                    ledger.change(r.transactionId, r.totalOrder, r.commitTimeMillis);
                }
            }
        }
        advance();
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        upstream = Math.max(upstream, mark.getTimestamp());
        if (upstream == Long.MAX_VALUE) {
            emit(upstream, getProcessingTimeService().getCurrentProcessingTime()); // input ended
            return;
        }
        advance();
    }

    /** An END counts the transaction's events per table; a BEGIN says nothing new. */
    private void readBoundary(RawRecord r) {
        JsonNode end;
        try {
            end = r.value == null ? null : JSON.readTree(r.value);
        } catch (Exception e) {
            end = null;
        }
        if (end == null || !end.isObject()) {
            LOG.warn(
                    "unreadable record on {} ({}); its transaction leaves by the fallback",
                    r.topic,
                    r);
            return;
        }
        if (!"END".equals(end.path("status").asText())) {
            return;
        }
        String id = end.path("id").asText("");
        int colon = id.indexOf(':');
        String transaction = colon >= 0 ? id.substring(0, colon) : id;
        int expected = 0;
        int messages = 0;
        for (JsonNode c : end.path("data_collections")) {
            String collection = c.path("data_collection").asText();
            if (changeTopics.contains(collectionPrefix + collection)) {
                expected += c.path("event_count").asInt(0);
            } else if (collection.contains(MESSAGE_COLLECTION)) {
                messages += c.path("event_count").asInt(0);
                countsMessages = true;
            }
        }
        long commit = end.path("ts_ms").asLong(r.kafkaTimestamp);
        if (!transaction.isEmpty()) {
            ledger.end(
                    transaction,
                    expected,
                    countsMessages ? messages : -1,
                    commit,
                    getProcessingTimeService().getCurrentProcessingTime());
        }
    }

    private void advance() {
        long released = ledger.release(upstream);
        long since = ledger.awaitingMessageSince();
        if (since != Long.MIN_VALUE && messagesReadToTheEnd(since)) {
            ledger.messagesReadBefore(since + 1);
            released = ledger.release(upstream);
        }
        long watermark = Math.max(upstream, released);
        if (watermark <= emitted || timerSet) {
            return;
        }
        long now = getProcessingTimeService().getCurrentProcessingTime();
        if (now - emittedAt >= EMIT_INTERVAL_MS) {
            emit(watermark, now);
        } else {
            timerSet = true;
            getProcessingTimeService()
                    .registerTimer(
                            emittedAt + EMIT_INTERVAL_MS,
                            t -> {
                                timerSet = false;
                                long w = Math.max(upstream, ledger.release(upstream));
                                if (w > emitted) {
                                    emit(w, getProcessingTimeService().getCurrentProcessingTime());
                                }
                            });
        }
    }

    /** Whether a look at the message topic taken after {@code since} found it read to its end. */
    private boolean messagesReadToTheEnd(long since) {
        if (nextMessage.isEmpty()) {
            return heads.caughtUp(PartitionHeads.name(messageTopic, 0), 0, since);
        }
        for (Map.Entry<Integer, Long> e : nextMessage.entrySet()) {
            if (!heads.caughtUp(
                    PartitionHeads.name(messageTopic, e.getKey()), e.getValue(), since)) {
                return false;
            }
        }
        return true;
    }

    private void emit(long watermark, long now) {
        emitted = watermark;
        emittedAt = now;
        output.emitWatermark(new Watermark(watermark));
    }
}
