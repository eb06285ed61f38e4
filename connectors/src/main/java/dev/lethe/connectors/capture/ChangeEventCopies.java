package dev.lethe.connectors.capture;

import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;

/**
 * Copies of a Debezium change event that the capture transformations change: a record is not theirs
 * to modify, so each writes into a copy of the struct and passes on a new record with it.
 */
final class ChangeEventCopies {

    private ChangeEventCopies() {}

    /** A copy of {@code struct} with the same schema and values (null for null). */
    static Struct copy(Struct struct) {
        if (struct == null) {
            return null;
        }
        Struct copy = new Struct(struct.schema());
        for (Field f : struct.schema().fields()) {
            copy.put(f, struct.get(f));
        }
        return copy;
    }

    /** A copy of {@code struct} with {@code field} set to {@code value}. */
    static Struct with(Struct struct, String field, Object value) {
        return copy(struct).put(field, value);
    }

    /** {@code record} with {@code value} as its value, all else (topic, key, headers…) kept. */
    static <R extends ConnectRecord<R>> R withValue(R record, Struct value) {
        return record.newRecord(
                record.topic(),
                record.kafkaPartition(),
                record.keySchema(),
                record.key(),
                record.valueSchema(),
                value,
                record.timestamp(),
                record.headers());
    }
}
