package dev.lethe.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.jobs.config.Secrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What each component signs in to Kafka as: {@link StackSettings#as} and the secrets behind it. */
class StackSettingsTest {

    @TempDir Path dataDir;

    @AfterEach
    void clear() {
        System.clearProperty(Secrets.KAFKA_USER);
        System.clearProperty(Secrets.KAFKA_PASSWORD);
        for (ComponentRole role : ComponentRole.values()) {
            System.clearProperty(Secrets.kafkaPasswordOf(role.user()));
            System.clearProperty(Secrets.postgresPasswordOf(role.user()));
        }
    }

    private StackSettings resolve(Map<String, String> env, String... args) {
        StackOptions o = new StackOptions();
        new CommandLine(o).parseArgs(args);
        return o.resolve(env);
    }

    /** A local stack after its first {@code up}: Lethe's own Kafka password is there. */
    private StackSettings local() throws Exception {
        Path secrets = Files.createDirectories(dataDir.resolve("secrets"));
        Files.writeString(secrets.resolve("kafka-password"), "lethe's\n");
        return resolve(Map.of(), "--data-dir", dataDir.toString());
    }

    @Test
    void asAComponentTheLocalStackSignsInToKafkaAsThatComponentsOwnUser() throws Exception {
        StackSettings s = local();
        assertThat(s.kafkaUser()).isEqualTo("lethe");

        StackSettings audit = s.as(ComponentRole.AUDIT);
        Path file = dataDir.resolve("secrets/kafka-lethe_audit-password");
        String auditPassword = Files.readString(file).trim();
        assertThat(audit.kafkaUser()).isEqualTo("lethe_audit");
        assertThat(audit.kafkaPassword()).contains(auditPassword);
        assertThat(auditPassword).isNotBlank().isNotEqualTo("lethe's");
        assertThat(Files.getPosixFilePermissions(file))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(audit.kafkaClient().getProperty("sasl.jaas.config"))
                .contains("username=\"lethe_audit\"")
                .contains("password=\"" + auditPassword + "\"");
        // the same component in every store
        assertThat(audit.postgresUser()).isEqualTo("lethe_audit");
        assertThat(audit.elasticsearchUser()).isEqualTo("lethe_audit");

        StackSettings server = s.as(ComponentRole.SERVER);
        assertThat(server.kafkaUser()).isEqualTo("lethe_server");
        assertThat(server.kafkaPassword())
                .contains(
                        Files.readString(dataDir.resolve("secrets/kafka-lethe_server-password"))
                                .trim())
                .isNotEqualTo(audit.kafkaPassword());
        // made once: asking again gives the same password
        assertThat(s.as(ComponentRole.AUDIT).kafkaPassword()).contains(auditPassword);
        // the stack's own settings are left as they were
        assertThat(s.kafkaClient().getProperty("sasl.jaas.config"))
                .contains("username=\"lethe\"")
                .contains("password=\"lethe's\"");
    }

    @Test
    void aComponentsPasswordGivenInTheEnvironmentIsUsedAndNotWritten() throws Exception {
        StackSettings s = local();
        assertThat(
                        s.kafkaPasswordOf(
                                ComponentRole.RETENTION,
                                Map.of("LETHE_KAFKA_PASSWORD_LETHE_RETENTION", "given")))
                .contains("given");
        assertThat(dataDir.resolve("secrets/kafka-lethe_retention-password")).doesNotExist();
        assertThat(s.kafkaPasswordOf(ComponentRole.RETENTION, Map.of()))
                .isNotEqualTo(java.util.Optional.of("given"));
        assertThat(dataDir.resolve("secrets/kafka-lethe_retention-password")).exists();
    }

    @Test
    void captureKeepsItsPasswordFile() throws Exception {
        StackSettings s = local();
        String capture = s.captureKafkaPassword();
        assertThat(Files.readString(dataDir.resolve("secrets/kafka-lethe_capture-password")).trim())
                .isEqualTo(capture);
        assertThat(s.captureKafkaClient().getProperty("sasl.jaas.config"))
                .contains("username=\"lethe_capture\"");
    }

    @Test
    void onAKafkaLetheDoesNotManageEveryComponentUsesTheConfiguredUser() {
        StackSettings s =
                resolve(
                        Map.of("LETHE_KAFKA_USER", "ops", "LETHE_KAFKA_PASSWORD", "ops-secret"),
                        "--data-dir",
                        dataDir.toString(),
                        "--kafka-bootstrap",
                        "broker:9092");
        for (ComponentRole role : ComponentRole.values()) {
            StackSettings as = s.as(role);
            assertThat(as.kafkaUser()).isEqualTo("ops");
            assertThat(as.kafkaPassword()).contains("ops-secret");
        }
        // no Kafka user of a component's own is made for it (PostgreSQL's still are: it is local)
        for (ComponentRole role : ComponentRole.values()) {
            assertThat(dataDir.resolve("secrets").resolve(Secrets.kafkaPasswordFile(role.user())))
                    .doesNotExist();
        }
    }

    @Test
    void publishingMakesEachComponentsKafkaPasswordASecretOfThisProcess() throws Exception {
        StackSettings s = local().publishSecrets();
        assertThat(System.getProperty(Secrets.KAFKA_USER)).isEqualTo("lethe");
        assertThat(System.getProperty(Secrets.KAFKA_PASSWORD)).isEqualTo("lethe's");
        for (ComponentRole role : StackSettings.KAFKA_COMPONENTS) {
            assertThat(System.getProperty(Secrets.kafkaPasswordOf(role.user())))
                    .as(role.user())
                    .isEqualTo(s.as(role).kafkaPassword().orElseThrow());
        }
        // what a job's clients then resolve for its own user
        assertThat(Secrets.ofProcess().kafkaPassword("lethe_discovery"))
                .isEqualTo(s.as(ComponentRole.DISCOVERY).kafkaPassword());
    }

    @Test
    void anEmptyDataDirectoryGetsNoKafkaPasswordsFromACommand() {
        resolve(Map.of(), "--data-dir", dataDir.toString()).publishSecrets();
        assertThat(System.getProperty(Secrets.kafkaPasswordOf("lethe_audit"))).isNull();
        assertThat(dataDir.resolve("secrets")).doesNotExist();
    }

    @Test
    void theStackSubmitsEachJobAsItsOwnKafkaUser() throws Exception {
        LetheJobs jobs = new LetheJobs(local(), System.out);
        assertThat(jobs.jobSettings("lethe-audit").kafkaUser()).isEqualTo("lethe_audit");
        assertThat(jobs.jobSettings("lethe-retention").kafkaUser()).isEqualTo("lethe_retention");
        assertThat(jobs.jobSettings("lethe-discovery").kafkaUser()).isEqualTo("lethe_discovery");
        StackSettings external =
                resolve(
                        Map.of("LETHE_KAFKA_USER", "ops"),
                        "--data-dir",
                        dataDir.toString(),
                        "--kafka-bootstrap",
                        "broker:9092");
        // as before: the process's LETHE_KAFKA_USER
        assertThat(new LetheJobs(external, System.out).jobSettings("lethe-audit").kafkaUser())
                .isEmpty();
    }
}
