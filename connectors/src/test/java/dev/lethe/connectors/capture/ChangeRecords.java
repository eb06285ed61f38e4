package dev.lethe.connectors.capture;

import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/** Debezium change events of the helpdesk as the capture transforms get them, and their secret. */
final class ChangeRecords {

    /** The masking secret the transforms are configured with. */
    static final String SECRET = "0123456789abcdef0123456789abcdef-test";

    /** The event's {@code source} block: only the table. */
    static final Schema SOURCE =
            SchemaBuilder.struct().field("table", Schema.STRING_SCHEMA).build();

    private ChangeRecords() {}

    /** Debezium's envelope around rows of {@code row}'s schema. */
    static Schema envelope(Schema row) {
        return SchemaBuilder.struct()
                .field("before", row)
                .field("after", row)
                .field("source", SOURCE)
                .field("op", Schema.STRING_SCHEMA)
                .build();
    }

    /**
     * A change of {@code table} on {@code helpdesk.public.<table>}: an insert without {@code
     * before}, a delete without {@code after}, an update otherwise.
     */
    static SourceRecord change(String table, Schema row, Struct before, Struct after) {
        Schema schema = envelope(row);
        Struct value =
                new Struct(schema)
                        .put("before", before)
                        .put("after", after)
                        .put("source", new Struct(SOURCE).put("table", table))
                        .put("op", before == null ? "c" : after == null ? "d" : "u");
        return new SourceRecord(
                Map.of(), Map.of(), "helpdesk.public." + table, 0, null, null, schema, value);
    }
}
