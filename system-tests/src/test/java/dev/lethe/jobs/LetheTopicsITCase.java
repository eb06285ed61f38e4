package dev.lethe.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.jobs.kafka.KafkaClients;
import dev.lethe.jobs.kafka.LetheTopics;
import dev.lethe.testing.SharedStack;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

/** Lethe's topics on the real broker: dead letters (plaintext) are bounded like the raw topics. */
class LetheTopicsITCase {

    @Test
    void deadLetterTopicsRollHourlySoRetentionBoundsThem() throws Exception {
        String bootstrap = SharedStack.settings().kafkaBootstrap();
        String fresh = "lethe.it.deadletter." + UUID.randomUUID();
        String older = "lethe.it.deadletter.older." + UUID.randomUUID();
        Properties p = KafkaClients.properties(bootstrap);
        try (Admin admin = Admin.create(p)) {
            // a dead-letter topic made by an earlier version: retention, but default segments
            admin.createTopics(
                            List.of(
                                    new NewTopic(older, 1, (short) 1)
                                            .configs(Map.of("retention.ms", "604800000"))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            assertThat(segmentMs(admin, older)).isEqualTo("604800000"); // the broker default

            LetheTopics.ensure(
                    bootstrap,
                    dev.lethe.jobs.kafka.TopicReplication.BROKER_DEFAULT,
                    List.of(),
                    List.of(fresh, older));

            assertThat(segmentMs(admin, fresh)).isEqualTo("3600000");
            assertThat(segmentMs(admin, older)).isEqualTo("3600000");
            assertThat(config(admin, fresh).get("retention.ms").value()).isEqualTo("604800000");
        }
    }

    private static String segmentMs(Admin admin, String topic) throws Exception {
        return config(admin, topic).get("segment.ms").value();
    }

    private static Config config(Admin admin, String topic) throws Exception {
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r);
    }
}
