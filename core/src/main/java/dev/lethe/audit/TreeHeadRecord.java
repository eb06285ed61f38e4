package dev.lethe.audit;

import dev.lethe.events.AuditCheckpoint;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * One record of the checkpoints topic as read: the signed tree head ({@code AuditCheckpoint}) it
 * decodes to, or why its bytes are not one (strict decoding, docs/audit-format.md "Strict
 * decoding", by {@link StrictAvro}).
 *
 * @param checkpoint the decoded checkpoint, or null if the record is malformed
 * @param malformed why the record does not decode (the rule and byte offset), or null
 */
public record TreeHeadRecord(AuditCheckpoint checkpoint, String malformed) {

    public TreeHeadRecord {
        if ((checkpoint == null) == (malformed == null)) {
            throw new IllegalArgumentException("a record is either a checkpoint or malformed");
        }
    }

    public boolean isMalformed() {
        return checkpoint == null;
    }

    /** The record for a Kafka record value of the checkpoints topic (single-object encoding). */
    public static TreeHeadRecord decode(byte[] value) {
        try {
            return new TreeHeadRecord(fromSingleObject(value), null);
        } catch (MalformedRecordException e) {
            return new TreeHeadRecord(null, Objects.requireNonNull(e.getMessage()));
        }
    }

    /**
     * Decodes a checkpoint strictly: the writer schema must be a known one (the generated class's)
     * and the datum exactly what Avro's encoder writes for the checkpoint it decodes to.
     */
    public static AuditCheckpoint fromSingleObject(byte[] value) throws MalformedRecordException {
        long fingerprint = StrictAvro.singleObjectFingerprint(value);
        Schema writer = AuditCheckpoint.getClassSchema();
        if (SchemaNormalization.parsingFingerprint64(writer) != fingerprint) {
            throw new MalformedRecordException(
                    String.format(
                            "written with the schema of fingerprint %016x, which this reader does"
                                    + " not know",
                            fingerprint));
        }
        int length = value.length - StrictAvro.SINGLE_OBJECT_HEADER;
        StrictAvro.check(writer, value, StrictAvro.SINGLE_OBJECT_HEADER, length);
        try {
            return new SpecificDatumReader<AuditCheckpoint>(writer, writer)
                    .read(
                            null,
                            DecoderFactory.get()
                                    .binaryDecoder(
                                            value, StrictAvro.SINGLE_OBJECT_HEADER, length, null));
        } catch (java.io.IOException | RuntimeException e) {
            throw new MalformedRecordException("not an audit checkpoint: " + e.getMessage(), e);
        }
    }
}
