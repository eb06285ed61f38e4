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
import org.apache.flink.util.ParameterTool;

/**
 * Where a Lethe job reads and writes, parsed from {@code --name value} arguments. This is the one
 * place that documents every option ({@link #OPTIONS}); {@link #usage()} prints them.
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

    /** Every option: name -> (default or null if required, description). */
    public static final Map<String, String[]> OPTIONS = options();

    public static final String DEFAULT_RAW_TOPIC_PREFIX = "helpdesk";
    public static final String DEFAULT_AUDIT_TOPIC = "lethe.audit";
    public static final String DEFAULT_AUDIT_CHECKPOINT_TOPIC = "lethe.audit.checkpoints";
    public static final String DEFAULT_DEAD_LETTER_TOPIC = "lethe.deadletter";
    public static final String DEFAULT_AUDIT_INDEX = "lethe-audit";

    /** The helpdesk tables whose raw topics the jobs read. */
    public static final List<String> HELPDESK_TABLES =
            List.copyOf(dev.lethe.normalize.HelpdeskTables.COLUMNS.keySet());

    public JobSettings {
        Objects.requireNonNull(kafkaBootstrap, "kafkaBootstrap");
        Objects.requireNonNull(kafkaUser, "kafkaUser");
        Objects.requireNonNull(elasticsearchUrl, "elasticsearchUrl");
        Objects.requireNonNull(catalogPath, "catalogPath");
        if (auditCheckpointEvery <= 0) {
            throw new IllegalArgumentException(
                    "--audit-checkpoint-every must be positive, got " + auditCheckpointEvery);
        }
        for (Duration d : List.of(checkpointInterval, auditCheckpointInterval, idleTimeout)) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("durations must be positive, got " + d);
            }
        }
    }

    /**
     * Parses {@code --name value} arguments.
     *
     * @throws IllegalArgumentException for an unknown option, a missing required one, or a value
     *     that does not parse (the message names the option)
     */
    public static JobSettings parse(String[] args) {
        ParameterTool p = ParameterTool.fromArgs(args);
        List<String> unknown = new ArrayList<>();
        for (String name : p.toMap().keySet()) {
            if (!OPTIONS.containsKey(name)) {
                unknown.add("--" + name);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown options " + unknown + "\n" + usage());
        }
        return new JobSettings(
                get(p, "kafka-bootstrap"),
                p.get("kafka-user", "").trim(),
                URI.create(get(p, "elasticsearch-url")),
                get(p, "elasticsearch-user"),
                get(p, "postgres-url"),
                get(p, "postgres-user"),
                p.get("catalog", "").trim(),
                get(p, "raw-topic-prefix"),
                get(p, "audit-topic"),
                get(p, "audit-checkpoint-topic"),
                get(p, "dead-letter-topic"),
                get(p, "audit-index"),
                duration(p, "checkpoint-interval"),
                Integer.parseInt(get(p, "audit-checkpoint-every")),
                duration(p, "audit-checkpoint-interval"),
                duration(p, "idle-timeout"),
                get(p, "job-name"));
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

    public JobSettings withAuditTopics(
            String auditTopic,
            String auditCheckpointTopic,
            String deadLetterTopic,
            String auditIndex) {
        return new JobSettings(
                kafkaBootstrap,
                kafkaUser,
                elasticsearchUrl,
                elasticsearchUser,
                postgresJdbcUrl,
                postgresUser,
                catalogPath,
                rawTopicPrefix,
                auditTopic,
                auditCheckpointTopic,
                deadLetterTopic,
                auditIndex,
                checkpointInterval,
                auditCheckpointEvery,
                auditCheckpointInterval,
                idleTimeout,
                jobName);
    }

    /**
     * These settings with the job's clients signing in to Kafka as {@code kafkaUser} (empty: as the
     * process's {@link Secrets#KAFKA_USER}).
     */
    public JobSettings withKafkaUser(String kafkaUser) {
        return new JobSettings(
                kafkaBootstrap,
                kafkaUser,
                elasticsearchUrl,
                elasticsearchUser,
                postgresJdbcUrl,
                postgresUser,
                catalogPath,
                rawTopicPrefix,
                auditTopic,
                auditCheckpointTopic,
                deadLetterTopic,
                auditIndex,
                checkpointInterval,
                auditCheckpointEvery,
                auditCheckpointInterval,
                idleTimeout,
                jobName);
    }

    /**
     * The connection properties of the job's Kafka clients: as {@link #kafkaUser}, the password a
     * reference resolved where each client is made ({@link
     * dev.lethe.jobs.kafka.KafkaClients#forUser}).
     */
    public java.util.Properties kafkaClient() {
        return dev.lethe.jobs.kafka.KafkaClients.forUser(kafkaBootstrap, kafkaUser);
    }

    public JobSettings withJobName(String jobName) {
        return new JobSettings(
                kafkaBootstrap,
                kafkaUser,
                elasticsearchUrl,
                elasticsearchUser,
                postgresJdbcUrl,
                postgresUser,
                catalogPath,
                rawTopicPrefix,
                auditTopic,
                auditCheckpointTopic,
                deadLetterTopic,
                auditIndex,
                checkpointInterval,
                auditCheckpointEvery,
                auditCheckpointInterval,
                idleTimeout,
                jobName);
    }

    public static String usage() {
        StringBuilder b = new StringBuilder("options:\n");
        OPTIONS.forEach(
                (name, d) ->
                        b.append("  --")
                                .append(name)
                                .append(" <value>  ")
                                .append(d[1])
                                .append(d[0] == null ? " (required)" : " (default " + d[0] + ")")
                                .append('\n'));
        return b.toString();
    }

    private static String get(ParameterTool p, String name) {
        String value = p.get(name, OPTIONS.get(name)[0]);
        if (value == null || value.isBlank() || value.equals("__NO_VALUE_KEY")) {
            throw new IllegalArgumentException("--" + name + " is required\n" + usage());
        }
        return value;
    }

    private static Duration duration(ParameterTool p, String name) {
        String text = get(p, name);
        try {
            return Duration.parse(text.startsWith("P") ? text : "PT" + text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "--" + name + " must be a duration like 10s, 2m or PT10S, got '" + text + "'");
        }
    }

    private static Map<String, String[]> options() {
        Map<String, String[]> o = new LinkedHashMap<>();
        o.put(
                "kafka-bootstrap",
                new String[] {
                    null,
                    "Kafka bootstrap servers; SASL/SCRAM credentials from env LETHE_KAFKA_USER"
                            + " (default lethe) and LETHE_KAFKA_PASSWORD"
                });
        o.put(
                "kafka-user",
                new String[] {
                    "",
                    "Kafka user of the job's clients on the TaskManagers; password from env"
                            + " LETHE_KAFKA_PASSWORD_<USER>, else LETHE_KAFKA_PASSWORD (default:"
                            + " LETHE_KAFKA_USER)"
                });
        o.put("elasticsearch-url", new String[] {null, "Elasticsearch URL"});
        o.put(
                "elasticsearch-user",
                new String[] {
                    "elastic", "Elasticsearch user; password from env LETHE_ELASTICSEARCH_PASSWORD"
                });
        o.put("postgres-url", new String[] {null, "JDBC URL of the helpdesk database"});
        o.put(
                "postgres-user",
                new String[] {
                    "postgres", "PostgreSQL user; password from env LETHE_POSTGRES_PASSWORD"
                });
        o.put(
                "catalog",
                new String[] {"", "personal-data catalog file (default: the shipped one)"});
        o.put("raw-topic-prefix", new String[] {DEFAULT_RAW_TOPIC_PREFIX, "Debezium topic prefix"});
        o.put("audit-topic", new String[] {DEFAULT_AUDIT_TOPIC, "the audit log of record"});
        o.put(
                "audit-checkpoint-topic",
                new String[] {DEFAULT_AUDIT_CHECKPOINT_TOPIC, "signed audit checkpoints"});
        o.put("dead-letter-topic", new String[] {DEFAULT_DEAD_LETTER_TOPIC, "dead letters"});
        o.put("audit-index", new String[] {DEFAULT_AUDIT_INDEX, "Elasticsearch audit index"});
        o.put("checkpoint-interval", new String[] {"10s", "Flink checkpoint interval"});
        o.put(
                "audit-checkpoint-every",
                new String[] {"1000", "signed audit checkpoint after this many entries"});
        o.put(
                "audit-checkpoint-interval",
                new String[] {"60s", "... or after this long (with new entries)"});
        o.put(
                "idle-timeout",
                new String[] {"5s", "a source partition without records this long is caught up"});
        o.put("job-name", new String[] {"lethe-audit", "Flink job name"});
        return java.util.Collections.unmodifiableMap(o);
    }
}
