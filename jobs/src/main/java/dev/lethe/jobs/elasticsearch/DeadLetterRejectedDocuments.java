package dev.lethe.jobs.elasticsearch;

import dev.lethe.events.DeadLetter;
import dev.lethe.jobs.kafka.KafkaClients;
import dev.lethe.jobs.kafka.LetheTopics;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends documents Elasticsearch refused to the dead-letter topic (reason {@code
 * REJECTED_BY_ELASTICSEARCH}, the error without quoted values, the origin position of the event).
 * The rejects of one bulk response are sent together and acknowledged before the response counts as
 * handled ({@link #flush}, on the sink's task thread, not Elasticsearch's I/O thread), so a
 * checkpoint never completes before its rejects are recorded. The document itself is not attached:
 * the audit entry is in the audit log, at the recorded position.
 */
public final class DeadLetterRejectedDocuments implements RejectedDocumentHandler {

    private static final long serialVersionUID = 1L;

    public static final String REASON = "REJECTED_BY_ELASTICSEARCH";

    private final String bootstrap;
    private final String user;
    private final String topic;
    private final String job;
    private transient KafkaProducer<byte[], byte[]> producer;
    private transient List<Future<RecordMetadata>> sent;

    /**
     * @param user the Kafka user the producer signs in as (empty: the process's, {@link
     *     KafkaClients#forUser})
     */
    public DeadLetterRejectedDocuments(String bootstrap, String user, String topic, String job) {
        this.bootstrap = bootstrap;
        this.user = user;
        this.topic = topic;
        this.job = job;
    }

    @Override
    public void open() {
        Properties p = KafkaClients.forUser(bootstrap, user);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        LetheTopics.withMessageLimit(p);
        producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        sent = new ArrayList<>();
    }

    @Override
    public void rejected(RejectedDocument document) throws Exception {
        var op = document.operation();
        DeadLetter letter =
                new DeadLetter(
                        job,
                        REASON,
                        document.describe(),
                        op.hasOrigin() ? op.originTopic() : op.index(),
                        op.hasOrigin() ? op.originPartition() : -1,
                        op.hasOrigin() ? op.originOffset() : -1L,
                        null,
                        null,
                        Instant.now());
        ByteBuffer value = letter.toByteBuffer();
        byte[] bytes = new byte[value.remaining()];
        value.get(bytes);
        sent.add(producer.send(new ProducerRecord<>(topic, null, bytes)));
    }

    /** Waits for Kafka to acknowledge every dead letter sent: one round trip per bulk response. */
    @Override
    public void flush() throws Exception {
        producer.flush();
        for (Future<RecordMetadata> letter : sent) {
            letter.get(30, TimeUnit.SECONDS); // rethrows a failed send
        }
        sent.clear();
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close();
        }
    }
}
