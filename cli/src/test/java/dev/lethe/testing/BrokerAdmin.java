package dev.lethe.testing;

import dev.lethe.local.StackSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Properties;

/**
 * The local brokers' own admin (SASL/PLAIN, the only super user), for a test that must see or grant
 * what Lethe's users may not: every topic's replicas, ACLs of its own topics.
 */
public final class BrokerAdmin {

    private BrokerAdmin() {}

    /** Client properties signing in as the brokers' admin of the stack {@code s}. */
    public static Properties properties(StackSettings s) throws IOException {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", s.kafkaBootstrap());
        p.setProperty("security.protocol", "SASL_PLAINTEXT");
        p.setProperty("sasl.mechanism", "PLAIN");
        p.setProperty(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required"
                        + " username=\"admin\" password=\""
                        + Files.readString(s.secretsDir().resolve("kafka-admin-password")).trim()
                        + "\";");
        return p;
    }
}
