package dev.lethe.jobs.elasticsearch;

import co.elastic.clients.elasticsearch.core.BulkResponse;
import java.util.concurrent.CompletableFuture;

/**
 * Sends one bulk request; the writer's only contact with Elasticsearch ({@link RestBulkClient}; in
 * tests a {@code FakeBulkClient} that records requests and is answered by the test). The future may
 * complete on any thread; the writer only hands the answer to its mailbox there.
 */
interface BulkClient extends AutoCloseable {

    /**
     * @param ndjson a {@link BulkBody#ndjson} body
     * @param refresh whether Elasticsearch answers only once what the request wrote is searchable
     *     ({@code refresh=wait_for}: at the index's next scheduled refresh, {@link
     *     ElasticsearchSinkBuilder#CAUGHT_UP_REFRESH_INTERVAL} on Lethe's indexes), never forcing
     *     one
     */
    CompletableFuture<BulkResponse> bulk(byte[] ndjson, boolean refresh);
}
