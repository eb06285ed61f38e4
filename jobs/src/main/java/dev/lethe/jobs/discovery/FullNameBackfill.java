package dev.lethe.jobs.discovery;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.VersionType;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.SearchRequest;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.catalog.ColumnSpec;
import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.catalog.TableSpec;
import dev.lethe.discovery.FullNameKeys;
import dev.lethe.discovery.LocationDocument;
import dev.lethe.discovery.RowLocator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a locations index written before full-name keys existed up to date: every declared name
 * document without {@code fullName} gets the {@link FullNameKeys} of its row's name, computed from
 * the row's name documents exactly as {@link RowLocator} computes them from the row (the parts in
 * catalog order). Each document is written back with its own external version ({@code
 * external_gte}), so a document the running job has rewritten since (a newer version) is left
 * alone. A row whose name documents are all blank (no longer written) loses them.
 *
 * <p>Run when the discovery job is submitted; an index with nothing to do costs one search. Logs
 * counts only, never a name.
 */
final class FullNameBackfill {

    private static final Logger LOG = LoggerFactory.getLogger(FullNameBackfill.class);

    private static final int PAGE = 1_000;

    private final ElasticsearchClient es;
    private final String index;
    private final PersonalDataCatalog catalog;
    private final List<BulkOp> ops = new ArrayList<>();
    private long rewritten;
    private long failed;

    private record BulkOp(Hit<ObjectNode> hit, ObjectNode document) {}

    private FullNameBackfill(ElasticsearchClient es, String index, PersonalDataCatalog catalog) {
        this.es = es;
        this.index = index;
        this.catalog = catalog;
    }

    /**
     * Adds the keys wherever they are missing; returns how many documents were rewritten or
     * removed.
     */
    static long run(ElasticsearchClient es, String index, PersonalDataCatalog catalog)
            throws IOException {
        FullNameBackfill b = new FullNameBackfill(es, index, catalog);
        b.all();
        if (b.rewritten > 0 || b.failed > 0) {
            LOG.info(
                    "{}: full-name keys added to {} declared name documents ({} not written)",
                    index,
                    b.rewritten,
                    b.failed);
        }
        return b.rewritten;
    }

    /** Declared name documents without full-name keys. */
    static Query missingKeys() {
        return Query.of(
                q ->
                        q.bool(
                                b ->
                                        b.filter(f -> f.term(t -> t.field("kind").value("name")))
                                                .filter(
                                                        f ->
                                                                f.term(
                                                                        t ->
                                                                                t.field("detector")
                                                                                        .value(
                                                                                                LocationDocument
                                                                                                        .DECLARED)))
                                                .mustNot(m -> m.exists(e -> e.field("fullName")))));
    }

    private void all() throws IOException {
        List<FieldValue> after = null;
        List<Hit<ObjectNode>> row = new ArrayList<>();
        while (true) {
            SearchRequest.Builder s =
                    new SearchRequest.Builder()
                            .index(index)
                            .size(PAGE)
                            .query(missingKeys())
                            .version(true)
                            .sort(o -> o.field(f -> f.field("recordId").order(SortOrder.Asc)))
                            .sort(o -> o.field(f -> f.field("column").order(SortOrder.Asc)));
            if (after != null) {
                s.searchAfter(after);
            }
            List<Hit<ObjectNode>> hits = es.search(s.build(), ObjectNode.class).hits().hits();
            for (Hit<ObjectNode> h : hits) {
                if (!row.isEmpty() && !recordId(row.get(0)).equals(recordId(h))) {
                    row(row);
                    row = new ArrayList<>();
                }
                row.add(h);
            }
            if (hits.size() < PAGE) {
                break;
            }
            after = new ArrayList<>(hits.get(hits.size() - 1).sort());
        }
        if (!row.isEmpty()) {
            row(row);
        }
        flush();
    }

    private static String recordId(Hit<ObjectNode> h) {
        return h.source().path("recordId").asText();
    }

    /** The name documents of one row. */
    private void row(List<Hit<ObjectNode>> docs) throws IOException {
        TableSpec spec = catalog.table(docs.get(0).source().path("table").asText()).orElse(null);
        if (spec == null) {
            return;
        }
        Map<String, String> values = new HashMap<>();
        for (Hit<ObjectNode> h : docs) {
            values.put(h.source().path("column").asText(), h.source().path("value").asText(null));
        }
        List<String> parts = new ArrayList<>();
        for (ColumnSpec column : spec.columns().values()) {
            if (RowLocator.isDeclaredName(column)) {
                parts.add(values.get(column.name()));
            }
        }
        List<String> keys = FullNameKeys.of(parts);
        for (Hit<ObjectNode> h : docs) {
            ObjectNode document = null;
            if (!keys.isEmpty()) {
                document = h.source().deepCopy();
                ArrayNode k = document.putArray("fullName");
                keys.forEach(k::add);
            }
            ops.add(new BulkOp(h, document));
        }
        if (ops.size() >= PAGE) {
            flush();
        }
    }

    private void flush() throws IOException {
        if (ops.isEmpty()) {
            return;
        }
        BulkRequest.Builder bulk = new BulkRequest.Builder();
        for (BulkOp op : ops) {
            Hit<ObjectNode> h = op.hit();
            if (op.document() == null) {
                bulk.operations(
                        o ->
                                o.delete(
                                        d ->
                                                d.index(index)
                                                        .id(h.id())
                                                        .version(h.version())
                                                        .versionType(VersionType.ExternalGte)));
            } else {
                bulk.operations(
                        o ->
                                o.index(
                                        i ->
                                                i.index(index)
                                                        .id(h.id())
                                                        .version(h.version())
                                                        .versionType(VersionType.ExternalGte)
                                                        .document(op.document())));
            }
        }
        BulkResponse answer = es.bulk(bulk.build());
        for (BulkResponseItem item : answer.items()) {
            if (item.error() == null) {
                rewritten++;
            } else if (item.status() != 409) { // 409: rewritten by the job meanwhile, newer
                failed++;
            }
        }
        ops.clear();
    }
}
