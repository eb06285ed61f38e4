package dev.lethe.jobs.elasticsearch;

import dev.lethe.jobs.config.MasterKeys;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.AsyncSinkBase;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A Flink Sink V2 that writes {@link DocumentOperation}s to Elasticsearch in bulk requests, on the
 * Elasticsearch Java client 8.x. Modelled on Flink's {@link AsyncSinkBase}: batching by count and
 * bytes, a bounded number of requests in flight, a bounded buffer (back-pressure beyond it), a
 * time-based flush, and a flush of everything buffered and in flight at each checkpoint
 * (at-least-once; deterministic document ids make the replays after a restore idempotent).
 *
 * <p>Per-document failures are classified by {@link BulkOutcome}: transient ones are retried with
 * exponential backoff, for ever (nothing is dropped); permanent ones go to the {@link
 * RejectedDocumentHandler} and the job goes on; a version conflict means a newer version is stored
 * and is not an error. A whole request failing with 401/403 or another non-transient error fails
 * the job.
 *
 * <p>Up to {@code maxInFlightRequests} full batches are in flight from the start ({@link
 * FixedRequestsInFlight}, not Flink's default AIMD congestion control). What is buffered at a
 * checkpoint is sealed with the master key ({@link DocumentOperationStateSerializer}): documents
 * hold personal values.
 *
 * <p>Build with {@link #builder()}.
 */
public final class ElasticsearchSink<InputT> extends AsyncSinkBase<InputT, DocumentOperation> {

    private static final long serialVersionUID = 1L;

    private final ElasticsearchConnection connection;
    private final RejectedDocumentHandler rejectedHandler;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final MasterKeys masterKeys;
    private final boolean refreshWhenCaughtUp;

    ElasticsearchSink(
            ElementConverter<InputT, DocumentOperation> converter,
            int maxBatchSize,
            int maxInFlightRequests,
            int maxBufferedRequests,
            long maxBatchSizeInBytes,
            long maxTimeInBufferMs,
            long maxRecordSizeInBytes,
            ElasticsearchConnection connection,
            RejectedDocumentHandler rejectedHandler,
            Duration initialBackoff,
            Duration maxBackoff,
            MasterKeys masterKeys,
            boolean refreshWhenCaughtUp) {
        super(
                converter,
                maxBatchSize,
                maxInFlightRequests,
                maxBufferedRequests,
                maxBatchSizeInBytes,
                maxTimeInBufferMs,
                maxRecordSizeInBytes);
        this.connection = connection;
        this.rejectedHandler = rejectedHandler;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.masterKeys = masterKeys;
        this.refreshWhenCaughtUp = refreshWhenCaughtUp;
    }

    public static <InputT> ElasticsearchSinkBuilder<InputT> builder() {
        return new ElasticsearchSinkBuilder<>();
    }

    @Override
    public StatefulSinkWriter<InputT, BufferedRequestState<DocumentOperation>> createWriter(
            WriterInitContext context) {
        return restoreWriter(context, List.of());
    }

    @Override
    public StatefulSinkWriter<InputT, BufferedRequestState<DocumentOperation>> restoreWriter(
            WriterInitContext context,
            Collection<BufferedRequestState<DocumentOperation>> recoveredState) {
        AsyncSinkWriterConfiguration config =
                AsyncSinkWriterConfiguration.builder()
                        .setMaxBatchSize(getMaxBatchSize())
                        .setMaxBatchSizeInBytes(getMaxBatchSizeInBytes())
                        .setMaxInFlightRequests(getMaxInFlightRequests())
                        .setMaxBufferedRequests(getMaxBufferedRequests())
                        .setMaxTimeInBufferMS(getMaxTimeInBufferMS())
                        .setMaxRecordSizeInBytes(getMaxRecordSizeInBytes())
                        .setRateLimitingStrategy(
                                new FixedRequestsInFlight(
                                        getMaxInFlightRequests(), getMaxBatchSize()))
                        .build();
        ElasticsearchConnection.Clients clients = connection.open();
        BulkClient bulk = new RestBulkClient(clients);
        return new ElasticsearchSinkWriter<>(
                getElementConverter(),
                context,
                config,
                recoveredState,
                bulk,
                rejectedHandler,
                initialBackoff,
                maxBackoff,
                refreshWhenCaughtUp);
    }

    @Override
    public SimpleVersionedSerializer<BufferedRequestState<DocumentOperation>>
            getWriterStateSerializer() {
        return new DocumentOperationStateSerializer(masterKeys);
    }
}
