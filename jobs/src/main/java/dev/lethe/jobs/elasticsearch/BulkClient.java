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
     * @param refresh whether Elasticsearch refreshes the shards the request wrote before it answers
     *     ({@code refresh=true}): the documents are searchable at once
     */
    CompletableFuture<BulkResponse> bulk(byte[] ndjson, boolean refresh);
}
