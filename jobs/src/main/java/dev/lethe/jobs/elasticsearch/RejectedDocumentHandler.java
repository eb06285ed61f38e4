package dev.lethe.jobs.elasticsearch;

import java.io.Serializable;

/**
 * What a sink does with a document Elasticsearch refused for good. Created with the sink (so it
 * must be serializable), opened on the TaskManager by each writer, called from the writer's mailbox
 * thread, the task thread (never concurrently, never on the Elasticsearch client's I/O thread: the
 * writer hands each bulk answer to its mailbox first), so it may block.
 *
 * <p>Lethe's jobs send rejected documents to their dead-letter topic; the default only logs (see
 * {@link #logging()}).
 */
public interface RejectedDocumentHandler extends Serializable {

    /** Called once per writer before the first {@link #rejected}. */
    default void open() throws Exception {}

    /**
     * Handles one rejected document. May work asynchronously: {@link #flush} follows every group of
     * calls (the rejects of one bulk response). Throwing fails the job.
     */
    void rejected(RejectedDocument document) throws Exception;

    /**
     * Returns once every document handed to {@link #rejected} so far is dealt with for good (e.g.
     * acknowledged by Kafka). The bulk request counts as done only after this returns, so a
     * checkpoint or the end of input waits for it. Throwing fails the job. The default does
     * nothing.
     */
    default void flush() throws Exception {}

    /** Called when the writer closes. */
    default void close() throws Exception {}

    /** A handler that logs the rejection (document id and error, never content) and goes on. */
    static RejectedDocumentHandler logging() {
        return new LoggingRejectedDocumentHandler();
    }
}
