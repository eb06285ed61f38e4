package dev.lethe.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsTest {

    @Test
    void aRoleFindsItsOwnPasswordBeforeTheSharedOne() {
        Secrets secrets =
                new Secrets(
                        Map.of(
                                "LETHE_POSTGRES_PASSWORD_LETHE_AUDIT", "audit's",
                                "LETHE_POSTGRES_PASSWORD", "shared"));
        assertThat(secrets.postgresPassword("lethe_audit")).contains("audit's");
        assertThat(secrets.postgresPassword("lethe_server")).contains("shared");
        assertThat(Secrets.postgresPasswordOf("helpdesk-ro.1"))
                .isEqualTo("LETHE_POSTGRES_PASSWORD_HELPDESK_RO_1");
    }

    @Test
    void theLocalStackKeepsEachRolesPasswordButNeverServesTheSuperusersFromDisk(@TempDir Path data)
            throws Exception {
        Path secretsDir = Files.createDirectories(data.resolve("secrets"));
        Files.writeString(secretsDir.resolve("postgres-lethe_discovery-password"), "discovery's\n");
        Files.writeString(secretsDir.resolve("postgres-password"), "superuser's");
        String before = System.getProperty("lethe.data");
        System.setProperty("lethe.data", data.toString());
        try {
            Secrets secrets = new Secrets(Map.of());
            assertThat(secrets.postgresPassword("lethe_discovery")).contains("discovery's");
            assertThat(secrets.postgresPassword("lethe_audit")).isEmpty();
            assertThat(secrets.find(Secrets.POSTGRES_PASSWORD)).isEmpty();
        } finally {
            if (before == null) {
                System.clearProperty("lethe.data");
            } else {
                System.setProperty("lethe.data", before);
            }
        }
    }

    @Test
    void aComponentFindsItsOwnKafkaPasswordBeforeTheSharedOne(@TempDir Path data) throws Exception {
        Secrets secrets =
                new Secrets(
                        Map.of(
                                "LETHE_KAFKA_PASSWORD_LETHE_AUDIT", "audit's",
                                "LETHE_KAFKA_PASSWORD", "shared"));
        assertThat(secrets.kafkaPassword("lethe_audit")).contains("audit's");
        assertThat(secrets.kafkaPassword("lethe_server")).contains("shared");
        assertThat(Secrets.kafkaPasswordOf("lethe_retention"))
                .isEqualTo("LETHE_KAFKA_PASSWORD_LETHE_RETENTION");

        // the local stack: each user's file, and the shared user's file
        Path secretsDir = Files.createDirectories(data.resolve("secrets"));
        Files.writeString(secretsDir.resolve("kafka-lethe_discovery-password"), "discovery's\n");
        Files.writeString(secretsDir.resolve("kafka-password"), "lethe's");
        String before = System.getProperty("lethe.data");
        System.setProperty("lethe.data", data.toString());
        try {
            Secrets local = new Secrets(Map.of());
            assertThat(local.kafkaPassword("lethe_discovery")).contains("discovery's");
            assertThat(local.kafkaPassword("lethe_server")).contains("lethe's");
        } finally {
            if (before == null) {
                System.clearProperty("lethe.data");
            } else {
                System.setProperty("lethe.data", before);
            }
        }
    }
}
