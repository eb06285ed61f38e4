package dev.lethe.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOptions;
import co.elastic.clients.elasticsearch._types.aggregations.StringTermsAggregate;
import co.elastic.clients.elasticsearch._types.aggregations.StringTermsBucket;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchRequest;
import dev.lethe.discovery.LocationDocument;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Reads the {@value LocationDocument#INDEX} index: every document matching a query, paged. */
final class LocationSearch {

    private static final int PAGE = 1_000;

    /** Distinct subjects one aggregation answers with before {@link #subjects} pages instead. */
    private static final int SUBJECT_BUCKETS = 1_000;

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

    /**
     * For each of {@code queries}, the subjects of the documents matching it ({@link
     * #subjects(Query)}), in one request: a filter aggregation per query.
     */
    List<Set<String>> subjects(List<Query> queries) throws IOException {
        SearchRequest.Builder s =
                new SearchRequest.Builder()
                        .index(index)
                        .size(0)
                        .trackTotalHits(t -> t.enabled(false))
                        .query(or(queries));
        for (int i = 0; i < queries.size(); i++) {
            Query q = queries.get(i);
            s.aggregations(
                    "q" + i,
                    a ->
                            a.filter(q)
                                    .aggregations(
                                            "subjects",
                                            sub ->
                                                    sub.terms(
                                                            t ->
                                                                    t.field("subjectIds")
                                                                            .size(
                                                                                    SUBJECT_BUCKETS))));
        }
        var response = es.search(s.build(), Void.class);
        List<Set<String>> answer = new ArrayList<>();
        for (int i = 0; i < queries.size(); i++) {
            StringTermsAggregate terms =
                    response.aggregations()
                            .get("q" + i)
                            .filter()
                            .aggregations()
                            .get("subjects")
                            .sterms();
            answer.add(subjects(queries.get(i), terms));
        }
        return answer;
    }

    /**
     * The subjects of the documents matching {@code query}: one terms aggregation on {@code
     * subjectIds}, without fetching the documents (a name mentioned in thousands of tickets is
     * still one small answer); if there are more distinct subjects than one aggregation returns,
     * every document is read.
     */
    Set<String> subjects(Query query) throws IOException {
        var response =
                es.search(
                        s ->
                                s.index(index)
                                        .size(0)
                                        .trackTotalHits(t -> t.enabled(false))
                                        .query(query)
                                        .aggregations(
                                                "subjects",
                                                a ->
                                                        a.terms(
                                                                t ->
                                                                        t.field("subjectIds")
                                                                                .size(
                                                                                        SUBJECT_BUCKETS))),
                        Void.class);
        return subjects(query, response.aggregations().get("subjects").sterms());
    }

    /** The buckets of {@code terms}, or if it left some out, the subjects of every document. */
    private Set<String> subjects(Query query, StringTermsAggregate terms) throws IOException {
        Set<String> subjects = new TreeSet<>();
        if (terms.sumOtherDocCount() != null && terms.sumOtherDocCount() > 0) {
            all(query).forEach(d -> subjects.addAll(d.subjectIds()));
            return subjects;
        }
        for (StringTermsBucket b : terms.buckets().array()) {
            subjects.add(b.key().stringValue());
        }
        return subjects;
    }

    /** Whether any document matches {@code query}. */
    boolean any(Query query) throws IOException {
        return es.search(
                                s ->
                                        s.index(index)
                                                .size(0)
                                                .terminateAfter(1L)
                                                .trackTotalHits(t -> t.count(1))
                                                .query(query),
                                Void.class)
                        .hits()
                        .total()
                        .value()
                > 0;
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
