package dev.lethe.jobs.elasticsearch;

import co.elastic.clients.elasticsearch.core.BulkResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriter;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.base.sink.writer.ResultHandler;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends batches of {@link DocumentOperation}s as bulk requests and sorts out each item's fate with
 * {@link BulkOutcome}.
 *
 * <p>Threads: the REST client completes a request on its I/O thread; the writer only hands the
 * answer to its mailbox there ({@link #submitRequestEntries}). Everything else — sorting the items,
 * counting, handing rejected documents to the {@link RejectedDocumentHandler} (which may block,
 * e.g. on Kafka's acknowledgement of a dead letter), scheduling a retry — runs in the mailbox, on
 * the task thread, like {@link AsyncSinkWriter}'s own bookkeeping; nothing here is shared between
 * threads. Retries wait on the writer's {@link ProcessingTimeService}, whose timers fire as mails
 * too. A request stays in flight (for {@link AsyncSinkWriter}) until its retried items are handed
 * back after the backoff, so {@code flush} at a checkpoint or at the end of input — which yields to
 * the mailbox until nothing is in flight — waits for the answer, the dead letters and the backoff;
 * the retried items then go back to the head of the buffer (sent again, or checkpointed).
 *
 * <p>Metrics, in the sink's writer group:
 *
 * <ul>
 *   <li>{@code numRecordsSend}, {@code numBytesSend} (Flink's, counted by {@link AsyncSinkWriter}):
 *       operations put into bulk requests, every retry again;
 *   <li>{@code numRecordsSendErrors} (Flink's): operations that failed for good — rejected by
 *       Elasticsearch (to the dead letters), or in a request that failed the job;
 *   <li>{@code numDocsRetried}: operations that failed transiently (429, 5xx, a failed connection)
 *       and are sent again after a backoff;
 *   <li>{@code numDocsSuperseded}: operations not applied because a newer version of the document
 *       is stored (409), done and not an error.
 * </ul>
 *
 * Each send ends in exactly one of stored, superseded, retried or failed, so the documents stored
 * are {@code numRecordsSend - numDocsRetried - numDocsSuperseded - numRecordsSendErrors} (up to
 * requests that {@link AsyncSinkWriter} itself times out and sends again).
 */
final class ElasticsearchSinkWriter<InputT> extends AsyncSinkWriter<InputT, DocumentOperation> {

    /** Metric name: operations sent again after a transient failure. */
    static final String NUM_DOCS_RETRIED = "numDocsRetried";

    /** Metric name: operations a newer stored version made moot (409). */
    static final String NUM_DOCS_SUPERSEDED = "numDocsSuperseded";

    private static final Logger LOG = LoggerFactory.getLogger(ElasticsearchSinkWriter.class);

    private final BulkClient client;
    private final RejectedDocumentHandler rejectedHandler;
    private final long initialBackoffMs;
    private final long maxBackoffMs;
    private final MailboxExecutor mailbox;

    /** Requests smaller than this ask Elasticsearch to refresh ({@code 0}: none). */
    private final int refreshBelow;

    private final ProcessingTimeService timeService;
    private final Counter docsFailed;
    private final Counter docsRetried;
    private final Counter docsSuperseded;
    // mailbox thread only
    private int consecutiveFailures;
    private boolean closed;

    ElasticsearchSinkWriter(
            ElementConverter<InputT, DocumentOperation> converter,
            WriterInitContext context,
            AsyncSinkWriterConfiguration config,
            Collection<BufferedRequestState<DocumentOperation>> state,
            BulkClient client,
            RejectedDocumentHandler rejectedHandler,
            Duration initialBackoff,
            Duration maxBackoff,
            boolean refreshWhenCaughtUp) {
        super(converter, context, config, state);
        this.refreshBelow = refreshWhenCaughtUp ? config.getMaxBatchSize() : 0;
        this.client = client;
        this.rejectedHandler = rejectedHandler;
        this.initialBackoffMs = initialBackoff.toMillis();
        this.maxBackoffMs = maxBackoff.toMillis();
        this.mailbox = context.getMailboxExecutor();
        this.timeService = context.getProcessingTimeService();
        SinkWriterMetricGroup metrics = context.metricGroup();
        this.docsFailed = metrics.getNumRecordsSendErrorsCounter();
        this.docsRetried = metrics.counter(NUM_DOCS_RETRIED);
        this.docsSuperseded = metrics.counter(NUM_DOCS_SUPERSEDED);
        try {
            rejectedHandler.open();
        } catch (Exception e) {
            throw new IllegalStateException("the rejected-document handler did not open", e);
        }
    }

    @Override
    protected void submitRequestEntries(
            List<DocumentOperation> entries, ResultHandler<DocumentOperation> result) {
        // a batch sent before it filled up was flushed by time: the writer has caught up, and what
        // it writes should be searchable now; a full batch is part of a backlog, where refreshing
        // every request would slow the catch-up (the index refreshes on its own there)
        client.bulk(BulkBody.ndjson(entries), entries.size() < refreshBelow)
                .whenComplete(
                        // on the client's I/O thread: hand over and return at once (a mailbox that
                        // no longer takes mails means the task is gone, and the request with it)
                        (response, failure) ->
                                mailbox.execute(
                                        () -> {
                                            try {
                                                handle(entries, response, failure, result);
                                            } catch (Exception e) {
                                                result.completeExceptionally(e);
                                            }
                                        },
                                        "Elasticsearch bulk answer for %s operations",
                                        entries.size()));
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

    /** In the mailbox: what became of each operation of one bulk request. */
    private void handle(
            List<DocumentOperation> entries,
            BulkResponse response,
            Throwable failure,
            ResultHandler<DocumentOperation> result)
            throws Exception {
        if (closed) {
            return; // the answer came after close: the last checkpoint still holds what it had
        }
        BulkOutcome outcome;
        if (failure != null) {
            if (!BulkOutcome.isTransient(failure)) {
                docsFailed.inc(entries.size());
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
        docsSuperseded.inc(outcome.superseded());
        if (!outcome.rejected().isEmpty()) {
            for (RejectedDocument rejected : outcome.rejected()) {
                rejectedHandler.rejected(rejected);
            }
            // before the request counts as done: a checkpoint's flush waits for its dead letters
            rejectedHandler.flush();
            docsFailed.inc(outcome.rejected().size());
        }
        if (outcome.retry().isEmpty()) {
            consecutiveFailures = 0;
            result.complete();
            return;
        }
        docsRetried.inc(outcome.retry().size());
        long delay = backoffMillis(++consecutiveFailures);
        List<DocumentOperation> retry = outcome.retry();
        timeService.registerTimer(
                timeService.getCurrentProcessingTime() + delay,
                time -> {
                    if (!closed) {
                        result.retryForEntries(retry);
                    }
                });
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
        closed = true;
        super.close();
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
