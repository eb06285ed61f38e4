package dev.lethe.jobs.kafka;

import dev.lethe.jobs.config.JobSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
     * @param uid the source's stable operator uid in the calling job (savepoint compatibility)
     */
    public static DataStream<RawRecord> of(
            StreamExecutionEnvironment env, JobSettings settings, String uid) {
        List<String> topics = new ArrayList<>(settings.rawTopics());
        topics.add(settings.transactionTopic());
        KafkaSource<RawRecord> source =
                KafkaSource.<RawRecord>builder()
                        .setProperties(settings.kafkaClient())
                        // by name, but as a pattern: a topic created later (Debezium creates the
                        // message and transaction topics on their first record) is found then
                        .setTopicPattern(names(topics))
                        .setProperty(
                                "partition.discovery.interval.ms",
                                String.valueOf(DISCOVERY_INTERVAL.toMillis()))
                        .setGroupId(settings.jobName())
                        .setStartingOffsets(OffsetsInitializer.earliest())
                        .setDeserializer(new RawRecordDeserializer())
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

    /** A pattern matching exactly these topic names. */
    static Pattern names(List<String> topics) {
        StringJoiner alternatives = new StringJoiner("|");
        topics.forEach(t -> alternatives.add(Pattern.quote(t)));
        return Pattern.compile(alternatives.toString());
    }
}
