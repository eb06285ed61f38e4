package dev.lethe.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.jobs.config.Secrets;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KafkaClientsTest {

    @AfterEach
    void clear() {
        System.clearProperty(Secrets.KAFKA_PASSWORD);
        System.clearProperty(Secrets.KAFKA_USER);
    }

    @Test
    void withoutAPasswordConnectionsArePlain() {
        Properties p = KafkaClients.properties("h:1", null, null);
        assertThat(p).containsOnlyKeys("bootstrap.servers");
    }

    @Test
    void literalCredentialsMakeAScramLogin() {
        Properties p = KafkaClients.properties("h:1", "u", "pa\"ss");
        assertThat(p.getProperty("security.protocol")).isEqualTo("SASL_PLAINTEXT");
        assertThat(p.getProperty("sasl.mechanism")).isEqualTo("SCRAM-SHA-512");
        assertThat(new AdminClientConfig(p).getPassword("sasl.jaas.config").value())
                .contains("username=\"u\"")
                .contains("password=\"pa\\\"ss\"");
    }

    @Test
    void processSecretsAreReferencedAndResolvedWhereTheClientIsMade() {
        System.setProperty(Secrets.KAFKA_PASSWORD, "s3cret-value");
        System.setProperty(Secrets.KAFKA_USER, "jobs");
        Properties p = KafkaClients.properties("h:1");
        // what a job graph carries: a reference, never the password
        assertThat(p.toString()).doesNotContain("s3cret-value");
        p.put("key.serializer", ByteArraySerializer.class.getName());
        p.put("value.serializer", ByteArraySerializer.class.getName());
        assertThat(new ProducerConfig(p).getPassword("sasl.jaas.config").value())
                .contains("username=\"jobs\"")
                .contains("password=\"s3cret-value\"");
    }

    @Test
    void noSecretInTheProcessMeansPlainConnections() {
        assertThat(KafkaClients.properties("h:1")).containsOnlyKeys("bootstrap.servers");
    }
}
