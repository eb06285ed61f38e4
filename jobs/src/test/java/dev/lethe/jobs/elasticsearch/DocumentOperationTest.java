package dev.lethe.jobs.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class DocumentOperationTest {

    @Test
    void stateSerializerRoundTripsEveryField() throws Exception {
        DocumentOperationStateSerializer serializer =
                new DocumentOperationStateSerializer(
                        DocumentOperationStateSerializerTest.TEST_MASTER_KEYS);
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
}
