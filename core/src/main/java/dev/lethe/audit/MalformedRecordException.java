package dev.lethe.audit;

import java.io.IOException;

/**
 * A Kafka record of the audit log (an entry or a checkpoint) that is not the strict, canonical Avro
 * single-object encoding of one record (docs/audit-format.md, "Strict decoding"). The message names
 * the rule broken and the byte offset, never a value.
 */
public final class MalformedRecordException extends IOException {

    private static final long serialVersionUID = 1L;

    public MalformedRecordException(String message) {
        super(message);
    }

    public MalformedRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
