package dev.lethe.jobs.elasticsearch;

import java.io.IOException;
import org.elasticsearch.client.Request;

/**
 * The settings of the indexes Lethe's jobs keep up to date change by change ({@code lethe-audit},
 * {@code lethe-locations}), set when a job starts, on an existing index too (all are dynamic):
 *
 * <ul>
 *   <li>{@code refresh_interval} {@value ElasticsearchSinkBuilder#CAUGHT_UP_REFRESH_INTERVAL}: the
 *       sinks' caught-up requests wait for it ({@code refresh=wait_for}), so what a caught-up job
 *       writes is searchable when its request is answered, and Elasticsearch refreshes at most this
 *       often whatever the write rate;
 *   <li>a merge policy for many small segments and many updated documents: {@code
 *       segments_per_tier} {@value #SEGMENTS_PER_TIER} (default 10) and {@code deletes_pct_allowed}
 *       {@value #DELETES_PCT_ALLOWED} (default 20). A refresh every 200 ms makes a small segment
 *       each time, and the location index rewrites a record's documents with every change of it;
 *       with the defaults the merges rewrote the location index about every 10 s under 100
 *       changes/s (benchmarks.md, "Latency"). The price: more segments to search and up to that
 *       share of deleted documents on disk.
 * </ul>
 */
public final class WriteHeavyIndex {

    /** Segments per tier of the tiered merge policy. */
    public static final int SEGMENTS_PER_TIER = 20;

    /** The share of deleted documents a segment may hold before merges reclaim them, percent. */
    public static final int DELETES_PCT_ALLOWED = 40;

    private WriteHeavyIndex() {}

    /** The settings as {@code PUT /<index>/_settings} takes them. */
    static String settingsJson() {
        return "{\"index\":{\"refresh_interval\":\""
                + ElasticsearchSinkBuilder.CAUGHT_UP_REFRESH_INTERVAL
                + "\",\"merge.policy.segments_per_tier\":"
                + SEGMENTS_PER_TIER
                + ",\"merge.policy.deletes_pct_allowed\":"
                + DELETES_PCT_ALLOWED
                + "}}";
    }

    /** Sets them on {@code index}, which exists. */
    public static void apply(ElasticsearchConnection.Clients clients, String index)
            throws IOException {
        Request put = new Request("PUT", "/" + index + "/_settings");
        put.setJsonEntity(settingsJson());
        clients.restClient().performRequest(put);
    }
}
