package dev.lethe.jobs.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How many replicas a topic Lethe creates gets, and how many of them must have a record before a
 * write with {@code acks=all} is acknowledged ({@code min.insync.replicas}).
 *
 * @param factor the replication factor; {@code -1}: the cluster's {@code
 *     default.replication.factor}
 * @param minInsyncReplicas {@code min.insync.replicas} of the topic; {@code 0}: the cluster's
 */
public record TopicReplication(short factor, int minInsyncReplicas) {

    /**
     * The cluster's defaults ({@code default.replication.factor}, {@code min.insync.replicas}):
     * what the jobs and the command line create their topics with. The local stack sets them on its
     * brokers (3 and 2 with three brokers or more, else 1 and 1).
     */
    public static final TopicReplication BROKER_DEFAULT = new TopicReplication((short) -1, 0);

    /** One replica: a cluster of one broker. */
    public static final TopicReplication SINGLE = new TopicReplication((short) 1, 1);

    public TopicReplication {
        if (factor == 0 || factor < -1) {
            throw new IllegalArgumentException("replication factor " + factor);
        }
        if (minInsyncReplicas < 0 || (factor > 0 && minInsyncReplicas > factor)) {
            throw new IllegalArgumentException(
                    "min.insync.replicas " + minInsyncReplicas + " with " + factor + " replicas");
        }
    }

    /** The factor for {@code NewTopic}: empty for the cluster's default. */
    public Optional<Short> newTopicFactor() {
        return factor < 0 ? Optional.empty() : Optional.of(factor);
    }

    /** {@code config} with this {@code min.insync.replicas} (the cluster's: left out). */
    public Map<String, String> withMinInsync(Map<String, String> config) {
        Map<String, String> c = new HashMap<>(config);
        c.remove("min.insync.replicas");
        if (minInsyncReplicas > 0) {
            c.put("min.insync.replicas", String.valueOf(minInsyncReplicas));
        }
        return c;
    }
}
