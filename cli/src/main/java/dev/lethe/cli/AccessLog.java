package dev.lethe.cli;

import dev.lethe.jobs.kafka.LetheTopics;
import dev.lethe.server.AccessRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Appends access records to {@value AuditRequests#TOPIC} (acks=all, idempotent), where the audit
 * job chains them into the log: what the server's backend records for each look at personal data,
 * and what a break-glass read records before it reads ({@link BreakGlass}).
 */
final class AccessLog implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;

    /**
     * @param client the Kafka client settings of who records (the server's own user, or the command
     *     line's for a break-glass read: {@code StackSettings.kafkaClient()})
     */
    AccessLog(Properties client) throws Exception {
        LetheTopics.ensure(
                client,
                dev.lethe.jobs.kafka.TopicReplication.BROKER_DEFAULT,
                List.of(AuditRequests.TOPIC),
                List.of());
        Properties p = new Properties();
        p.putAll(client);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "15000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        this.producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Appends {@code access} and returns once Kafka acknowledged it; throws if it could not. */
    void record(AccessRecord access) throws Exception {
        // keyed by user: one user's accesses stay in order on one partition
        producer.send(
                        new ProducerRecord<>(
                                AuditRequests.TOPIC,
                                access.user().getBytes(StandardCharsets.UTF_8),
                                access.toJson()))
                .get(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
