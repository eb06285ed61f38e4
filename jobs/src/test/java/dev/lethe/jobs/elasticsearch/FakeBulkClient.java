package dev.lethe.jobs.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.elasticsearch.core.bulk.OperationType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link BulkClient} that records each bulk request and leaves its answer to the test, which
 * plays Elasticsearch's I/O thread: {@link Request#answer} with per-item statuses, or {@link
 * Request#fail} for a request that failed as a whole.
 */
final class FakeBulkClient implements BulkClient {

    private static final Pattern ACTION =
            Pattern.compile(
                    "^\\{\"(index|delete)\":\\{\"_index\":\"([^\"]*)\",\"_id\":\"([^\"]*)\"");

    /** One bulk request as sent: the documents' ids in order, and its answer to give. */
    static final class Request {

        private final List<String> ids;
        private final List<String> kinds;
        private final List<String> indices;
        private final boolean refresh;
        private final CompletableFuture<BulkResponse> answer = new CompletableFuture<>();

        private Request(
                List<String> kinds, List<String> indices, List<String> ids, boolean refresh) {
            this.kinds = kinds;
            this.indices = indices;
            this.ids = ids;
            this.refresh = refresh;
        }

        List<String> ids() {
            return ids;
        }

        /** Each operation as {@code <action> <id>} ({@code index a}, {@code delete a}). */
        List<String> operations() {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                out.add(kinds.get(i) + " " + ids.get(i));
            }
            return out;
        }

        /** Whether the request asked Elasticsearch to refresh before answering. */
        boolean refresh() {
            return refresh;
        }

        /** Answers every item with 201 unless {@code statuses} names its id. */
        void answer(Map<String, Integer> statuses) {
            List<BulkResponseItem> items = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                String id = ids.get(i);
                int status = statuses.getOrDefault(id, 201);
                String index = indices.get(i);
                OperationType type =
                        kinds.get(i).equals("delete") ? OperationType.Delete : OperationType.Index;
                items.add(
                        BulkResponseItem.of(
                                b -> {
                                    b.operationType(type).index(index).id(id).status(status);
                                    if (status >= 300
                                            && !(status == 404 && type == OperationType.Delete)) {
                                        b.error(
                                                e ->
                                                        e.type(errorType(status))
                                                                .reason(reason(status, id)));
                                    }
                                    return b;
                                }));
            }
            boolean errors = items.stream().anyMatch(it -> it.error() != null);
            answer.complete(BulkResponse.of(r -> r.errors(errors).took(1).items(items)));
        }

        void answerAllStored() {
            answer(Map.of());
        }

        void fail(Throwable failure) {
            answer.completeExceptionally(failure);
        }

        private static String errorType(int status) {
            return switch (status) {
                case 409 -> "version_conflict_engine_exception";
                case 429 -> "es_rejected_execution_exception";
                case 400 -> "document_parsing_exception";
                default -> "some_exception";
            };
        }

        private static String reason(int status, String id) {
            return status == 400
                    ? "[1:42] failed to parse field [phone] of type [long] in document with id '"
                            + id
                            + "'. Preview of field's value: '+49 30 1234567'"
                    : "status " + status;
        }
    }

    private final BlockingQueue<Request> unanswered = new LinkedBlockingQueue<>();
    private final List<Request> sent = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    @Override
    public CompletableFuture<BulkResponse> bulk(byte[] ndjson, boolean refresh) {
        List<String> kinds = new ArrayList<>();
        List<String> indices = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        String[] lines = new String(ndjson, StandardCharsets.UTF_8).split("\n");
        for (int i = 0; i < lines.length; i++) {
            Matcher action = ACTION.matcher(lines[i]);
            assertThat(action.find()).as("an action line: %s", lines[i]).isTrue();
            kinds.add(action.group(1));
            indices.add(action.group(2));
            ids.add(action.group(3));
            if (action.group(1).equals("index")) {
                i++; // the document
            }
        }
        Request request = new Request(kinds, indices, ids, refresh);
        sent.add(request);
        unanswered.add(request);
        return request.answer;
    }

    /** The next request sent and not yet taken, waiting for it up to ten seconds. */
    Request next() throws InterruptedException {
        Request request = unanswered.poll(10, TimeUnit.SECONDS);
        assertThat(request).as("a bulk request within 10 s").isNotNull();
        return request;
    }

    /** Requests sent and not yet taken with {@link #next}. */
    int waiting() {
        return unanswered.size();
    }

    /** Every request sent so far. */
    List<Request> sent() {
        return List.copyOf(sent);
    }

    boolean closed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
    }
}
