package dev.lethe.jobs.kafka;

import java.util.Set;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps Kafka's bytes and position as they are; reads only the commit time and transaction. A
 * record of {@value Replays#TOPIC}, when the source reads it, is taken for the raw record it
 * replays ({@link Replays#read}); one for another job is skipped.
 */
public final class RawRecordDeserializer implements KafkaRecordDeserializationSchema<RawRecord> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RawRecordDeserializer.class);

    private final String replayJob;
    private final Set<String> tableTopics;

    /** Reads every record as it is (no replays). */
    public RawRecordDeserializer() {
        this(null, Set.of());
    }

    /**
     * @param replayJob the job whose replays it takes ({@link Replays#AUDIT}, {@link
     *     Replays#DISCOVERY}), or null for none
     * @param tableTopics the raw table topics a replay may stand in for
     */
    public RawRecordDeserializer(String replayJob, Set<String> tableTopics) {
        this.replayJob = replayJob;
        this.tableTopics = Set.copyOf(tableTopics);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawRecord> out) {
        if (replayJob != null && Replays.TOPIC.equals(record.topic())) {
            RawRecord replayed = Replays.read(record, replayJob, tableTopics);
            if (replayed != null) {
                out.collect(replayed);
            } else if (replayJob.equals(Replays.jobOf(record.headers()))) {
                // positions only: the record's headers and value are not logged
                LOG.warn(
                        "skipped {}/{}@{}: not a replay of a table's raw record",
                        record.topic(),
                        record.partition(),
                        record.offset());
            }
            return;
        }
        out.collect(
                RawRecord.of(
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        record.key(),
                        record.value(),
                        record.timestamp()));
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return TypeInformation.of(RawRecord.class);
    }
}
