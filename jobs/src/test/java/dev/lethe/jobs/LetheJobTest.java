package dev.lethe.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.retention.RetentionSettings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

class LetheJobTest {

    private static final LetheJob.Deployment DEPLOYMENT =
            new LetheJob.Deployment(
                    "broker:9092",
                    "lethe_x",
                    URI.create("https://es:9200"),
                    "es_user",
                    "jdbc:postgresql://db:5432/helpdesk",
                    "pg_user",
                    "/config/catalog.yaml",
                    "/config/policy.yaml");

    @Test
    void aDeploymentsArgumentsParseBackIntoItsValuesForEveryJob() {
        for (LetheJob job : LetheJob.values()) {
            List<String> args = job.arguments(DEPLOYMENT);
            JobSettings s = job.settings(args);
            assertThat(s.kafkaBootstrap()).isEqualTo("broker:9092");
            assertThat(s.kafkaUser()).isEqualTo("lethe_x");
            assertThat(s.elasticsearchUrl()).isEqualTo(URI.create("https://es:9200"));
            assertThat(s.elasticsearchUser()).isEqualTo("es_user");
            assertThat(s.postgresJdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/helpdesk");
            assertThat(s.postgresUser()).isEqualTo("pg_user");
            assertThat(s.catalogPath()).isEqualTo("/config/catalog.yaml");
            assertThat(s.jobName()).isEqualTo(job.jobName());
        }
        assertThat(LetheJob.RETENTION.retentionSettings(LetheJob.RETENTION.arguments(DEPLOYMENT)))
                .isEqualTo(RetentionSettings.defaults().withPolicyPath("/config/policy.yaml"));
        assertThat(LetheJob.AUDIT.arguments(DEPLOYMENT)).doesNotContain("--retention-policy");
    }

    @Test
    void eachJobTakesTheSharedOptionsAndItsOwnOnly() {
        List<String> base = LetheJob.DISCOVERY.arguments(DEPLOYMENT);
        assertThat(
                        LetheJob.AUDIT
                                .settings(plus(base, "--audit-checkpoint-every", "5"))
                                .auditCheckpointEvery())
                .isEqualTo(5);
        assertThatThrownBy(() -> LetheJob.DISCOVERY.settings(plus(base, "--audit-topic", "a")))
                .hasMessageContaining("--audit-topic is not an option of this job")
                .hasMessageContaining("--kafka-bootstrap <value>");
        assertThatThrownBy(
                        () -> LetheJob.AUDIT.settings(plus(base, "--retention-policy", "p.yaml")))
                .hasMessageContaining("--retention-policy is not an option of this job");
        RetentionSettings r =
                LetheJob.RETENTION.retentionSettings(
                        plus(
                                base,
                                "--retention-policy",
                                "p.yaml",
                                "--retry-interval",
                                "2s",
                                "--relay-interval",
                                "PT0.5S",
                                "--receipt-topic",
                                "receipts"));
        assertThat(r)
                .isEqualTo(
                        new RetentionSettings(
                                "p.yaml",
                                Duration.ofSeconds(2),
                                Duration.ofMillis(500),
                                "receipts"));
        assertThat(LetheJob.RETENTION.options().usage())
                .contains("--retention-policy", "--retry-interval", "--kafka-bootstrap")
                .doesNotContain("--audit-topic");
    }

    @Test
    void theJobNameDefaultsPerJobAndCanBeSet() {
        List<String> base = LetheJob.DISCOVERY.arguments(DEPLOYMENT);
        assertThat(LetheJob.AUDIT.settings(base).jobName()).isEqualTo("lethe-audit");
        assertThat(LetheJob.DISCOVERY.settings(base).jobName()).isEqualTo("lethe-discovery");
        assertThat(LetheJob.RETENTION.settings(base).jobName()).isEqualTo("lethe-retention");
        assertThat(LetheJob.RETENTION.settings(plus(base, "--job-name", "r2")).jobName())
                .isEqualTo("r2");
        assertThat(LetheJob.named("lethe-retention")).isEqualTo(LetheJob.RETENTION);
    }

    @Test
    void aBadArgumentStopsTheSubmissionBeforeAnythingIsPrepared() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        assertThatThrownBy(
                        () ->
                                LetheJob.RETENTION.submit(
                                        env,
                                        plus(
                                                LetheJob.RETENTION.arguments(DEPLOYMENT),
                                                "--retry-interval",
                                                "never",
                                                "--checkpoint-interval",
                                                "0s")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--retry-interval must be a duration")
                .hasMessageContaining("--checkpoint-interval must be positive");
    }

    @Test
    void onlyADetachedSubmissionReturnsWithoutWaiting() {
        Configuration detached = new Configuration();
        detached.set(DeploymentOptions.ATTACHED, false);
        assertThat(LetheJob.attached(new StreamExecutionEnvironment(detached))).isFalse();
        Configuration attached = new Configuration();
        attached.set(DeploymentOptions.ATTACHED, true);
        assertThat(LetheJob.attached(new StreamExecutionEnvironment(attached))).isTrue();
        assertThat(LetheJob.attached(new StreamExecutionEnvironment(new Configuration())))
                .as("not said: waits, as a plain java run must")
                .isTrue();
    }

    /**
     * docker/'s submit-jobs runs {@code flink run -c <main class>} per job: it submits every job,
     * each with exactly the options a deployment sets ({@link LetheJob#arguments}, what {@code
     * ./lethe up} passes), and its arguments parse.
     */
    @Test
    void dockersSubmitStepPassesEachJobTheOptionsOfADeployment() throws Exception {
        Path compose = Path.of("..", "docker", "docker-compose.yml");
        JsonNode submit =
                new ObjectMapper(new YAMLFactory())
                        .readTree(Files.readString(compose))
                        .path("services")
                        .path("submit-jobs");
        Map<String, String> env = new LinkedHashMap<>();
        submit.path("environment").fields().forEachRemaining(e -> env.put(e.getKey(), "v"));
        String script = submit.path("command").get(0).asText();

        Map<String, List<String>> byClass = new LinkedHashMap<>();
        for (String command : script.split(";")) {
            List<String> words = words(command.trim());
            if (words.size() < 2 || !words.get(0).equals("flink") || !words.get(1).equals("run")) {
                continue;
            }
            int c = words.indexOf("-c");
            List<String> args = new ArrayList<>();
            for (String w : words.subList(c + 3, words.size())) {
                if (w.startsWith("$$")) {
                    assertThat(env)
                            .as("%s is set in submit-jobs' environment", w)
                            .containsKey(w.substring(2));
                    args.add("value-of-" + w.substring(2));
                } else {
                    args.add(w);
                }
            }
            byClass.put(words.get(c + 1), args);
        }
        for (LetheJob job : LetheJob.values()) {
            assertThat(byClass).as("submit-jobs submits %s", job).containsKey(job.mainClass());
            List<String> args = byClass.get(job.mainClass());
            assertThat(names(args)).isEqualTo(names(job.arguments(DEPLOYMENT)));
            assertThat(job.settings(args).kafkaBootstrap()).isEqualTo("kafka:9092");
        }
        assertThat(byClass).hasSize(LetheJob.values().length);
    }

    private static List<String> names(List<String> args) {
        return IntStream.range(0, args.size())
                .filter(i -> i % 2 == 0)
                .mapToObj(args::get)
                .sorted()
                .toList();
    }

    /** Shell words: blanks separate, double quotes group (and are dropped). */
    private static List<String> words(String command) {
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (char ch : command.toCharArray()) {
            if (ch == '"') {
                quoted = !quoted;
                any = true;
            } else if (Character.isWhitespace(ch) && !quoted) {
                if (any) {
                    words.add(w.toString());
                }
                w.setLength(0);
                any = false;
            } else {
                w.append(ch);
                any = true;
            }
        }
        if (any) {
            words.add(w.toString());
        }
        return words;
    }

    private static List<String> plus(List<String> args, String... more) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of(more));
        return all;
    }
}
