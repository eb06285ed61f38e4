package dev.lethe.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** Health checks of each component, used by {@code up} (to wait) and {@code status}. */
public final class StackProbe {

    private static final ObjectMapper JSON = new ObjectMapper();
    public static final List<String> COMPONENTS =
            List.of("postgres", "kafka", "connect", "elasticsearch", "flink", "server");

    private final StackSettings s;
    private final Map<String, Long> pids;

    public StackProbe(StackSettings settings, Map<String, Long> pids) {
        this.s = settings;
        this.pids = pids;
    }

    /**
     * Every component's health, each local Kafka broker as one ({@code kafka}, {@code kafka-2}, ...
     * with {@code --kafka-brokers} 3 or more).
     */
    public List<ComponentHealth> all() {
        List<ComponentHealth> all = new java.util.ArrayList<>();
        for (String c : COMPONENTS) {
            if (c.equals("kafka") && multiBroker()) {
                all.addAll(kafkaBrokers());
            } else {
                all.add(probe(c));
            }
        }
        return all;
    }

    private boolean multiBroker() {
        return s.managesKafka() && s.kafkaBrokers() > 1;
    }

    public ComponentHealth probe(String component) {
        java.util.Optional<Integer> node = KafkaNodes.nodeOf(component);
        if (node.isPresent() && multiBroker()) {
            return kafkaBroker(node.get());
        }
        return switch (component) {
            case "postgres" -> postgres();
            case "kafka" -> kafka();
            case "connect" -> connect();
            case "elasticsearch" -> elasticsearch();
            case "flink" -> flink();
            case "server" -> server();
            default -> throw new IllegalArgumentException("unknown component " + component);
        };
    }

    ComponentHealth postgres() {
        String address = s.postgresJdbcUrl();
        try (Connection c = connectPostgres(s);
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT current_setting('server_version'),"
                                        + " current_setting('wal_level')")) {
            rs.next();
            String wal = rs.getString(2);
            boolean logical = "logical".equals(wal);
            return health(
                    "postgres",
                    address,
                    logical,
                    s.managesPostgres(),
                    "PostgreSQL "
                            + rs.getString(1)
                            + ", wal_level="
                            + wal
                            + (logical ? "" : " (Debezium needs wal_level=logical)"));
        } catch (Exception e) {
            return health("postgres", address, false, s.managesPostgres(), reason(e));
        }
    }

    public static Connection connectPostgres(StackSettings s) throws java.sql.SQLException {
        Properties p = new Properties();
        p.setProperty("user", s.postgresUser());
        p.setProperty("password", s.postgresPassword());
        p.setProperty("connectTimeout", "3");
        p.setProperty("loginTimeout", "3");
        return DriverManager.getConnection(s.postgresJdbcUrl(), p);
    }

    /**
     * Local broker {@code node} of several: healthy when the cluster answers with Lethe's grants in
     * place, at least {@code min.insync.replicas} brokers serve (a controller quorum has them
     * registered and unfenced), and this one is among them and takes connections.
     */
    ComponentHealth kafkaBroker(int node) {
        return kafkaBrokers().get(node - 1);
    }

    /** {@link #kafkaBroker} of every local broker, from one look at the cluster. */
    List<ComponentHealth> kafkaBrokers() {
        KafkaNodes nodes = s.kafkaNodes();
        java.util.Set<Integer> serving = new java.util.TreeSet<>();
        String clusterProblem = null;
        try (Admin admin = probingAdmin()) {
            org.apache.kafka.clients.admin.DescribeClusterResult cluster = describeCluster(admin);
            cluster.nodes().get(4, TimeUnit.SECONDS).forEach(n -> serving.add(n.id()));
            java.util.Set<org.apache.kafka.common.acl.AclOperation> ops =
                    cluster.authorizedOperations().get(4, TimeUnit.SECONDS);
            if (ops == null
                    || !ops.contains(org.apache.kafka.common.acl.AclOperation.IDEMPOTENT_WRITE)) {
                clusterProblem = "Lethe's grants not in place yet";
            } else if (serving.size() < nodes.minInsyncReplicas()) {
                clusterProblem =
                        "fewer than min.insync.replicas=" + nodes.minInsyncReplicas() + " serving";
            }
        } catch (Exception e) {
            clusterProblem = "cluster " + reason(e);
        }
        List<ComponentHealth> all = new java.util.ArrayList<>();
        for (int i = 1; i <= nodes.count(); i++) {
            String address = "127.0.0.1:" + nodes.port(i);
            boolean listed = serving.contains(i);
            boolean reachable = listed && reachable(nodes.port(i));
            String detail =
                    "broker "
                            + i
                            + " of "
                            + nodes.count()
                            + (reachable
                                    ? ", serving"
                                    : listed ? ", not taking connections" : ", not serving")
                            + "; cluster: "
                            + serving.size()
                            + " of "
                            + nodes.count()
                            + " broker(s) serving"
                            + (clusterProblem == null ? "" : ", " + clusterProblem);
            all.add(
                    health(
                            KafkaNodes.component(i),
                            address,
                            reachable && clusterProblem == null,
                            true,
                            detail));
        }
        return all;
    }

    private static boolean reachable(int port) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 2000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** An admin client as Lethe's user that gives up within seconds: a probe must not hang. */
    private Admin probingAdmin() {
        Properties p = s.kafkaClient();
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 4000);
        return Admin.create(p);
    }

    /** The cluster's brokers, with the operations Lethe may do when it manages the brokers. */
    private org.apache.kafka.clients.admin.DescribeClusterResult describeCluster(Admin admin) {
        return admin.describeCluster(
                new org.apache.kafka.clients.admin.DescribeClusterOptions()
                        .includeAuthorizedOperations(s.managesKafka()));
    }

    ComponentHealth kafka() {
        String address = s.kafkaBootstrap();
        try (Admin admin = probingAdmin()) {
            org.apache.kafka.clients.admin.DescribeClusterResult cluster = describeCluster(admin);
            int nodes = cluster.nodes().get(4, TimeUnit.SECONDS).size();
            if (nodes > 0 && s.managesKafka()) {
                // the local broker sets Lethe's grants just after it starts
                java.util.Set<org.apache.kafka.common.acl.AclOperation> ops =
                        cluster.authorizedOperations().get(4, TimeUnit.SECONDS);
                if (ops == null
                        || !ops.contains(
                                org.apache.kafka.common.acl.AclOperation.IDEMPOTENT_WRITE)) {
                    return health(
                            "kafka",
                            address,
                            false,
                            true,
                            "broker up, Lethe's grants not in place yet");
                }
            }
            return health("kafka", address, nodes > 0, s.managesKafka(), nodes + " broker(s)");
        } catch (Exception e) {
            return health("kafka", address, false, s.managesKafka(), reason(e));
        }
    }

    ComponentHealth connect() {
        URI base = s.connectUrl();
        try {
            Http.Response r = Http.get(s.connectorUrl("status"), null);
            if (r.status() == 404) {
                return health(
                        "connect",
                        base.toString(),
                        false,
                        s.managesConnect(),
                        "worker up, connector '" + StackSettings.CONNECTOR + "' not registered");
            }
            if (!r.ok()) {
                return health(
                        "connect",
                        base.toString(),
                        false,
                        s.managesConnect(),
                        "HTTP " + r.status());
            }
            JsonNode st = JSON.readTree(r.body());
            String connector = st.path("connector").path("state").asText();
            StringBuilder tasks = new StringBuilder();
            boolean tasksRunning = st.path("tasks").size() > 0;
            for (JsonNode t : st.path("tasks")) {
                tasks.append(t.path("state").asText()).append(' ');
                tasksRunning &= "RUNNING".equals(t.path("state").asText());
            }
            boolean ok = "RUNNING".equals(connector) && tasksRunning;
            return health(
                    "connect",
                    base.toString(),
                    ok,
                    s.managesConnect(),
                    "connector "
                            + StackSettings.CONNECTOR
                            + " "
                            + connector
                            + ", tasks "
                            + tasks.toString().trim());
        } catch (Exception e) {
            return health("connect", base.toString(), false, s.managesConnect(), reason(e));
        }
    }

    ComponentHealth elasticsearch() {
        URI base = s.elasticsearchUrl();
        try {
            Http.Response r =
                    Http.get(
                            base.resolve("/_cluster/health"),
                            Http.basic(
                                    s.elasticsearchUser(), s.elasticsearchPassword().orElse(null)));
            if (r.status() == 401) {
                return health(
                        "elasticsearch",
                        base.toString(),
                        false,
                        s.managesElasticsearch(),
                        "authentication failed for user '"
                                + s.elasticsearchUser()
                                + "': check --elasticsearch-password");
            }
            if (!r.ok()) {
                return health(
                        "elasticsearch",
                        base.toString(),
                        false,
                        s.managesElasticsearch(),
                        "HTTP " + r.status());
            }
            String status = JSON.readTree(r.body()).path("status").asText();
            return health(
                    "elasticsearch",
                    base.toString(),
                    "green".equals(status) || "yellow".equals(status),
                    s.managesElasticsearch(),
                    "cluster " + status);
        } catch (Exception e) {
            return health(
                    "elasticsearch", base.toString(), false, s.managesElasticsearch(), reason(e));
        }
    }

    ComponentHealth flink() {
        URI base = s.flinkUrl();
        try {
            Http.Response r = Http.get(base.resolve("/overview"), null);
            if (!r.ok()) {
                return health(
                        "flink", base.toString(), false, s.managesFlink(), "HTTP " + r.status());
            }
            JsonNode o = JSON.readTree(r.body());
            int tms = o.path("taskmanagers").asInt();
            // the latest run of each job decides: an old failed run that was resubmitted is history
            Map<String, JsonNode> latest = new java.util.TreeMap<>();
            Http.Response jr = Http.get(base.resolve("/jobs/overview"), null);
            if (jr.ok()) {
                for (JsonNode j : JSON.readTree(jr.body()).path("jobs")) {
                    latest.merge(
                            j.path("name").asText(),
                            j,
                            (a, b) ->
                                    a.path("start-time").asLong() >= b.path("start-time").asLong()
                                            ? a
                                            : b);
                }
            }
            StringBuilder jobs = new StringBuilder();
            boolean jobsOk = true;
            for (Map.Entry<String, JsonNode> e : latest.entrySet()) {
                String state = e.getValue().path("state").asText();
                if (List.of("CANCELED", "FINISHED").contains(state)) {
                    continue;
                }
                jobsOk &= !List.of("FAILED", "FAILING", "RESTARTING").contains(state);
                jobs.append(jobs.length() == 0 ? "; " : ", ")
                        .append(e.getKey())
                        .append(' ')
                        .append(state);
            }
            return health(
                    "flink",
                    base.toString(),
                    tms > 0 && jobsOk,
                    s.managesFlink(),
                    "Flink "
                            + o.path("flink-version").asText()
                            + ", "
                            + tms
                            + " taskmanager(s), "
                            + o.path("slots-available").asInt()
                            + "/"
                            + o.path("slots-total").asInt()
                            + " slots free, "
                            + o.path("jobs-running").asInt()
                            + " job(s) running"
                            + jobs);
        } catch (Exception e) {
            return health("flink", base.toString(), false, s.managesFlink(), reason(e));
        }
    }

    /**
     * The TaskManagers registered with Flink ({@code /overview}); empty when its REST API does not
     * answer. Unlike {@link #flink()}, a failing job does not count here: the supervisor restarts
     * Flink when it has no TaskManager ({@link StallWatch}), not when a job fails.
     */
    public OptionalInt flinkTaskManagers() {
        try {
            Http.Response r = Http.get(s.flinkUrl().resolve("/overview"), null);
            if (!r.ok()) {
                return OptionalInt.empty();
            }
            JsonNode tms = JSON.readTree(r.body()).path("taskmanagers");
            return tms.isNumber() ? OptionalInt.of(tms.asInt()) : OptionalInt.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalInt.empty();
        } catch (Exception e) {
            return OptionalInt.empty();
        }
    }

    ComponentHealth server() {
        URI base = s.serverUrl();
        String address = base + "/api/v1";
        try {
            Http.Response r = Http.get(base.resolve("/api/v1/health"), null);
            if (!r.ok()) {
                return health("server", address, false, true, "HTTP " + r.status());
            }
            String status = JSON.readTree(r.body()).path("status").asText();
            return health(
                    "server",
                    address,
                    "UP".equals(status),
                    true,
                    "REST API " + status + ", bound to " + s.serverHost());
        } catch (Exception e) {
            return health("server", address, false, true, reason(e));
        }
    }

    private ComponentHealth health(
            String component, String address, boolean healthy, boolean managed, String detail) {
        return new ComponentHealth(
                component, address, healthy, managed, pids.get(component), detail);
    }

    static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = root.getMessage();
        return "unreachable: "
                + root.getClass().getSimpleName()
                + (msg == null ? "" : " (" + msg.lines().findFirst().orElse("") + ")");
    }
}
