package dev.lethe.jobs.kafka;

import dev.lethe.jobs.config.Secrets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigData;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.provider.ConfigProvider;

/**
 * Resolves {@code ${lethe:NAME}} in a Kafka client's configuration to the secret {@code NAME} of
 * the process that creates the client ({@link Secrets}), so that a job graph carries a reference to
 * the Kafka password, never the password. Only Lethe's own secret names resolve.
 */
public final class SecretsConfigProvider implements ConfigProvider {

    /** The provider's name in {@code config.providers}. */
    public static final String NAME = "lethe";

    private static final Set<String> NAMES = Set.of(Secrets.KAFKA_PASSWORD, Secrets.KAFKA_USER);

    @Override
    public void configure(Map<String, ?> configs) {}

    @Override
    public ConfigData get(String path) {
        return new ConfigData(Map.of());
    }

    @Override
    public ConfigData get(String path, Set<String> keys) {
        Secrets secrets = Secrets.ofProcess();
        Map<String, String> values = new HashMap<>();
        for (String key : keys) {
            if (!NAMES.contains(key)) {
                throw new ConfigException("no Lethe secret named " + key);
            }
            values.put(key, secrets.require(key));
        }
        return new ConfigData(values);
    }

    @Override
    public void close() {}
}
