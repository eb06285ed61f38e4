package dev.lethe.jobs.kafka;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
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

    public AvroRecords(String topic, Key<T> key) {
        this.topic = topic;
        this.key = key;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            T element, KafkaSinkContext context, Long timestamp) {
        String k = key.apply(element);
        return new ProducerRecord<>(
                topic,
                null,
                timestamp,
                k == null ? null : k.getBytes(StandardCharsets.UTF_8),
                bytes(element));
    }

    /** Avro single-object encoding of a generated record. */
    public static byte[] bytes(SpecificRecordBase record) {
        try {
            ByteBuffer b = (ByteBuffer) record.getClass().getMethod("toByteBuffer").invoke(record);
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(
                    "not a generated Avro record: " + record.getClass().getName(), e);
        }
    }
}
