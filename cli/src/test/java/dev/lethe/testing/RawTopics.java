package dev.lethe.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.jobs.kafka.KafkaClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads Debezium's raw change topics as tests need them: from the start, JSON, filtered. */
public final class RawTopics {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RawTopics() {}

    /**
     * Polls {@code topic} from its beginning until {@code expected} values matching {@code filter}
     * were seen or the timeout passes; returns the matching values in topic order (possibly fewer).
     */
    public static List<JsonNode> await(
            String bootstrap,
            String topic,
            Predicate<JsonNode> filter,
            int expected,
            Duration timeout) {
        return await(bootstrap, topic, filter, found -> found.size() >= expected, timeout);
    }

    /** Like the above, until {@code done} holds for what was found (or the timeout passes). */
    public static List<JsonNode> await(
            String bootstrap,
            String topic,
            Predicate<JsonNode> filter,
            Predicate<List<JsonNode>> done,
            Duration timeout) {
        Properties p = KafkaClients.properties(bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<JsonNode> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(found) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(300))) {
                    if (r.value() == null) {
                        continue;
                    }
                    JsonNode v;
                    try {
                        v = JSON.readTree(r.value());
                    } catch (java.io.IOException poison) {
                        continue; // other tests write malformed records on purpose (dead letters)
                    }
                    if (filter.test(v)) {
                        found.add(v);
                    }
                }
            }
        }
        return found;
    }
}
