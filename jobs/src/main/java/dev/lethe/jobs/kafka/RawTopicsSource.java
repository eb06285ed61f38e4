package dev.lethe.jobs.kafka;

import dev.lethe.jobs.config.JobSettings;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Debezium's raw change topics as every Lethe job reads them: all helpdesk tables plus the actor
 * messages, from the earliest offset (a new job sees every change still in Kafka), committed data
 * only, event time = commit time per partition (a quiet partition counts as caught up only when the
 * brokers' offsets say so: {@link KafkaPartitionHeads}). One source subtask reads them all.
 */
public final class RawTopicsSource {

    /**
     * The raw topics' source runs as one subtask, and so does each job's first operator (the
     * normalizer), chained to it: one reader holding every raw partition can tell when a partition
     * it has not read from yet is caught up ({@link CommitTimeWatermarks}), and the normalizer
     * receives each partition's records in order, as everything after it assumes.
     */
    public static final int PARALLELISM = 1;

    private RawTopicsSource() {}

    /**
     * @param uid the source's stable operator uid in the calling job (savepoint compatibility)
     */
    public static DataStream<RawRecord> of(
            StreamExecutionEnvironment env, JobSettings settings, String uid) {
        KafkaSource<RawRecord> source =
                KafkaSource.<RawRecord>builder()
                        .setBootstrapServers(settings.kafkaBootstrap())
                        .setTopics(settings.rawTopics())
                        .setGroupId(settings.jobName())
                        .setStartingOffsets(OffsetsInitializer.earliest())
                        .setDeserializer(new RawRecordDeserializer())
                        .setProperty("isolation.level", "read_committed")
                        .build();
        return env.fromSource(
                        source,
                        CommitTimeWatermarks.strategy(
                                settings.idleTimeout(),
                                KafkaPartitionHeads.factory(
                                        settings.kafkaBootstrap(),
                                        settings.rawTopics(),
                                        settings.jobName())),
                        "raw-topics")
                .setParallelism(PARALLELISM)
                .uid(uid);
    }
}
