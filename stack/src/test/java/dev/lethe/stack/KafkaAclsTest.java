package dev.lethe.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.metadata.authorizer.StandardAcl;
import org.apache.kafka.metadata.authorizer.StandardAuthorizer;
import org.apache.kafka.server.authorizer.Action;
import org.apache.kafka.server.authorizer.AuthorizableRequestContext;
import org.apache.kafka.server.authorizer.AuthorizationResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the local broker's grants allow: each component's exact grants (the table in
 * docs/operations.md), and what Kafka's own {@link StandardAuthorizer}, the broker's, answers when
 * loaded with them (denials win, reading and writing count describing in).
 */
class KafkaAclsTest {

    static final String LETHE = "lethe";
    static final String CAPTURE = "lethe_capture";
    static final String AUDIT = "lethe_audit";
    static final String RETENTION = "lethe_retention";
    static final String DISCOVERY = "lethe_discovery";
    static final String SERVER = "lethe_server";
    static final List<String> USERS = List.of(LETHE, CAPTURE, AUDIT, RETENTION, DISCOVERY, SERVER);

    static final List<AclBinding> ACLS = KafkaAcls.bindings(LETHE, CAPTURE);

    /** A topic of each kind the stack has (and one Lethe has not made). */
    static final List<String> TOPICS =
            List.of(
                    "helpdesk.public.contacts",
                    "helpdesk.message",
                    "helpdesk.transaction",
                    "__debezium-heartbeat.helpdesk",
                    "lethe.audit",
                    "lethe.audit.checkpoints",
                    "lethe.audit.requests",
                    "lethe.purge.receipts",
                    "lethe.deadletter",
                    "lethe.replay",
                    "lethe.capture.notifications",
                    "lethe.other",
                    "lethe-connect-offsets");

    static StandardAuthorizer authorizer;

    @BeforeAll
    static void loadTheGrantsIntoTheBrokersAuthorizer() {
        authorizer = new StandardAuthorizer();
        authorizer.configure(Map.of(StandardAuthorizer.SUPER_USERS_CONFIG, "User:admin"));
        // the broker gives its authorizer a metrics registry; it counts every answer there
        authorizer.withPluginMetrics(new PluginMetricsImpl(new Metrics(), Map.of()));
        Map<Uuid, StandardAcl> acls = new HashMap<>();
        for (AclBinding b : ACLS) {
            acls.put(Uuid.randomUuid(), StandardAcl.fromAclBinding(b));
        }
        authorizer.loadSnapshot(acls);
        authorizer.completeInitialLoad();
    }

    @AfterAll
    static void close() throws Exception {
        authorizer.close();
    }

    @Test
    void theAuditJobReadsTheRawTopicsAndLethesActionsAndWritesTheLogOfRecord() {
        assertThat(grants(AUDIT))
                .containsExactlyInAnyOrder(
                        "ALLOW READ TOPIC PREFIXED helpdesk",
                        "ALLOW READ TOPIC LITERAL lethe.purge.receipts",
                        "ALLOW READ TOPIC LITERAL lethe.audit.requests",
                        "ALLOW READ TOPIC LITERAL lethe.replay",
                        "ALLOW READ GROUP LITERAL lethe-audit",
                        "ALLOW READ GROUP LITERAL lethe-audit-actions",
                        "ALLOW WRITE TOPIC LITERAL lethe.audit",
                        "ALLOW WRITE TOPIC LITERAL lethe.audit.checkpoints",
                        "ALLOW WRITE TOPIC LITERAL lethe.deadletter",
                        "ALLOW WRITE TRANSACTIONAL_ID PREFIXED lethe-audit-lethe-audit-log",
                        "ALLOW WRITE TRANSACTIONAL_ID PREFIXED lethe-audit-lethe-audit-checkpoints",
                        "ALLOW IDEMPOTENT_WRITE CLUSTER LITERAL kafka-cluster");
    }

    @Test
    void retentionReadsTheRawTopicsAndPublishesReceipts() {
        assertThat(grants(RETENTION))
                .containsExactlyInAnyOrder(
                        "ALLOW READ TOPIC PREFIXED helpdesk",
                        "ALLOW READ TOPIC LITERAL lethe.replay",
                        "ALLOW READ GROUP LITERAL lethe-retention",
                        "ALLOW WRITE TOPIC LITERAL lethe.purge.receipts",
                        "ALLOW IDEMPOTENT_WRITE CLUSTER LITERAL kafka-cluster");
    }

    @Test
    void discoveryReadsTheRawTopicsAndWritesDeadLetters() {
        assertThat(grants(DISCOVERY))
                .containsExactlyInAnyOrder(
                        "ALLOW READ TOPIC PREFIXED helpdesk",
                        "ALLOW READ TOPIC LITERAL lethe.replay",
                        "ALLOW READ GROUP LITERAL lethe-discovery",
                        "ALLOW WRITE TOPIC LITERAL lethe.deadletter",
                        "ALLOW IDEMPOTENT_WRITE CLUSTER LITERAL kafka-cluster");
    }

    @Test
    void theServerReadsTheLogDeadLettersAndNotificationsAndWritesAccessRecords() {
        assertThat(grants(SERVER))
                .containsExactlyInAnyOrder(
                        "ALLOW READ TOPIC LITERAL lethe.audit",
                        "ALLOW READ TOPIC LITERAL lethe.audit.checkpoints",
                        "ALLOW READ TOPIC LITERAL lethe.deadletter",
                        "ALLOW READ TOPIC LITERAL lethe.capture.notifications",
                        "ALLOW DESCRIBE TOPIC PREFIXED helpdesk",
                        "ALLOW WRITE TOPIC LITERAL lethe.audit.requests",
                        "ALLOW IDEMPOTENT_WRITE CLUSTER LITERAL kafka-cluster",
                        "ALLOW DESCRIBE CLUSTER LITERAL kafka-cluster");
    }

    @Test
    void whoMayWriteEachTopic() {
        Map<String, Set<String>> writers = new HashMap<>();
        for (String topic : TOPICS) {
            writers.put(topic, who(AclOperation.WRITE, ResourceType.TOPIC, topic));
        }
        assertThat(writers)
                .containsEntry("helpdesk.public.contacts", Set.of(CAPTURE))
                .containsEntry("helpdesk.message", Set.of(CAPTURE))
                .containsEntry("helpdesk.transaction", Set.of(CAPTURE))
                .containsEntry("__debezium-heartbeat.helpdesk", Set.of(CAPTURE))
                // the log of record: the audit job alone, not even Lethe's own user
                .containsEntry("lethe.audit", Set.of(AUDIT))
                .containsEntry("lethe.audit.checkpoints", Set.of(AUDIT))
                .containsEntry("lethe.audit.requests", Set.of(LETHE, SERVER))
                .containsEntry("lethe.purge.receipts", Set.of(LETHE, RETENTION))
                .containsEntry("lethe.deadletter", Set.of(LETHE, AUDIT, DISCOVERY))
                // replays: Lethe's command line; the jobs take only what they rejected themselves
                .containsEntry("lethe.replay", Set.of(LETHE))
                .containsEntry("lethe.capture.notifications", Set.of(LETHE, CAPTURE))
                .containsEntry("lethe.other", Set.of(LETHE))
                .containsEntry("lethe-connect-offsets", Set.of(CAPTURE));
    }

    @Test
    void whoMayReadEachTopic() {
        Map<String, Set<String>> readers = new HashMap<>();
        for (String topic : TOPICS) {
            readers.put(topic, who(AclOperation.READ, ResourceType.TOPIC, topic));
        }
        assertThat(readers)
                .containsEntry(
                        "helpdesk.public.contacts", Set.of(LETHE, AUDIT, RETENTION, DISCOVERY))
                .containsEntry("helpdesk.transaction", Set.of(LETHE, AUDIT, RETENTION, DISCOVERY))
                .containsEntry("lethe.audit", Set.of(LETHE, SERVER))
                .containsEntry("lethe.audit.checkpoints", Set.of(LETHE, SERVER))
                .containsEntry("lethe.audit.requests", Set.of(LETHE, AUDIT))
                .containsEntry("lethe.purge.receipts", Set.of(LETHE, AUDIT))
                .containsEntry("lethe.deadletter", Set.of(LETHE, SERVER))
                .containsEntry("lethe.replay", Set.of(LETHE, AUDIT, RETENTION, DISCOVERY))
                .containsEntry("lethe.capture.notifications", Set.of(LETHE, SERVER))
                .containsEntry("lethe-connect-offsets", Set.of(LETHE, CAPTURE));
        // the server sees the raw topics' offsets, never their records
        assertThat(may(SERVER, AclOperation.DESCRIBE, ResourceType.TOPIC, "helpdesk.public.x"))
                .isTrue();
    }

    @Test
    void onlyTheAuditJobOpensTheLogsTransactions() {
        for (String id :
                List.of(
                        "lethe-audit-lethe-audit-log-0-17",
                        "lethe-audit-lethe-audit-checkpoints-0-3")) {
            assertThat(who(AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, id))
                    .as(id)
                    .containsExactly(AUDIT);
        }
        // the audit job has no other transactions; the command line's and tests' jobs do
        assertThat(
                        who(
                                AclOperation.WRITE,
                                ResourceType.TRANSACTIONAL_ID,
                                "audit-it-1-lethe-audit-log-0-1"))
                .containsExactly(LETHE);
    }

    @Test
    void lethesOwnUserMayReadAndCreateTheLogButNotChangeIt() {
        for (String log : List.of("lethe.audit", "lethe.audit.checkpoints")) {
            for (AclOperation op :
                    List.of(
                            AclOperation.WRITE,
                            AclOperation.DELETE,
                            AclOperation.ALTER,
                            AclOperation.ALTER_CONFIGS)) {
                assertThat(may(LETHE, op, ResourceType.TOPIC, log)).as(op + " " + log).isFalse();
            }
            for (AclOperation op :
                    List.of(
                            AclOperation.READ,
                            AclOperation.DESCRIBE,
                            AclOperation.DESCRIBE_CONFIGS,
                            AclOperation.CREATE)) {
                assertThat(may(LETHE, op, ResourceType.TOPIC, log)).as(op + " " + log).isTrue();
            }
        }
        // a test's own log is Lethe's to write
        assertThat(may(LETHE, AclOperation.WRITE, ResourceType.TOPIC, "lethe.audit.it-1")).isTrue();
    }

    @Test
    void lethesOwnUserTheAuditMonitorsMayLookAtTheLogsTransactionsWithoutTakingThem() {
        // listTransactions and describeTransactions: describe on the transactional ids
        for (String id :
                List.of(
                        "lethe-audit-lethe-audit-log-0-17",
                        "lethe-audit-lethe-audit-checkpoints-0-3")) {
            assertThat(may(LETHE, AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, id))
                    .as(id)
                    .isTrue();
            assertThat(may(LETHE, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, id))
                    .as(id)
                    .isFalse();
        }
        // describeProducers: read on the log's topics
        for (String log : List.of("lethe.audit", "lethe.audit.checkpoints")) {
            assertThat(may(LETHE, AclOperation.READ, ResourceType.TOPIC, log)).as(log).isTrue();
        }
        // aborting one (WriteTxnMarkers) is the broker's admin's alone
        for (String user : USERS) {
            assertThat(
                            may(
                                    user,
                                    AclOperation.CLUSTER_ACTION,
                                    ResourceType.CLUSTER,
                                    "kafka-cluster"))
                    .as(user)
                    .isFalse();
        }
    }

    @Test
    void theComponentsCreateNothingAndChangeNoConfiguration() {
        for (String user : List.of(AUDIT, RETENTION, DISCOVERY, SERVER)) {
            for (String topic : TOPICS) {
                for (AclOperation op :
                        List.of(
                                AclOperation.CREATE,
                                AclOperation.DELETE,
                                AclOperation.ALTER,
                                AclOperation.ALTER_CONFIGS)) {
                    assertThat(may(user, op, ResourceType.TOPIC, topic))
                            .as(user + " " + op + " " + topic)
                            .isFalse();
                }
            }
            assertThat(may(user, AclOperation.CREATE, ResourceType.CLUSTER, "kafka-cluster"))
                    .isFalse();
            assertThat(may(user, AclOperation.ALTER, ResourceType.CLUSTER, "kafka-cluster"))
                    .isFalse();
        }
    }

    @Test
    void eachJobCommitsOffsetsOfItsOwnGroupsOnly() {
        Map<String, Set<String>> members = new HashMap<>();
        for (String group :
                List.of(
                        "lethe-audit",
                        "lethe-audit-actions",
                        "lethe-retention",
                        "lethe-discovery",
                        "lethe-connect")) {
            members.put(group, who(AclOperation.READ, ResourceType.GROUP, group));
        }
        assertThat(members)
                .containsEntry("lethe-audit", Set.of(LETHE, AUDIT))
                .containsEntry("lethe-audit-actions", Set.of(LETHE, AUDIT))
                .containsEntry("lethe-retention", Set.of(LETHE, RETENTION))
                .containsEntry("lethe-discovery", Set.of(LETHE, DISCOVERY))
                .containsEntry("lethe-connect", Set.of(LETHE, CAPTURE));
    }

    @Test
    void onlyCaptureWritesTheRawTopicsAndOnlyLetheWritesLethesTopics() {
        assertThat(may(CAPTURE, AclOperation.WRITE, ResourceType.TOPIC, "helpdesk.public.contacts"))
                .isTrue();
        assertThat(may(LETHE, AclOperation.WRITE, ResourceType.TOPIC, "helpdesk.public.contacts"))
                .isFalse();
        assertThat(may(LETHE, AclOperation.READ, ResourceType.TOPIC, "helpdesk.public.contacts"))
                .isTrue();
        assertThat(may(CAPTURE, AclOperation.WRITE, ResourceType.TOPIC, "lethe.audit")).isFalse();
        assertThat(may(CAPTURE, AclOperation.READ, ResourceType.TOPIC, "lethe.audit.requests"))
                .isFalse();
        assertThat(
                        may(
                                CAPTURE,
                                AclOperation.WRITE,
                                ResourceType.TOPIC,
                                "lethe.capture.notifications"))
                .isTrue();
    }

    @Test
    void noGrantIsForEveryoneAndTheOnlyDenialsKeepLetheOffTheLogOfRecord() {
        assertThat(ACLS).allSatisfy(b -> assertThat(b.entry().principal()).isNotEqualTo("User:*"));
        assertThat(ACLS)
                .filteredOn(b -> b.entry().permissionType() == AclPermissionType.DENY)
                .isNotEmpty()
                .allSatisfy(
                        b -> {
                            assertThat(b.entry().principal()).isEqualTo("User:" + LETHE);
                            assertThat(b.pattern().name())
                                    .isIn(
                                            "lethe.audit",
                                            "lethe.audit.checkpoints",
                                            "lethe-audit-lethe-audit-log",
                                            "lethe-audit-lethe-audit-checkpoints");
                        });
    }

    @Test
    void aSecondConnectorsRawTopicsAreReadByTheJobsToo() {
        assertThat(KafkaAcls.rawTopics("legacy", LETHE, CAPTURE))
                .extracting(b -> b.entry().principal() + " " + b.entry().operation())
                .contains(
                        "User:lethe_capture WRITE",
                        "User:lethe READ",
                        "User:lethe_audit READ",
                        "User:lethe_retention READ",
                        "User:lethe_discovery READ")
                .doesNotContain("User:lethe_server READ");
    }

    @Test
    void theBrokerTakesEachComponentsPasswordFromWhereLethePutsIt() {
        assertThat(KafkaAcls.COMPONENT_USERS).containsExactly(AUDIT, RETENTION, DISCOVERY, SERVER);
        // the name the jobs look it up under (Secrets.kafkaPasswordOf, pinned by GrantedNamesTest)
        assertThat(KafkaBroker.passwordEnv(AUDIT)).isEqualTo("LETHE_KAFKA_PASSWORD_LETHE_AUDIT");
        assertThat(KafkaBroker.passwordEnv("a.b-c")).isEqualTo("LETHE_KAFKA_PASSWORD_A_B_C");
    }

    /** {@code user}'s grants as {@code ALLOW READ TOPIC PREFIXED helpdesk}. */
    private static Set<String> grants(String user) {
        Set<String> out = new LinkedHashSet<>();
        for (AclBinding b : ACLS) {
            if (b.entry().principal().equals("User:" + user)) {
                out.add(
                        b.entry().permissionType()
                                + " "
                                + b.entry().operation()
                                + " "
                                + b.pattern().resourceType()
                                + " "
                                + b.pattern().patternType()
                                + " "
                                + b.pattern().name());
            }
        }
        return out;
    }

    /** The users the broker lets do {@code op} on the resource. */
    private static Set<String> who(AclOperation op, ResourceType type, String name) {
        Set<String> out = new java.util.TreeSet<>();
        for (String user : USERS) {
            if (may(user, op, type, name)) {
                out.add(user);
            }
        }
        return out;
    }

    /** What the broker's authorizer answers {@code user} asking to do {@code op}. */
    private static boolean may(String user, AclOperation op, ResourceType type, String name) {
        Action action =
                new Action(
                        op, new ResourcePattern(type, name, PatternType.LITERAL), 1, false, false);
        return authorizer.authorize(context(user), List.of(action)).get(0)
                == AuthorizationResult.ALLOWED;
    }

    private static AuthorizableRequestContext context(String user) {
        return new AuthorizableRequestContext() {
            @Override
            public String listenerName() {
                return "BROKER";
            }

            @Override
            public SecurityProtocol securityProtocol() {
                return SecurityProtocol.SASL_PLAINTEXT;
            }

            @Override
            public KafkaPrincipal principal() {
                return new KafkaPrincipal(KafkaPrincipal.USER_TYPE, user);
            }

            @Override
            public InetAddress clientAddress() {
                return InetAddress.getLoopbackAddress();
            }

            @Override
            public int requestType() {
                return 0;
            }

            @Override
            public int requestVersion() {
                return 0;
            }

            @Override
            public String clientId() {
                return "test";
            }

            @Override
            public int correlationId() {
                return 0;
            }
        };
    }
}
