package dev.lethe.jobs.config;

import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a Lethe job reads and writes, parsed from {@code --name value} arguments. This is the one
 * place that documents the options every job shares ({@link #SHARED_OPTIONS}) and the audit job's
 * own ({@link #AUDIT_OPTIONS}); a job's {@code main} takes the shared ones and its own ({@link
 * #options}), {@link #usage()} prints them all.
 *
 * <p>Holds no secrets: passwords are read on the TaskManager through {@link Secrets}.
 *
 * @param kafkaBootstrap Kafka bootstrap servers
 * @param kafkaUser the Kafka user the job's clients sign in as (SASL/SCRAM; password {@link
 *     Secrets#kafkaPassword(String)}: {@code LETHE_KAFKA_PASSWORD_<USER>}, else {@link
 *     Secrets#KAFKA_PASSWORD}); empty: {@link Secrets#KAFKA_USER} of the process that makes a
 *     client (see {@link dev.lethe.jobs.kafka.KafkaClients}). Topics the job needs are created
 *     before it is submitted, by the submitting process's user, not by this one
 * @param elasticsearchUrl Elasticsearch base URL
 * @param elasticsearchUser Elasticsearch user (basic auth; password from {@link
 *     Secrets#ELASTICSEARCH_PASSWORD})
 * @param postgresJdbcUrl JDBC URL of the helpdesk database (read-only lookups, key store)
 * @param postgresUser its user (password from {@link Secrets#POSTGRES_PASSWORD})
 * @param catalogPath the personal-data catalog file; empty = the one shipped with Lethe ({@link
 *     #catalogFile()})
 * @param rawTopicPrefix Debezium's topic prefix; raw topics are {@code <prefix>.public.<table>} and
 *     {@code <prefix>.message}
 * @param auditTopic the audit log of record
 * @param auditCheckpointTopic signed Merkle checkpoints over the audit log
 * @param deadLetterTopic inputs a job could not process
 * @param auditIndex the Elasticsearch index for browsing the audit log
 * @param checkpointInterval Flink checkpoint interval (exactly-once commits happen at checkpoints)
 * @param auditCheckpointEvery a signed audit checkpoint after this many entries ...
 * @param auditCheckpointInterval ... or after this long, whichever comes first
 * @param idleTimeout a source partition without records this long is considered caught up
 * @param jobName Flink job name
 */
public record JobSettings(
        String kafkaBootstrap,
        String kafkaUser,
        URI elasticsearchUrl,
        String elasticsearchUser,
        String postgresJdbcUrl,
        String postgresUser,
        String catalogPath,
        String rawTopicPrefix,
        String auditTopic,
        String auditCheckpointTopic,
        String deadLetterTopic,
        String auditIndex,
        Duration checkpointInterval,
        int auditCheckpointEvery,
        Duration auditCheckpointInterval,
        Duration idleTimeout,
        String jobName)
        implements Serializable {

    public static final String DEFAULT_RAW_TOPIC_PREFIX = "helpdesk";
    public static final String DEFAULT_AUDIT_TOPIC = "lethe.audit";
    public static final String DEFAULT_AUDIT_CHECKPOINT_TOPIC = "lethe.audit.checkpoints";
    public static final String DEFAULT_DEAD_LETTER_TOPIC = "lethe.deadletter";
    public static final String DEFAULT_AUDIT_INDEX = "lethe-audit";

    public static final JobOptions.Option<String> KAFKA_BOOTSTRAP =
            JobOptions.text(
                    "kafka-bootstrap",
                    null,
                    "Kafka bootstrap servers; SASL/SCRAM credentials from env LETHE_KAFKA_USER"
                            + " (default lethe) and LETHE_KAFKA_PASSWORD");
    public static final JobOptions.Option<String> KAFKA_USER =
            JobOptions.text(
                    "kafka-user",
                    "",
                    "Kafka user of the job's clients on the TaskManagers; password from env"
                            + " LETHE_KAFKA_PASSWORD_<USER>, else LETHE_KAFKA_PASSWORD (default:"
                            + " LETHE_KAFKA_USER)");
    public static final JobOptions.Option<URI> ELASTICSEARCH_URL =
            JobOptions.httpUrl("elasticsearch-url", null, "Elasticsearch URL");
    public static final JobOptions.Option<String> ELASTICSEARCH_USER =
            JobOptions.text(
                    "elasticsearch-user",
                    "elastic",
                    "Elasticsearch user; password from env LETHE_ELASTICSEARCH_PASSWORD");
    public static final JobOptions.Option<String> POSTGRES_URL =
            JobOptions.jdbcUrl("postgres-url", null, "JDBC URL of the helpdesk database");
    public static final JobOptions.Option<String> POSTGRES_USER =
            JobOptions.text(
                    "postgres-user",
                    "postgres",
                    "PostgreSQL user; password from env LETHE_POSTGRES_PASSWORD");
    public static final JobOptions.Option<String> CATALOG =
            JobOptions.text(
                    "catalog",
                    "",
                    "personal-data catalog file, readable where the job is submitted and on"
                            + " every TaskManager (default: the shipped one)");
    public static final JobOptions.Option<String> RAW_TOPIC_PREFIX =
            JobOptions.text("raw-topic-prefix", DEFAULT_RAW_TOPIC_PREFIX, "Debezium topic prefix");
    public static final JobOptions.Option<String> DEAD_LETTER_TOPIC =
            JobOptions.text("dead-letter-topic", DEFAULT_DEAD_LETTER_TOPIC, "dead letters");
    public static final JobOptions.Option<Duration> CHECKPOINT_INTERVAL =
            JobOptions.duration("checkpoint-interval", "10s", "Flink checkpoint interval");
    public static final JobOptions.Option<Duration> IDLE_TIMEOUT =
            JobOptions.duration(
                    "idle-timeout",
                    "5s",
                    "a source partition without records this long is caught up");
    public static final JobOptions.Option<String> JOB_NAME =
            JobOptions.text("job-name", "lethe-audit", "Flink job name and Kafka consumer group");

    public static final JobOptions.Option<String> AUDIT_TOPIC =
            JobOptions.text("audit-topic", DEFAULT_AUDIT_TOPIC, "the audit log of record");
    public static final JobOptions.Option<String> AUDIT_CHECKPOINT_TOPIC =
            JobOptions.text(
                    "audit-checkpoint-topic",
                    DEFAULT_AUDIT_CHECKPOINT_TOPIC,
                    "signed audit checkpoints");
    public static final JobOptions.Option<String> AUDIT_INDEX =
            JobOptions.text("audit-index", DEFAULT_AUDIT_INDEX, "Elasticsearch audit index");
    public static final JobOptions.Option<Integer> AUDIT_CHECKPOINT_EVERY =
            JobOptions.positive(
                    "audit-checkpoint-every",
                    "1000",
                    "signed audit checkpoint after this many entries");
    public static final JobOptions.Option<Duration> AUDIT_CHECKPOINT_INTERVAL =
            JobOptions.duration(
                    "audit-checkpoint-interval",
                    "60s",
                    "... or after this long (with new entries)");

    /** What every job takes: where it connects, the catalog, the raw topics, its name. */
    public static final List<JobOptions.Option<?>> SHARED_OPTIONS =
            List.of(
                    KAFKA_BOOTSTRAP,
                    KAFKA_USER,
                    ELASTICSEARCH_URL,
                    ELASTICSEARCH_USER,
                    POSTGRES_URL,
                    POSTGRES_USER,
                    CATALOG,
                    RAW_TOPIC_PREFIX,
                    DEAD_LETTER_TOPIC,
                    CHECKPOINT_INTERVAL,
                    IDLE_TIMEOUT,
                    JOB_NAME);

    /** The audit job's own: its log, tree heads and index. */
    public static final List<JobOptions.Option<?>> AUDIT_OPTIONS =
            List.of(
                    AUDIT_TOPIC,
                    AUDIT_CHECKPOINT_TOPIC,
                    AUDIT_INDEX,
                    AUDIT_CHECKPOINT_EVERY,
                    AUDIT_CHECKPOINT_INTERVAL);

    /** Every option of these settings. */
    public static final JobOptions ALL_OPTIONS = options("lethe-audit", AUDIT_OPTIONS);

    /** The helpdesk tables whose raw topics the jobs read. */
    public static final List<String> HELPDESK_TABLES =
            List.copyOf(dev.lethe.normalize.HelpdeskTables.COLUMNS.keySet());

    public JobSettings {
        Objects.requireNonNull(kafkaBootstrap, "kafkaBootstrap");
        Objects.requireNonNull(kafkaUser, "kafkaUser");
        Objects.requireNonNull(elasticsearchUrl, "elasticsearchUrl");
        Objects.requireNonNull(catalogPath, "catalogPath");
    }

    /**
     * Parses {@code --name value} arguments: every option of {@link #ALL_OPTIONS} (the job name
     * defaulting to {@code lethe-audit}). A job's {@code main} takes its own set ({@link
     * #options}).
     *
     * @throws IllegalArgumentException for unknown options, missing required ones, or values that
     *     do not parse: all of them at once, each named, then the usage
     */
    public static JobSettings parse(String[] args) {
        return from(ALL_OPTIONS.parse(args));
    }

    /** The settings of parsed options (an option the set does not take: its default). */
    public static JobSettings from(JobOptions.Values v) {
        return new JobSettings(
                v.get(KAFKA_BOOTSTRAP),
                v.get(KAFKA_USER),
                v.get(ELASTICSEARCH_URL),
                v.get(ELASTICSEARCH_USER),
                v.get(POSTGRES_URL),
                v.get(POSTGRES_USER),
                v.get(CATALOG),
                v.get(RAW_TOPIC_PREFIX),
                v.get(AUDIT_TOPIC),
                v.get(AUDIT_CHECKPOINT_TOPIC),
                v.get(DEAD_LETTER_TOPIC),
                v.get(AUDIT_INDEX),
                v.get(CHECKPOINT_INTERVAL),
                v.get(AUDIT_CHECKPOINT_EVERY),
                v.get(AUDIT_CHECKPOINT_INTERVAL),
                v.get(IDLE_TIMEOUT),
                v.get(JOB_NAME));
    }

    /**
     * A job's options: the shared ones ({@link #SHARED_OPTIONS}, the job name defaulting to {@code
     * jobName}) and the job's own.
     */
    public static JobOptions options(String jobName, List<JobOptions.Option<?>> own) {
        List<JobOptions.Option<?>> all = new ArrayList<>();
        for (JobOptions.Option<?> o : SHARED_OPTIONS) {
            all.add(o == JOB_NAME ? JOB_NAME.withDefault(jobName) : o);
        }
        all.addAll(own);
        return JobOptions.of(all);
    }

    /**
     * These settings as {@code --name value} arguments of the options {@code taken} takes: what
     * {@link #from}({@code taken.parse(...)}) reads back into these settings (for the options
     * taken).
     */
    public List<String> arguments(JobOptions taken) {
        return JobOptions.arguments(texts(), taken);
    }

    /** These settings with one option's value replaced (validated like a parsed one). */
    public <T> JobSettings with(JobOptions.Option<T> option, T value) {
        Map<String, String> texts = texts();
        texts.put(option.name(), String.valueOf(value));
        return from(
                ALL_OPTIONS.parse(JobOptions.arguments(texts, ALL_OPTIONS).toArray(String[]::new)));
    }

    /** Every option's value as text, by name. */
    public Map<String, String> texts() {
        Map<String, String> t = new LinkedHashMap<>();
        t.put(KAFKA_BOOTSTRAP.name(), kafkaBootstrap);
        t.put(KAFKA_USER.name(), kafkaUser);
        t.put(ELASTICSEARCH_URL.name(), elasticsearchUrl.toString());
        t.put(ELASTICSEARCH_USER.name(), elasticsearchUser);
        t.put(POSTGRES_URL.name(), postgresJdbcUrl);
        t.put(POSTGRES_USER.name(), postgresUser);
        t.put(CATALOG.name(), catalogPath);
        t.put(RAW_TOPIC_PREFIX.name(), rawTopicPrefix);
        t.put(AUDIT_TOPIC.name(), auditTopic);
        t.put(AUDIT_CHECKPOINT_TOPIC.name(), auditCheckpointTopic);
        t.put(DEAD_LETTER_TOPIC.name(), deadLetterTopic);
        t.put(AUDIT_INDEX.name(), auditIndex);
        t.put(CHECKPOINT_INTERVAL.name(), checkpointInterval.toString());
        t.put(AUDIT_CHECKPOINT_EVERY.name(), Integer.toString(auditCheckpointEvery));
        t.put(AUDIT_CHECKPOINT_INTERVAL.name(), auditCheckpointInterval.toString());
        t.put(IDLE_TIMEOUT.name(), idleTimeout.toString());
        t.put(JOB_NAME.name(), jobName);
        return t;
    }

    /** The defaults with the given addresses: what tests and the local stack start from. */
    public static JobSettings of(
            String kafkaBootstrap,
            URI elasticsearchUrl,
            String elasticsearchUser,
            String postgresJdbcUrl,
            String postgresUser) {
        return parse(
                new String[] {
                    "--kafka-bootstrap", kafkaBootstrap,
                    "--elasticsearch-url", elasticsearchUrl.toString(),
                    "--elasticsearch-user", elasticsearchUser,
                    "--postgres-url", postgresJdbcUrl,
                    "--postgres-user", postgresUser
                });
    }

    /** The operator's catalog file, or empty for the one shipped with Lethe. */
    public Optional<String> catalogFile() {
        return catalogPath.isBlank() ? Optional.empty() : Optional.of(catalogPath);
    }

    /** The raw topic of a helpdesk table: {@code <prefix>.public.<table>}. */
    public String rawTableTopic(String table) {
        return rawTopicPrefix + ".public." + table;
    }

    /** The topic of the transactions' {@code lethe.actor} messages: {@code <prefix>.message}. */
    public String actorTopic() {
        return rawTopicPrefix + ".message";
    }

    /** Debezium's transaction metadata (BEGIN/END per transaction, in commit order). */
    public String transactionTopic() {
        return rawTopicPrefix + ".transaction";
    }

    /** Every raw topic the audit job reads: the table topics and the actor topic. */
    public List<String> rawTopics() {
        List<String> topics = new ArrayList<>();
        HELPDESK_TABLES.forEach(t -> topics.add(rawTableTopic(t)));
        topics.add(actorTopic());
        return topics;
    }

    /**
     * These settings with the job's clients signing in to Kafka as {@code kafkaUser} (empty: as the
     * process's {@link Secrets#KAFKA_USER}).
     */
    public JobSettings withKafkaUser(String kafkaUser) {
        return with(KAFKA_USER, kafkaUser);
    }

    /**
     * The connection properties of the job's Kafka clients: as {@link #kafkaUser}, the password a
     * reference resolved where each client is made ({@link
     * dev.lethe.jobs.kafka.KafkaClients#forUser}).
     */
    public java.util.Properties kafkaClient() {
        return dev.lethe.jobs.kafka.KafkaClients.forUser(kafkaBootstrap, kafkaUser);
    }

    /** These settings under another Flink job name (and Kafka consumer group). */
    public JobSettings withJobName(String jobName) {
        return with(JOB_NAME, jobName);
    }

    /** Every option, one line each. */
    public static String usage() {
        return ALL_OPTIONS.usage();
    }
}
