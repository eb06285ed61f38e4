package dev.lethe.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JobSettingsTest {

    private static final String[] REQUIRED = {
        "--kafka-bootstrap", "broker:9092",
        "--elasticsearch-url", "http://es:9200",
        "--postgres-url", "jdbc:postgresql://db:5432/helpdesk"
    };

    @AfterEach
    void clear() {
        System.clearProperty(Secrets.KAFKA_PASSWORD);
        System.clearProperty(Secrets.KAFKA_USER);
        System.clearProperty(Secrets.kafkaPasswordOf("lethe_discovery"));
    }

    private static JobSettings parse(String... more) {
        String[] args = new String[REQUIRED.length + more.length];
        System.arraycopy(REQUIRED, 0, args, 0, REQUIRED.length);
        System.arraycopy(more, 0, args, REQUIRED.length, more.length);
        return JobSettings.parse(args);
    }

    @Test
    void withoutAKafkaUserTheJobSignsInAsTheProcesssUser() {
        System.setProperty(Secrets.KAFKA_PASSWORD, "shared");
        System.setProperty(Secrets.KAFKA_USER, "lethe");
        JobSettings s = parse();
        assertThat(s.kafkaUser()).isEmpty();
        assertThat(s.kafkaClient().getProperty("sasl.jaas.config"))
                .contains("username=\"lethe\"")
                .contains("${lethe:LETHE_KAFKA_PASSWORD}");
    }

    @Test
    void aKafkaUserOfItsOwnIsCarriedToEveryClientOfTheJob() {
        System.setProperty(Secrets.kafkaPasswordOf("lethe_discovery"), "discovery's");
        JobSettings s = parse("--kafka-user", "lethe_discovery");
        assertThat(s.kafkaUser()).isEqualTo("lethe_discovery");
        assertThat(s.withJobName("x").with(JobSettings.AUDIT_TOPIC, "a").kafkaUser())
                .isEqualTo("lethe_discovery");
        assertThat(s.kafkaClient().getProperty("sasl.jaas.config"))
                .contains("username=\"lethe_discovery\"")
                .contains("${lethe:lethe_discovery:LETHE_KAFKA_PASSWORD}")
                .doesNotContain("discovery's");
        assertThat(s.withKafkaUser("").kafkaUser()).isEmpty();
        assertThat(JobSettings.usage()).contains("--kafka-user");
    }

    @Test
    void withReplacesOneValueAndValidatesIt() {
        JobSettings s = parse();
        JobSettings changed = s.with(JobSettings.AUDIT_CHECKPOINT_EVERY, 7);
        assertThat(changed.auditCheckpointEvery()).isEqualTo(7);
        assertThat(changed.with(JobSettings.AUDIT_CHECKPOINT_EVERY, 1000)).isEqualTo(s);
        assertThat(s.withJobName("j").jobName()).isEqualTo("j");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> s.with(JobSettings.AUDIT_CHECKPOINT_EVERY, 0))
                .hasMessageContaining("--audit-checkpoint-every must be positive");
    }

    @Test
    void everyBadValueIsReportedAtOnce() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () ->
                                JobSettings.parse(
                                        new String[] {
                                            "--elasticsearch-url", "es:9200",
                                            "--postgres-url", "postgresql://db/helpdesk",
                                            "--idle-timeout", "0s"
                                        }))
                .hasMessageContaining("--kafka-bootstrap is required")
                .hasMessageContaining("--elasticsearch-url must be a URL")
                .hasMessageContaining("--postgres-url must be a JDBC URL")
                .hasMessageContaining("--idle-timeout must be positive");
    }

    @Test
    void theSettingsArgumentsParseBackIntoTheSameSettings() {
        JobSettings s =
                parse("--kafka-user", "u", "--catalog", "/c.yaml", "--checkpoint-interval", "3s");
        assertThat(JobSettings.parse(s.arguments(JobSettings.ALL_OPTIONS).toArray(String[]::new)))
                .isEqualTo(s);
    }
}
