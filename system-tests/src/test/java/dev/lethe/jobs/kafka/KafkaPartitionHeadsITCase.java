package dev.lethe.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.testing.SharedStack;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The brokers' answers that let a quiet raw partition count as caught up, on the real broker: a
 * partition is caught up when the reader's next offset is its end; a partition not read from yet is
 * settled when empty or when the job's committed offset is at its end; a topic not created yet
 * holds nothing.
 */
class KafkaPartitionHeadsITCase {

    @Test
    void answersFromTheBrokersOffsetsAndTheJobsCommittedOffsets() throws Exception {
        String bootstrap = SharedStack.settings().kafkaBootstrap();
        String topic = "lethe.it.heads." + UUID.randomUUID();
        String group = "lethe.it.heads." + UUID.randomUUID();
        Properties p = KafkaClients.properties(bootstrap);
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            Properties pp = KafkaClients.properties(bootstrap);
            try (KafkaProducer<String, String> producer =
                    new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < 3; i++) {
                    producer.send(new ProducerRecord<>(topic, 0, "k", "v" + i)).get();
                }
            }
            String first = PartitionHeads.name(topic, 0);
            PartitionHeads heads =
                    KafkaPartitionHeads.factory(
                                    bootstrap,
                                    "",
                                    List.of(topic, "lethe.it.heads.never-created"),
                                    group)
                            .create();

            long since = System.currentTimeMillis();
            assertThat(heads.caughtUp(first, 3, since))
                    .as("no look taken after `since` yet: not caught up, a look is started")
                    .isFalse();
            eventually(() -> heads.caughtUp(first, 3, since), "caught up at the end offset");
            assertThat(heads.caughtUp(first, 2, since)).as("one record still to read").isFalse();
            assertThat(heads.restSettled(since))
                    .as("partition 0 holds records and the job has committed nothing")
                    .isFalse();

            heads.delivered(first);
            assertThat(heads.restSettled(since)).as("partition 1 is empty").isTrue();

            // a restarted job that read partition 0 to its end before: nothing left to read there
            PartitionHeads restarted =
                    KafkaPartitionHeads.factory(bootstrap, "", List.of(topic), group).create();
            admin.alterConsumerGroupOffsets(
                            group, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(3)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            long committed = System.currentTimeMillis();
            eventually(() -> restarted.restSettled(committed), "settled at the committed offset");
        }
    }

    private static void eventually(BooleanSupplier condition, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as(what + " within 30 s").isNegative();
            Thread.sleep(100);
        }
    }
}
