package dev.lethe.local;

import dev.lethe.jobs.config.JobSettings;
import dev.lethe.normalize.SizeLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Creates the raw change topics before anything subscribes to them (Debezium would create each on
 * its first event, too late for a Flink source that subscribes at start). Their settings match
 * {@code topic.creation.default.*} in {@code register-helpdesk.json}: the raw topics hold plaintext
 * personal data, so their retention is bounded (7 days, hourly segments).
 */
public final class CaptureTopics {

    public static final String PREFIX = "helpdesk";

    /** The helpdesk tables, as the normalizer knows them (one raw topic each). */
    public static final List<String> TABLES = JobSettings.HELPDESK_TABLES;

    public static final String ACTOR_TOPIC = PREFIX + ".message";

    /** Debezium's transaction metadata: BEGIN and END of each transaction, in commit order. */
    public static final String TRANSACTION_TOPIC = PREFIX + ".transaction";

    public static final long RAW_RETENTION_MS = 7L * 24 * 3600 * 1000;

    private CaptureTopics() {}

    public static String tableTopic(String table) {
        return PREFIX + ".public." + table;
    }

    public static List<String> all() {
        List<String> topics = new ArrayList<>();
        TABLES.forEach(t -> topics.add(tableTopic(t)));
        topics.add(ACTOR_TOPIC);
        topics.add(TRANSACTION_TOPIC);
        return topics;
    }

    /**
     * @param client the stack's Kafka client properties ({@link StackSettings#kafkaClient()})
     */
    public static void ensure(Properties client) throws Exception {
        ensure(client, dev.lethe.jobs.kafka.TopicReplication.SINGLE);
    }

    /**
     * @param client the stack's Kafka client properties ({@link StackSettings#kafkaClient()})
     * @param replication replicas and min.insync.replicas of the topics created
     */
    public static void ensure(Properties client, dev.lethe.jobs.kafka.TopicReplication replication)
            throws Exception {
        try (Admin admin = Admin.create(client)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            Map<String, String> config =
                    Map.of(
                            "cleanup.policy",
                            "delete",
                            "retention.ms",
                            String.valueOf(RAW_RETENTION_MS),
                            "segment.ms",
                            "3600000",
                            "compression.type",
                            "lz4",
                            "max.message.bytes",
                            String.valueOf(SizeLimits.MAX_MESSAGE_BYTES));
            List<NewTopic> missing =
                    all().stream()
                            .filter(t -> !existing.contains(t))
                            .map(
                                    t ->
                                            new NewTopic(
                                                            t,
                                                            java.util.Optional.of(1),
                                                            replication.newTopicFactor())
                                                    .configs(replication.withMinInsync(config)))
                            .toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            }
        }
    }
}
