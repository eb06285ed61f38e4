package dev.lethe.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.jobs.config.Secrets;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KafkaClientsTest {

    @AfterEach
    void clear() {
        System.clearProperty(Secrets.KAFKA_PASSWORD);
        System.clearProperty(Secrets.KAFKA_USER);
        System.clearProperty(Secrets.kafkaPasswordOf("lethe_audit"));
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

    @Test
    void aJobsOwnUserSignsInWithItsOwnPasswordResolvedWhereTheClientIsMade() {
        System.setProperty(Secrets.kafkaPasswordOf("lethe_audit"), "audit-secret");
        System.setProperty(Secrets.KAFKA_PASSWORD, "shared-secret");
        System.setProperty(Secrets.KAFKA_USER, "lethe");
        Properties p = KafkaClients.forUser("h:1", "lethe_audit");
        // what a job graph carries: the user and a reference, never a password
        assertThat(p.toString()).doesNotContain("audit-secret", "shared-secret");
        assertThat(p.getProperty("sasl.jaas.config"))
                .contains("username=\"lethe_audit\"")
                .contains("${lethe:lethe_audit:LETHE_KAFKA_PASSWORD}");
        assertThat(jaas(p)).contains("username=\"lethe_audit\"", "password=\"audit-secret\"");
    }

    @Test
    void aUserWithoutAPasswordOfItsOwnFallsBackToTheSharedOne() {
        System.setProperty(Secrets.KAFKA_PASSWORD, "shared-secret");
        assertThat(jaas(KafkaClients.forUser("h:1", "lethe_server")))
                .contains("username=\"lethe_server\"", "password=\"shared-secret\"");
    }

    @Test
    void noUserMeansTheProcesssUserAndNoPasswordMeansPlain() {
        assertThat(KafkaClients.forUser("h:1", "lethe_audit"))
                .containsOnlyKeys("bootstrap.servers");
        System.setProperty(Secrets.KAFKA_PASSWORD, "shared-secret");
        System.setProperty(Secrets.KAFKA_USER, "jobs");
        assertThat(KafkaClients.forUser("h:1", "")).isEqualTo(KafkaClients.properties("h:1"));
        assertThat(jaas(KafkaClients.forUser("h:1", " "))).contains("username=\"jobs\"");
    }

    @Test
    void aUserNameAReferenceCannotCarryIsRefused() {
        System.setProperty(Secrets.KAFKA_PASSWORD, "shared-secret");
        for (String user : new String[] {"a:b", "a}b", "${x}", "a b"}) {
            assertThatThrownBy(() -> KafkaClients.forUser("h:1", user))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cannot be named");
        }
    }

    @Test
    void aUsersReferenceResolvesOnlyItsKafkaPassword() {
        System.setProperty(Secrets.kafkaPasswordOf("lethe_audit"), "audit-secret");
        SecretsConfigProvider provider = new SecretsConfigProvider();
        assertThat(provider.get("lethe_audit", Set.of(Secrets.KAFKA_PASSWORD)).data())
                .containsExactly(Map.entry(Secrets.KAFKA_PASSWORD, "audit-secret"));
        assertThatThrownBy(() -> provider.get("lethe_audit", Set.of(Secrets.POSTGRES_PASSWORD)))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> provider.get("lethe_nobody", Set.of(Secrets.KAFKA_PASSWORD)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("LETHE_KAFKA_PASSWORD_LETHE_NOBODY");
    }

    /** The JAAS login a producer made from {@code p} here uses (references resolved). */
    private static String jaas(Properties p) {
        Properties producer = new Properties();
        producer.putAll(p);
        producer.put("key.serializer", ByteArraySerializer.class.getName());
        producer.put("value.serializer", ByteArraySerializer.class.getName());
        return new ProducerConfig(producer).getPassword("sasl.jaas.config").value();
    }
}
