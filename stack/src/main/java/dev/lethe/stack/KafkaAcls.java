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
 * not granted here, and the broker's own {@code admin} is the only super user). One user per
 * component, named like its PostgreSQL and Elasticsearch users, each with what its code does and
 * nothing more:
 *
 * <ul>
 *   <li>capture ({@value #CAPTURE_USER} by default: Debezium in the Connect worker) is the only one
 *       that writes the raw change topics ({@code helpdesk*}, Debezium's heartbeat topics) and the
 *       capture notifications; it owns the worker's own topics and group;
 *   <li>{@value #AUDIT_USER} (the audit job) reads the raw topics, the replayed dead letters and
 *       Lethe's action records (purge receipts, access and request records) and is the only writer
 *       of the audit log of record ({@value #AUDIT_TOPIC}, {@value #AUDIT_CHECKPOINT_TOPIC}) and
 *       the only holder of their transactional ids; it writes dead letters;
 *   <li>{@value #RETENTION_USER} (retention and purge) reads the raw topics and the replayed dead
 *       letters (the audit job's: its normalizer rejected the same records) and writes purge
 *       receipts;
 *   <li>{@value #DISCOVERY_USER} reads the raw topics and the replayed dead letters, and writes
 *       dead letters;
 *   <li>{@value #SERVER_USER} (Lethe's server) reads the audit log, the dead letters and the
 *       capture notifications, sees the raw topics' offsets (not their records), and writes access
 *       and request records;
 *   <li>Lethe's own user ({@code lethe} by default: the command line, its break-glass reads and the
 *       setup that creates topics) reads the raw topics and may create them with Lethe's settings
 *       before capture starts, but never writes them; it owns Lethe's topics ({@code lethe.*}), its
 *       consumer groups and transactions, except that it may not write, delete, reconfigure or
 *       repartition the audit log of record or use its transactional ids (explicit denials, which
 *       win over its broad grants).
 * </ul>
 *
 * A change event forged by anyone but capture, which could silence an entity's chain or cancel a
 * purge, is refused by the broker (a replayed dead letter, which Lethe's user writes, is taken by a
 * job only when it is a record that job rejected, byte for byte, and never by retention), and so is
 * an audit entry or checkpoint from anyone but the audit job. The names are those of the jobs as
 * the local stack runs them (pinned on the jobs' side by {@code GrantedNamesTest}).
 */
public final class KafkaAcls {

    /** The prefix of the raw change topics (Debezium's {@code topic.prefix}). */
    public static final String RAW_PREFIX = "helpdesk";

    /** Capture's user (the Connect worker), unless the broker is told another. */
    public static final String CAPTURE_USER = "lethe_capture";

    public static final String AUDIT_USER = "lethe_audit";
    public static final String RETENTION_USER = "lethe_retention";
    public static final String DISCOVERY_USER = "lethe_discovery";
    public static final String SERVER_USER = "lethe_server";

    /** The users of Lethe's components, each with grants of its own. */
    public static final List<String> COMPONENT_USERS =
            List.of(AUDIT_USER, RETENTION_USER, DISCOVERY_USER, SERVER_USER);

    /** The audit log of record and its signed checkpoints. */
    public static final String AUDIT_TOPIC = "lethe.audit";

    public static final String AUDIT_CHECKPOINT_TOPIC = "lethe.audit.checkpoints";

    /** Access and data-subject request records, chained into the log by the audit job. */
    public static final String AUDIT_REQUESTS_TOPIC = "lethe.audit.requests";

    /**
     * Receipts of purges, published by the retention job, chained into the log by the audit job.
     */
    public static final String PURGE_RECEIPTS_TOPIC = "lethe.purge.receipts";

    public static final String DEAD_LETTER_TOPIC = "lethe.deadletter";

    /**
     * Dead letters fed back through the jobs ({@code ./lethe deadletters replay}, written by
     * Lethe's user). A job takes a replay only for a record it rejected itself, byte for byte, so
     * this topic carries no change capture did not write.
     */
    public static final String REPLAY_TOPIC = "lethe.replay";

    /** Debezium's snapshot notifications (written by capture). */
    public static final String CAPTURE_NOTIFICATIONS_TOPIC = "lethe.capture.notifications";

    /** The jobs' names: each reads the raw topics as the consumer group of its name. */
    public static final String AUDIT_JOB = "lethe-audit";

    public static final String RETENTION_JOB = "lethe-retention";
    public static final String DISCOVERY_JOB = "lethe-discovery";

    /** The audit job's second group: Lethe's action records (receipts, requests). */
    public static final String AUDIT_ACTIONS_GROUP = AUDIT_JOB + "-actions";

    /**
     * The prefixes of the audit log's and its checkpoints' transactional ids: Flink's Kafka sink
     * names them {@code <job>-<sink>-<subtask>-<n>}.
     */
    public static final List<String> AUDIT_TRANSACTIONS =
            List.of(AUDIT_JOB + "-lethe-audit-log", AUDIT_JOB + "-lethe-audit-checkpoints");

    private KafkaAcls() {}

    /** Every grant of the local stack: Lethe's user's, capture's and each component's. */
    public static List<AclBinding> bindings(String letheUser, String captureUser) {
        List<AclBinding> out = new ArrayList<>(rawTopics(RAW_PREFIX, letheUser, captureUser));
        String capture = "User:" + captureUser;
        String lethe = "User:" + letheUser;
        // capture: Debezium's heartbeats and notifications, the worker's own topics and group
        topic(out, capture, PatternType.PREFIXED, "__debezium-heartbeat", WRITE_TOPIC);
        topic(out, capture, PatternType.LITERAL, CAPTURE_NOTIFICATIONS_TOPIC, WRITE_TOPIC);
        topic(out, capture, PatternType.PREFIXED, "lethe-connect-", ALL);
        add(out, capture, ResourceType.GROUP, PatternType.LITERAL, "lethe-connect", ALL);
        cluster(out, capture, CLUSTER_OPS);
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
        cluster(out, lethe, CLUSTER_OPS);
        // ... but the log of record is the audit job's alone: a denial wins over any grant
        for (String log : List.of(AUDIT_TOPIC, AUDIT_CHECKPOINT_TOPIC)) {
            deny(out, lethe, ResourceType.TOPIC, PatternType.LITERAL, log, ALTER_LOG);
        }
        for (String prefix : AUDIT_TRANSACTIONS) {
            deny(
                    out,
                    lethe,
                    ResourceType.TRANSACTIONAL_ID,
                    PatternType.PREFIXED,
                    prefix,
                    List.of(AclOperation.WRITE));
        }
        audit(out);
        retention(out);
        discovery(out);
        server(out);
        return out;
    }

    /**
     * The grants on one family of raw change topics ({@code prefix*}): capture writes them, Lethe's
     * user reads them (and may create them with Lethe's settings), the three jobs read them. A
     * second connector with a topic prefix of its own needs these for its prefix.
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
        for (String job : List.of(AUDIT_USER, RETENTION_USER, DISCOVERY_USER)) {
            topic(out, "User:" + job, PatternType.PREFIXED, prefix, READ);
        }
        return out;
    }

    /**
     * The audit job: reads the raw topics and the replays (group {@value #AUDIT_JOB}) and Lethe's
     * action records (group {@value #AUDIT_ACTIONS_GROUP}); the only writer of the log of record,
     * exactly once (its transactional ids); writes dead letters.
     */
    private static void audit(List<AclBinding> out) {
        String audit = "User:" + AUDIT_USER;
        topic(out, audit, PatternType.LITERAL, PURGE_RECEIPTS_TOPIC, READ);
        topic(out, audit, PatternType.LITERAL, AUDIT_REQUESTS_TOPIC, READ);
        topic(out, audit, PatternType.LITERAL, REPLAY_TOPIC, READ);
        group(out, audit, AUDIT_JOB);
        group(out, audit, AUDIT_ACTIONS_GROUP);
        topic(out, audit, PatternType.LITERAL, AUDIT_TOPIC, WRITE);
        topic(out, audit, PatternType.LITERAL, AUDIT_CHECKPOINT_TOPIC, WRITE);
        topic(out, audit, PatternType.LITERAL, DEAD_LETTER_TOPIC, WRITE);
        for (String prefix : AUDIT_TRANSACTIONS) {
            add(out, audit, ResourceType.TRANSACTIONAL_ID, PatternType.PREFIXED, prefix, WRITE);
        }
        cluster(out, audit, List.of(AclOperation.IDEMPOTENT_WRITE));
    }

    /**
     * Retention and purge: reads the raw topics and the replayed dead letters, publishes purge
     * receipts (idempotently).
     */
    private static void retention(List<AclBinding> out) {
        String retention = "User:" + RETENTION_USER;
        topic(out, retention, PatternType.LITERAL, REPLAY_TOPIC, READ);
        group(out, retention, RETENTION_JOB);
        topic(out, retention, PatternType.LITERAL, PURGE_RECEIPTS_TOPIC, WRITE);
        cluster(out, retention, List.of(AclOperation.IDEMPOTENT_WRITE));
    }

    /** Discovery: reads the raw topics and the replayed dead letters, writes dead letters. */
    private static void discovery(List<AclBinding> out) {
        String discovery = "User:" + DISCOVERY_USER;
        topic(out, discovery, PatternType.LITERAL, REPLAY_TOPIC, READ);
        group(out, discovery, DISCOVERY_JOB);
        topic(out, discovery, PatternType.LITERAL, DEAD_LETTER_TOPIC, WRITE);
        cluster(out, discovery, List.of(AclOperation.IDEMPOTENT_WRITE));
    }

    /**
     * Lethe's server: reads the audit log and its checkpoints (verification, proofs), the dead
     * letters and the capture notifications ({@code status}), sees the raw topics' offsets (a
     * snapshot's progress), all without a consumer group; writes access and request records; may
     * ask which cluster operations it has (the health probe).
     */
    private static void server(List<AclBinding> out) {
        String server = "User:" + SERVER_USER;
        for (String topic :
                List.of(
                        AUDIT_TOPIC,
                        AUDIT_CHECKPOINT_TOPIC,
                        DEAD_LETTER_TOPIC,
                        CAPTURE_NOTIFICATIONS_TOPIC)) {
            topic(out, server, PatternType.LITERAL, topic, READ);
        }
        topic(out, server, PatternType.PREFIXED, RAW_PREFIX, List.of(AclOperation.DESCRIBE));
        topic(out, server, PatternType.LITERAL, AUDIT_REQUESTS_TOPIC, WRITE);
        cluster(out, server, List.of(AclOperation.IDEMPOTENT_WRITE, AclOperation.DESCRIBE));
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

    /** Read (Kafka counts describe in). */
    private static final List<AclOperation> READ = List.of(AclOperation.READ);

    /** Write (Kafka counts describe in). */
    private static final List<AclOperation> WRITE = List.of(AclOperation.WRITE);

    private static final List<AclOperation> CLUSTER_OPS =
            List.of(
                    AclOperation.IDEMPOTENT_WRITE,
                    AclOperation.DESCRIBE,
                    AclOperation.DESCRIBE_CONFIGS);

    /** What nobody but its writer does to the log of record: append, delete, reconfigure, grow. */
    private static final List<AclOperation> ALTER_LOG =
            List.of(
                    AclOperation.WRITE,
                    AclOperation.DELETE,
                    AclOperation.ALTER,
                    AclOperation.ALTER_CONFIGS);

    private static void cluster(
            List<AclBinding> out, String principal, List<AclOperation> operations) {
        add(out, principal, ResourceType.CLUSTER, PatternType.LITERAL, "kafka-cluster", operations);
    }

    /** A consumer group's offsets: read (commit) and describe. */
    private static void group(List<AclBinding> out, String principal, String group) {
        add(out, principal, ResourceType.GROUP, PatternType.LITERAL, group, READ);
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
        entries(out, principal, type, pattern, name, operations, AclPermissionType.ALLOW);
    }

    private static void deny(
            List<AclBinding> out,
            String principal,
            ResourceType type,
            PatternType pattern,
            String name,
            List<AclOperation> operations) {
        entries(out, principal, type, pattern, name, operations, AclPermissionType.DENY);
    }

    private static void entries(
            List<AclBinding> out,
            String principal,
            ResourceType type,
            PatternType pattern,
            String name,
            List<AclOperation> operations,
            AclPermissionType permission) {
        for (AclOperation op : operations) {
            out.add(
                    new AclBinding(
                            new ResourcePattern(type, name, pattern),
                            new AccessControlEntry(principal, "*", op, permission)));
        }
    }
}
