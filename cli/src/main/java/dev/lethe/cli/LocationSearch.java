package dev.lethe.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOptions;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import dev.lethe.discovery.LocationDocument;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Reads the {@value LocationDocument#INDEX} index: every document matching a query, paged. */
final class LocationSearch {

    private static final int PAGE = 1_000;

    /** A total order over locations, for paging. */
    private static final List<SortOptions> SORT =
            List.of(
                    SearchAfterPages.asc("recordId"),
                    SearchAfterPages.asc("column"),
                    SearchAfterPages.asc("detector"),
                    SearchAfterPages.asc("spanStart", true));

    private final ElasticsearchClient es;
    private final String index;

    LocationSearch(ElasticsearchClient es, String index) {
        this.es = es;
        this.index = index;
    }

    /** Every document matching {@code query}. */
    List<LocationDocument> all(Query query) throws IOException {
        List<LocationDocument> found = new ArrayList<>();
        SearchAfterPages.forEach(
                es,
                index,
                query,
                SORT,
                List.of(),
                PAGE,
                h -> found.add(LocationDocument.fromJson(h.id(), h.source())));
        return found;
    }

    static Query term(String field, String value) {
        return Query.of(q -> q.term(t -> t.field(field).value(value)));
    }

    static Query terms(String field, Collection<String> values) {
        List<FieldValue> v = values.stream().map(FieldValue::of).toList();
        return Query.of(q -> q.terms(t -> t.field(field).terms(tv -> tv.value(v))));
    }

    static Query and(Query... queries) {
        return Query.of(q -> q.bool(b -> b.filter(List.of(queries))));
    }

    static Query or(List<Query> queries) {
        return Query.of(q -> q.bool(b -> b.should(queries).minimumShouldMatch("1")));
    }

    static Query exists(String field) {
        return Query.of(q -> q.exists(e -> e.field(field)));
    }

    static Query not(Query query) {
        return Query.of(q -> q.bool(b -> b.mustNot(query)));
    }
}
