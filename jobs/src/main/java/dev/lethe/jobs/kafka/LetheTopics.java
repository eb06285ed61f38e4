package dev.lethe.jobs.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

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

    private LetheTopics() {}

    /** Settings of a log that is kept for ever and never compacted. */
    public static Map<String, String> logOfRecordConfig() {
        return Map.of(
                "cleanup.policy", "delete",
                "retention.ms", "-1",
                "retention.bytes", "-1",
                "min.insync.replicas", "1");
    }

    public static Map<String, String> deadLetterConfig() {
        return Map.of(
                "cleanup.policy",
                "delete",
                "retention.ms",
                String.valueOf(DEAD_LETTER_RETENTION_MS));
    }

    /**
     * @param logTopics topics created as logs of record (1 partition, unlimited retention)
     * @param deadLetterTopics topics created with dead-letter retention
     */
    public static void ensure(
            String bootstrap,
            short replicationFactor,
            List<String> logTopics,
            List<String> deadLetterTopics)
            throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String t : logTopics) {
                if (!existing.contains(t)) {
                    missing.add(new NewTopic(t, 1, replicationFactor).configs(logOfRecordConfig()));
                }
            }
            for (String t : deadLetterTopics) {
                if (!existing.contains(t) && missing.stream().noneMatch(n -> n.name().equals(t))) {
                    missing.add(new NewTopic(t, 1, replicationFactor).configs(deadLetterConfig()));
                }
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
