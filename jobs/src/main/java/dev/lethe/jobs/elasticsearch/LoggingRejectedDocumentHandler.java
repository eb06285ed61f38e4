package dev.lethe.jobs.elasticsearch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs each rejected document (id and error only) and goes on. */
final class LoggingRejectedDocumentHandler implements RejectedDocumentHandler {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(LoggingRejectedDocumentHandler.class);

    @Override
    public void rejected(RejectedDocument document) {
        LOG.warn("{}", document.describe());
    }
}
