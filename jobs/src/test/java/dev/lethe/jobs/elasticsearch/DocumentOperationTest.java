package dev.lethe.jobs.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.util.BinaryData;
import jakarta.json.stream.JsonGenerator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DocumentOperationTest {

    @Test
    void externalVersionsReachTheBulkRequest() throws Exception {
        BulkRequest request =
                ElasticsearchSinkWriter.toBulkRequest(
                        List.of(
                                BulkOutcomeTest.indexDoc("a").withExternalVersion(7),
                                DocumentOperation.delete("idx", "b").withExternalVersion(9),
                                BulkOutcomeTest.indexDoc("c")));

        String ndjson = ndjson(request);

        assertThat(ndjson)
                .contains("\"_id\":\"a\"")
                .contains("\"version\":7")
                .contains("\"version_type\":\"external\"")
                .contains("\"delete\":{\"_id\":\"b\",\"_index\":\"idx\",\"version\":9");
        BinaryData document = (BinaryData) request.operations().get(0).index().document();
        assertThat(StandardCharsets.UTF_8.decode(document.asByteBuffer()).toString())
                .isEqualTo("{\"id\":\"a\"}");
        assertThat(request.operations().get(2).index().version()).isNull();
    }

    @Test
    void stateSerializerRoundTripsEveryField() throws Exception {
        DocumentOperationStateSerializer serializer = new DocumentOperationStateSerializer();
        for (DocumentOperation op :
                List.of(
                        BulkOutcomeTest.indexDoc("a")
                                .withExternalVersion(3)
                                .withOrigin("helpdesk.public.contacts", 2, 99),
                        DocumentOperation.delete("idx", "b"))) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            serializer.serializeRequestToStream(op, new DataOutputStream(bytes));
            DocumentOperation back =
                    serializer.deserializeRequestFromStream(
                            bytes.size(),
                            new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            assertThat(back).isEqualTo(op);
        }
    }

    @Test
    void invalidOperationsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> DocumentOperation.index("idx", "", new byte[] {'{', '}'}))
                .hasMessageContaining("non-empty id");
        assertThatThrownBy(() -> DocumentOperation.index("idx", "a", new byte[0]))
                .hasMessageContaining("needs a JSON document");
        assertThatThrownBy(() -> DocumentOperation.delete("idx", "a").withExternalVersion(-1))
                .hasMessageContaining(">= 0");
        assertThat(BulkOutcomeTest.indexDoc("a").toString()).doesNotContain("\"id\"");
    }

    private static String ndjson(BulkRequest request) {
        JacksonJsonpMapper mapper = new JacksonJsonpMapper();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (var op : request.operations()) {
            JsonGenerator g = mapper.jsonProvider().createGenerator(out);
            op.serialize(g, mapper);
            g.close();
            out.write('\n');
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
