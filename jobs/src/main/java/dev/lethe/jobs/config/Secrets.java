package dev.lethe.jobs.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Secrets a job needs at run time, read where the job runs (on the TaskManager, in {@code open()}),
 * never carried in the job graph: a password in an operator's fields would be serialized into the
 * job graph, the JobManager's blob store and every savepoint's metadata.
 *
 * <p>Lookup order for a secret {@code NAME}:
 *
 * <ol>
 *   <li>the environment variable {@code NAME} of the TaskManager;
 *   <li>the system property {@code NAME} (tests, and a TaskManager started with {@code -DNAME=..});
 *   <li>the file named by the environment variable {@code NAME_FILE} (container secrets);
 *   <li>the local stack's secret file {@code <lethe.data>/secrets/<file>} when the TaskManager runs
 *       with the system property {@code lethe.data} ({@code ./lethe up} starts its Flink so); the
 *       passwords of PostgreSQL's superuser and Elasticsearch's {@code elastic} are never read from
 *       there: each job has a user of its own in each store ({@link #postgresPassword}, {@link
 *       #elasticsearchPassword}, {@link #kafkaPassword}).
 * </ol>
 */
public final class Secrets {

    /** Password of the Elasticsearch user the jobs write as. */
    public static final String ELASTICSEARCH_PASSWORD = "LETHE_ELASTICSEARCH_PASSWORD";

    /** Password of the PostgreSQL user the jobs read the key store and helpdesk with. */
    public static final String POSTGRES_PASSWORD = "LETHE_POSTGRES_PASSWORD";

    /**
     * Password of the Kafka user Lethe's clients authenticate as (SASL/SCRAM) when they name no
     * user of their own; the shared fallback of {@link #kafkaPassword(String)}.
     */
    public static final String KAFKA_PASSWORD = "LETHE_KAFKA_PASSWORD";

    /** The Kafka user Lethe's clients authenticate as; not secret, looked up the same way. */
    public static final String KAFKA_USER = "LETHE_KAFKA_USER";

    /** File names under the local stack's {@code secrets/} directory. */
    private static final Map<String, String> LOCAL_FILES = Map.of(KAFKA_PASSWORD, "kafka-password");

    private final Map<String, String> environment;

    Secrets(Map<String, String> environment) {
        this.environment = environment;
    }

    /** The secrets of this process (its environment and system properties). */
    public static Secrets ofProcess() {
        return new Secrets(System.getenv());
    }

    /**
     * The name under which the password of the PostgreSQL user {@code user} is looked up before the
     * shared {@link #POSTGRES_PASSWORD}: {@code LETHE_POSTGRES_PASSWORD_<USER>}, the user's name in
     * upper case with anything but letters and digits as {@code _} (e.g. {@code
     * LETHE_POSTGRES_PASSWORD_LETHE_AUDIT}); the local stack keeps it in {@code
     * secrets/postgres-<user>-password}.
     */
    public static String postgresPasswordOf(String user) {
        return perUser(POSTGRES_PASSWORD, user);
    }

    /** The local stack's file that holds the password of the PostgreSQL user {@code user}. */
    public static String postgresPasswordFile(String user) {
        return "postgres-" + user + "-password";
    }

    /**
     * The password of the PostgreSQL user {@code user}: the user's own secret ({@link
     * #postgresPasswordOf}), else the shared {@link #POSTGRES_PASSWORD} (a deployment where all of
     * Lethe uses one database user).
     */
    public Optional<String> postgresPassword(String user) {
        return ownOrShared(postgresPasswordOf(user), postgresPasswordFile(user), POSTGRES_PASSWORD);
    }

    /**
     * As {@link #postgresPasswordOf}, for the Elasticsearch user {@code user}: {@code
     * LETHE_ELASTICSEARCH_PASSWORD_<USER>}; locally {@code secrets/elasticsearch-<user>-password}.
     */
    public static String elasticsearchPasswordOf(String user) {
        return perUser(ELASTICSEARCH_PASSWORD, user);
    }

    /** The local stack's file that holds the password of the Elasticsearch user {@code user}. */
    public static String elasticsearchPasswordFile(String user) {
        return "elasticsearch-" + user + "-password";
    }

    /**
     * The password of the Elasticsearch user {@code user}: its own secret, else the shared {@link
     * #ELASTICSEARCH_PASSWORD}.
     */
    public Optional<String> elasticsearchPassword(String user) {
        return ownOrShared(
                elasticsearchPasswordOf(user),
                elasticsearchPasswordFile(user),
                ELASTICSEARCH_PASSWORD);
    }

    /**
     * As {@link #postgresPasswordOf}, for the Kafka user {@code user}: {@code
     * LETHE_KAFKA_PASSWORD_<USER>} (e.g. {@code LETHE_KAFKA_PASSWORD_LETHE_AUDIT}); locally {@code
     * secrets/kafka-<user>-password}.
     */
    public static String kafkaPasswordOf(String user) {
        return perUser(KAFKA_PASSWORD, user);
    }

    /** The local stack's file that holds the password of the Kafka user {@code user}. */
    public static String kafkaPasswordFile(String user) {
        return "kafka-" + user + "-password";
    }

    /**
     * The password of the Kafka user {@code user}: its own secret ({@link #kafkaPasswordOf}), else
     * the shared {@link #KAFKA_PASSWORD} (a deployment where all of Lethe uses one Kafka user).
     */
    public Optional<String> kafkaPassword(String user) {
        return ownOrShared(kafkaPasswordOf(user), kafkaPasswordFile(user), KAFKA_PASSWORD);
    }

    private Optional<String> ownOrShared(String own, String localFile, String shared) {
        Optional<String> found = find(own, localFile);
        return found.isPresent() ? found : find(shared);
    }

    private static String perUser(String shared, String user) {
        return shared + "_" + user.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /** The secret {@code name}, if any source has it. */
    public Optional<String> find(String name) {
        return find(name, LOCAL_FILES.get(name));
    }

    private Optional<String> find(String name, String local) {
        String value = environment.get(name);
        if (isSet(value)) {
            return Optional.of(value);
        }
        value = System.getProperty(name);
        if (isSet(value)) {
            return Optional.of(value);
        }
        String file = environment.get(name + "_FILE");
        if (isSet(file)) {
            return Optional.of(read(Path.of(file), name + "_FILE"));
        }
        String data = System.getProperty("lethe.data");
        if (isSet(data) && local != null) {
            Path path = Path.of(data, "secrets", local);
            if (Files.isRegularFile(path)) {
                return Optional.of(read(path, "the local stack's secrets/" + local));
            }
        }
        return Optional.empty();
    }

    /**
     * The secret {@code name}.
     *
     * @throws IllegalStateException naming where it was looked for (never a value)
     */
    public String require(String name) {
        return find(name)
                .orElseThrow(
                        () ->
                                new IllegalStateException(
                                        "secret "
                                                + name
                                                + " is not set: set the environment variable "
                                                + name
                                                + " (or "
                                                + name
                                                + "_FILE naming a file that holds it) for the"
                                                + " TaskManager"));
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }

    private static String read(Path path, String what) {
        try {
            return Files.readString(path, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the secret file named by " + what, e);
        }
    }
}
