package dev.lethe.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOptions;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchRequest;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads every hit of a query, page by page with {@code search_after} on a total sort order (no
 * scroll contexts to leak; stable while documents are added).
 */
final class SearchAfterPages {

    private SearchAfterPages() {}

    /** Ascending sort on {@code field}; {@code missingFirst} puts documents without it first. */
    static SortOptions asc(String field, boolean missingFirst) {
        return SortOptions.of(
                o ->
                        o.field(
                                f -> {
                                    f.field(field).order(SortOrder.Asc);
                                    if (missingFirst) {
                                        f.missing("_first");
                                    }
                                    return f;
                                }));
    }

    static SortOptions asc(String field) {
        return asc(field, false);
    }

    /**
     * Calls {@code each} for every hit of {@code query} in {@code sort} order.
     *
     * @param sourceIncludes the source fields to fetch, or empty for the whole document
     */
    static void forEach(
            ElasticsearchClient es,
            String index,
            Query query,
            List<SortOptions> sort,
            List<String> sourceIncludes,
            int pageSize,
            Consumer<Hit<JsonNode>> each)
            throws IOException {
        List<FieldValue> after = null;
        while (true) {
            SearchRequest.Builder s =
                    new SearchRequest.Builder().index(index).size(pageSize).sort(sort);
            if (query != null) {
                s.query(query);
            }
            if (!sourceIncludes.isEmpty()) {
                s.source(src -> src.filter(f -> f.includes(sourceIncludes)));
            }
            if (after != null) {
                s.searchAfter(after);
            }
            List<Hit<JsonNode>> hits = es.search(s.build(), JsonNode.class).hits().hits();
            hits.forEach(each);
            if (hits.size() < pageSize) {
                return;
            }
            after = new ArrayList<>(hits.get(hits.size() - 1).sort());
        }
    }
}
