package dev.lethe.jobs.kafka;

import dev.lethe.events.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Dead letters fed back through the jobs once their cause is fixed ({@code ./lethe deadletters
 * replay}): the raw key and value a dead letter kept, written to {@value #TOPIC} with headers that
 * name the raw record's own position and the dead letter's. The audit and discovery jobs read
 * {@value #TOPIC} with their raw topics ({@link RawTopicsSource}) and take a replay for the
 * original record ({@link #read}): its topic, partition and offset, its commit time, its LSN. A
 * replay that fails again becomes a new dead letter at a new position, replayable again later.
 *
 * <p>A replay is for the job that dead-lettered it ({@value #HEADER_JOB}): the audit and discovery
 * jobs both reject what their normalizer cannot read, each with a dead letter of its own, and each
 * gets back only its own. Only a normalizer's dead letters of a table's raw topic are replayed: the
 * others kept no raw record (Elasticsearch's rejects), came from Lethe's own topics, or were actor
 * messages, which the jobs take from capture only.
 *
 * <p>{@value #TOPIC} holds raw values, personal data in clear: it is created with the dead-letter
 * topic's retention ({@link LetheTopics#deadLetterConfig()}), one partition (replays in the order
 * they were made).
 */
public final class Replays {

    /** The replay topic. */
    public static final String TOPIC = "lethe.replay";

    /** The raw record's topic ({@code helpdesk.public.contacts}). */
    public static final String HEADER_TOPIC = "lethe.source.topic";

    /** The raw record's partition (decimal). */
    public static final String HEADER_PARTITION = "lethe.source.partition";

    /** The raw record's offset (decimal). */
    public static final String HEADER_OFFSET = "lethe.source.offset";

    /**
     * When the dead letter was written (epoch ms, decimal): the replay's Kafka timestamp in the
     * jobs. The dead letter does not keep the raw record's own timestamp; the jobs take event time
     * from the commit time inside the envelope, and use this only when it has none.
     */
    public static final String HEADER_FAILED_AT = "lethe.dead-letter.failed-at";

    /** The dead letter's own position ({@code lethe.deadletter/0@12}): what makes it once. */
    public static final String HEADER_DEAD_LETTER = "lethe.dead-letter";

    /** The job the replay is for: {@value #AUDIT} or {@value #DISCOVERY}. */
    public static final String HEADER_JOB = "lethe.replay.job";

    public static final String AUDIT = "audit";
    public static final String DISCOVERY = "discovery";
    public static final String RETENTION = "retention";

    /** {@code topic/partition@offset}. */
    private static final Pattern POSITION = Pattern.compile("([A-Za-z0-9._-]+)/(\\d+)@(\\d+)");

    private Replays() {}

    /**
     * The job a dead letter is replayed to, by the operator that wrote it: {@code audit/normalize}
     * to the audit job, {@code discovery/normalize} to discovery; empty for any other.
     */
    public static Optional<String> target(String letterJob) {
        if ((AUDIT + "/normalize").equals(letterJob)) {
            return Optional.of(AUDIT);
        }
        if ((DISCOVERY + "/normalize").equals(letterJob)) {
            return Optional.of(DISCOVERY);
        }
        return Optional.empty();
    }

    /**
     * Whether the normalizer {@code normalizerJob} remembers its rejections and takes their
     * replays: the audit, discovery and retention jobs' ({@code <job>/normalize}).
     */
    public static boolean takesReplays(String normalizerJob) {
        return target(normalizerJob).isPresent()
                || (RETENTION + "/normalize").equals(normalizerJob);
    }

    /**
     * The replays job {@code job}'s source reads: those for itself; the retention job those for the
     * audit job. Retention writes no dead letters (it drops what its normalizer rejects), and its
     * normalizer is the audit job's, so it rejected the very records the audit job's letters hold;
     * it takes a replay only for a record it rejected itself, like every job.
     */
    public static String replaysReadBy(String job) {
        return RETENTION.equals(job) ? AUDIT : job;
    }

    /**
     * Whether a dead letter can be replayed: a normalizer's, of a table's raw topic ({@code
     * <rawTopicPrefix>.public.<table>}) at a real position, with its raw value.
     */
    public static boolean replayable(DeadLetter d, String rawTopicPrefix) {
        return d.getRawValue() != null
                && target(d.getJob()).isPresent()
                && table(d.getSourceTopic(), rawTopicPrefix).isPresent()
                && d.getSourcePartition() >= 0
                && d.getSourceOffset() >= 0;
    }

    /** The table of a raw table topic ({@code helpdesk.public.contacts}: contacts), else empty. */
    public static Optional<String> table(String topic, String rawTopicPrefix) {
        String prefix = rawTopicPrefix + ".public.";
        if (topic == null || !topic.startsWith(prefix) || topic.length() == prefix.length()) {
            return Optional.empty();
        }
        return Optional.of(topic.substring(prefix.length()));
    }

    /** {@code topic/partition@offset}, as positions are written in headers and the audit log. */
    public static String position(String topic, int partition, long offset) {
        return topic + "/" + partition + "@" + offset;
    }

    /**
     * The replay of a dead letter read at {@code deadLetterPartition}/{@code deadLetterOffset} of
     * {@code deadLetterTopic}: key and value the raw record's, headers naming both positions.
     *
     * @throws IllegalArgumentException if the letter is not {@link #replayable} (checked by the
     *     caller with the raw topic prefix; here: no raw value or no target)
     */
    public static ProducerRecord<byte[], byte[]> record(
            DeadLetter d, String deadLetterTopic, int deadLetterPartition, long deadLetterOffset) {
        String job =
                target(d.getJob())
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                "not a normalizer's dead letter"));
        if (d.getRawValue() == null) {
            throw new IllegalArgumentException("the dead letter kept no raw value");
        }
        Headers h = new RecordHeaders();
        h.add(HEADER_TOPIC, utf8(d.getSourceTopic()));
        h.add(HEADER_PARTITION, utf8(Integer.toString(d.getSourcePartition())));
        h.add(HEADER_OFFSET, utf8(Long.toString(d.getSourceOffset())));
        h.add(HEADER_FAILED_AT, utf8(Long.toString(d.getFailedAt().toEpochMilli())));
        h.add(
                HEADER_DEAD_LETTER,
                utf8(position(deadLetterTopic, deadLetterPartition, deadLetterOffset)));
        h.add(HEADER_JOB, utf8(job));
        return new ProducerRecord<>(
                TOPIC, null, null, bytes(d.getRawKey()), bytes(d.getRawValue()), h);
    }

    /**
     * A record of {@value #TOPIC} as the raw record it replays, for the job {@code job}: the
     * original topic, partition and offset, the commit time read from the envelope, {@link
     * RawRecord#replayOf} the dead letter's position. Null when the replay is for another job, or
     * names a topic that is not one of {@code tableTopics} or no readable position (a record not
     * written by {@code ./lethe deadletters replay}).
     */
    public static RawRecord read(
            ConsumerRecord<byte[], byte[]> record, String job, Set<String> tableTopics) {
        Headers h = record.headers();
        if (!job.equals(text(h, HEADER_JOB))) {
            return null;
        }
        String topic = text(h, HEADER_TOPIC);
        String deadLetter = text(h, HEADER_DEAD_LETTER);
        if (topic == null || !tableTopics.contains(topic) || deadLetter == null) {
            return null;
        }
        try {
            int partition = Integer.parseInt(text(h, HEADER_PARTITION));
            long offset = Long.parseLong(text(h, HEADER_OFFSET));
            String failedAt = text(h, HEADER_FAILED_AT);
            long timestamp = failedAt == null ? record.timestamp() : Long.parseLong(failedAt);
            if (partition < 0 || offset < 0) {
                return null;
            }
            RawRecord r =
                    RawRecord.of(topic, partition, offset, record.key(), record.value(), timestamp);
            r.replayOf = deadLetter;
            return r;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * The dead letter a record of {@value #TOPIC} replays ({@code lethe.deadletter/0@12}), or null.
     */
    public static String deadLetterOf(Headers headers) {
        return text(headers, HEADER_DEAD_LETTER);
    }

    /** The job a record of {@value #TOPIC} is for, or null. */
    public static String jobOf(Headers headers) {
        return text(headers, HEADER_JOB);
    }

    /**
     * The raw record a record of {@value #TOPIC} replays ({@code topic/partition@offset}), or null.
     */
    public static String sourceOf(Headers headers) {
        String topic = text(headers, HEADER_TOPIC);
        String partition = text(headers, HEADER_PARTITION);
        String offset = text(headers, HEADER_OFFSET);
        return topic == null || partition == null || offset == null
                ? null
                : topic + "/" + partition + "@" + offset;
    }

    /** Whether {@code text} is a position as {@link #position} writes it. */
    public static boolean isPosition(String text) {
        Matcher m = POSITION.matcher(text == null ? "" : text);
        return m.matches();
    }

    private static String text(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null
                ? null
                : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer b) {
        if (b == null) {
            return null;
        }
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
