package dev.lethe.jobs.kafka;

import dev.lethe.audit.AuditEntryBinary;
import dev.lethe.events.AuditEntry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes generated Avro records to one topic: value = Avro single-object encoding (read back with
 * the generated class's {@code fromByteBuffer}), key = a string the caller derives from the record.
 * A named class rather than the builder's lambdas, whose types Flink's lineage cannot infer.
 */
public final class AvroRecords<T extends SpecificRecordBase>
        implements KafkaRecordSerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    /** The record key, derived where the job runs; must be serializable. */
    public interface Key<T> extends Function<T, String>, Serializable {}

    private final String topic;
    private final Key<T> key;
    private transient SingleObjectWriter writer;

    public AvroRecords(String topic, Key<T> key) {
        this.topic = topic;
        this.key = key;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            T element, KafkaSinkContext context, Long timestamp) {
        String k = key.apply(element);
        if (writer == null) {
            writer = new SingleObjectWriter();
        }
        return new ProducerRecord<>(
                topic,
                null,
                timestamp,
                k == null ? null : k.getBytes(StandardCharsets.UTF_8),
                writer.write(element));
    }

    /** Avro single-object encoding of a generated record (what its {@code toByteBuffer} gives). */
    public static byte[] bytes(SpecificRecordBase record) {
        return new SingleObjectWriter().write(record);
    }

    /**
     * Avro's single-object encoding ({@code C3 01}, the schema's CRC-64-AVRO fingerprint little
     * endian, the binary datum) written through one buffered encoder and buffer it reuses: the
     * generated {@code toByteBuffer} writes byte by byte into a synchronized stream and was most of
     * the log sink's time. Audit entries are written by {@link AuditEntryBinary} (the same bytes,
     * without Avro's per-field reflection). Not thread-safe: one per sink writer.
     */
    static final class SingleObjectWriter {

        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024);
        private final DataOutputSerializer entryBuffer = new DataOutputSerializer(1024);
        private Schema schema;
        private byte[] header;
        private boolean auditEntries;
        private SpecificDatumWriter<SpecificRecordBase> datumWriter;
        private BinaryEncoder encoder;

        byte[] write(SpecificRecordBase record) {
            Schema s = record.getSchema();
            if (s != schema) {
                schema = s;
                header = header(s);
                datumWriter = new SpecificDatumWriter<>(s);
                auditEntries = record instanceof AuditEntry && AuditEntryBinary.handles(s);
            }
            try {
                if (auditEntries) {
                    entryBuffer.clear();
                    entryBuffer.write(header);
                    AuditEntryBinary.write((AuditEntry) record, entryBuffer);
                    return entryBuffer.getCopyOfBuffer();
                }
                buffer.reset();
                buffer.write(header, 0, header.length);
                encoder = EncoderFactory.get().binaryEncoder(buffer, encoder);
                datumWriter.write(record, encoder);
                encoder.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("writing to memory cannot fail", e);
            }
            return buffer.toByteArray();
        }

        private static byte[] header(Schema schema) {
            long fingerprint = SchemaNormalization.parsingFingerprint64(schema);
            byte[] h = new byte[10];
            h[0] = (byte) 0xC3;
            h[1] = (byte) 0x01;
            for (int i = 0; i < 8; i++) {
                h[2 + i] = (byte) (fingerprint >>> (8 * i));
            }
            return h;
        }
    }
}
