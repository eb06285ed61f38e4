package dev.lethe.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.kafka.LetheTopics;
import dev.lethe.testing.SharedStack;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The local Kafka as {@code ./lethe up} sets it up: the broker knows each component's user with the
 * password {@link StackSettings#as} gives it (a refusal by grant, not by sign-in, proves that), and
 * refuses each what it does not need. Nothing here is written to a topic a job reads.
 */
class KafkaUsersITCase {

    @Test
    void eachComponentSignsInAsItsOwnUserAndIsRefusedWhatItDoesNotNeed() throws Exception {
        StackSettings s = SharedStack.settings();
        // as the audit job's submission makes them (a refusal is only told apart from a missing
        // topic for those who may see it)
        LetheTopics.ensure(
                s.kafkaClient(),
                dev.lethe.jobs.kafka.TopicReplication.BROKER_DEFAULT,
                List.of(
                        JobSettings.DEFAULT_AUDIT_TOPIC,
                        JobSettings.DEFAULT_AUDIT_CHECKPOINT_TOPIC),
                List.of());
        for (ComponentRole role : StackSettings.KAFKA_COMPONENTS) {
            Properties client = s.as(role).kafkaClient();
            assertThat(client.getProperty("sasl.jaas.config"))
                    .contains("username=\"" + role.user() + "\"");
            // signed in (a wrong password would fail with SaslAuthenticationException)
            assertThat(refusal(client, "helpdesk.public.contacts"))
                    .as(role + " writing a raw topic")
                    .isInstanceOf(TopicAuthorizationException.class);
            if (role != ComponentRole.AUDIT) {
                assertThat(refusal(client, "lethe.audit"))
                        .as(role + " writing the log of record")
                        .isInstanceOf(TopicAuthorizationException.class);
                assertThat(refusal(client, "lethe.audit.checkpoints"))
                        .as(role + " writing the log's checkpoints")
                        .isInstanceOf(TopicAuthorizationException.class);
            }
            try (Admin admin = Admin.create(client)) {
                String topic = "lethe.users-it." + UUID.randomUUID();
                ExecutionException e =
                        org.junit.jupiter.api.Assertions.assertThrows(
                                ExecutionException.class,
                                () ->
                                        admin.createTopics(
                                                        List.of(new NewTopic(topic, 1, (short) 1)))
                                                .all()
                                                .get(30, TimeUnit.SECONDS));
                assertThat(e.getCause())
                        .as(role + " creating a topic")
                        .isInstanceOf(TopicAuthorizationException.class);
            }
        }
        // Lethe's own user (the command line) may not write the log of record either
        assertThat(refusal(s.kafkaClient(), "lethe.audit"))
                .isInstanceOf(TopicAuthorizationException.class);
        // and nobody signs in with another component's password
        Properties forged = s.as(ComponentRole.DISCOVERY).kafkaClient();
        forged.setProperty(
                "sasl.jaas.config",
                s.as(ComponentRole.AUDIT)
                        .kafkaClient()
                        .getProperty("sasl.jaas.config")
                        .replace("username=\"lethe_audit\"", "username=\"lethe_discovery\""));
        assertThat(refusal(forged, "lethe.deadletter.users-it"))
                .isInstanceOf(AuthenticationException.class);
    }

    /** Sends one record to {@code topic}; the exception that refused it (null: it was written). */
    private static Exception refusal(Properties client, String topic) {
        Properties p = new Properties();
        p.putAll(client);
        p.put("max.block.ms", "15000");
        p.put("delivery.timeout.ms", "20000");
        p.put("request.timeout.ms", "10000");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, new byte[] {1})).get(30, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return (Exception) e.getCause();
        } catch (Exception e) {
            return e;
        }
    }
}
