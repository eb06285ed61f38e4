package dev.lethe.retention;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.discovery.LocationDocument;
import dev.lethe.events.AuditEntry;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.config.Secrets;
import dev.lethe.jobs.elasticsearch.ElasticsearchConnection;
import dev.lethe.jobs.kafka.LetheTopics;
import dev.lethe.jobs.retention.RetentionSettings;
import dev.lethe.local.Http;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import dev.lethe.simulator.HelpdeskGenerator;
import dev.lethe.simulator.HelpdeskMigrations;
import dev.lethe.testing.AuditTestJobs;
import dev.lethe.testing.SetUpAndSubmit;
import dev.lethe.testing.SharedStack;
import dev.lethe.testing.TestJobArgs;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adopting a helpdesk that already holds data, on the real stack: a database of its own is migrated
 * and filled (seeded contacts with their tickets, threads and comments, and a ticket soft-deleted a
 * year ago) before any connector watches it; then a connector of its own is registered (Debezium's
 * initial snapshot), and the audit and retention jobs run on its topics. Every existing row reaches
 * the audit log as a {@code SNAPSHOT} entry, and the year-old soft delete, due long before the
 * adoption, is not purged: it waits in the backlog.
 */
class AdoptPrefilledHelpdeskITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofMinutes(3);

    /** Where the adopted database's ids start, far from the shared stack's own rows. */
    private static final long FIRST_ID = 900_000_000L;

    @Test
    void everyExistingRowIsLoggedAsSnapshotAndTheBacklogWaits(@TempDir Path dir) throws Exception {
        StackSettings s = SharedStack.settings();
        System.setProperty(Secrets.ELASTICSEARCH_PASSWORD, s.elasticsearchPassword().orElseThrow());
        String run = UUID.randomUUID().toString().substring(0, 8);
        String database = "adopt_" + run;
        String prefix = "adopt" + run;
        String connector = "adopt-" + run;
        String url = s.postgresJdbcUrl().replaceFirst("/[^/?]+(\\?|$)", "/" + database + "$1");
        try (Connection admin = StackProbe.connectPostgres(s);
                Statement st = admin.createStatement()) {
            st.execute("CREATE DATABASE " + database);
        }
        HelpdeskMigrations.migrate(url, s.postgresUser(), s.postgresPassword());
        // the components' roles get their rights in this database too, as ./lethe up gives them
        org.postgresql.ds.PGSimpleDataSource superuser = new org.postgresql.ds.PGSimpleDataSource();
        superuser.setUrl(url);
        superuser.setUser(s.postgresUser());
        superuser.setPassword(s.postgresPassword());
        dev.lethe.local.PostgresRoles.apply(
                superuser,
                dev.lethe.local.PostgresRoles.governedTables(
                        dev.lethe.catalog.PersonalDataCatalog.loadDefault()),
                s::postgresPasswordOf);
        try (Connection c =
                        DriverManager.getConnection(url, s.postgresUser(), s.postgresPassword());
                Statement st = c.createStatement()) {
            // ids far from the shared stack's: its rows and these share the locations index
            for (String t : JobSettings.HELPDESK_TABLES) {
                st.execute(
                        "SELECT setval(pg_get_serial_sequence('public."
                                + t
                                + "', 'id'), "
                                + FIRST_ID
                                + ")");
            }
        }
        Map<String, Long> rows;
        long old;
        try (Connection c =
                DriverManager.getConnection(url, s.postgresUser(), s.postgresPassword())) {
            HelpdeskGenerator.seed(c, 20, 11, dir.resolve("truth.jsonl"));
            c.setAutoCommit(true);
            try (Statement st = c.createStatement()) {
                st.execute(
                        "INSERT INTO tickets (contact_id, subject, deleted_at) SELECT min(id),"
                                + " 'long gone', now() - interval '365 days' FROM contacts");
                old = single(st, "SELECT max(id) FROM tickets");
                rows = new TreeMap<>();
                for (String t : List.of("contacts", "tickets", "threads", "comments")) {
                    rows.put(t, single(st, "SELECT count(*) FROM " + t));
                }
            }
        }

        JobClient audit = null;
        JobClient retention = null;
        JobClient discovery = null;
        try {
            grantRawTopics(s, prefix);
            JobSettings auditSettings = parse(AuditTestJobs.args(s, run, 5), url, prefix);
            // the raw topics exist before a job subscribes (Debezium creates a table's topic only
            // with its first event)
            LetheTopics.ensure(
                    s.kafkaBootstrap(),
                    dev.lethe.jobs.kafka.TopicReplication.BROKER_DEFAULT,
                    auditSettings.rawTopics(),
                    List.of());
            register(s, connector, database, prefix, url);
            StreamExecutionEnvironment env = SetUpAndSubmit.flinkOf(s);
            audit = SetUpAndSubmit.audit(env, auditSettings);
            discovery =
                    SetUpAndSubmit.discovery(
                            SetUpAndSubmit.flinkOf(s),
                            parse(
                                    TestJobArgs.of(
                                            s,
                                            dev.lethe.local.ComponentRole.DISCOVERY,
                                            run,
                                            "adopt-discovery-" + run,
                                            "2s"),
                                    url,
                                    prefix));

            Path policy = dir.resolve("retention-policy.yaml");
            Files.writeString(
                    policy,
                    "version: 1\nrules:\n  - {id: tickets.soft-deleted, table: tickets, since:"
                            + " deleted_at, after: PT4S, action: delete}\n");
            JobSettings retentionSettings =
                    parse(
                            TestJobArgs.of(
                                    s,
                                    dev.lethe.local.ComponentRole.RETENTION,
                                    run,
                                    "adopt-retention-" + run,
                                    "2s"),
                            url,
                            prefix);
            retention =
                    SetUpAndSubmit.retention(
                            SetUpAndSubmit.flinkOf(s),
                            retentionSettings,
                            RetentionSettings.defaults()
                                    .withPolicyPath(policy.toString())
                                    .withRetryInterval(Duration.ofSeconds(2)));

            long expected = rows.values().stream().mapToLong(Long::longValue).sum();
            List<AuditEntry> snapshots =
                    AuditTestJobs.entries(
                            auditSettings.auditTopic(),
                            e -> "SNAPSHOT".equals(e.getOp()) && rows.containsKey(e.getTable()),
                            l -> l.size() >= expected,
                            WAIT);
            Map<String, Long> logged =
                    snapshots.stream()
                            .collect(
                                    Collectors.groupingBy(
                                            AuditEntry::getTable,
                                            TreeMap::new,
                                            Collectors.counting()));
            assertThat(logged).as("SNAPSHOT entries per table").isEqualTo(rows);
            assertThat(snapshots)
                    .extracting(AuditEntry::getEntityId)
                    .doesNotHaveDuplicates()
                    .contains("tickets/" + old);

            // discovery indexed them: every contact (its email) and every ticket (its contact)
            List<String> records =
                    snapshots.stream()
                            .map(AuditEntry::getEntityId)
                            .filter(id -> id.startsWith("contacts/") || id.startsWith("tickets/"))
                            .toList();
            try (ElasticsearchConnection.Clients clients =
                    new ElasticsearchConnection(s.elasticsearchUrl(), s.elasticsearchUser())
                            .open(s.elasticsearchPassword().orElseThrow())) {
                ElasticsearchClient es = clients.client();
                long deadline = System.nanoTime() + WAIT.toNanos();
                List<String> missing = records;
                while (!missing.isEmpty()) {
                    assertThat(System.nanoTime())
                            .as("records not in the locations index: " + missing)
                            .isLessThan(deadline);
                    Thread.sleep(1000);
                    es.indices().refresh(r -> r.index(LocationDocument.INDEX));
                    List<String> still = new java.util.ArrayList<>();
                    for (String record : missing) {
                        long n =
                                es.count(
                                                q ->
                                                        q.index(LocationDocument.INDEX)
                                                                .query(
                                                                        x ->
                                                                                x.term(
                                                                                        t ->
                                                                                                t.field(
                                                                                                                "recordId")
                                                                                                        .value(
                                                                                                                record))))
                                        .count();
                        if (n == 0) {
                            still.add(record);
                        }
                    }
                    missing = still;
                }
            }

            try (Connection c =
                    DriverManager.getConnection(url, s.postgresUser(), s.postgresPassword())) {
                try (Statement st = c.createStatement()) {
                    long deadline = System.nanoTime() + WAIT.toNanos();
                    while (single(
                                    st,
                                    "SELECT count(*) FROM lethe.purge_schedule WHERE entity_id ="
                                            + " 'tickets/"
                                            + old
                                            + "'")
                            == 0) {
                        assertThat(System.nanoTime())
                                .as("the year-old soft delete is scheduled")
                                .isLessThan(deadline);
                        Thread.sleep(300);
                    }
                    // several retries of the 2 s interval later it still waits
                    Thread.sleep(8000);
                    assertThat(single(st, "SELECT count(*) FROM tickets WHERE id = " + old))
                            .as("a purge due before the adoption waits for approval")
                            .isOne();
                    assertThat(
                                    single(
                                            st,
                                            "SELECT count(*) FROM lethe.purge_log WHERE entity_id"
                                                    + " = 'tickets/"
                                                    + old
                                                    + "'"))
                            .isZero();
                }
            }
        } finally {
            if (audit != null) {
                audit.cancel().get();
            }
            if (retention != null) {
                retention.cancel().get();
            }
            if (discovery != null) {
                discovery.cancel().get();
            }
            unregister(s, connector);
            try (Connection admin = StackProbe.connectPostgres(s);
                    Statement st = admin.createStatement()) {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (single(
                                        st,
                                        "SELECT count(*) FROM pg_replication_slots WHERE"
                                                + " slot_name = 'lethe_adopt_"
                                                + run
                                                + "' AND active")
                                > 0
                        && System.nanoTime() < deadline) {
                    Thread.sleep(500);
                }
                st.execute(
                        "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                                + " WHERE slot_name = 'lethe_adopt_"
                                + run
                                + "'");
                st.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            }
        }
    }

    /** The shipped connector registration, pointed at the adopted database and topics. */
    private static void register(
            StackSettings s, String name, String database, String prefix, String url)
            throws Exception {
        JsonNode reg =
                JSON.readTree(s.home().resolve("connectors/register-helpdesk.json").toFile());
        ObjectNode config = (ObjectNode) reg.path("config").deepCopy();
        config.put("database.dbname", database);
        config.put("topic.prefix", prefix);
        config.put("slot.name", "lethe_adopt_" + prefix.substring("adopt".length()));
        config.put("transforms.maskEncrypted.definitions.jdbc.url", url);
        if (config.has("notification.sink.topic.name")) {
            config.put("notification.sink.topic.name", prefix + ".notifications");
        }
        Http.Response r =
                Http.put(
                        s.connectUrl().resolve("/connectors/" + name + "/config"),
                        JSON.writeValueAsString(config),
                        null);
        assertThat(r.ok()).as("registering " + name + ": " + r.body()).isTrue();
    }

    /**
     * The broker's grants for this connector's raw topics, as the local stack gives them for {@code
     * helpdesk*} (dev.lethe.stack.KafkaAcls.rawTopics): capture writes, Lethe reads.
     */
    private static void grantRawTopics(StackSettings s, String prefix) throws Exception {
        java.util.Properties p = dev.lethe.testing.BrokerAdmin.properties(s);
        List<org.apache.kafka.common.acl.AclBinding> acls = new java.util.ArrayList<>();
        org.apache.kafka.common.resource.ResourcePattern topics =
                new org.apache.kafka.common.resource.ResourcePattern(
                        org.apache.kafka.common.resource.ResourceType.TOPIC,
                        prefix,
                        org.apache.kafka.common.resource.PatternType.PREFIXED);
        for (String[] grant :
                List.of(
                        new String[] {dev.lethe.local.ComponentRole.CAPTURE.user(), "WRITE"},
                        new String[] {dev.lethe.local.ComponentRole.CAPTURE.user(), "CREATE"},
                        new String[] {dev.lethe.local.ComponentRole.CAPTURE.user(), "DESCRIBE"},
                        new String[] {s.kafkaUser(), "READ"},
                        new String[] {s.kafkaUser(), "DESCRIBE"},
                        new String[] {s.kafkaUser(), "CREATE"})) {
            acls.add(
                    new org.apache.kafka.common.acl.AclBinding(
                            topics,
                            new org.apache.kafka.common.acl.AccessControlEntry(
                                    "User:" + grant[0],
                                    "*",
                                    org.apache.kafka.common.acl.AclOperation.valueOf(grant[1]),
                                    org.apache.kafka.common.acl.AclPermissionType.ALLOW)));
        }
        try (org.apache.kafka.clients.admin.Admin admin =
                org.apache.kafka.clients.admin.Admin.create(p)) {
            admin.createAcls(acls).all().get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    private static void unregister(StackSettings s, String name) throws Exception {
        HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(s.connectUrl().resolve("/connectors/" + name))
                                .DELETE()
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
    }

    /** A job's settings reading the adopted database and its connector's topics. */
    private static JobSettings parse(List<String> args, String url, String prefix) {
        List<String> a = new java.util.ArrayList<>(args);
        a.set(a.indexOf("--postgres-url") + 1, url);
        a.add("--raw-topic-prefix");
        a.add(prefix);
        return JobSettings.parse(a.toArray(String[]::new));
    }

    private static long single(Statement st, String sql) throws Exception {
        try (ResultSet r = st.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}
