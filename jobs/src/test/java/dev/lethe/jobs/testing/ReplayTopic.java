package dev.lethe.jobs.testing;

import dev.lethe.jobs.kafka.RawRecord;
import dev.lethe.jobs.kafka.RawRecordDeserializer;
import dev.lethe.jobs.kafka.Replays;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.record.TimestampType;

/** Replays of dead letters ({@link Replays#record}) as the jobs' consumer reads them back. */
public final class ReplayTopic {

    private ReplayTopic() {}

    /** {@code p} as read from partition 0 of the replay topic at {@code offset}. */
    public static ConsumerRecord<byte[], byte[]> consumed(
            ProducerRecord<byte[], byte[]> p, long offset, long timestampMillis) {
        return new ConsumerRecord<>(
                Replays.TOPIC,
                0,
                offset,
                timestampMillis,
                TimestampType.CREATE_TIME,
                -1,
                -1,
                p.key(),
                p.value(),
                p.headers(),
                Optional.empty());
    }

    /** What {@code deserializer} makes of {@code record}: the raw records it collects. */
    public static List<RawRecord> deserialize(
            RawRecordDeserializer deserializer, ConsumerRecord<byte[], byte[]> record) {
        List<RawRecord> out = new ArrayList<>();
        deserializer.deserialize(
                record,
                new Collector<>() {
                    @Override
                    public void collect(RawRecord r) {
                        out.add(r);
                    }

                    @Override
                    public void close() {}
                });
        return out;
    }
}
