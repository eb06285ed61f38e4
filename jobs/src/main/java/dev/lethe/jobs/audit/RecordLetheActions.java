package dev.lethe.jobs.audit;

import dev.lethe.events.AuditEntry;
import dev.lethe.events.DeadLetter;
import dev.lethe.events.PurgeReceipt;
import dev.lethe.jobs.changes.NormalizeRawRecords;
import dev.lethe.jobs.kafka.RawRecord;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Records of Lethe's own actions (purge receipts, export records, backlog approvals) to audit entry
 * drafts ({@link LetheActionEntries}); a record that cannot be read goes to {@link
 * NormalizeRawRecords#DEAD_LETTERS} with the reason, never its content.
 */
public final class RecordLetheActions extends ProcessFunction<RawRecord, AuditEntry> {

    private static final long serialVersionUID = 1L;

    private final String receiptsTopic;
    private final String requestsTopic;
    private transient Counter rejected;

    public RecordLetheActions(String receiptsTopic, String requestsTopic) {
        this.receiptsTopic = receiptsTopic;
        this.requestsTopic = requestsTopic;
    }

    @Override
    public void open(OpenContext context) {
        rejected = getRuntimeContext().getMetricGroup().counter("numRejected");
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<AuditEntry> out) {
        Instant recordedAt = Instant.ofEpochMilli(raw.kafkaTimestamp);
        try {
            if (raw.value == null) {
                throw new IllegalArgumentException("no value (tombstone)");
            }
            if (raw.topic.equals(receiptsTopic)) {
                PurgeReceipt receipt;
                try {
                    receipt = PurgeReceipt.fromByteBuffer(ByteBuffer.wrap(raw.value));
                } catch (Exception e) {
                    throw new IllegalArgumentException("not an Avro PurgeReceipt");
                }
                out.collect(
                        LetheActionEntries.ofReceipt(
                                receipt, raw.topic, raw.partition, raw.offset, recordedAt));
            } else if (raw.topic.equals(requestsTopic)) {
                out.collect(
                        LetheActionEntries.ofRequestRecord(
                                raw.value, raw.topic, raw.partition, raw.offset, recordedAt));
            } else {
                throw new IllegalArgumentException("unexpected topic");
            }
        } catch (IllegalArgumentException e) {
            if (rejected != null) {
                rejected.inc();
            }
            ctx.output(
                    NormalizeRawRecords.DEAD_LETTERS,
                    DeadLetter.newBuilder()
                            .setJob("audit/lethe-actions")
                            .setReason("UNREADABLE_ACTION_RECORD")
                            .setDetail(e.getMessage())
                            .setSourceTopic(raw.topic)
                            .setSourcePartition(raw.partition)
                            .setSourceOffset(raw.offset)
                            .setRawKey(raw.key == null ? null : ByteBuffer.wrap(raw.key))
                            .setRawValue(raw.value == null ? null : ByteBuffer.wrap(raw.value))
                            .setFailedAt(Instant.now())
                            .build());
        }
    }
}
