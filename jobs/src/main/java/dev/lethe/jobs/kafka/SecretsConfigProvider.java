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
 *
 * <p>{@code ${lethe:<user>:LETHE_KAFKA_PASSWORD}} (a path naming a Kafka user) resolves to that
 * user's password, {@link Secrets#kafkaPassword(String)}: its own ({@code
 * LETHE_KAFKA_PASSWORD_<USER>}, or the local stack's {@code secrets/kafka-<user>-password}), else
 * the shared {@code LETHE_KAFKA_PASSWORD}. Each of Lethe's jobs signs in as its own user this way,
 * on TaskManagers that run them all.
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
        if (path != null && !path.isEmpty()) {
            for (String key : keys) {
                if (!key.equals(Secrets.KAFKA_PASSWORD)) {
                    throw new ConfigException(
                            "no Lethe secret named " + key + " for the Kafka user " + path);
                }
                values.put(
                        key,
                        secrets.kafkaPassword(path)
                                .orElseThrow(
                                        () ->
                                                new ConfigException(
                                                        "no Kafka password of user "
                                                                + path
                                                                + ": set "
                                                                + Secrets.kafkaPasswordOf(path)
                                                                + " (or "
                                                                + Secrets.KAFKA_PASSWORD
                                                                + ") for the TaskManager")));
            }
            return new ConfigData(values);
        }
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
