package dev.lethe.jobs.audit;

import dev.lethe.crypto.SubjectCipher;
import dev.lethe.events.AuditEntry;
import dev.lethe.events.ChangeEvent;
import dev.lethe.keys.SubjectKeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Each change becomes its audit-entry draft with personal values encrypted ({@link AuditDrafts}).
 * It runs before any stateful operator, so no Flink state (the actor join's and the chain's
 * buffers) ever holds a personal value in clear.
 *
 * <p>Changes are drafted in small batches: up to {@code batchSize} changes, or what arrived within
 * {@code maxDelay} of the first, have their subjects' data keys fetched (or created) in one go
 * ({@link SubjectKeyStore#prefetch}) before they are drafted in arrival order, each with its own
 * timestamp. A backlog of new people thus costs one key-store transaction per batch instead of one
 * per person. The batch lives only in memory and never crosses a checkpoint or a watermark: it is
 * drafted before a checkpoint barrier ({@link #prepareSnapshotPreBarrier}), before a watermark is
 * passed on, and at the end of input. So the operator has no state.
 */
public final class ProtectPersonalData extends AbstractStreamOperator<AuditEntry>
        implements OneInputStreamOperator<ChangeEvent, AuditEntry>, BoundedOneInput {

    private static final long serialVersionUID = 2L;

    /** Changes drafted together at most, by default. */
    public static final int DEFAULT_BATCH_SIZE = 500;

    /** How long the first change of a batch waits for others at most, by default. */
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofMillis(20);

    private final AuditResources resources;
    private final int batchSize;
    private final long maxDelayMs;

    private transient SubjectKeyStore keyStore;
    private transient SubjectLookup lookup;
    private transient AuditDrafts drafts;
    private transient List<StreamRecord<ChangeEvent>> batch;
    private transient boolean flushScheduled;

    public ProtectPersonalData(AuditResources resources) {
        this(resources, DEFAULT_BATCH_SIZE, DEFAULT_MAX_DELAY);
    }

    public ProtectPersonalData(AuditResources resources, int batchSize, Duration maxDelay) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        }
        if (maxDelay.isNegative() || maxDelay.isZero()) {
            throw new IllegalArgumentException("maxDelay must be positive, got " + maxDelay);
        }
        this.resources = resources;
        this.batchSize = batchSize;
        this.maxDelayMs = maxDelay.toMillis();
    }

    @Override
    public void open() throws Exception {
        super.open();
        keyStore = resources.keyStore().open();
        lookup = resources.subjectLookup().open();
        drafts = new AuditDrafts(resources.openCatalog(), new SubjectCipher(keyStore), lookup);
        batch = new ArrayList<>(batchSize);
    }

    @Override
    public void processElement(StreamRecord<ChangeEvent> element) throws Exception {
        batch.add(
                element.hasTimestamp()
                        ? new StreamRecord<>(element.getValue(), element.getTimestamp())
                        : new StreamRecord<>(element.getValue()));
        if (batch.size() >= batchSize) {
            draftBatch();
        } else if (!flushScheduled) {
            flushScheduled = true;
            long now = getProcessingTimeService().getCurrentProcessingTime();
            getProcessingTimeService()
                    .registerTimer(
                            now + maxDelayMs,
                            time -> {
                                flushScheduled = false;
                                draftBatch();
                            });
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        draftBatch();
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        draftBatch();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void endInput() {
        draftBatch();
    }

    @Override
    public void finish() throws Exception {
        draftBatch();
        super.finish();
    }

    private void draftBatch() {
        if (batch.isEmpty()) {
            return;
        }
        keyStore.prefetch(drafts.rowSubjects(batch.stream().map(StreamRecord::getValue).toList()));
        for (StreamRecord<ChangeEvent> record : batch) {
            AuditEntry draft = drafts.draft(record.getValue());
            output.collect(
                    record.hasTimestamp()
                            ? new StreamRecord<>(draft, record.getTimestamp())
                            : new StreamRecord<>(draft));
        }
        batch.clear();
    }

    @Override
    public void close() throws Exception {
        try {
            if (lookup != null) {
                lookup.close();
            }
            if (keyStore instanceof AutoCloseable closeable) {
                closeable.close();
            }
        } finally {
            super.close();
        }
    }
}
