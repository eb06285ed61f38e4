package dev.lethe.jobs.kafka;

import dev.lethe.jobs.config.Secrets;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The connection properties of every Kafka client of Lethe (producers, consumers, admin clients,
 * Flink's Kafka sources and sinks): the bootstrap servers and, when the cluster needs them,
 * SASL/SCRAM credentials over the {@code SASL_PLAINTEXT} protocol.
 *
 * <p>Three forms:
 *
 * <ul>
 *   <li>{@link #forUser(String, String)} for the clients of a job that signs in as a user of its
 *       own (the local stack gives each job one, {@code lethe_audit}, ...): built into a Flink job
 *       graph or made on a TaskManager, they carry the user and a reference to its password ({@code
 *       ${lethe:lethe_audit:LETHE_KAFKA_PASSWORD}}) that {@link SecretsConfigProvider} resolves
 *       where the client is created ({@link Secrets#kafkaPassword(String)}: the user's own {@code
 *       LETHE_KAFKA_PASSWORD_LETHE_AUDIT}, else the shared one);
 *   <li>{@link #properties(String)} for clients of this process's user ({@link
 *       Secrets#KAFKA_USER}): the same, with the reference {@code ${lethe:LETHE_KAFKA_PASSWORD}};
 *   <li>{@link #properties(String, String, String)} for processes that hold the password already
 *       (the CLI, benchmarks, tests).
 * </ul>
 */
public final class KafkaClients {

    /** The SASL mechanism of Lethe's Kafka listener. */
    public static final String MECHANISM = "SCRAM-SHA-512";

    /** The Kafka user of Lethe's components unless {@link Secrets#KAFKA_USER} names another. */
    public static final String DEFAULT_USER = "lethe";

    /** User names that fit into a {@code ${provider:path:key}} reference as its path. */
    private static final Pattern REFERABLE_USER = Pattern.compile("[^:{}$\\s]+");

    private KafkaClients() {}

    /**
     * Bootstrap and security properties from this process's secrets: SASL/SCRAM as {@link
     * Secrets#KAFKA_USER} when {@link Secrets#KAFKA_PASSWORD} is set here, plain connections
     * otherwise. The password itself is never in the result.
     */
    public static Properties properties(String bootstrap) {
        return properties(bootstrap, Secrets.ofProcess());
    }

    static Properties properties(String bootstrap, Secrets secrets) {
        if (secrets.find(Secrets.KAFKA_PASSWORD).isEmpty()) {
            return properties(bootstrap, null, null);
        }
        return referring(bootstrap, secrets.find(Secrets.KAFKA_USER).orElse(DEFAULT_USER), "");
    }

    /**
     * Bootstrap and security properties of a client that signs in as {@code user}, wherever it is
     * made: SASL/SCRAM when this process has a password for that user (its own or the shared one,
     * {@link Secrets#kafkaPassword(String)}), plain connections otherwise. The password is never in
     * the result, only the reference {@code ${lethe:<user>:LETHE_KAFKA_PASSWORD}}, resolved where
     * the client is created. A blank {@code user} is {@link #properties(String)}: this process's
     * user.
     *
     * @throws IllegalArgumentException for a user name a reference cannot carry (with {@code :}, a
     *     brace, {@code $} or white space)
     */
    public static Properties forUser(String bootstrap, String user) {
        return forUser(bootstrap, user, Secrets.ofProcess());
    }

    static Properties forUser(String bootstrap, String user, Secrets secrets) {
        if (user == null || user.isBlank()) {
            return properties(bootstrap, secrets);
        }
        if (!REFERABLE_USER.matcher(user).matches()) {
            throw new IllegalArgumentException(
                    "the Kafka user '"
                            + user
                            + "' cannot be named for a job's clients (no ':', braces, '$' or white"
                            + " space); leave --kafka-user out to sign in as LETHE_KAFKA_USER");
        }
        if (secrets.kafkaPassword(user).isEmpty()) {
            return properties(bootstrap, null, null);
        }
        return referring(bootstrap, user, user + ":");
    }

    /** SASL/SCRAM as {@code user}, the password {@code ${lethe:<path>LETHE_KAFKA_PASSWORD}}. */
    private static Properties referring(String bootstrap, String user, String path) {
        Properties p =
                properties(
                        bootstrap,
                        user,
                        "${"
                                + SecretsConfigProvider.NAME
                                + ":"
                                + path
                                + Secrets.KAFKA_PASSWORD
                                + "}");
        p.setProperty("config.providers", SecretsConfigProvider.NAME);
        p.setProperty(
                "config.providers." + SecretsConfigProvider.NAME + ".class",
                SecretsConfigProvider.class.getName());
        return p;
    }

    /**
     * Bootstrap and security properties with the credentials given: SASL/SCRAM when {@code
     * password} is non-blank, plain connections otherwise.
     */
    public static Properties properties(String bootstrap, String user, String password) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrap);
        if (password != null && !password.isBlank()) {
            p.setProperty("security.protocol", "SASL_PLAINTEXT");
            p.setProperty("sasl.mechanism", MECHANISM);
            p.setProperty("sasl.jaas.config", jaas(user == null ? DEFAULT_USER : user, password));
        }
        return p;
    }

    /** The JAAS line of a SCRAM client login. */
    public static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + quote(user)
                + "\" password=\""
                + quote(password)
                + "\";";
    }

    private static String quote(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
