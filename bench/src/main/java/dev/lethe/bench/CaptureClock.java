package dev.lethe.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.local.CaptureTopics;
import dev.lethe.local.StackSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * When each contact's change reached Kafka: a consumer of the contacts' raw topic, from its end at
 * {@link #start}, keeps the timestamp Connect gave each record (its producer's clock, this
 * machine's) by entity id ({@code contacts/<id>}, the first record of each). Splits a commit →
 * searchable time into capture (commit → raw topic) and the jobs' part (raw topic → searchable).
 */
final class CaptureClock implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Long> reachedKafka = new ConcurrentHashMap<>();
    private final Thread reader;
    private volatile boolean running = true;

    private CaptureClock(StackSettings s) {
        Properties p = s.kafkaClient();
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p);
        String topic = CaptureTopics.tableTopic("contacts");
        List<org.apache.kafka.common.TopicPartition> partitions =
                consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                        .map(i -> new org.apache.kafka.common.TopicPartition(topic, i.partition()))
                        .toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // the end as of now, not as of the first poll
        reader = new Thread(() -> read(consumer), "capture-clock");
        reader.setDaemon(true);
        reader.start();
    }

    private void read(KafkaConsumer<byte[], byte[]> consumer) {
        try (consumer) {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                    entity(r.key())
                            .ifPresent(
                                    id ->
                                            reachedKafka.putIfAbsent(
                                                    "contacts/" + id, r.timestamp()));
                }
            }
        }
    }

    /** Starts reading the contacts' raw topic from its current end. */
    static CaptureClock start(StackSettings s) {
        return new CaptureClock(s);
    }

    /** When {@code entity}'s first change reached Kafka (epoch ms), if it has. */
    OptionalLong reachedKafka(String entity) {
        Long t = reachedKafka.get(entity);
        return t == null ? OptionalLong.empty() : OptionalLong.of(t);
    }

    /** The id in a Debezium key ({@code {"id":42}}), if the key has one. */
    static OptionalLong entity(byte[] key) {
        if (key == null) {
            return OptionalLong.empty();
        }
        try {
            JsonNode id = JSON.readTree(key).path("id");
            return id.canConvertToLong() ? OptionalLong.of(id.asLong()) : OptionalLong.empty();
        } catch (java.io.IOException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        reader.join(5_000);
    }
}
