package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.json.JsonpUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.server.AuditQuery;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Elasticsearch search behind {@code GET /api/v1/audit/entries}: sorted by {@code logIndex} in
 * the page's order, its cursor a range below it (newest first) or above it (oldest first), each
 * round continuing with {@code search_after}.
 */
class ServerBackendAuditSearchTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode search(AuditQuery q, List<FieldValue> searchAfter) throws Exception {
        String body = JsonpUtils.toString(ServerBackend.auditSearch("lethe-audit", q, searchAfter));
        return JSON.readTree(body.substring(body.indexOf('{')));
    }

    private static AuditQuery query(Long before, Long after, AuditQuery.Order order) {
        return new AuditQuery(
                "tickets", null, null, null, null, null, null, null, before, after, order, 100);
    }

    private static JsonNode logIndexRange(JsonNode search) {
        for (JsonNode f : search.at("/query/bool/filter")) {
            if (f.at("/range").has("logIndex")) {
                return f.at("/range/logIndex");
            }
        }
        return null;
    }

    @Test
    void newestFirstSortsDescendingBelowItsCursorAsBefore() throws Exception {
        JsonNode s = search(query(42L, null, AuditQuery.Order.NEWEST), null);
        assertThat(s.at("/sort/0/logIndex/order").asText()).isEqualTo("desc");
        assertThat(logIndexRange(s).path("lt").asLong()).isEqualTo(42);
        assertThat(logIndexRange(s).has("gt")).isFalse();
        assertThat(s.has("search_after")).isFalse();
        assertThat(s.path("size").asInt()).isEqualTo(200);
        // the old constructor: newest first, no cursor, no range
        JsonNode first =
                search(
                        new AuditQuery(
                                "tickets", null, null, null, null, null, null, null, null, 100),
                        null);
        assertThat(first.at("/sort/0/logIndex/order").asText()).isEqualTo("desc");
        assertThat(logIndexRange(first)).isNull();
    }

    @Test
    void oldestFirstSortsAscendingAboveItsCursorAndContinuesAfterTheLastHit() throws Exception {
        JsonNode s = search(query(null, 41L, AuditQuery.Order.OLDEST), List.of(FieldValue.of(77L)));
        assertThat(s.at("/sort/0/logIndex/order").asText()).isEqualTo("asc");
        assertThat(logIndexRange(s).path("gt").asLong()).isEqualTo(41);
        assertThat(logIndexRange(s).has("lt")).isFalse();
        assertThat(s.at("/search_after/0").asLong()).isEqualTo(77);
        assertThat(s.at("/query/bool/filter/0/term/table/value").asText()).isEqualTo("tickets");

        JsonNode fromTheStart = search(query(null, null, AuditQuery.Order.OLDEST), null);
        assertThat(fromTheStart.at("/sort/0/logIndex/order").asText()).isEqualTo("asc");
        assertThat(logIndexRange(fromTheStart)).isNull();
    }
}
