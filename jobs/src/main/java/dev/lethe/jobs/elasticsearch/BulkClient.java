package dev.lethe.jobs.elasticsearch;

import co.elastic.clients.elasticsearch.core.BulkResponse;
import java.util.concurrent.CompletableFuture;

/** Sends one bulk request; the writer's only contact with Elasticsearch (a fake in tests). */
interface BulkClient extends AutoCloseable {

    /**
     * @param ndjson a {@link BulkBody#ndjson} body
     */
    CompletableFuture<BulkResponse> bulk(byte[] ndjson);
}
