package dev.lethe.connectors.capture;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.transforms.Transformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka Connect transformation for Debezium change events: no column value is too large to
 * travel. In {@code before} and {@code after} of every row change, a string value of more than
 * {@code max.value.bytes} (UTF-8) becomes an {@link OversizedValue} marker, its length and a keyed
 * digest; then, while the string values of the event still add up to more than {@code
 * max.event.value.bytes}, the largest one left becomes a marker too. So a ticket with a pasted 50
 * MB log is captured, audited and indexed like any other, and the event stays far below the
 * broker's message limit; the full value stays in the helpdesk. The defaults are the pipeline's
 * size limits ({@code dev.lethe.normalize.SizeLimits}, module {@code core}, which the Connect
 * worker does not load: {@code BoundValueSizesTest} holds the copies here equal to them).
 *
 * <p>Logs name tables, columns and lengths, never values.
 */
public final class BoundValueSizes<R extends ConnectRecord<R>> implements Transformation<R> {

    private static final Logger LOG = LoggerFactory.getLogger(BoundValueSizes.class);

    public static final String SECRET = "secret";
    public static final String MAX_VALUE_BYTES = "max.value.bytes";
    public static final String MAX_EVENT_VALUE_BYTES = "max.event.value.bytes";

    /** The default of {@value #MAX_VALUE_BYTES}: 256 KiB, {@code SizeLimits.MAX_VALUE_BYTES}. */
    static final int DEFAULT_MAX_VALUE_BYTES = 256 * 1024;

    /**
     * The default of {@value #MAX_EVENT_VALUE_BYTES}: 1 MiB, {@code
     * SizeLimits.MAX_EVENT_VALUE_BYTES}.
     */
    static final int DEFAULT_MAX_EVENT_VALUE_BYTES = 1024 * 1024;

    /**
     * The largest {@value #MAX_EVENT_VALUE_BYTES} allowed: an eighth of the pipeline's message
     * limit ({@code SizeLimits.MAX_MESSAGE_BYTES}, 8 MiB), room for escaping and envelopes.
     */
    static final int LARGEST_EVENT_VALUE_BYTES = 8 * 1024 * 1024 / 8;

    static final ConfigDef CONFIG =
            CaptureSecret.definition(SECRET, "oversized values")
                    .define(
                            MAX_VALUE_BYTES,
                            ConfigDef.Type.INT,
                            DEFAULT_MAX_VALUE_BYTES,
                            ConfigDef.Range.between(1024, DEFAULT_MAX_EVENT_VALUE_BYTES),
                            ConfigDef.Importance.MEDIUM,
                            "The largest column value (UTF-8 bytes) that travels whole.")
                    .define(
                            MAX_EVENT_VALUE_BYTES,
                            ConfigDef.Type.INT,
                            DEFAULT_MAX_EVENT_VALUE_BYTES,
                            ConfigDef.Range.between(1024, LARGEST_EVENT_VALUE_BYTES),
                            ConfigDef.Importance.MEDIUM,
                            "The largest sum of an event's string values (UTF-8 bytes).");

    private Mac mac;
    private int maxValue;
    private int maxEvent;

    @Override
    public void configure(Map<String, ?> configs) {
        Map<String, Object> values = CONFIG.parse(configs);
        mac = CaptureSecret.hmac(SECRET, values);
        maxValue = (Integer) values.get(MAX_VALUE_BYTES);
        maxEvent = (Integer) values.get(MAX_EVENT_VALUE_BYTES);
        if (maxValue > maxEvent) {
            throw new ConfigException(
                    MAX_VALUE_BYTES,
                    maxValue,
                    "must not be larger than " + MAX_EVENT_VALUE_BYTES + " (" + maxEvent + ")");
        }
    }

    /** A string value of one image, as found. */
    private record Candidate(int image, Field field, long bytes) {}

    @Override
    public R apply(R record) {
        if (!(record.value() instanceof Struct value)) {
            return record;
        }
        Schema schema = value.schema();
        if (schema.field("before") == null
                || schema.field("after") == null
                || schema.field("source") == null) {
            return record; // not a row change
        }
        Struct[] images = {value.getStruct("before"), value.getStruct("after")};
        List<Candidate> strings = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < images.length; i++) {
            if (images[i] == null) {
                continue;
            }
            for (Field f : images[i].schema().fields()) {
                if (images[i].get(f) instanceof String s) {
                    long bytes = utf8Length(s);
                    strings.add(new Candidate(i, f, bytes));
                    total += bytes;
                }
            }
        }
        if (total <= maxEvent && strings.stream().allMatch(c -> c.bytes() <= maxValue)) {
            return record;
        }
        strings.sort((a, b) -> Long.compare(b.bytes(), a.bytes()));
        Struct[] bounded = {ChangeEventCopies.copy(images[0]), ChangeEventCopies.copy(images[1])};
        for (Candidate c : strings) {
            if (c.bytes() <= maxValue && total <= maxEvent) {
                break;
            }
            String v = (String) images[c.image()].get(c.field());
            String marker = new OversizedValue(c.bytes(), digest(v)).marker();
            bounded[c.image()].put(c.field(), marker);
            total -= c.bytes() - marker.length();
            LOG.info(
                    "{}.{}: a value of {} bytes travels as its digest (limit {} per value, {} per"
                            + " event)",
                    table(value),
                    c.field().name(),
                    c.bytes(),
                    maxValue,
                    maxEvent);
        }
        Struct copy = ChangeEventCopies.copy(value);
        copy.put("before", bounded[0]);
        copy.put("after", bounded[1]);
        return ChangeEventCopies.withValue(record, copy);
    }

    private static String table(Struct value) {
        if (value.get("source") instanceof Struct source
                && source.schema().field("table") != null) {
            return source.getString("table");
        }
        return "?";
    }

    /** The UTF-8 length of {@code s} without encoding it (a lone surrogate counts as '?'). */
    static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                n++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    private String digest(String value) {
        mac.reset();
        byte[] d = mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
        return CaptureSecret.encoded(d);
    }

    @Override
    public ConfigDef config() {
        return CONFIG;
    }

    @Override
    public void close() {}
}
