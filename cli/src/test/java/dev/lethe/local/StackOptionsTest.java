package dev.lethe.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class StackOptionsTest {

    @TempDir Path dataDir;

    private StackSettings resolve(Map<String, String> env, String... args) {
        StackOptions o = new StackOptions();
        new CommandLine(o).parseArgs(args);
        return o.resolve(env);
    }

    @Test
    void defaultsRunEverythingLocally() {
        StackSettings s = resolve(Map.of(), "--data-dir", dataDir.toString());
        assertThat(s.postgresJdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:15432/helpdesk");
        assertThat(s.kafkaBootstrap()).isEqualTo("127.0.0.1:19092");
        assertThat(s.connectUrl()).hasToString("http://127.0.0.1:18083");
        assertThat(s.elasticsearchUrl()).hasToString("http://127.0.0.1:19200");
        assertThat(s.flinkUrl()).hasToString("http://127.0.0.1:18081");
        assertThat(s.managesPostgres() && s.managesKafka() && s.managesConnect()).isTrue();
        assertThat(s.elasticsearchDir().toString()).startsWith("/var/tmp/lethe-es-");
        // a helpdesk of 100k contacts is a million records: their keyed state outgrows the heap
        assertThat(s.flinkStateBackend()).isEqualTo("rocksdb");
    }

    @Test
    void aDataDirectoryWhoseJobsHaveHeapCheckpointsKeepsTheHeapBackendUnlessTold()
            throws Exception {
        Path metadata = dataDir.resolve("flink/checkpoints/lethe-audit/chk-3/_metadata");
        java.nio.file.Files.createDirectories(metadata.getParent());
        java.nio.file.Files.writeString(metadata, "x");
        assertThat(resolve(Map.of(), "--data-dir", dataDir.toString()).flinkStateBackend())
                .isEqualTo("hashmap");
        LocalStateBackend.record(dataDir.resolve("flink"), "rocksdb");
        assertThat(resolve(Map.of(), "--data-dir", dataDir.toString()).flinkStateBackend())
                .isEqualTo("rocksdb");
    }

    @Test
    void theSettingsNeverPrintAPassword() {
        StackSettings s =
                resolve(
                        Map.of(
                                "LETHE_POSTGRES_PASSWORD", "pg-secret-1",
                                "LETHE_KAFKA_PASSWORD", "kafka-secret-2",
                                "LETHE_ELASTICSEARCH_PASSWORD", "es-secret-3"),
                        "--data-dir",
                        dataDir.toString());
        assertThat(s.toString())
                .doesNotContain("pg-secret-1", "kafka-secret-2", "es-secret-3")
                .contains("postgresPassword=<hidden>", "postgresPort=15432");
    }

    @Test
    void theStateBackendComesFromTheFlagTheEnvironmentOrWhatTheStackRecorded() throws Exception {
        assertThat(
                        resolve(
                                        Map.of("LETHE_STATE_BACKEND", "hashmap"),
                                        "--data-dir",
                                        dataDir.toString(),
                                        "--state-backend",
                                        "rocksdb")
                                .flinkStateBackend())
                .isEqualTo("rocksdb");
        assertThat(
                        resolve(
                                        Map.of("LETHE_STATE_BACKEND", "rocksdb"),
                                        "--data-dir",
                                        dataDir.toString())
                                .flinkStateBackend())
                .isEqualTo("rocksdb");
        java.nio.file.Files.writeString(
                dataDir.resolve("stack.json"),
                "{\"settings\":{\"flinkStateBackend\":\"rocksdb\"}}");
        assertThat(resolve(Map.of(), "--data-dir", dataDir.toString()).flinkStateBackend())
                .isEqualTo("rocksdb");
        assertThatThrownBy(
                        () ->
                                resolve(
                                        Map.of(),
                                        "--data-dir",
                                        dataDir.toString(),
                                        "--state-backend",
                                        "memory"))
                .hasMessage("--state-backend must be one of hashmap, rocksdb, got 'memory'");
    }

    @Test
    void theJitModeComesFromTheFlagTheEnvironmentOrWhatTheStackRecordedInAnyCase()
            throws Exception {
        assertThat(resolve(Map.of(), "--data-dir", dataDir.toString()).jit())
                .as("unless told, the mode for this machine's processors")
                .isEqualTo(JitMode.forProcessors(Runtime.getRuntime().availableProcessors()));
        assertThat(
                        resolve(
                                        Map.of("LETHE_JIT", "startup"),
                                        "--data-dir",
                                        dataDir.toString(),
                                        "--jit",
                                        "THROUGHPUT")
                                .jit())
                .isEqualTo(JitMode.THROUGHPUT);
        assertThat(resolve(Map.of("LETHE_JIT", "Startup"), "--data-dir", dataDir.toString()).jit())
                .isEqualTo(JitMode.STARTUP);
        java.nio.file.Files.writeString(
                dataDir.resolve("stack.json"), "{\"settings\":{\"jit\":\"throughput\"}}");
        assertThat(resolve(Map.of(), "--data-dir", dataDir.toString()).jit())
                .as("a stack started in a mode keeps it")
                .isEqualTo(JitMode.THROUGHPUT);
        assertThatThrownBy(() -> resolve(Map.of(), "--data-dir", dataDir.toString(), "--jit", "c2"))
                .hasMessage("--jit must be one of startup, throughput, got 'c2'");
    }

    @Test
    void smallMachinesCompileWithC1AloneAndBiggerOnesWithTheJvmDefault() {
        assertThat(JitMode.forProcessors(2)).isEqualTo(JitMode.STARTUP);
        assertThat(JitMode.forProcessors(4)).isEqualTo(JitMode.STARTUP);
        assertThat(JitMode.forProcessors(5)).isEqualTo(JitMode.THROUGHPUT);
        assertThat(JitMode.STARTUP.jvmOptions()).containsExactly("-XX:TieredStopAtLevel=1");
        assertThat(JitMode.THROUGHPUT.jvmOptions()).isEmpty();
    }

    /** The retention policy resolved with {@code env}, the data directory and {@code more}. */
    private java.util.Optional<Path> policyOf(Map<String, String> env, String... more) {
        String[] args = new String[more.length + 2];
        args[0] = "--data-dir";
        args[1] = dataDir.toString();
        System.arraycopy(more, 0, args, 2, more.length);
        return resolve(env, args).retentionPolicy();
    }

    @Test
    void theRetentionPolicyIsAReadableFileGivenByFlagEnvironmentOrWhatTheStackRecorded()
            throws Exception {
        assertThat(policyOf(Map.of())).as("the shipped policy unless told").isEmpty();
        Path policy = java.nio.file.Files.writeString(dataDir.resolve("policy.yaml"), "version: 1");
        Path absolute = policy.toAbsolutePath();
        assertThat(policyOf(Map.of(), "--retention-policy", policy.toString())).contains(absolute);
        assertThat(policyOf(Map.of("LETHE_RETENTION_POLICY", policy.toString())))
                .contains(absolute);
        java.nio.file.Files.writeString(
                dataDir.resolve("stack.json"),
                "{\"settings\":{\"retentionPolicy\":\"" + policy + "\"}}");
        assertThat(policyOf(Map.of()))
                .as("a stack started with a policy keeps it")
                .contains(absolute);
        assertThatThrownBy(() -> policyOf(Map.of(), "--retention-policy", "no-such-policy.yaml"))
                .hasMessageStartingWith(
                        "--retention-policy no-such-policy.yaml is not a readable file");
    }

    @Test
    void flagsWinOverEnvironment() {
        StackSettings s =
                resolve(
                        Map.of("LETHE_KAFKA_BOOTSTRAP", "env-broker:9092"),
                        "--data-dir",
                        dataDir.toString(),
                        "--kafka-bootstrap",
                        "flag-broker:9092");
        assertThat(s.kafkaBootstrap()).isEqualTo("flag-broker:9092");
        assertThat(s.managesKafka()).isFalse();
    }

    @Test
    void externalModeTakesEveryAddressFromTheEnvironment() {
        StackSettings s =
                resolve(
                        Map.of(
                                "LETHE_DATA_DIR", dataDir.toString(),
                                "LETHE_POSTGRES_URL", "jdbc:postgresql://db:5432/helpdesk",
                                "LETHE_POSTGRES_PASSWORD", "s3cret",
                                "LETHE_CONNECT_URL", "http://connect:8083",
                                "LETHE_ELASTICSEARCH_URL", "https://es:9200",
                                "LETHE_FLINK_URL", "http://jobmanager:8081"));
        assertThat(s.dataDir()).isEqualTo(dataDir);
        assertThat(s.postgresJdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/helpdesk");
        assertThat(s.postgresPassword()).isEqualTo("s3cret");
        assertThat(s.connectUrl()).hasToString("http://connect:8083");
        assertThat(s.elasticsearchUrl()).hasToString("https://es:9200");
        assertThat(s.flinkUrl()).hasToString("http://jobmanager:8081");
        assertThat(s.managesPostgres() || s.managesConnect() || s.managesFlink()).isFalse();
    }

    @Test
    void localPasswordsComeFromTheSecretsDirectoryUnlessGiven() throws Exception {
        StackSettings before = resolve(Map.of(), "--data-dir", dataDir.toString());
        // nothing generated yet: up makes them
        assertThat(before.postgresPassword()).isEmpty();
        assertThat(before.kafkaPassword()).isEmpty();
        assertThat(before.kafkaUser()).isEqualTo("lethe");

        java.nio.file.Path secrets =
                java.nio.file.Files.createDirectories(dataDir.resolve("secrets"));
        java.nio.file.Files.writeString(secrets.resolve("postgres-password"), "pg-generated\n");
        java.nio.file.Files.writeString(secrets.resolve("kafka-password"), "kafka-generated\n");
        StackSettings after = resolve(Map.of(), "--data-dir", dataDir.toString());
        assertThat(after.postgresPassword()).isEqualTo("pg-generated");
        assertThat(after.kafkaPassword()).contains("kafka-generated");
        assertThat(after.kafkaClient().getProperty("sasl.jaas.config"))
                .contains("username=\"lethe\"")
                .contains("password=\"kafka-generated\"");

        StackSettings given =
                resolve(
                        Map.of("LETHE_KAFKA_PASSWORD", "from-env"),
                        "--data-dir",
                        dataDir.toString(),
                        "--postgres-password",
                        "from-flag");
        assertThat(given.postgresPassword()).isEqualTo("from-flag");
        assertThat(given.kafkaPassword()).contains("from-env");
    }

    @Test
    void externalKafkaWithoutPasswordIsPlain() {
        StackSettings s =
                resolve(
                        Map.of(),
                        "--data-dir",
                        dataDir.toString(),
                        "--kafka-bootstrap",
                        "broker:9092",
                        "--postgres-url",
                        "jdbc:postgresql://db:5432/helpdesk");
        assertThat(s.kafkaClient()).containsOnlyKeys("bootstrap.servers");
        assertThat(s.postgresPassword()).isEqualTo("postgres");
    }

    @Test
    void badValuesSayWhatToFix() {
        assertThatThrownBy(
                        () ->
                                resolve(
                                        Map.of(),
                                        "--data-dir",
                                        dataDir.toString(),
                                        "--kafka-port",
                                        "70000"))
                .hasMessageContaining("--kafka-port must be a TCP port between 1 and 65535");
        assertThatThrownBy(
                        () ->
                                resolve(
                                        Map.of(),
                                        "--data-dir",
                                        dataDir.toString(),
                                        "--kafka-heap",
                                        "lots"))
                .hasMessageContaining("--kafka-heap must be a JVM heap size like 512m");
        assertThatThrownBy(
                        () ->
                                resolve(
                                        Map.of(),
                                        "--data-dir",
                                        dataDir.toString(),
                                        "--connect-url",
                                        "connect:8083"))
                .hasMessageContaining("--connect-url must be an http(s) URL");
        assertThatThrownBy(
                        () ->
                                resolve(
                                        Map.of(),
                                        "--data-dir",
                                        dataDir.toString(),
                                        "--postgres-url",
                                        "mysql://db/helpdesk"))
                .hasMessageContaining("--postgres-url must be a PostgreSQL JDBC URL");
    }

    @Test
    void oneKafkaBrokerUnlessToldAndTheNumberIsRecordedLikeTheOtherSettings() throws Exception {
        assertThat(resolve(Map.of(), "--data-dir", dataDir.toString()).kafkaBrokers()).isEqualTo(1);
        StackSettings three =
                resolve(
                        Map.of(),
                        "--data-dir",
                        dataDir.toString(),
                        "--kafka-brokers",
                        "3",
                        "--kafka-port",
                        "29092",
                        "--kafka-controller-port",
                        "29093");
        assertThat(three.kafkaBrokers()).isEqualTo(3);
        // every client bootstraps from every broker
        assertThat(three.kafkaBootstrap())
                .isEqualTo("127.0.0.1:29092,127.0.0.1:29094,127.0.0.1:29096");
        assertThat(three.kafkaClient().getProperty("bootstrap.servers"))
                .isEqualTo(three.kafkaBootstrap());
        java.nio.file.Files.writeString(
                dataDir.resolve("stack.json"), "{\"settings\":{\"kafkaBrokers\":3}}");
        // status, down, the supervisor and a later up on the same data directory see it
        assertThat(resolve(Map.of(), "--data-dir", dataDir.toString()).kafkaBrokers()).isEqualTo(3);
        assertThat(
                        resolve(Map.of(), "--data-dir", dataDir.toString(), "--kafka-brokers", "1")
                                .kafkaBrokers())
                .isEqualTo(1);
    }

    @Test
    void twoKafkaBrokersOrClashingPortsStopWithAMessage() {
        assertThatThrownBy(
                        () ->
                                resolve(
                                        Map.of(),
                                        "--data-dir",
                                        dataDir.toString(),
                                        "--kafka-brokers",
                                        "2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--kafka-brokers must be 1")
                .hasMessageContaining("use 3");
        assertThatThrownBy(
                        () ->
                                resolve(
                                        Map.of(),
                                        "--data-dir",
                                        dataDir.toString(),
                                        "--kafka-brokers",
                                        "3",
                                        "--kafka-controller-port",
                                        "19094"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port 19094 would serve twice");
        // an external Kafka: no local brokers, no local ports
        assertThat(
                        resolve(
                                        Map.of(),
                                        "--data-dir",
                                        dataDir.toString(),
                                        "--kafka-bootstrap",
                                        "k1:9092,k2:9092",
                                        "--kafka-controller-port",
                                        "19092")
                                .kafkaBootstrap())
                .isEqualTo("k1:9092,k2:9092");
    }

    /**
     * What {@code stack.json} records resolves back into the same settings: the supervisor and
     * every later command run the stack {@code up} started, proxies of a benchmark included, until
     * {@link LocalStack#forgetRecorded} drops them.
     */
    @Test
    void theRecordedSettingsResolveBackIntoTheSameStack() throws Exception {
        Path policy = java.nio.file.Files.writeString(dataDir.resolve("policy.yaml"), "version: 1");
        StackOptions o = new StackOptions();
        new CommandLine(o)
                .parseArgs(
                        "--data-dir",
                        dataDir.toString(),
                        "--kafka-port",
                        "29092",
                        "--kafka-controller-port",
                        "29093",
                        "--flink-heap",
                        "2g",
                        "--state-backend",
                        "hashmap",
                        "--jit",
                        "throughput",
                        "--retention-policy",
                        policy.toString(),
                        "--jobs-elasticsearch-url",
                        "http://127.0.0.1:41234");
        o.useConnectKafkaListener(29500, 29600);
        StackSettings started = o.resolve(Map.of());
        com.fasterxml.jackson.databind.node.ObjectNode state =
                new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        state.set("settings", LocalStack.recordedSettings(started));
        java.nio.file.Files.writeString(dataDir.resolve("stack.json"), state.toString());

        StackSettings later = resolve(Map.of(), "--data-dir", dataDir.toString());
        assertThat(later).isEqualTo(started);
        assertThat(later.connectKafkaBootstrap()).isEqualTo("127.0.0.1:29600");

        LocalStack.forgetRecorded(
                later,
                "jobsElasticsearchUrl",
                "connectKafkaListenerPort",
                "connectKafkaAdvertisedPort");
        StackSettings afterBench = resolve(Map.of(), "--data-dir", dataDir.toString());
        assertThat(afterBench.connectKafkaBootstrap()).isEqualTo("127.0.0.1:29092");
        assertThat(afterBench.jobsElasticsearchUrl()).isEqualTo(afterBench.elasticsearchUrl());
        assertThat(afterBench.kafkaPort()).isEqualTo(29092); // the rest stays
    }
}
