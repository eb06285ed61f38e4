package dev.lethe.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.aggregations.Aggregate;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Since when the audit log has seen each unclassified column, and how many changes of its table it
 * logged since: {@code UNCLASSIFIED_COLUMN contacts.nickname (since …, N changes)} in {@code
 * status}. Read from the audit index: the first entry whose changes name the column (an insert
 * names every column of its row, an update the ones it changed), and the count of the table's
 * entries from then on — every one of them treated the column's values as the row subject's
 * personal data, since nobody had classified it.
 */
final class UnclassifiedColumnsSeen {

    private UnclassifiedColumnsSeen() {}

    /**
     * An unclassified column and what the audit log saw of it.
     *
     * @param column {@code table.column}
     * @param since the commit time of the first logged change that carried it, or null when no
     *     logged change did yet (or the index could not be read)
     * @param changes the table's logged changes since then (0 when {@code since} is null)
     */
    record Column(String column, Instant since, long changes) {

        /** {@code contacts.nickname (since 2026-…Z, 12 changes)}, or the bare name. */
        String text() {
            return since == null
                    ? column + " (no logged change yet)"
                    : column + " (since " + since + ", " + changes + " changes)";
        }
    }

    /** Each column with nothing seen: when the index cannot be read. */
    static List<Column> unknown(List<String> columns) {
        return columns.stream().map(c -> new Column(c, null, 0)).toList();
    }

    /** Reads the audit index {@code index} for each {@code table.column}. */
    static List<Column> read(ElasticsearchClient es, String index, List<String> columns)
            throws IOException {
        List<Column> out = new ArrayList<>();
        for (String qualified : columns) {
            int dot = qualified.indexOf('.');
            if (dot <= 0) {
                throw new IllegalArgumentException("not table.column: " + qualified);
            }
            String table = qualified.substring(0, dot);
            String column = qualified.substring(dot + 1);
            Query ofTable = LocationSearch.term("table", table);
            Query carrying =
                    Query.of(
                            q ->
                                    q.bool(
                                            b ->
                                                    b.filter(ofTable)
                                                            .filter(
                                                                    LocationSearch.term(
                                                                            "changes.column",
                                                                            column))));
            SearchResponse<Void> first =
                    es.search(
                            s ->
                                    s.index(index)
                                            .size(0)
                                            .query(carrying)
                                            .aggregations(
                                                    "since",
                                                    a -> a.min(m -> m.field("commitTime"))),
                            Void.class);
            Aggregate since = first.aggregations().get("since");
            double min = since == null ? Double.NaN : since.min().value();
            if (Double.isNaN(min) || Double.isInfinite(min)) {
                out.add(new Column(qualified, null, 0));
                continue;
            }
            long from = (long) min;
            Query fromThen =
                    Query.of(
                            q ->
                                    q.range(
                                            r ->
                                                    r.date(
                                                            d ->
                                                                    d.field("commitTime")
                                                                            .gte(
                                                                                    Long.toString(
                                                                                            from)))));
            long changes =
                    es.count(
                                    c ->
                                            c.index(index)
                                                    .query(
                                                            q ->
                                                                    q.bool(
                                                                            b ->
                                                                                    b.filter(
                                                                                                    ofTable)
                                                                                            .filter(
                                                                                                    fromThen))))
                            .count();
            out.add(new Column(qualified, Instant.ofEpochMilli(from), changes));
        }
        return out;
    }
}
