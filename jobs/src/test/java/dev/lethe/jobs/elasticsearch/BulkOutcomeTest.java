package dev.lethe.jobs.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.ErrorResponse;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.elasticsearch.core.bulk.OperationType;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BulkOutcomeTest {

    @Test
    void sortsEachItemIntoDoneSupersededRetryOrRejected() {
        List<DocumentOperation> sent =
                List.of(
                        indexDoc("ok"),
                        indexDoc("newer-exists").withExternalVersion(3),
                        indexDoc("busy"),
                        indexDoc("node-down"),
                        indexDoc("bad-mapping").withOrigin("helpdesk.public.contacts", 0, 17),
                        DocumentOperation.delete("lethe-audit", "gone"));
        BulkResponse response =
                bulk(
                        item("ok", 201, null, null),
                        item(
                                "newer-exists",
                                409,
                                "version_conflict_engine_exception",
                                "current version [5] is higher"),
                        item("busy", 429, "es_rejected_execution_exception", "queue full"),
                        item("node-down", 503, "unavailable_shards_exception", "primary down"),
                        item(
                                "bad-mapping",
                                400,
                                "document_parsing_exception",
                                "[1:42] failed to parse field [phone] of type [long] in document"
                                        + " with id 'bad-mapping'. Preview of field's value:"
                                        + " '+49 30 1234567'"),
                        item("gone", 404, null, null));

        BulkOutcome outcome = BulkOutcome.of(sent, response);

        assertThat(outcome.succeeded()).isEqualTo(2); // the index and the delete of a missing doc
        assertThat(outcome.superseded()).isEqualTo(1);
        assertThat(outcome.retry())
                .extracting(DocumentOperation::id)
                .containsExactly("busy", "node-down");
        assertThat(outcome.rejected()).hasSize(1);
        RejectedDocument rejected = outcome.rejected().get(0);
        assertThat(rejected.operation().id()).isEqualTo("bad-mapping");
        assertThat(rejected.operation().originOffset()).isEqualTo(17);
        assertThat(rejected.status()).isEqualTo(400);
        assertThat(rejected.errorType()).isEqualTo("document_parsing_exception");
        assertThat(rejected.reason())
                .contains("[phone]")
                .doesNotContain("+49")
                .doesNotContain("1234567");
        assertThat(rejected.describe()).doesNotContain("+49");
    }

    @Test
    void aResponseWithTheWrongNumberOfItemsIsAnError() {
        assertThatThrownBy(
                        () ->
                                BulkOutcome.of(
                                        List.of(indexDoc("a"), indexDoc("b")),
                                        bulk(item("a", 200, null, null))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("1 items for 2 operations");
    }

    @Test
    void connectionErrorsTooManyRequestsAndServerErrorsAreTransientAuthErrorsAreNot() {
        assertThat(BulkOutcome.isTransient(new ConnectException("refused"))).isTrue();
        assertThat(BulkOutcome.isTransient(new RuntimeException(new IOException("reset"))))
                .isTrue();
        assertThat(BulkOutcome.isTransient(requestFailed(429))).isTrue();
        assertThat(BulkOutcome.isTransient(requestFailed(503))).isTrue();
        assertThat(BulkOutcome.isTransient(requestFailed(401))).isFalse();
        assertThat(BulkOutcome.isTransient(requestFailed(403))).isFalse();
        assertThat(BulkOutcome.isTransient(requestFailed(400))).isFalse();
        assertThat(BulkOutcome.isTransient(new IllegalArgumentException("bug"))).isFalse();
    }

    @Test
    void safeReasonDropsQuotedValuesAndCapsTheLength() {
        assertThat(
                        BulkOutcome.safeReason(
                                "failed to parse field [email] value \"anna@example.eu\""))
                .isEqualTo("failed to parse field [email] value '…'");
        assertThat(BulkOutcome.safeReason("x".repeat(1000)))
                .hasSize(BulkOutcome.MAX_REASON_LENGTH + 1);
        assertThat(BulkOutcome.safeReason(null)).isEmpty();
    }

    private static ElasticsearchException requestFailed(int status) {
        return new ElasticsearchException(
                "bulk",
                ErrorResponse.of(
                        e -> e.status(status).error(c -> c.type("some_exception").reason("r"))));
    }

    static DocumentOperation indexDoc(String id) {
        return DocumentOperation.index(
                "lethe-audit", id, ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    private static BulkResponse bulk(BulkResponseItem... items) {
        List<BulkResponseItem> list = new ArrayList<>(List.of(items));
        return BulkResponse.of(b -> b.errors(true).took(1).items(list));
    }

    private static BulkResponseItem item(String id, int status, String errorType, String reason) {
        return BulkResponseItem.of(
                i -> {
                    i.operationType(OperationType.Index).index("lethe-audit").id(id).status(status);
                    if (errorType != null) {
                        i.error(e -> e.type(errorType).reason(reason));
                    }
                    return i;
                });
    }
}
