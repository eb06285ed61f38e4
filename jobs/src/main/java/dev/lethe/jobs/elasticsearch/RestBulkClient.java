package dev.lethe.jobs.elasticsearch;

import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.json.JsonpMapper;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import org.apache.http.entity.ContentType;
import org.apache.http.nio.entity.NByteArrayEntity;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseListener;
import org.elasticsearch.client.RestClient;

/**
 * Sends {@link BulkBody} bodies with the low-level REST client of an {@link
 * ElasticsearchConnection}: one byte array with a Content-Length, the answer filtered to what the
 * outcome needs. A non-2xx answer fails the future with the client's {@code ResponseException}
 * (whose status {@link BulkOutcome#isTransient(Throwable)} reads), a connection problem with an
 * {@code IOException}.
 */
final class RestBulkClient implements BulkClient {

    private static final ContentType NDJSON = ContentType.create("application/x-ndjson");

    private final ElasticsearchConnection.Clients clients;
    private final RestClient rest;
    private final JsonpMapper mapper;

    RestBulkClient(ElasticsearchConnection.Clients clients) {
        this.clients = clients;
        this.rest = clients.restClient();
        this.mapper = clients.mapper();
    }

    @Override
    public CompletableFuture<BulkResponse> bulk(byte[] ndjson, boolean refresh) {
        Request request = new Request("POST", "/_bulk");
        request.addParameter("filter_path", BulkBody.FILTER_PATH);
        if (refresh) {
            // waits for the index's own refresh: one per interval whatever the number of requests
            // (a forced refresh per request made a segment each and grew the merges with them)
            request.addParameter("refresh", "wait_for");
        }
        request.setEntity(new NByteArrayEntity(ndjson, NDJSON));
        CompletableFuture<BulkResponse> answer = new CompletableFuture<>();
        rest.performRequestAsync(
                request,
                new ResponseListener() {
                    @Override
                    public void onSuccess(Response response) {
                        try (InputStream body = response.getEntity().getContent()) {
                            answer.complete(BulkBody.parse(body, mapper));
                        } catch (Exception e) {
                            answer.completeExceptionally(e);
                        }
                    }

                    @Override
                    public void onFailure(Exception failure) {
                        answer.completeExceptionally(failure);
                    }
                });
        return answer;
    }

    @Override
    public void close() throws Exception {
        clients.close();
    }
}
