package dev.lethe.jobs.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.ErrorResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.RequestEntryWrapper;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The writer against a {@link FakeBulkClient}, on a {@link TestSinkInitContext}: the test calls the
 * writer on the context's task thread, answers bulk requests from its own thread (as
 * Elasticsearch's I/O thread would) and moves processing time by hand, so every retry fires when,
 * and only when, the test says.
 */
class ElasticsearchSinkWriterTest {

    private static final long INITIAL_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 400;
    private static final long WAIT_SECONDS = 10;

    private final List<TestSinkInitContext> contexts = new ArrayList<>();

    @AfterEach
    void stopTaskThreads() {
        contexts.forEach(TestSinkInitContext::close);
    }

    /** A writer, its context, its client and its dead letters, as one subtask has them. */
    private final class Subtask {
        final TestSinkInitContext context = new TestSinkInitContext();
        final FakeBulkClient client = new FakeBulkClient();
        final RecordingRejectedHandler deadLetters = new RecordingRejectedHandler();
        ElasticsearchSinkWriter<DocumentOperation> writer;

        Subtask(int maxBatchSize, Collection<BufferedRequestState<DocumentOperation>> state)
                throws Exception {
            this(maxBatchSize, state, false);
        }

        Subtask(
                int maxBatchSize,
                Collection<BufferedRequestState<DocumentOperation>> state,
                boolean refreshWhenCaughtUp)
                throws Exception {
            this(maxBatchSize, state, refreshWhenCaughtUp, 2);
        }

        Subtask(
                int maxBatchSize,
                Collection<BufferedRequestState<DocumentOperation>> state,
                boolean refreshWhenCaughtUp,
                int maxInFlightRequests)
                throws Exception {
            contexts.add(context);
            AsyncSinkWriterConfiguration config =
                    AsyncSinkWriterConfiguration.builder()
                            .setMaxBatchSize(maxBatchSize)
                            .setMaxBatchSizeInBytes(5L * 1024 * 1024)
                            .setMaxInFlightRequests(maxInFlightRequests)
                            .setMaxBufferedRequests(100)
                            // the buffer's own timer stays out of the way: flushes are the test's
                            .setMaxTimeInBufferMS(Duration.ofHours(1).toMillis())
                            .setMaxRecordSizeInBytes(1024L * 1024)
                            .setRateLimitingStrategy(
                                    new FixedRequestsInFlight(maxInFlightRequests, maxBatchSize))
                            .build();
            context.onTask(
                    () ->
                            writer =
                                    new ElasticsearchSinkWriter<>(
                                            (op, ctx) -> op,
                                            context,
                                            config,
                                            state,
                                            client,
                                            deadLetters,
                                            Duration.ofMillis(INITIAL_BACKOFF_MS),
                                            Duration.ofMillis(MAX_BACKOFF_MS),
                                            refreshWhenCaughtUp));
        }

        void write(DocumentOperation... ops) throws Exception {
            context.onTask(
                    () -> {
                        for (DocumentOperation op : ops) {
                            writer.write(op, null);
                        }
                    });
        }

        /** {@code flush(true)}, at the end of input, on the task thread; returns at once. */
        Future<Void> flushAtEndOfInput() {
            return context.onTaskAsync(() -> writer.flush(true));
        }

        SinkWriterMetricGroup metrics() {
            return context.sinkMetrics();
        }

        /** Waits until the writer has scheduled a retry {@code delay} ms from now. */
        void awaitRetryIn(long delay) throws InterruptedException {
            context.awaitTimerAt(context.now() + delay);
        }
    }

    @Test
    void bufferedOperationsAreSentAtFlushAndFlushWaitsForTheAnswer() throws Exception {
        Subtask subtask = new Subtask(10, List.of());
        DocumentOperation a = doc("a");
        DocumentOperation b = doc("b");
        DocumentOperation c = DocumentOperation.delete("lethe-audit", "c");

        subtask.write(a, b, c);
        assertThat(subtask.client.sent()).as("fewer than a batch: buffered").isEmpty();

        Future<Void> flushing = subtask.flushAtEndOfInput();
        FakeBulkClient.Request request = subtask.client.next();
        assertThat(request.ids()).containsExactly("a", "b", "c");
        assertThat(flushing).as("no answer yet").isNotDone();

        request.answerAllStored();
        flushing.get(WAIT_SECONDS, TimeUnit.SECONDS);

        assertThat(subtask.client.sent()).hasSize(1);
        assertThat(subtask.metrics().getNumRecordsSendCounter().getCount()).isEqualTo(3);
        assertThat(subtask.metrics().getNumBytesSendCounter().getCount())
                .isEqualTo(a.sizeInBytes() + b.sizeInBytes() + c.sizeInBytes());
        assertThat(subtask.metrics().getNumRecordsSendErrorsCounter().getCount()).isZero();
        assertThat(subtask.context.counter(ElasticsearchSinkWriter.NUM_DOCS_RETRIED)).isZero();
        assertThat(subtask.context.counter(ElasticsearchSinkWriter.NUM_DOCS_SUPERSEDED)).isZero();
        assertThat(subtask.deadLetters.events).isEmpty();
    }

    @Test
    void aBatchSentBeforeItFilledAsksForARefreshAFullOneDoesNot() throws Exception {
        Subtask caughtUp = new Subtask(3, List.of(), true);
        caughtUp.write(doc("a"), doc("b"), doc("c")); // a full batch: sent at once
        FakeBulkClient.Request full = caughtUp.client.next();
        assertThat(full.ids()).containsExactly("a", "b", "c");
        assertThat(full.refresh()).as("a full batch: a backlog").isFalse();
        full.answerAllStored();

        caughtUp.write(doc("d"));
        Future<Void> flushing = caughtUp.flushAtEndOfInput();
        FakeBulkClient.Request partial = caughtUp.client.next();
        assertThat(partial.ids()).containsExactly("d");
        assertThat(partial.refresh()).as("flushed before it filled: caught up").isTrue();
        partial.answerAllStored();
        flushing.get(WAIT_SECONDS, TimeUnit.SECONDS);

        Subtask plain = new Subtask(3, List.of());
        plain.write(doc("e"));
        Future<Void> plainFlush = plain.flushAtEndOfInput();
        FakeBulkClient.Request notAsked = plain.client.next();
        assertThat(notAsked.refresh()).as("the option off").isFalse();
        notAsked.answerAllStored();
        plainFlush.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void aPartialFailureRetriesTransientItemsOnTheTimerAndDeadLettersTheRejectedOnTheTaskThread()
            throws Exception {
        Subtask subtask = new Subtask(10, List.of());
        subtask.write(
                doc("ok"),
                doc("busy"),
                doc("down"),
                doc("bad").withOrigin("helpdesk.public.contacts", 0, 17),
                doc("newer").withExternalVersion(3));

        Future<Void> flushing = subtask.flushAtEndOfInput();
        FakeBulkClient.Request first = subtask.client.next();
        assertThat(first.ids()).containsExactly("ok", "busy", "down", "bad", "newer");
        // answered here, on the test's thread, as Elasticsearch's I/O thread would
        first.answer(Map.of("busy", 429, "down", 503, "bad", 400, "newer", 409));

        subtask.awaitRetryIn(INITIAL_BACKOFF_MS);
        assertThat(subtask.deadLetters.events)
                .as("the rejected document, its dead letter acknowledged, on the task thread")
                .containsExactly(
                        "rejected bad 400 document_parsing_exception origin 17 on test-sink-task",
                        "flush on test-sink-task");
        assertThat(subtask.deadLetters.reasons.get(0))
                .contains("[phone]")
                .doesNotContain("+49", "1234567");
        assertThat(subtask.client.waiting()).as("nothing sent before the backoff").isZero();
        assertThat(flushing).as("the retry is still to come").isNotDone();

        subtask.context.advanceTime(INITIAL_BACKOFF_MS);
        FakeBulkClient.Request retry = subtask.client.next();
        assertThat(retry.ids())
                .as("the transient failures, in order; neither the superseded nor the rejected")
                .containsExactly("busy", "down");
        assertThat(flushing).isNotDone();
        retry.answerAllStored();
        flushing.get(WAIT_SECONDS, TimeUnit.SECONDS);

        assertThat(subtask.client.sent()).hasSize(2);
        assertThat(subtask.deadLetters.events).hasSize(2);
        assertThat(subtask.metrics().getNumRecordsSendCounter().getCount()).isEqualTo(5 + 2);
        assertThat(subtask.metrics().getNumRecordsSendErrorsCounter().getCount()).isEqualTo(1);
        assertThat(subtask.context.counter(ElasticsearchSinkWriter.NUM_DOCS_RETRIED)).isEqualTo(2);
        assertThat(subtask.context.counter(ElasticsearchSinkWriter.NUM_DOCS_SUPERSEDED))
                .isEqualTo(1);
    }

    /**
     * With one request in flight, a write that failed transiently is sent again before anything
     * written after it: a later delete of the same document never overtakes it. (With more in
     * flight the delete can be stored first; the older write is then refused only by
     * Elasticsearch's versioned tombstone of the delete.)
     */
    @Test
    void withOneRequestInFlightARetriedWriteGoesBeforeALaterDeleteOfTheSameDocument()
            throws Exception {
        Subtask subtask = new Subtask(1, List.of(), false, 1);
        subtask.write(
                doc("a").withExternalVersion(5),
                DocumentOperation.delete("lethe-audit", "a").withExternalVersion(9));

        Future<Void> flushing = subtask.flushAtEndOfInput();
        FakeBulkClient.Request write = subtask.client.next();
        assertThat(write.operations()).containsExactly("index a");
        write.answer(Map.of("a", 503));
        subtask.awaitRetryIn(INITIAL_BACKOFF_MS);
        assertThat(subtask.client.waiting())
                .as("the delete waits while the write it follows waits for its retry")
                .isZero();

        subtask.context.advanceTime(INITIAL_BACKOFF_MS);
        FakeBulkClient.Request retried = subtask.client.next();
        assertThat(retried.operations()).containsExactly("index a");
        retried.answerAllStored();
        FakeBulkClient.Request delete = subtask.client.next();
        assertThat(delete.operations()).containsExactly("delete a");
        delete.answerAllStored();
        flushing.get(WAIT_SECONDS, TimeUnit.SECONDS);

        assertThat(subtask.client.sent())
                .flatExtracting(FakeBulkClient.Request::operations)
                .containsExactly("index a", "index a", "delete a");
    }

    @Test
    void retriesBackOffExponentiallyUpToTheMaximumAndStartOverAfterASuccess() throws Exception {
        Subtask subtask = new Subtask(10, List.of());
        subtask.write(doc("x"));
        Future<Void> flushing = subtask.flushAtEndOfInput();

        subtask.client.next().answer(Map.of("x", 429));
        subtask.awaitRetryIn(100);
        subtask.context.advanceTime(100);
        subtask.client.next().answer(Map.of("x", 503));
        subtask.awaitRetryIn(200);
        subtask.context.advanceTime(200);
        // the whole request failing on the way is transient too: everything again
        subtask.client.next().fail(new IOException("Connection reset by peer"));
        subtask.awaitRetryIn(400);
        subtask.context.advanceTime(400);
        subtask.client.next().answer(Map.of("x", 429));
        subtask.awaitRetryIn(MAX_BACKOFF_MS); // 800 capped
        assertThat(flushing).isNotDone();
        subtask.context.advanceTime(MAX_BACKOFF_MS);
        FakeBulkClient.Request last = subtask.client.next();
        assertThat(last.ids()).containsExactly("x");
        last.answerAllStored();
        flushing.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(subtask.context.counter(ElasticsearchSinkWriter.NUM_DOCS_RETRIED)).isEqualTo(4);
        assertThat(subtask.metrics().getNumRecordsSendCounter().getCount()).isEqualTo(5);

        subtask.write(doc("y"));
        flushing = subtask.flushAtEndOfInput();
        subtask.client.next().answer(Map.of("y", 429));
        subtask.awaitRetryIn(INITIAL_BACKOFF_MS);
        subtask.context.advanceTime(INITIAL_BACKOFF_MS);
        subtask.client.next().answerAllStored();
        flushing.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(subtask.context.timers())
                .as("retries wait on the writer's processing-time service")
                .contains(100L, 300L, 700L, 1100L, 1100L + INITIAL_BACKOFF_MS);
    }

    @Test
    void aCheckpointWaitsOutTheBackoffAndARestoredWriterSendsTheRetriedOperations()
            throws Exception {
        Subtask subtask = new Subtask(3, List.of());
        subtask.write(doc("a"), doc("b"), doc("c"));
        FakeBulkClient.Request full = subtask.client.next();
        assertThat(full.ids()).as("a full batch goes at once").containsExactly("a", "b", "c");
        subtask.write(doc("d"));
        full.answer(Map.of("b", 429));
        subtask.context.runMails();
        subtask.awaitRetryIn(INITIAL_BACKOFF_MS);

        List<List<BufferedRequestState<DocumentOperation>>> snapshot = new ArrayList<>();
        Future<Void> checkpoint =
                subtask.context.onTaskAsync(
                        () -> {
                            subtask.writer.flush(false);
                            snapshot.add(subtask.writer.snapshotState(1));
                        });
        assertThat(checkpoint).as("b is still in flight, waiting for its retry").isNotDone();
        subtask.context.advanceTime(INITIAL_BACKOFF_MS);
        checkpoint.get(WAIT_SECONDS, TimeUnit.SECONDS);

        assertThat(subtask.client.sent()).as("b and d are less than a batch").hasSize(1);
        List<BufferedRequestState<DocumentOperation>> state = snapshot.get(0);
        assertThat(operations(state))
                .as("the retried operation first, then what was buffered behind it")
                .containsExactly("b", "d");
        subtask.context.onTask(subtask.writer::close);
        assertThat(subtask.client.closed()).isTrue();
        assertThat(subtask.deadLetters.closed).isTrue();

        // restart: the checkpoint sealed and opened again, a new writer sends what it held
        DocumentOperationStateSerializer serializer =
                new DocumentOperationStateSerializer(
                        DocumentOperationStateSerializerTest.TEST_MASTER_KEYS);
        BufferedRequestState<DocumentOperation> restored =
                serializer.deserialize(serializer.getVersion(), serializer.serialize(state.get(0)));
        Subtask restarted = new Subtask(3, List.of(restored));
        Future<Void> flushing = restarted.flushAtEndOfInput();
        FakeBulkClient.Request resent = restarted.client.next();
        assertThat(resent.ids()).containsExactly("b", "d");
        resent.answerAllStored();
        flushing.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(restarted.client.sent()).hasSize(1);
    }

    @Test
    void aRequestRefusedAsAWholeFailsTheJobWithoutTheValuesElasticsearchQuotes() throws Exception {
        Subtask subtask = new Subtask(10, List.of());
        subtask.write(doc("a"), doc("b"));
        Future<Void> flushing = subtask.flushAtEndOfInput();

        subtask.client.next().fail(requestFailed(401));

        Throwable failure = catchThrowable(() -> flushing.get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertThat(messages(failure)).anySatisfy(m -> assertThat(m).contains("failed permanently"));
        assertThat(subtask.metrics().getNumRecordsSendErrorsCounter().getCount()).isEqualTo(2);
        assertThat(subtask.context.counter(ElasticsearchSinkWriter.NUM_DOCS_RETRIED)).isZero();
        assertThat(subtask.client.sent()).hasSize(1);
    }

    @Test
    void aDeadLetterThatCannotBeRecordedFailsTheJob() throws Exception {
        Subtask subtask = new Subtask(10, List.of());
        subtask.deadLetters.failFlush = true;
        subtask.write(doc("bad"));
        Future<Void> flushing = subtask.flushAtEndOfInput();

        subtask.client.next().answer(Map.of("bad", 400));

        Throwable failure = catchThrowable(() -> flushing.get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertThat(messages(failure))
                .anySatisfy(m -> assertThat(m).contains("the dead-letter topic is unreachable"));
    }

    @Test
    void anAnswerAfterCloseIsIgnored() throws Exception {
        Subtask subtask = new Subtask(1, List.of());
        subtask.write(doc("bad"));
        FakeBulkClient.Request late = subtask.client.next();
        subtask.context.onTask(subtask.writer::close);

        late.answer(Map.of("bad", 400));
        subtask.context.runMails();

        assertThat(subtask.deadLetters.events).isEmpty();
        assertThat(subtask.metrics().getNumRecordsSendErrorsCounter().getCount()).isZero();
    }

    @Test
    void failuresAreLoggedAndRaisedWithoutTheValuesElasticsearchQuotes() {
        IOException failure =
                new IOException(
                        "method [POST], host [http://127.0.0.1:9200], URI [/_bulk], status line"
                                + " [HTTP/1.1 400 Bad Request]\n{\"error\":{\"reason\":\"failed to"
                                + " parse field [phone] of type [long] in document with id"
                                + " 'contacts:7'. Preview of field's value: '+49 30 1234567'\"}}");

        ElasticsearchSinkException safe = ElasticsearchSinkWriter.withoutValues(failure);

        assertThat(safe.getMessage())
                .startsWith("java.io.IOException: ")
                .contains("HTTP/1.1 400 Bad Request", "/_bulk")
                .doesNotContain("+49 30 1234567", "contacts:7");
        assertThat(safe.getCause()).isNull();
        assertThat(safe.getStackTrace()).isEqualTo(failure.getStackTrace());
    }

    /** Dead letters as the writer hands them over: what, on which thread, and the flushes. */
    private static final class RecordingRejectedHandler implements RejectedDocumentHandler {
        private static final long serialVersionUID = 1L;
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<String> reasons = new CopyOnWriteArrayList<>();
        volatile boolean failFlush;
        volatile boolean closed;

        @Override
        public void rejected(RejectedDocument document) {
            events.add(
                    "rejected "
                            + document.operation().id()
                            + " "
                            + document.status()
                            + " "
                            + document.errorType()
                            + " origin "
                            + document.operation().originOffset()
                            + " on "
                            + Thread.currentThread().getName());
            reasons.add(document.reason());
        }

        @Override
        public void flush() throws IOException {
            if (failFlush) {
                throw new IOException("the dead-letter topic is unreachable");
            }
            events.add("flush on " + Thread.currentThread().getName());
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static DocumentOperation doc(String id) {
        return DocumentOperation.index(
                "lethe-audit", id, ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> operations(List<BufferedRequestState<DocumentOperation>> state) {
        return state.stream()
                .flatMap(s -> s.getBufferedRequestEntries().stream())
                .map(RequestEntryWrapper::getRequestEntry)
                .map(DocumentOperation::id)
                .toList();
    }

    private static List<String> messages(Throwable failure) {
        assertThat(failure).isNotNull();
        List<String> messages = new ArrayList<>();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            messages.add(String.valueOf(t.getMessage()));
        }
        return messages;
    }

    private static ElasticsearchException requestFailed(int status) {
        return new ElasticsearchException(
                "bulk",
                ErrorResponse.of(
                        e ->
                                e.status(status)
                                        .error(c -> c.type("security_exception").reason("r"))));
    }
}
