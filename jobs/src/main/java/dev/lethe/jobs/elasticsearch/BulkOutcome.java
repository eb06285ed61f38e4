package dev.lethe.jobs.elasticsearch;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.ErrorCause;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.transport.TransportException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What became of each operation of one bulk request. Elasticsearch answers a bulk request with one
 * item per operation, in order, each with its own status:
 *
 * <ul>
 *   <li>2xx: done;
 *   <li>409 version conflict: a newer version is already stored (external versioning) — done, not
 *       an error, counted as {@link #superseded()};
 *   <li>404 of a delete: the document is already gone — done;
 *   <li>429 and 5xx (and an item without status): transient — {@link #retry()};
 *   <li>any other 4xx (mapping errors, invalid ids, ...): the document can never be stored — {@link
 *       #rejected()}, handed to the {@link RejectedDocumentHandler}.
 * </ul>
 *
 * Flink-free, so the classification is unit-tested on its own.
 */
public final class BulkOutcome {

    /** Longest reason kept from Elasticsearch's error message. */
    static final int MAX_REASON_LENGTH = 300;

    private static final Pattern QUOTED = Pattern.compile("'[^']*'|\"[^\"]*\"");

    private final int succeeded;
    private final int superseded;
    private final List<DocumentOperation> retry;
    private final List<RejectedDocument> rejected;

    private BulkOutcome(
            int succeeded,
            int superseded,
            List<DocumentOperation> retry,
            List<RejectedDocument> rejected) {
        this.succeeded = succeeded;
        this.superseded = superseded;
        this.retry = Collections.unmodifiableList(retry);
        this.rejected = Collections.unmodifiableList(rejected);
    }

    /**
     * Classifies each item of {@code response} against the operation sent at the same position.
     *
     * @throws IllegalStateException if the response does not have one item per operation
     */
    public static BulkOutcome of(List<DocumentOperation> sent, BulkResponse response) {
        List<BulkResponseItem> items = response.items();
        if (items.size() != sent.size()) {
            throw new IllegalStateException(
                    "bulk response has "
                            + items.size()
                            + " items for "
                            + sent.size()
                            + " operations");
        }
        int succeeded = 0;
        int superseded = 0;
        List<DocumentOperation> retry = new ArrayList<>();
        List<RejectedDocument> rejected = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            BulkResponseItem item = items.get(i);
            DocumentOperation op = sent.get(i);
            int status = item.status();
            ErrorCause error = item.error();
            if (status >= 200 && status < 300 && error == null) {
                succeeded++;
            } else if (status == 409) {
                superseded++;
            } else if (status == 404 && op.kind() == DocumentOperation.Kind.DELETE) {
                succeeded++;
            } else if (isTransient(status)) {
                retry.add(op);
            } else {
                rejected.add(
                        new RejectedDocument(
                                op,
                                status,
                                error == null ? null : error.type(),
                                error == null ? null : safeReason(error.reason())));
            }
        }
        return new BulkOutcome(succeeded, superseded, retry, rejected);
    }

    /** An outcome where the whole request failed transiently: everything is retried. */
    public static BulkOutcome retryAll(List<DocumentOperation> sent) {
        return new BulkOutcome(0, 0, new ArrayList<>(sent), new ArrayList<>());
    }

    /** Whether an item or request status is worth retrying (429, 5xx, or no status at all). */
    public static boolean isTransient(int status) {
        return status == 429 || status >= 500 || status <= 0;
    }

    /**
     * Whether a failure of a whole bulk request is transient (retry it) rather than fatal (fail the
     * job): connection errors, timeouts, 429 and 5xx are transient; 401/403 (wrong credentials or
     * role), other 4xx and anything else are fatal.
     */
    public static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ElasticsearchException) {
                return isTransient(((ElasticsearchException) t).status());
            }
            if (t instanceof TransportException) {
                return isTransient(((TransportException) t).statusCode());
            }
            if (t instanceof org.elasticsearch.client.ResponseException) {
                return isTransient(
                        ((org.elasticsearch.client.ResponseException) t)
                                .getResponse()
                                .getStatusLine()
                                .getStatusCode());
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Elasticsearch's error reason without the values it may quote: a mapping error reads {@code
     * failed to parse field [phone] of type [long] in document with id '..'. Preview of field's
     * value: '+49 30 ..'}. Everything from {@code Preview} on is cut, quoted text is replaced by
     * {@code '…'}, and the rest is capped at {@value #MAX_REASON_LENGTH} characters. Field names
     * (in brackets) stay.
     */
    public static String safeReason(String reason) {
        if (reason == null) {
            return "";
        }
        String r = reason;
        int preview = r.indexOf("Preview of field");
        if (preview >= 0) {
            r = r.substring(0, preview).trim();
        }
        r = QUOTED.matcher(r).replaceAll("'…'");
        return r.length() <= MAX_REASON_LENGTH ? r : r.substring(0, MAX_REASON_LENGTH) + "…";
    }

    /** Operations stored (including deletes of documents already gone). */
    public int succeeded() {
        return succeeded;
    }

    /** Operations not applied because a newer version is already stored (409). */
    public int superseded() {
        return superseded;
    }

    /** Operations that failed transiently, to send again. */
    public List<DocumentOperation> retry() {
        return retry;
    }

    /** Operations Elasticsearch refused for good. */
    public List<RejectedDocument> rejected() {
        return rejected;
    }
}
