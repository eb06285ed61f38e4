package dev.lethe.normalize;

/**
 * The size limits that hold from PostgreSQL to Elasticsearch, in one place, so that no single row
 * can stop a component (docs/operations.md, "Size limits").
 *
 * <ul>
 *   <li>A column value of more than {@link #MAX_VALUE_BYTES} in UTF-8 leaves the Connect worker as
 *       an oversized-value marker (its length and a keyed digest), never whole (the Connect
 *       transformation {@code BoundValueSizes}, module {@code connectors}); so does the largest
 *       remaining value of a change event while the event's values add up to more than {@link
 *       #MAX_EVENT_VALUE_BYTES}.
 *   <li>Every Kafka message Lethe's pipeline writes (raw change events, audit entries, dead
 *       letters) fits in {@link #MAX_MESSAGE_BYTES}: the broker's {@code message.max.bytes}, the
 *       topics' {@code max.message.bytes} and the producers' {@code max.request.size} are set to
 *       it. It leaves room for JSON escaping of the bounded values (a control character is written
 *       as six bytes) and for envelopes and encodings around them.
 * </ul>
 *
 * The Connect worker loads only the module {@code connectors}, so {@code BoundValueSizes} keeps its
 * own copy of these numbers as its defaults; a test there holds them equal to these.
 */
public final class SizeLimits {

    /** The largest column value that travels whole: 256 KiB of UTF-8. */
    public static final int MAX_VALUE_BYTES = 256 * 1024;

    /** The largest sum of the string values of one change event (before and after): 1 MiB. */
    public static final int MAX_EVENT_VALUE_BYTES = 1024 * 1024;

    /** The largest Kafka message anywhere in the pipeline: 8 MiB. */
    public static final int MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

    private SizeLimits() {}
}
