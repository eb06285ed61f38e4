package dev.lethe.jobs.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class BulkBodyTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<String> lines(byte[] ndjson) {
        String body = new String(ndjson, StandardCharsets.UTF_8);
        assertThat(body).endsWith("\n");
        return List.of(body.split("\n"));
    }

    @Test
    void actionLinesCarryIndexIdAndVersionsAndDocumentsGoVerbatim() throws Exception {
        DocumentOperation external = BulkOutcomeTest.indexDoc("a").withExternalVersion(7);
        byte[] ndjson =
                BulkBody.ndjson(
                        List.of(
                                external,
                                DocumentOperation.delete("idx", "b").withExternalVersion(9),
                                BulkOutcomeTest.indexDoc("c"),
                                BulkOutcomeTest.indexDoc("d")
                                        .withVersion(
                                                DocumentOperation.Versioning.EXTERNAL_GTE, 4)));

        List<String> lines = lines(ndjson);
        assertThat(lines).hasSize(7);
        JsonNode a = JSON.readTree(lines.get(0)).get("index");
        assertThat(a.get("_index").asText()).isEqualTo(external.index());
        assertThat(a.get("_id").asText()).isEqualTo("a");
        assertThat(a.get("version").asLong()).isEqualTo(7);
        assertThat(a.get("version_type").asText()).isEqualTo("external");
        assertThat(lines.get(1)).isEqualTo(new String(external.source(), StandardCharsets.UTF_8));
        JsonNode b = JSON.readTree(lines.get(2)).get("delete");
        assertThat(b.get("_id").asText()).isEqualTo("b");
        assertThat(b.get("version").asLong()).isEqualTo(9);
        JsonNode c = JSON.readTree(lines.get(3)).get("index");
        assertThat(c.has("version")).isFalse();
        assertThat(c.has("version_type")).isFalse();
        JsonNode d = JSON.readTree(lines.get(5)).get("index");
        assertThat(d.get("version_type").asText()).isEqualTo("external_gte");
    }

    @Test
    void idsAreJsonEscaped() throws Exception {
        byte[] ndjson =
                BulkBody.ndjson(List.of(DocumentOperation.delete("idx", "odd\"id\\with\u00e9")));

        JsonNode action = JSON.readTree(lines(ndjson).get(0)).get("delete");

        assertThat(action.get("_id").asText()).isEqualTo("odd\"id\\with\u00e9");
    }

    @Test
    void aDocumentSpanningLinesIsRefusedByItsIdNotItsContent() {
        DocumentOperation pretty =
                DocumentOperation.index(
                        "idx",
                        "p",
                        "{\n \"email\": \"anna@example.eu\"\n}".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> BulkBody.ndjson(List.of(pretty)))
                .hasMessageContaining("idx/p")
                .hasMessageNotContaining("anna");
    }

    @Test
    void aFilteredAnswerIsClassifiedAsBefore() {
        List<DocumentOperation> sent =
                List.of(
                        BulkOutcomeTest.indexDoc("ok"),
                        BulkOutcomeTest.indexDoc("newer").withExternalVersion(3),
                        DocumentOperation.delete("idx", "gone"),
                        BulkOutcomeTest.indexDoc("bad"),
                        BulkOutcomeTest.indexDoc("busy"));
        // the shape Elasticsearch answers with filter_path=BulkBody.FILTER_PATH
        String answer =
                "{\"took\":3,\"errors\":true,\"items\":["
                        + "{\"index\":{\"_index\":\"idx\",\"status\":201}},"
                        + "{\"index\":{\"_index\":\"idx\",\"status\":409,\"error\":{\"type\":"
                        + "\"version_conflict_engine_exception\",\"reason\":\"newer\"}}},"
                        + "{\"delete\":{\"_index\":\"idx\",\"status\":404}},"
                        + "{\"index\":{\"_index\":\"idx\",\"status\":400,\"error\":{\"type\":"
                        + "\"document_parsing_exception\",\"reason\":\"failed to parse field"
                        + " [phone] of type [long] in document with id 'bad'. Preview of"
                        + " field's value: '+49 30 1234'\"}}},"
                        + "{\"index\":{\"_index\":\"idx\",\"status\":429,\"error\":{\"type\":"
                        + "\"es_rejected_execution_exception\",\"reason\":\"queue full\"}}}]}";

        BulkOutcome outcome =
                BulkOutcome.of(
                        sent,
                        BulkBody.parse(
                                new ByteArrayInputStream(answer.getBytes(StandardCharsets.UTF_8)),
                                new JacksonJsonpMapper()));

        assertThat(outcome.succeeded()).isEqualTo(2);
        assertThat(outcome.superseded()).isEqualTo(1);
        assertThat(outcome.retry()).containsExactly(sent.get(4));
        assertThat(outcome.rejected()).hasSize(1);
        RejectedDocument rejected = outcome.rejected().get(0);
        assertThat(rejected.operation()).isEqualTo(sent.get(3));
        assertThat(rejected.errorType()).isEqualTo("document_parsing_exception");
        assertThat(rejected.reason()).contains("[phone]").doesNotContain("+49");
    }
}
