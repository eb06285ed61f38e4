package dev.lethe.jobs.elasticsearch;

import java.util.Objects;

/**
 * A document Elasticsearch refused for good (a mapping error, an invalid id, ...): retrying cannot
 * help, so it is handed to the {@link RejectedDocumentHandler} instead of stalling the job.
 *
 * @param operation what was sent
 * @param status the item's HTTP status (e.g. 400)
 * @param errorType Elasticsearch's error type, e.g. {@code document_parsing_exception}
 * @param reason Elasticsearch's reason with any quoted field value cut off (see {@link
 *     BulkOutcome#safeReason})
 */
public record RejectedDocument(
        DocumentOperation operation, int status, String errorType, String reason) {

    public RejectedDocument {
        Objects.requireNonNull(operation, "operation");
        errorType = errorType == null ? "unknown" : errorType;
        reason = reason == null ? "" : reason;
    }

    /** One line for logs and dead letters: names the document and the error, never its content. */
    public String describe() {
        return "Elasticsearch rejected "
                + operation
                + " with status "
                + status
                + " ("
                + errorType
                + (reason.isEmpty() ? "" : ": " + reason)
                + ")";
    }
}
