package dev.lethe.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.audit.AuditVerifier.IndexedCopy;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads the Elasticsearch copy of the audit log for the cross-check: for every document its id,
 * {@code logIndex} and {@code hash}, paged in logIndex order ({@code search_after}).
 */
final class AuditIndexCopies implements AuditVerification.IndexCopies {

    private static final int PAGE = 5_000;

    private final ElasticsearchClient es;
    private final String index;

    AuditIndexCopies(ElasticsearchClient es, String index) {
        this.es = es;
        this.index = index;
    }

    @Override
    public List<IndexedCopy> read() throws IOException {
        if (!es.indices().exists(r -> r.index(index)).value()) {
            throw new IllegalArgumentException(
                    "the audit index " + index + " does not exist; pass --no-index to skip it");
        }
        es.indices().refresh(r -> r.index(index));
        List<IndexedCopy> copies = new ArrayList<>();
        List<FieldValue> after = null;
        while (true) {
            final List<FieldValue> from = after;
            SearchResponse<JsonNode> r =
                    es.search(
                            s -> {
                                s.index(index)
                                        .size(PAGE)
                                        .source(
                                                src ->
                                                        src.filter(
                                                                f ->
                                                                        f.includes(
                                                                                "logIndex",
                                                                                "hash")))
                                        .sort(
                                                o ->
                                                        o.field(
                                                                f ->
                                                                        f.field("logIndex")
                                                                                .order(
                                                                                        SortOrder
                                                                                                .Asc)))
                                        .sort(
                                                o ->
                                                        o.field(
                                                                f ->
                                                                        f.field("entityId")
                                                                                .order(
                                                                                        SortOrder
                                                                                                .Asc)))
                                        .sort(
                                                o ->
                                                        o.field(
                                                                f ->
                                                                        f.field("seq")
                                                                                .order(
                                                                                        SortOrder
                                                                                                .Asc)));
                                if (from != null) {
                                    s.searchAfter(from);
                                }
                                return s;
                            },
                            JsonNode.class);
            List<Hit<JsonNode>> hits = r.hits().hits();
            for (Hit<JsonNode> h : hits) {
                JsonNode src = h.source();
                String hash = src == null ? null : src.path("hash").asText(null);
                byte[] bytes;
                try {
                    bytes = hash == null ? null : HexFormat.of().parseHex(hash);
                } catch (IllegalArgumentException notHex) {
                    bytes = null;
                }
                copies.add(
                        new IndexedCopy(
                                h.id(), src == null ? -1 : src.path("logIndex").asLong(-1), bytes));
            }
            if (hits.size() < PAGE) {
                return copies;
            }
            after = hits.get(hits.size() - 1).sort();
        }
    }
}
