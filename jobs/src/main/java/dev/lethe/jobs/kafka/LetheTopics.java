package dev.lethe.jobs.kafka;

import dev.lethe.normalize.SizeLimits;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;

/**
 * Creates the topics Lethe's jobs write, before a job starts:
 *
 * <ul>
 *   <li>the audit log and its checkpoints: one partition (the log's order is the partition's
 *       order), kept for ever ({@code retention.ms=-1}, {@code cleanup.policy=delete}: never
 *       compacted, an entry is never replaced by a later one with the same key);
 *   <li>the dead-letter topic: it holds raw inputs, which may contain personal data in clear, so
 *       its retention is bounded like the raw topics' (7 days).
 * </ul>
 *
 * Existing topics are left as they are.
 */
public final class LetheTopics {

    public static final long DEAD_LETTER_RETENTION_MS = 7L * 24 * 3600 * 1000;

    /** Dead-letter segments roll hourly, so retention removes them on time. */
    public static final long DEAD_LETTER_SEGMENT_MS = 3600L * 1000;

    private LetheTopics() {}

    /**
     * The producer setting every Kafka producer of Lethe's jobs carries: messages up to {@link
     * SizeLimits#MAX_MESSAGE_BYTES}, the limit the broker and the topics have too.
     */
    public static Properties withMessageLimit(Properties producer) {
        producer.setProperty("max.request.size", String.valueOf(SizeLimits.MAX_MESSAGE_BYTES));
        return producer;
    }

    /** Settings of a log that is kept for ever and never compacted. */
    public static Map<String, String> logOfRecordConfig() {
        return Map.of(
                "cleanup.policy", "delete",
                "retention.ms", "-1",
                "retention.bytes", "-1",
                "max.message.bytes", String.valueOf(SizeLimits.MAX_MESSAGE_BYTES));
    }

    /**
     * Dead letters hold the raw bytes of rejected events (personal data in plaintext): kept like
     * the raw topics, 7 days in hourly segments (Kafka deletes whole segments only, so without
     * {@code segment.ms} a dead letter could live up to twice the retention).
     */
    public static Map<String, String> deadLetterConfig() {
        return Map.of(
                "max.message.bytes",
                String.valueOf(SizeLimits.MAX_MESSAGE_BYTES),
                "cleanup.policy",
                "delete",
                "retention.ms",
                String.valueOf(DEAD_LETTER_RETENTION_MS),
                "segment.ms",
                String.valueOf(DEAD_LETTER_SEGMENT_MS));
    }

    /**
     * As this process's Kafka user ({@link KafkaClients#properties(String)}): the jobs' topics are
     * created by whoever submits them, before they run, never by the jobs' own users.
     *
     * @param replication replicas and min.insync.replicas of the topics created ({@link
     *     TopicReplication#BROKER_DEFAULT}: the cluster's)
     * @param logTopics topics created as logs of record (1 partition, unlimited retention)
     * @param deadLetterTopics topics created with dead-letter retention
     */
    public static void ensure(
            String bootstrap,
            TopicReplication replication,
            List<String> logTopics,
            List<String> deadLetterTopics)
            throws Exception {
        ensure(KafkaClients.properties(bootstrap), replication, logTopics, deadLetterTopics);
    }

    /**
     * As {@link #ensure(String, TopicReplication, List, List)}, with the client properties of the
     * user who creates them (the local stack's setup: {@code StackSettings.kafkaClient()}).
     */
    public static void ensure(
            Properties client,
            TopicReplication replication,
            List<String> logTopics,
            List<String> deadLetterTopics)
            throws Exception {
        try (Admin admin = Admin.create(client)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String t : logTopics) {
                if (!existing.contains(t)) {
                    missing.add(
                            new NewTopic(t, Optional.of(1), replication.newTopicFactor())
                                    .configs(replication.withMinInsync(logOfRecordConfig())));
                }
            }
            List<ConfigResource> olderDeadLetters = new ArrayList<>();
            for (String t : deadLetterTopics) {
                if (existing.contains(t)) {
                    olderDeadLetters.add(new ConfigResource(ConfigResource.Type.TOPIC, t));
                } else if (missing.stream().noneMatch(n -> n.name().equals(t))) {
                    missing.add(
                            new NewTopic(t, Optional.of(1), replication.newTopicFactor())
                                    .configs(replication.withMinInsync(deadLetterConfig())));
                }
            }
            if (!olderDeadLetters.isEmpty()) {
                // topics made before segments rolled hourly: the same bound for what they hold
                Map<ConfigResource, Collection<AlterConfigOp>> ops = new HashMap<>();
                for (ConfigResource r : olderDeadLetters) {
                    ops.put(
                            r,
                            List.of(
                                    new AlterConfigOp(
                                            new ConfigEntry(
                                                    "segment.ms",
                                                    String.valueOf(DEAD_LETTER_SEGMENT_MS)),
                                            AlterConfigOp.OpType.SET)));
                }
                admin.incrementalAlterConfigs(ops).all().get(30, TimeUnit.SECONDS);
            }
            if (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause()
                            instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
    }
}
