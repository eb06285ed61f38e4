package dev.lethe.local;

import dev.lethe.jobs.config.Secrets;
import dev.lethe.jobs.kafka.KafkaClients;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * Where every part of Lethe's stack lives: the local data directory, the ports of the processes the
 * local stack starts, their heap sizes, and, in external mode, the addresses and credentials of
 * servers that already exist. A component given an external address is not started; it is only
 * checked.
 */
public record StackSettings(
        Path home,
        Path dataDir,
        Path elasticsearchDir,
        int postgresPort,
        int kafkaPort,
        int kafkaControllerPort,
        int kafkaBrokers,
        int connectPort,
        int elasticsearchPort,
        int elasticsearchTransportPort,
        int flinkPort,
        String kafkaHeap,
        String connectHeap,
        String elasticsearchHeap,
        String flinkHeap,
        String flinkStateBackend,
        JitMode jit,
        Optional<String> externalPostgresUrl,
        String postgresUser,
        String postgresPassword,
        Optional<String> externalKafkaBootstrap,
        String kafkaUser,
        Optional<String> kafkaPassword,
        Optional<URI> externalConnectUrl,
        Optional<URI> externalElasticsearchUrl,
        String elasticsearchUser,
        Optional<String> elasticsearchPassword,
        Optional<URI> externalFlinkUrl,
        String serverHost,
        int serverPort,
        Optional<Path> retentionPolicy,
        Optional<URI> elasticsearchUrlForJobs,
        Optional<KafkaNodes.ProxiedListener> connectKafkaListener) {

    /**
     * Every setting but the passwords, which show as {@code <hidden>} or {@code <none>}: these
     * settings end up in exception messages and logs.
     */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("StackSettings[");
        java.lang.reflect.RecordComponent[] components = getClass().getRecordComponents();
        for (int i = 0; i < components.length; i++) {
            java.lang.reflect.RecordComponent c = components[i];
            Object v;
            try {
                v = c.getAccessor().invoke(this);
            } catch (ReflectiveOperationException e) {
                v = "?";
            }
            if (c.getName().toLowerCase(java.util.Locale.ROOT).contains("password")) {
                boolean set =
                        v instanceof Optional<?> o
                                ? o.isPresent()
                                : v != null && !v.toString().isEmpty();
                v = set ? "<hidden>" : "<none>";
            }
            b.append(i == 0 ? "" : ", ").append(c.getName()).append('=').append(v);
        }
        return b.append(']').toString();
    }

    public static final String DATABASE = "helpdesk";
    public static final String CONNECTOR = "helpdesk";

    public String postgresJdbcUrl() {
        return externalPostgresUrl.orElse(
                "jdbc:postgresql://127.0.0.1:" + postgresPort + "/" + DATABASE);
    }

    /**
     * A data source on the helpdesk database as this stack's PostgreSQL user, named for its use.
     */
    public org.postgresql.ds.PGSimpleDataSource postgresDataSource(String applicationName) {
        org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
        ds.setUrl(postgresJdbcUrl());
        ds.setUser(postgresUser);
        ds.setPassword(postgresPassword);
        ds.setApplicationName(applicationName);
        ds.setConnectTimeout(5);
        return ds;
    }

    /** Every broker: the local cluster's ({@link #kafkaNodes}), or the external bootstrap. */
    public String kafkaBootstrap() {
        return externalKafkaBootstrap.orElseGet(() -> kafkaNodes().bootstrap());
    }

    /**
     * Where the Connect worker bootstraps from: the local cluster's listener of Connect's own when
     * it has one ({@link KafkaNodes#connectBootstrap}), else {@link #kafkaBootstrap}.
     */
    public String connectKafkaBootstrap() {
        return externalKafkaBootstrap.orElseGet(() -> kafkaNodes().connectBootstrap());
    }

    /** The local Kafka cluster's nodes, their ports and replication ({@code --kafka-brokers}). */
    public KafkaNodes kafkaNodes() {
        return new KafkaNodes(kafkaBrokers, kafkaPort, kafkaControllerPort, connectKafkaListener);
    }

    public URI connectUrl() {
        return externalConnectUrl.orElse(URI.create("http://127.0.0.1:" + connectPort));
    }

    /**
     * The Connect REST resource {@code path} of Lethe's connector {@value #CONNECTOR}, e.g. {@code
     * status}, {@code config}, {@code pause}.
     */
    public URI connectorUrl(String path) {
        return connectUrl().resolve("/connectors/" + CONNECTOR + "/" + path);
    }

    public URI elasticsearchUrl() {
        return externalElasticsearchUrl.orElse(URI.create("http://127.0.0.1:" + elasticsearchPort));
    }

    /**
     * Where Lethe's jobs reach Elasticsearch ({@code --jobs-elasticsearch-url}): by default where
     * everything else does ({@link #elasticsearchUrl}); another address when the jobs run in
     * another network, or behind a proxy (the fault suite's stalled network).
     */
    public URI jobsElasticsearchUrl() {
        return elasticsearchUrlForJobs.orElseGet(this::elasticsearchUrl);
    }

    public URI flinkUrl() {
        return externalFlinkUrl.orElse(URI.create("http://127.0.0.1:" + flinkPort));
    }

    /** Where Lethe's server (the REST API and console) answers. */
    public URI serverUrl() {
        String host = serverHost.contains(":") ? "[" + serverHost + "]" : serverHost;
        String reach = "0.0.0.0".equals(serverHost) || "::".equals(serverHost) ? "127.0.0.1" : host;
        return URI.create("http://" + reach + ":" + serverPort);
    }

    /**
     * The connection properties of a Kafka client of this stack: bootstrap servers and, when the
     * stack has a Kafka password, SASL/SCRAM as {@link #kafkaUser}.
     */
    public Properties kafkaClient() {
        return KafkaClients.properties(kafkaBootstrap(), kafkaUser, kafkaPassword.orElse(null));
    }

    /**
     * Kafka client settings as the capture user, the only one the local broker lets write the raw
     * change topics (the Connect worker's; tests that play a forged or poison change event use it).
     * On a Kafka Lethe does not manage, {@link #kafkaClient}.
     */
    public Properties captureKafkaClient() {
        if (!managesKafka()) {
            return kafkaClient();
        }
        try {
            return KafkaClients.properties(
                    kafkaBootstrap(), ComponentRole.CAPTURE.user(), captureKafkaPassword());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * The local broker's password of the capture user (the Connect worker): {@code
     * LETHE_KAFKA_PASSWORD_LETHE_CAPTURE} when the environment gives it, else {@code
     * secrets/kafka-lethe_capture-password}, made on first use.
     */
    public String captureKafkaPassword() throws java.io.IOException {
        return localKafkaPassword(ComponentRole.CAPTURE, System.getenv());
    }

    /**
     * The Kafka user a component signs in as: on the local stack its own ({@code
     * dev.lethe.stack.KafkaAcls} grants it what it needs); on a Kafka Lethe does not manage, the
     * configured user.
     */
    public String kafkaUserOf(ComponentRole role) {
        return managesKafka() ? role.user() : kafkaUser;
    }

    /**
     * The password of {@link #kafkaUserOf}: on the local stack the component's own, {@code
     * LETHE_KAFKA_PASSWORD_<USER>} when the environment gives it, else generated into {@code
     * secrets/kafka-<user>-password}; else the configured password.
     */
    public Optional<String> kafkaPasswordOf(ComponentRole role) {
        return kafkaPasswordOf(role, System.getenv());
    }

    Optional<String> kafkaPasswordOf(ComponentRole role, java.util.Map<String, String> env) {
        if (!managesKafka()) {
            return kafkaPassword;
        }
        try {
            return Optional.of(localKafkaPassword(role, env));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(
                    "cannot read or create secrets/" + Secrets.kafkaPasswordFile(role.user()), e);
        }
    }

    /** A local component user's password: the one the environment gives, else its file. */
    private String localKafkaPassword(ComponentRole role, java.util.Map<String, String> env)
            throws java.io.IOException {
        String given = env.get(Secrets.kafkaPasswordOf(role.user()));
        if (given != null && !given.isBlank()) {
            return given;
        }
        return LocalSecrets.get(secretsDir(), Secrets.kafkaPasswordFile(role.user()), 18);
    }

    /**
     * Makes this stack's passwords the secrets of this process (system properties read by {@link
     * Secrets}), for the clients that Lethe's job code makes here: topic creation before a job
     * submission, jobs in a test's MiniCluster, the CLI's own Kafka clients. A password these
     * settings lack leaves the one already published (a command for an empty data directory does
     * not take the credentials from a stack this process works with).
     */
    public StackSettings publishSecrets() {
        elasticsearchPassword.ifPresent(
                pw -> System.setProperty(Secrets.ELASTICSEARCH_PASSWORD, pw));
        if (postgresPassword != null && !postgresPassword.isBlank()) {
            System.setProperty(Secrets.POSTGRES_PASSWORD, postgresPassword);
        }
        System.setProperty(Secrets.KAFKA_USER, kafkaUser);
        kafkaPassword.ifPresent(pw -> System.setProperty(Secrets.KAFKA_PASSWORD, pw));
        if (managesElasticsearch() && elasticsearchPassword.isPresent()) {
            for (ComponentRole role : ElasticsearchUsers.COMPONENTS) {
                System.setProperty(
                        Secrets.elasticsearchPasswordOf(role.user()),
                        elasticsearchPasswordOf(role).orElseThrow());
            }
        }
        if (managesPostgres() && postgresPassword != null && !postgresPassword.isBlank()) {
            for (ComponentRole role : ComponentRole.values()) {
                System.setProperty(
                        Secrets.postgresPasswordOf(role.user()), postgresPasswordOf(role));
            }
        }
        if (managesKafka() && kafkaPassword.isPresent()) {
            for (ComponentRole role : KAFKA_COMPONENTS) {
                System.setProperty(
                        Secrets.kafkaPasswordOf(role.user()), kafkaPasswordOf(role).orElseThrow());
            }
        }
        return this;
    }

    /**
     * The components whose code Lethe runs as a Kafka user of their own (capture is the Connect
     * worker's, {@link #captureKafkaPassword}).
     */
    public static final java.util.List<ComponentRole> KAFKA_COMPONENTS =
            java.util.List.of(
                    ComponentRole.AUDIT,
                    ComponentRole.RETENTION,
                    ComponentRole.DISCOVERY,
                    ComponentRole.SERVER);

    /** A copy with these passwords (those generated by the local stack). */
    public StackSettings withPasswords(
            String postgresPassword,
            Optional<String> kafkaPassword,
            Optional<String> elasticsearchPassword) {
        return with(
                postgresUser,
                postgresPassword,
                kafkaUser,
                kafkaPassword,
                elasticsearchUser,
                elasticsearchPassword);
    }

    /**
     * These settings as the component {@code role} signs in to the stores: its own users and
     * passwords in PostgreSQL, Kafka and Elasticsearch ({@link #postgresUserOf}, {@link
     * #kafkaUserOf}, {@link #elasticsearchUserOf}), so that code written for the stack's settings
     * ({@link #kafkaClient}, ...) runs with the component's rights only.
     */
    public StackSettings as(ComponentRole role) {
        return with(
                postgresUserOf(role),
                postgresPasswordOf(role),
                kafkaUserOf(role),
                kafkaPasswordOf(role),
                elasticsearchUserOf(role),
                elasticsearchPasswordOf(role));
    }

    private StackSettings with(
            String postgresUser,
            String postgresPassword,
            String kafkaUser,
            Optional<String> kafkaPassword,
            String elasticsearchUser,
            Optional<String> elasticsearchPassword) {
        return new StackSettings(
                home,
                dataDir,
                elasticsearchDir,
                postgresPort,
                kafkaPort,
                kafkaControllerPort,
                kafkaBrokers,
                connectPort,
                elasticsearchPort,
                elasticsearchTransportPort,
                flinkPort,
                kafkaHeap,
                connectHeap,
                elasticsearchHeap,
                flinkHeap,
                flinkStateBackend,
                jit,
                externalPostgresUrl,
                postgresUser,
                postgresPassword,
                externalKafkaBootstrap,
                kafkaUser,
                kafkaPassword,
                externalConnectUrl,
                externalElasticsearchUrl,
                elasticsearchUser,
                elasticsearchPassword,
                externalFlinkUrl,
                serverHost,
                serverPort,
                retentionPolicy,
                elasticsearchUrlForJobs,
                connectKafkaListener);
    }

    public boolean managesPostgres() {
        return externalPostgresUrl.isEmpty();
    }

    /**
     * The PostgreSQL user a component connects as: on the local stack its own role ({@link
     * PostgresRoles}); on a database Lethe does not manage, the configured user.
     */
    public String postgresUserOf(ComponentRole role) {
        return managesPostgres() ? role.user() : postgresUser;
    }

    /**
     * The Elasticsearch user a component signs in as: on the local stack its own ({@link
     * ElasticsearchUsers}); on an Elasticsearch Lethe does not manage, the configured user.
     */
    public String elasticsearchUserOf(ComponentRole role) {
        return managesElasticsearch() ? role.user() : elasticsearchUser;
    }

    /**
     * The password of {@link #elasticsearchUserOf}: the local stack's generated one for the
     * component, else the configured password.
     */
    public Optional<String> elasticsearchPasswordOf(ComponentRole role) {
        if (!managesElasticsearch()) {
            return elasticsearchPassword;
        }
        try {
            return Optional.of(
                    LocalSecrets.get(
                            secretsDir(), Secrets.elasticsearchPasswordFile(role.user()), 18));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(
                    "cannot read or create secrets/"
                            + Secrets.elasticsearchPasswordFile(role.user()),
                    e);
        }
    }

    /**
     * The password of {@link #postgresUserOf}: the local stack's generated one for its role, else
     * the configured password.
     */
    public String postgresPasswordOf(ComponentRole role) {
        if (!managesPostgres()) {
            return postgresPassword;
        }
        try {
            return LocalSecrets.get(secretsDir(), Secrets.postgresPasswordFile(role.user()), 18);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(
                    "cannot read or create secrets/" + Secrets.postgresPasswordFile(role.user()),
                    e);
        }
    }

    public boolean managesKafka() {
        return externalKafkaBootstrap.isEmpty();
    }

    public boolean managesConnect() {
        return externalConnectUrl.isEmpty();
    }

    public boolean managesElasticsearch() {
        return externalElasticsearchUrl.isEmpty();
    }

    public boolean managesFlink() {
        return externalFlinkUrl.isEmpty();
    }

    public Path logsDir() {
        return dataDir.resolve("logs");
    }

    public Path stateFile() {
        return dataDir.resolve("stack.json");
    }

    public Path secretsDir() {
        return dataDir.resolve("secrets");
    }
}
