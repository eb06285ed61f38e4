package dev.lethe.jobs.purge;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch._types.mapping.FieldType;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.discovery.LocationDocument;
import dev.lethe.jobs.elasticsearch.ElasticsearchConnection;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;

/**
 * The erasure processor's view of the locations index. Searches page through every matching
 * document, however many there are.
 */
public final class ElasticsearchErasureIndex implements ErasureIndex {

    /** Documents read per search request. */
    static final int PAGE = 1_000;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> IDENTIFIER_KINDS = Set.of("email", "phone", "handle");

    private final ElasticsearchConnection.Clients clients;
    private final ElasticsearchClient es;
    private final String index;
    private final Duration expungeInterval;
    private final Clock clock;
    private Instant lastExpunge = Instant.MIN;
    private boolean deletedSinceExpunge;

    public ElasticsearchErasureIndex(
            ElasticsearchConnection.Clients clients,
            String index,
            Duration expungeInterval,
            Clock clock) {
        this.clients = clients;
        this.es = clients.client();
        this.index = index;
        this.expungeInterval = expungeInterval;
        this.clock = clock;
    }

    @Override
    public List<LocationDocument> locationsOf(String subjectId, String own) throws IOException {
        Map<String, LocationDocument> found = new LinkedHashMap<>();
        List<LocationDocument> attributed = search(term("subjectIds", subjectId));
        attributed.forEach(d -> found.put(d.id(), d));
        Map<String, Set<String>> identifiers = new LinkedHashMap<>();
        for (LocationDocument d : attributed) {
            if (d.recordId().equals(own)
                    && d.value() != null
                    && IDENTIFIER_KINDS.contains(d.kind())) {
                identifiers.computeIfAbsent(d.kind(), k -> new TreeSet<>()).add(d.value());
            }
        }
        for (Map.Entry<String, Set<String>> e : identifiers.entrySet()) {
            for (LocationDocument d :
                    search(and(term("kind", e.getKey()), terms("value", e.getValue())))) {
                if (d.subjectIds().isEmpty() || d.subjectIds().contains(subjectId)) {
                    found.putIfAbsent(d.id(), d);
                }
            }
        }
        return new ArrayList<>(found.values());
    }

    /**
     * Searches the documents' ids, then deletes them in one {@code _bulk} (the local stack's
     * Elasticsearch has no {@code _delete_by_query}, which lives in the reindex module).
     */
    @Override
    public void forget(String subjectId, Collection<String> recordIds) throws IOException {
        List<Query> which = new ArrayList<>();
        which.add(term("subjectIds", subjectId));
        if (!recordIds.isEmpty()) {
            which.add(terms("recordId", recordIds));
        }
        List<String> ids = new ArrayList<>();
        for (LocationDocument d :
                search(Query.of(q -> q.bool(b -> b.should(which).minimumShouldMatch("1"))))) {
            ids.add(d.id());
        }
        delete(ids, Refresh.True);
    }

    /** Searches the records' document ids (no sources), deletes them in one {@code _bulk}. */
    @Override
    public void forgetRecords(Collection<String> recordIds) throws IOException {
        if (recordIds.isEmpty()) {
            return;
        }
        List<String> ids = new ArrayList<>();
        for (LocationDocument d : search(terms("recordId", recordIds))) {
            ids.add(d.id());
        }
        delete(ids, Refresh.False);
    }

    private void delete(List<String> ids, Refresh refresh) throws IOException {
        if (ids.isEmpty()) {
            return;
        }
        var response =
                es.bulk(
                        b -> {
                            b.index(index).refresh(refresh);
                            for (String id : ids) {
                                b.operations(o -> o.delete(d -> d.id(id)));
                            }
                            return b;
                        });
        for (var item : response.items()) {
            if (item.error() != null && item.status() != 404) {
                throw new IOException(
                        "bulk delete: status " + item.status() + " " + item.error().type());
            }
        }
        deletedSinceExpunge = true;
    }

    @Override
    public void expungeDeleted() throws IOException {
        Instant now = clock.instant();
        if (!deletedSinceExpunge
                || (lastExpunge != Instant.MIN
                        && now.isBefore(lastExpunge.plus(expungeInterval)))) {
            return;
        }
        Request r = new Request("POST", "/" + index + "/_forcemerge");
        r.addParameter("only_expunge_deletes", "true");
        try {
            rest().performRequest(r);
        } catch (ResponseException e) {
            throw new IOException("force merge: " + errorType(e));
        }
        lastExpunge = now;
        deletedSinceExpunge = false;
    }

    private RestClient rest() {
        return ((RestClientTransport) es._transport()).restClient();
    }

    /** The status and Elasticsearch error type of a failed request (never its values). */
    private static String errorType(ResponseException e) {
        int status = e.getResponse().getStatusLine().getStatusCode();
        try {
            JsonNode body = JSON.readTree(e.getResponse().getEntity().getContent());
            return "status " + status + " " + body.path("error").path("type").asText("");
        } catch (IOException | RuntimeException unreadable) {
            return "status " + status;
        }
    }

    /**
     * Every document that matches, page by page ({@value #PAGE} a page, {@code search_after} on the
     * fields that name a location uniquely: record, column, detector, span start), so a person
     * found in any number of places is erased whole.
     */
    private List<LocationDocument> search(Query query) throws IOException {
        List<LocationDocument> found = new ArrayList<>();
        List<FieldValue> after = null;
        try {
            while (true) {
                List<FieldValue> from = after;
                var r =
                        es.search(
                                s -> {
                                    s.index(index)
                                            .size(PAGE)
                                            .query(query)
                                            .sort(so -> so.field(f -> f.field("recordId")))
                                            .sort(so -> so.field(f -> f.field("column")))
                                            .sort(so -> so.field(f -> f.field("detector")))
                                            .sort(
                                                    so ->
                                                            so.field(
                                                                    f ->
                                                                            f.field("spanStart")
                                                                                    .missing(
                                                                                            "_first")
                                                                                    .unmappedType(
                                                                                            FieldType
                                                                                                    .Integer)));
                                    if (from != null) {
                                        s.searchAfter(from);
                                    }
                                    return s;
                                },
                                JsonNode.class);
                List<Hit<JsonNode>> hits = r.hits().hits();
                for (Hit<JsonNode> h : hits) {
                    found.add(LocationDocument.fromJson(h.id(), h.source()));
                }
                if (hits.size() < PAGE) {
                    return found;
                }
                after = hits.get(hits.size() - 1).sort();
            }
        } catch (ElasticsearchException e) {
            if ("index_not_found_exception".equals(e.error().type())) {
                return found;
            }
            throw e;
        }
    }

    private static Query term(String field, String value) {
        return Query.of(q -> q.term(t -> t.field(field).value(value)));
    }

    private static Query terms(String field, Collection<String> values) {
        List<FieldValue> v = values.stream().map(FieldValue::of).toList();
        return Query.of(q -> q.terms(t -> t.field(field).terms(tv -> tv.value(v))));
    }

    private static Query and(Query... queries) {
        return Query.of(q -> q.bool(b -> b.filter(List.of(queries))));
    }

    @Override
    public void close() throws IOException {
        clients.close();
    }
}
