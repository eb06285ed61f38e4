package dev.lethe.jobs.kafka;

import dev.lethe.jobs.config.JobSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Pattern;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Debezium's raw change topics as every Lethe job reads them: all helpdesk tables plus the actor
 * messages, from the earliest offset (a new job sees every change still in Kafka), committed data
 * only, event time = commit time per partition (a quiet partition counts as caught up only when the
 * brokers' offsets say so: {@link KafkaPartitionHeads}), advanced as soon as transactions are
 * complete ({@link TransactionWatermarks}, from Debezium's transaction topic). One source subtask
 * reads them all.
 *
 * <p>With a replay job ({@link Replays}), the same source reads {@value Replays#TOPIC}: a replayed
 * dead letter reaches the normalizer as the raw record it was, chained like every other (no second
 * source and no union, which would cut the chain from the source to the normalizer). A replay is
 * late by nature, its commit time long past: it neither moves nor holds event time ({@link
 * CommitTimeWatermarks} leaves it out; the replay topic's partition counts as idle once it has been
 * quiet for the idle timeout, as an empty raw partition does) and every operator that waits for
 * event time takes it as a late change, at once.
 */
public final class RawTopicsSource {

    /**
     * The raw topics' source runs as one subtask, and so does each job's first operator (the
     * normalizer), chained to it: one reader holding every raw partition can tell when a partition
     * it has not read from yet is caught up ({@link CommitTimeWatermarks}), and the normalizer
     * receives each partition's records in order, as everything after it assumes.
     */
    public static final int PARALLELISM = 1;

    /** How often the source looks for raw topics and partitions created since it started. */
    static final Duration DISCOVERY_INTERVAL = Duration.ofSeconds(10);

    private RawTopicsSource() {}

    /**
     * The raw topics without replays (the retention job: it dead-letters nothing, and a change only
     * capture wrote may cancel a purge).
     *
     * @param uid the source's stable operator uid in the calling job (savepoint compatibility)
     */
    public static DataStream<RawRecord> of(
            StreamExecutionEnvironment env, JobSettings settings, String uid) {
        return of(env, settings, uid, null);
    }

    /**
     * The raw topics and the replays of {@code replayJob}'s dead letters.
     *
     * @param uid the source's stable operator uid in the calling job (savepoint compatibility)
     * @param replayJob {@link Replays#AUDIT}, {@link Replays#DISCOVERY} or {@link
     *     Replays#RETENTION}; null for no replays
     */
    public static DataStream<RawRecord> of(
            StreamExecutionEnvironment env, JobSettings settings, String uid, String replayJob) {
        List<String> topics = new ArrayList<>(settings.rawTopics());
        topics.add(settings.transactionTopic());
        List<String> read = new ArrayList<>(topics);
        if (replayJob != null) {
            read.add(Replays.TOPIC); // not among the partition heads: replays hold no event time
        }
        KafkaSource<RawRecord> source =
                KafkaSource.<RawRecord>builder()
                        .setProperties(settings.kafkaClient())
                        // by name, but as a pattern: a topic created later (Debezium creates the
                        // message and transaction topics on their first record) is found then
                        .setTopicPattern(names(read))
                        .setProperty(
                                "partition.discovery.interval.ms",
                                String.valueOf(DISCOVERY_INTERVAL.toMillis()))
                        .setGroupId(settings.jobName())
                        .setStartingOffsets(OffsetsInitializer.earliest())
                        .setDeserializer(
                                new RawRecordDeserializer(
                                        replayJob == null ? null : Replays.replaysReadBy(replayJob),
                                        tableTopics(settings)))
                        .setProperty("isolation.level", "read_committed")
                        .build();
        DataStream<RawRecord> raw =
                env.fromSource(
                                source,
                                CommitTimeWatermarks.strategy(
                                        settings.idleTimeout(),
                                        KafkaPartitionHeads.factory(
                                                settings.kafkaBootstrap(),
                                                settings.kafkaUser(),
                                                topics,
                                                settings.jobName())),
                                "raw-topics")
                        .setParallelism(PARALLELISM)
                        .uid(uid);
        return TransactionWatermarks.apply(raw, settings, uid + "-transactions");
    }

    /** The raw topics of the helpdesk's tables: what a replay may stand in for. */
    static Set<String> tableTopics(JobSettings settings) {
        Set<String> tables = new HashSet<>(settings.rawTopics());
        tables.remove(settings.actorTopic());
        return tables;
    }

    /** A pattern matching exactly these topic names. */
    static Pattern names(List<String> topics) {
        StringJoiner alternatives = new StringJoiner("|");
        topics.forEach(t -> alternatives.add(Pattern.quote(t)));
        return Pattern.compile(alternatives.toString());
    }
}
