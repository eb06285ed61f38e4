package dev.lethe.jobs.elasticsearch;

import co.elastic.clients.elasticsearch.core.BulkResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriter;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.base.sink.writer.ResultHandler;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends batches of {@link DocumentOperation}s as bulk requests and sorts out each item's fate with
 * {@link BulkOutcome}. Metrics (in the sink's writer group): {@code numDocsSent}, {@code
 * numDocsRetried}, {@code numDocsRejected}, {@code numDocsSuperseded}.
 */
final class ElasticsearchSinkWriter<InputT> extends AsyncSinkWriter<InputT, DocumentOperation> {

    private static final Logger LOG = LoggerFactory.getLogger(ElasticsearchSinkWriter.class);

    private final BulkClient client;
    private final RejectedDocumentHandler rejectedHandler;
    private final long initialBackoffMs;
    private final long maxBackoffMs;
    private final ScheduledExecutorService retryTimer;
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final Counter docsSent;
    private final Counter docsRetried;
    private final Counter docsRejected;
    private final Counter docsSuperseded;

    ElasticsearchSinkWriter(
            ElementConverter<InputT, DocumentOperation> converter,
            WriterInitContext context,
            AsyncSinkWriterConfiguration config,
            Collection<BufferedRequestState<DocumentOperation>> state,
            BulkClient client,
            RejectedDocumentHandler rejectedHandler,
            Duration initialBackoff,
            Duration maxBackoff) {
        super(converter, context, config, state);
        this.client = client;
        this.rejectedHandler = rejectedHandler;
        this.initialBackoffMs = initialBackoff.toMillis();
        this.maxBackoffMs = maxBackoff.toMillis();
        this.retryTimer =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "elasticsearch-sink-retry");
                            t.setDaemon(true);
                            return t;
                        });
        MetricGroup metrics = context.metricGroup();
        this.docsSent = metrics.counter("numDocsSent");
        this.docsRetried = metrics.counter("numDocsRetried");
        this.docsRejected = metrics.counter("numDocsRejected");
        this.docsSuperseded = metrics.counter("numDocsSuperseded");
        try {
            rejectedHandler.open();
        } catch (Exception e) {
            throw new IllegalStateException("the rejected-document handler did not open", e);
        }
    }

    @Override
    protected void submitRequestEntries(
            List<DocumentOperation> entries, ResultHandler<DocumentOperation> result) {
        client.bulk(BulkBody.ndjson(entries))
                .whenComplete(
                        (response, failure) -> {
                            try {
                                handle(entries, response, failure, result);
                            } catch (Exception e) {
                                result.completeExceptionally(e);
                            }
                        });
    }

    /**
     * The failure as the job may log it: its type and Elasticsearch's reason without quoted values
     * ({@link BulkOutcome#safeReason}; an error body can quote a document's field), with the
     * original stack trace.
     */
    static ElasticsearchSinkException withoutValues(Throwable failure) {
        ElasticsearchSinkException safe =
                new ElasticsearchSinkException(
                        failure.getClass().getName()
                                + ": "
                                + BulkOutcome.safeReason(failure.getMessage()),
                        null);
        safe.setStackTrace(failure.getStackTrace());
        return safe;
    }

    private void handle(
            List<DocumentOperation> entries,
            BulkResponse response,
            Throwable failure,
            ResultHandler<DocumentOperation> result)
            throws Exception {
        BulkOutcome outcome;
        if (failure != null) {
            if (!BulkOutcome.isTransient(failure)) {
                result.completeExceptionally(
                        new ElasticsearchSinkException(
                                "a bulk request of "
                                        + entries.size()
                                        + " operations failed permanently (check the URL, user,"
                                        + " password and role)",
                                withoutValues(failure)));
                return;
            }
            LOG.warn(
                    "bulk request of {} operations failed transiently ({}), retrying",
                    entries.size(),
                    withoutValues(failure).getMessage());
            outcome = BulkOutcome.retryAll(entries);
        } else {
            outcome = BulkOutcome.of(entries, response);
        }
        docsSent.inc(outcome.succeeded());
        docsSuperseded.inc(outcome.superseded());
        if (!outcome.rejected().isEmpty()) {
            // items of concurrent requests complete on I/O threads: one at a time into the handler
            synchronized (rejectedHandler) {
                for (RejectedDocument rejected : outcome.rejected()) {
                    rejectedHandler.rejected(rejected);
                }
                rejectedHandler.flush();
            }
            docsRejected.inc(outcome.rejected().size());
        }
        if (outcome.retry().isEmpty()) {
            consecutiveFailures.set(0);
            result.complete();
            return;
        }
        docsRetried.inc(outcome.retry().size());
        long delay = backoffMillis(consecutiveFailures.incrementAndGet());
        retryTimer.schedule(
                () -> result.retryForEntries(outcome.retry()), delay, TimeUnit.MILLISECONDS);
    }

    /** {@code initial * 2^(failures-1)}, capped at the maximum. */
    long backoffMillis(int failures) {
        int shift = Math.min(Math.max(failures - 1, 0), 30);
        long delay = initialBackoffMs << shift;
        return delay <= 0 || delay > maxBackoffMs ? maxBackoffMs : delay;
    }

    @Override
    protected long getSizeInBytes(DocumentOperation op) {
        return op.sizeInBytes();
    }

    @Override
    public void close() {
        super.close();
        retryTimer.shutdownNow();
        try {
            rejectedHandler.close();
        } catch (Exception e) {
            LOG.warn("closing the rejected-document handler failed", e);
        }
        try {
            client.close();
        } catch (Exception e) {
            LOG.warn("closing the Elasticsearch client failed", e);
        }
    }
}
