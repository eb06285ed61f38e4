package dev.lethe.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.discovery.LocationDocument;
import dev.lethe.local.Http;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The location index against the helpdesk after a fault run: no record the database no longer holds
 * (deleted, purged or erased) still has locations in {@code lethe-locations}, and every contact it
 * holds has some (each contact's id is a declared identifier, so a live contact always has a
 * location). Names record ids only, never values.
 */
final class LocationIndexCheck {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PAGE = 10_000;

    /** Which records disagree, and how many were compared. */
    record Result(int liveRecords, int indexedRecords, List<String> stale, List<String> missing) {
        boolean ok() {
            return stale.isEmpty() && missing.isEmpty();
        }

        String summary() {
            return String.format(
                    "%,d records in the database, %,d with locations; %d with locations but no"
                            + " longer in the database%s; %d contacts without a location%s",
                    liveRecords,
                    indexedRecords,
                    stale.size(),
                    sample(stale),
                    missing.size(),
                    sample(missing));
        }

        private static String sample(List<String> ids) {
            return ids.isEmpty()
                    ? ""
                    : " (e.g. " + String.join(", ", ids.subList(0, Math.min(5, ids.size()))) + ")";
        }
    }

    private LocationIndexCheck() {}

    /**
     * Compares the records the database holds ({@code table/id}) with the records the index has
     * locations of.
     */
    static Result compare(Set<String> live, Set<String> indexed) {
        List<String> stale = new ArrayList<>();
        for (String r : new TreeSet<>(indexed)) {
            if (!live.contains(r)) {
                stale.add(r);
            }
        }
        List<String> missing = new ArrayList<>();
        for (String r : new TreeSet<>(live)) {
            if (r.startsWith("contacts/") && !indexed.contains(r)) {
                missing.add(r);
            }
        }
        return new Result(live.size(), indexed.size(), stale, missing);
    }

    /** Waits until discovery has settled, then compares. */
    static Result check(
            StackSettings s, Collection<String> tables, Duration quiet, Duration timeout)
            throws Exception {
        awaitQuiet(s, quiet, timeout);
        Set<String> live = new HashSet<>();
        try (Connection c = StackProbe.connectPostgres(s);
                Statement st = c.createStatement()) {
            for (String table : tables) {
                try (ResultSet r = st.executeQuery("SELECT id FROM " + table)) {
                    while (r.next()) {
                        live.add(table + "/" + r.getLong(1));
                    }
                }
            }
        }
        return compare(live, indexedRecords(s));
    }

    /** Waits until the index's document count has not changed for {@code quiet}. */
    private static void awaitQuiet(StackSettings s, Duration quiet, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long last = -2;
        long since = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long n = Arrivals.count(s, LocationDocument.INDEX);
            if (n != last) {
                last = n;
                since = System.nanoTime();
            } else if (System.nanoTime() - since >= quiet.toNanos()) {
                return;
            }
            Thread.sleep(1000);
        }
    }

    /** Every {@code recordId} with a location, by a composite aggregation paged on its key. */
    static Set<String> indexedRecords(StackSettings s) throws Exception {
        String auth = Http.basic(s.elasticsearchUser(), s.elasticsearchPassword().orElse(null));
        URI uri =
                URI.create(
                        s.elasticsearchUrl()
                                + "/"
                                + LocationDocument.INDEX
                                + "/_search?request_cache=false");
        Set<String> ids = new HashSet<>();
        JsonNode after = null;
        while (true) {
            ObjectNode body = JSON.createObjectNode();
            body.put("size", 0);
            ObjectNode composite =
                    body.putObject("aggs").putObject("records").putObject("composite");
            composite.put("size", PAGE);
            composite
                    .putArray("sources")
                    .addObject()
                    .putObject("recordId")
                    .putObject("terms")
                    .put("field", "recordId");
            if (after != null) {
                composite.set("after", after);
            }
            Http.Response r = Http.post(uri, JSON.writeValueAsString(body), auth);
            if (!r.ok()) {
                throw new IllegalStateException(
                        "reading the records of "
                                + LocationDocument.INDEX
                                + ": HTTP "
                                + r.status());
            }
            JsonNode agg = JSON.readTree(r.body()).path("aggregations").path("records");
            for (JsonNode b : agg.path("buckets")) {
                ids.add(b.path("key").path("recordId").asText());
            }
            if (agg.path("buckets").size() < PAGE || !agg.has("after_key")) {
                return ids;
            }
            after = agg.path("after_key");
        }
    }
}
