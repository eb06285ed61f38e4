package dev.lethe.jobs.kafka;

import dev.lethe.jobs.config.Secrets;
import java.util.Properties;

/**
 * The connection properties of every Kafka client of Lethe (producers, consumers, admin clients,
 * Flink's Kafka sources and sinks): the bootstrap servers and, when the cluster needs them,
 * SASL/SCRAM credentials over the {@code SASL_PLAINTEXT} protocol.
 *
 * <p>Two forms:
 *
 * <ul>
 *   <li>{@link #properties(String)} for clients that are built into a Flink job graph or run on a
 *       TaskManager: the password is not in the properties, only a reference to it ({@code
 *       ${lethe:LETHE_KAFKA_PASSWORD}}) that {@link SecretsConfigProvider} resolves through {@link
 *       Secrets} where the client is created;
 *   <li>{@link #properties(String, String, String)} for processes that hold the password already
 *       (the CLI, benchmarks, tests).
 * </ul>
 */
public final class KafkaClients {

    /** The SASL mechanism of Lethe's Kafka listener. */
    public static final String MECHANISM = "SCRAM-SHA-512";

    /** The Kafka user of Lethe's components unless {@link Secrets#KAFKA_USER} names another. */
    public static final String DEFAULT_USER = "lethe";

    private KafkaClients() {}

    /**
     * Bootstrap and security properties from this process's secrets: SASL/SCRAM when {@link
     * Secrets#KAFKA_PASSWORD} is set here, plain connections otherwise. The password itself is
     * never in the result.
     */
    public static Properties properties(String bootstrap) {
        return properties(bootstrap, Secrets.ofProcess());
    }

    static Properties properties(String bootstrap, Secrets secrets) {
        if (secrets.find(Secrets.KAFKA_PASSWORD).isEmpty()) {
            return properties(bootstrap, null, null);
        }
        String user = secrets.find(Secrets.KAFKA_USER).orElse(DEFAULT_USER);
        Properties p =
                properties(
                        bootstrap,
                        user,
                        "${" + SecretsConfigProvider.NAME + ":" + Secrets.KAFKA_PASSWORD + "}");
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
