package dev.lethe.stack;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Who may do what on the local broker (its {@code StandardAuthorizer}; nothing is allowed that is
 * not granted here, and the broker's own {@code admin} is the only super user).
 *
 * <ul>
 *   <li>The capture user (Debezium in the Connect worker) is the only one that writes the raw
 *       change topics ({@code helpdesk*}, Debezium's heartbeat topics) and the capture
 *       notifications; it owns the worker's own topics and group.
 *   <li>Lethe's user (the jobs, the server, the command line) reads the raw topics and may create
 *       them with Lethe's settings before capture starts, but never writes them; it owns Lethe's
 *       topics ({@code lethe.*}), its consumer groups and transactions.
 * </ul>
 *
 * A change event forged by anyone but capture, which could silence an entity's chain or cancel a
 * purge, is refused by the broker.
 */
public final class KafkaAcls {

    /** The prefix of the raw change topics (Debezium's {@code topic.prefix}). */
    public static final String RAW_PREFIX = "helpdesk";

    private KafkaAcls() {}

    /** Every grant of the local stack, for Lethe's user and capture's. */
    public static List<AclBinding> bindings(String letheUser, String captureUser) {
        List<AclBinding> out = new ArrayList<>(rawTopics(RAW_PREFIX, letheUser, captureUser));
        String capture = "User:" + captureUser;
        String lethe = "User:" + letheUser;
        // capture: Debezium's heartbeats and notifications, the worker's own topics and group
        topic(out, capture, PatternType.PREFIXED, "__debezium-heartbeat", WRITE_TOPIC);
        topic(out, capture, PatternType.LITERAL, "lethe.capture.notifications", WRITE_TOPIC);
        topic(out, capture, PatternType.PREFIXED, "lethe-connect-", ALL);
        add(out, capture, ResourceType.GROUP, PatternType.LITERAL, "lethe-connect", ALL);
        cluster(out, capture);
        // Lethe: its own topics, groups and transactions; it reads the worker's progress
        topic(out, lethe, PatternType.PREFIXED, "__debezium-heartbeat", READ_TOPIC);
        topic(out, lethe, PatternType.PREFIXED, "lethe.", ALL);
        topic(out, lethe, PatternType.PREFIXED, "lethe-connect-", READ_TOPIC);
        // any name: the jobs', the commands' and the tests' groups and transactions
        add(
                out,
                lethe,
                ResourceType.GROUP,
                PatternType.LITERAL,
                ResourcePattern.WILDCARD_RESOURCE,
                ALL);
        add(
                out,
                lethe,
                ResourceType.TRANSACTIONAL_ID,
                PatternType.LITERAL,
                ResourcePattern.WILDCARD_RESOURCE,
                ALL);
        cluster(out, lethe);
        return out;
    }

    /**
     * The grants on one family of raw change topics ({@code prefix*}): capture writes them, Lethe
     * reads them (and may create them with Lethe's settings). A second connector with a topic
     * prefix of its own needs these for its prefix.
     */
    public static List<AclBinding> rawTopics(String prefix, String letheUser, String captureUser) {
        List<AclBinding> out = new ArrayList<>();
        topic(out, "User:" + captureUser, PatternType.PREFIXED, prefix, WRITE_TOPIC);
        topic(
                out,
                "User:" + letheUser,
                PatternType.PREFIXED,
                prefix,
                List.of(
                        AclOperation.READ,
                        AclOperation.DESCRIBE,
                        AclOperation.DESCRIBE_CONFIGS,
                        AclOperation.CREATE,
                        AclOperation.ALTER_CONFIGS));
        return out;
    }

    private static final List<AclOperation> WRITE_TOPIC =
            List.of(
                    AclOperation.WRITE,
                    AclOperation.DESCRIBE,
                    AclOperation.CREATE,
                    AclOperation.DESCRIBE_CONFIGS);
    private static final List<AclOperation> READ_TOPIC =
            List.of(AclOperation.READ, AclOperation.DESCRIBE);
    private static final List<AclOperation> ALL = List.of(AclOperation.ALL);

    private static void cluster(List<AclBinding> out, String principal) {
        add(
                out,
                principal,
                ResourceType.CLUSTER,
                PatternType.LITERAL,
                "kafka-cluster",
                List.of(
                        AclOperation.IDEMPOTENT_WRITE,
                        AclOperation.DESCRIBE,
                        AclOperation.DESCRIBE_CONFIGS));
    }

    private static void topic(
            List<AclBinding> out,
            String principal,
            PatternType pattern,
            String name,
            List<AclOperation> operations) {
        add(out, principal, ResourceType.TOPIC, pattern, name, operations);
    }

    private static void add(
            List<AclBinding> out,
            String principal,
            ResourceType type,
            PatternType pattern,
            String name,
            List<AclOperation> operations) {
        for (AclOperation op : operations) {
            out.add(
                    new AclBinding(
                            new ResourcePattern(type, name, pattern),
                            new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW)));
        }
    }
}
