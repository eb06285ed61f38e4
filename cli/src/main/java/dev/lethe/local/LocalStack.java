package dev.lethe.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.jobs.config.Secrets;
import dev.lethe.jobs.kafka.KafkaClients;
import dev.lethe.normalize.SizeLimits;
import dev.lethe.simulator.HelpdeskMigrations;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Starts, records and stops Lethe's local stack: PostgreSQL, a KRaft Kafka broker, a Kafka Connect
 * worker (distributed mode) with Debezium, Elasticsearch and a Flink MiniCluster, each a process of
 * its own, with its data under the data directory. Components given external addresses are not
 * started, only checked.
 */
public final class LocalStack {

    /** Start order; stop runs in reverse. Each local Kafka broker is a component of its own. */
    List<String> order() {
        List<String> order = new ArrayList<>(List.of("postgres"));
        order.addAll(s.managesKafka() ? s.kafkaNodes().components() : List.of("kafka"));
        order.addAll(List.of("elasticsearch", "connect", "flink", "server"));
        return order;
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

    /** Task slots of the local Flink's one TaskManager. */
    private static final int FLINK_TASK_SLOTS = 8;

    private final StackSettings s;
    private final PrintStream out;
    private final Map<String, ChildProcess> processes = new LinkedHashMap<>();
    private boolean startJobs = true;

    public LocalStack(StackSettings settings, PrintStream out) {
        this.s = settings;
        this.out = out;
    }

    public StackSettings settings() {
        return s;
    }

    /** Whether {@link #up()} also runs Lethe's Flink jobs (default true). */
    public LocalStack withJobs(boolean startJobs) {
        this.startJobs = startJobs;
        return this;
    }

    /** Thrown when the stack cannot start; the message says what to do. */
    public static final class StackException extends RuntimeException {
        public StackException(String message) {
            super(message);
        }
    }

    /** True when every process recorded for this data directory is still running. */
    public boolean alreadyRunning() {
        Map<String, ChildProcess> recorded = recordedProcesses();
        return !recorded.isEmpty() && recorded.values().stream().allMatch(ChildProcess::isAlive);
    }

    public void up() throws Exception {
        Instant t0 = Instant.now();
        Files.createDirectories(s.logsDir());
        ownerOnly(s.dataDir());
        stopLeftovers();
        if (s.managesElasticsearch()) {
            // before stack.json is written: whether it exists tells an older data directory
            new LocalElasticsearch(s).claimData();
        }
        preflight();
        StackSettings eff = effective().publishSecrets();
        try {
            if (s.managesPostgres()) {
                start("postgres", postgresCommand(), postgresEnv(eff));
            }
            if (s.managesKafka()) {
                // every node before any is waited for: a quorum needs most of them
                s.kafkaNodes().recordFormat(s.dataDir());
                for (int node = 1; node <= s.kafkaBrokers(); node++) {
                    start(KafkaNodes.component(node), kafkaCommand(node), kafkaEnv(eff));
                }
            }
            if (s.managesElasticsearch()) {
                processes.put(
                        "elasticsearch",
                        new LocalElasticsearch(eff)
                                .start(eff.elasticsearchPassword().orElse(null)));
                record(eff);
            }
            if (s.managesFlink()) {
                // the audit job only loads its signing key: it is made here, once, like the
                // stack's other secrets, and pinned for the local auditor
                AuditTrust.ensureLocalSigningKey(s, out);
                LocalStateBackend.record(flinkDir(), s.flinkStateBackend());
                start("flink", flinkCommand(), jobSecretsEnv(eff));
            }
            StackProbe probe = new StackProbe(eff, Map.of());
            await("postgres", () -> probe.postgres());
            migrate(eff);
            if (s.managesPostgres()) {
                PostgresRoles.apply(
                        eff.postgresDataSource("lethe-setup"),
                        PostgresRoles.governedTables(
                                dev.lethe.catalog.PersonalDataCatalog.loadDefault()),
                        eff::postgresPasswordOf);
            }
            awaitKafka(probe);
            CaptureTopics.ensure(eff.kafkaClient(), topicReplication());
            // the topic the server appends access records to; its own user may not create it
            dev.lethe.jobs.kafka.LetheTopics.ensure(
                    eff.kafkaClient(),
                    topicReplication(),
                    List.of(dev.lethe.jobs.audit.AuditJob.AUDIT_REQUESTS_TOPIC),
                    List.of());
            if (s.managesConnect()) {
                start("connect", connectCommand(eff), connectEnv(eff));
            }
            ConnectorRegistration.register(
                    s.connectUrl(),
                    s.home().resolve("connectors/register-helpdesk.json"),
                    START_TIMEOUT);
            await("connect", () -> probe.connect());
            await("elasticsearch", () -> probe.elasticsearch());
            await("flink", () -> probe.flink());
            if (startJobs) {
                List<String> failed = new LetheJobs(eff, out).startAll();
                if (!failed.isEmpty()) {
                    out.println(
                            "WARNING: jobs "
                                    + failed
                                    + " are not running; the servers are. See"
                                    + " <data-dir>/logs/flink.log.");
                }
            }
            start("server", serverCommand(), serverSecretsEnv(eff));
            await("server", () -> probe.server());
            record(eff);
            out.printf(
                    "Lethe is up in %.1f s (data in %s; JVMs compiling for %s: --jit)%n",
                    Duration.between(t0, Instant.now()).toMillis() / 1000.0,
                    s.dataDir(),
                    s.jit().flagValue());
        } catch (Exception | Error e) {
            out.println("Start failed; stopping what was started.");
            down();
            throw e;
        }
    }

    /** Waits until Kafka serves: with several local brokers, until every one does. */
    private void awaitKafka(StackProbe probe) throws Exception {
        if (s.managesKafka() && s.kafkaBrokers() > 1) {
            for (int node = 1; node <= s.kafkaBrokers(); node++) {
                int n = node;
                await(KafkaNodes.component(n), () -> probe.kafkaBroker(n));
            }
        } else {
            await("kafka", probe::kafka);
        }
    }

    /**
     * Replicas and min.insync.replicas of the topics the stack creates (the raw topics, Connect's,
     * the access log): the local cluster's ({@link KafkaNodes}); on a Kafka Lethe does not manage,
     * one replica.
     */
    private dev.lethe.jobs.kafka.TopicReplication topicReplication() {
        return s.managesKafka()
                ? new dev.lethe.jobs.kafka.TopicReplication(
                        s.kafkaNodes().replicationFactor(), s.kafkaNodes().minInsyncReplicas())
                : dev.lethe.jobs.kafka.TopicReplication.SINGLE;
    }

    // ---- self-healing: the supervisor's pass ---------------------------------------------------

    /** A component the supervisor restarted: how often, when last, and why. */
    public record Restart(int count, Instant last, String reason) {}

    /** How long the local Flink may run without a TaskManager before it is restarted. */
    static final Duration FLINK_STALL_GRACE = Duration.ofSeconds(60);

    /** How long a stalled process is given to stop (SIGTERM) before it is killed. */
    private static final Duration STALLED_STOP_GRACE = Duration.ofSeconds(10);

    private final StallWatch flinkWatch =
            new StallWatch(START_TIMEOUT, FLINK_STALL_GRACE, java.time.Clock.systemUTC());
    private final Map<String, Instant> nextAttempt = new HashMap<>();
    private final Map<String, Integer> failedAttempts = new HashMap<>();
    private Instant nextJobCheck = Instant.MIN;
    private int jobResubmissions;

    /** The restarts recorded for this data directory ({@code restarts.json}), by component. */
    public Map<String, Restart> restarts() {
        Map<String, Restart> m = new LinkedHashMap<>();
        Path f = s.dataDir().resolve("restarts.json");
        if (!Files.isRegularFile(f)) {
            return m;
        }
        try {
            JSON.readTree(f.toFile())
                    .fields()
                    .forEachRemaining(
                            e ->
                                    m.put(
                                            e.getKey(),
                                            new Restart(
                                                    e.getValue().path("count").asInt(),
                                                    Instant.parse(
                                                            e.getValue().path("last").asText()),
                                                    e.getValue().path("reason").asText())));
        } catch (IOException | RuntimeException e) {
            out.println("ignoring unreadable " + f + ": " + e.getMessage());
        }
        return m;
    }

    private void recordRestart(String name, String reason) throws IOException {
        Map<String, Restart> all = restarts();
        Restart before = all.get(name);
        all.put(name, new Restart(before == null ? 1 : before.count() + 1, Instant.now(), reason));
        ObjectNode root = JSON.createObjectNode();
        all.forEach(
                (k, v) -> {
                    ObjectNode n = root.putObject(k);
                    n.put("count", v.count());
                    n.put("last", v.last().toString());
                    n.put("reason", v.reason());
                });
        Path tmp = s.dataDir().resolve("restarts.json.tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), root);
        Files.move(
                tmp,
                s.dataDir().resolve("restarts.json"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** The components recorded as started ({@code stack.json}), dead or alive, with their pids. */
    private Map<String, Long> recordedPids() {
        Map<String, Long> m = new LinkedHashMap<>();
        if (!Files.exists(s.stateFile())) {
            return m;
        }
        try {
            JSON.readTree(s.stateFile().toFile())
                    .path("processes")
                    .fields()
                    .forEachRemaining(e -> m.put(e.getKey(), e.getValue().path("pid").asLong()));
        } catch (IOException e) {
            out.println("ignoring unreadable " + s.stateFile() + ": " + e.getMessage());
        }
        return m;
    }

    /**
     * One pass of the supervisor ({@link #heal(java.util.function.Consumer)}).
     *
     * @return what it did, one line each
     */
    public List<String> heal() {
        List<String> done = new ArrayList<>();
        heal(done::add);
        return done;
    }

    /**
     * One pass of the supervisor. A component whose process died is restarted, in start order (a
     * dead Kafka before the Connect that needs it), waiting for its health; a failed restart is
     * tried again with backoff (2, 4, 8 ... 60 s). The local Flink is restarted the same way when
     * its process runs without a TaskManager, or without answering, for {@link #FLINK_STALL_GRACE}
     * (after its startup time): it is stopped first (SIGTERM, then SIGKILL). A connector or task
     * that failed (e.g. while Kafka was away) is restarted through Connect's REST API, and Lethe's
     * jobs are resubmitted from their latest checkpoints when they are not running. Every restart
     * is recorded ({@link #restarts}). Does nothing when the stack is stopped.
     *
     * @param report told what it does, one line each, as it does it
     */
    public synchronized void heal(java.util.function.Consumer<String> report) {
        Map<String, Long> recorded = recordedPids();
        if (recorded.isEmpty()) {
            return;
        }
        Map<String, ChildProcess> alive = recordedProcesses();
        processes.clear();
        processes.putAll(alive);
        Instant now = Instant.now();
        for (String name : order()) {
            if (!recorded.containsKey(name)) {
                continue;
            }
            if (now.isBefore(nextAttempt.getOrDefault(name, Instant.MIN))) {
                continue;
            }
            String reason;
            if (!alive.containsKey(name)) {
                reason = "process " + recorded.get(name) + " exited";
            } else {
                Optional<String> stalled = stalled(name, alive.get(name));
                if (stalled.isEmpty()) {
                    continue;
                }
                // alive but not working: ended, then started again like a crashed one
                reason = stalled.get();
                report.accept(name + ": " + reason + ", restarting");
                alive.get(name).stop(STALLED_STOP_GRACE);
                processes.remove(name);
            }
            try {
                restart(name);
                recordRestart(name, reason);
                failedAttempts.remove(name);
                nextAttempt.remove(name);
                report.accept("restarted " + name + " (" + reason + ")");
            } catch (Exception e) {
                int n = failedAttempts.merge(name, 1, Integer::sum);
                long wait = Math.min(60, 1L << Math.min(n, 6));
                nextAttempt.put(name, Instant.now().plusSeconds(wait));
                report.accept(
                        "restart of "
                                + name
                                + " failed ("
                                + e.getMessage()
                                + "); next try in "
                                + wait
                                + " s");
                return; // what starts after it depends on it
            }
        }
        if (s.managesConnect() && processes.containsKey("connect")) {
            restartFailedConnector().ifPresent(report);
        }
        if (startJobs && processes.containsKey("flink") && !now.isBefore(nextJobCheck)) {
            nextJobCheck = now.plusSeconds(10);
            try {
                StackSettings eff = effective();
                LetheJobs lethe = new LetheJobs(eff, out);
                // a job whose latest run FAILED for good makes Flink unhealthy in status; it is
                // submitted again all the same, from its latest checkpoint
                List<String> missing =
                        LetheJobs.toResubmit(
                                new StackProbe(eff, Map.of()).flinkTaskManagers(),
                                lethe.runningJobs().keySet());
                if (missing.isEmpty()) {
                    jobResubmissions = 0;
                } else {
                    // a job failing again at once is resubmitted with backoff: 10, 20 ... 600 s
                    jobResubmissions++;
                    nextJobCheck =
                            now.plusSeconds(
                                    Math.min(600, 10L << Math.min(jobResubmissions - 1, 6)));
                    report.accept("resubmitting the jobs that are not running: " + missing);
                    List<String> failed = lethe.startAll();
                    if (!failed.isEmpty()) {
                        report.accept("jobs not running: " + failed);
                    }
                }
            } catch (Exception e) {
                report.accept("cannot check the jobs: " + e.getMessage());
            }
        }
    }

    /**
     * Why a component whose process runs is to be restarted all the same, when it is: the local
     * Flink without a TaskManager (a MiniCluster whose TaskManager failed fatally stays up without
     * one, and runs no job again), or whose REST API does not answer, for {@link
     * #FLINK_STALL_GRACE} ({@link StallWatch}).
     */
    private Optional<String> stalled(String name, ChildProcess p) {
        if (!name.equals("flink")) {
            return Optional.empty();
        }
        java.util.OptionalInt taskManagers = new StackProbe(s, Map.of()).flinkTaskManagers();
        boolean working = taskManagers.isPresent() && taskManagers.getAsInt() > 0;
        return flinkWatch
                .look(p.pid(), p.startedAt(), working)
                .map(
                        d ->
                                (taskManagers.isPresent()
                                                ? "no TaskManager"
                                                : "REST API not answering")
                                        + " for "
                                        + d.toSeconds()
                                        + " s");
    }

    /**
     * The settings with the local stack's own passwords: those the operator did not give are
     * generated on first use and kept in {@code secrets/} (owner-only).
     */
    private StackSettings effective() throws IOException {
        String pg =
                s.managesPostgres() && s.postgresPassword().isBlank()
                        ? localSecret("postgres-password", 18)
                        : s.postgresPassword();
        Optional<String> kafka =
                s.managesKafka() && s.kafkaPassword().isEmpty()
                        ? Optional.of(localSecret("kafka-password", 18))
                        : s.kafkaPassword();
        Optional<String> es =
                s.managesElasticsearch()
                        ? Optional.of(localElasticsearchPassword())
                        : s.elasticsearchPassword();
        return s.withPasswords(pg, kafka, es);
    }

    /** The superuser password of the local PostgreSQL, via its environment. */
    private static Map<String, String> postgresEnv(StackSettings eff) {
        return Map.of("LETHE_POSTGRES_PASSWORD", eff.postgresPassword());
    }

    /**
     * Lethe's SCRAM users (its own, capture's, each component's) and the broker's own admin
     * password, via the broker's environment.
     */
    private Map<String, String> kafkaEnv(StackSettings eff) throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("LETHE_KAFKA_USER", eff.kafkaUser());
        env.put("LETHE_KAFKA_PASSWORD", eff.kafkaPassword().orElseThrow());
        env.put("LETHE_KAFKA_ADMIN_PASSWORD", localSecret("kafka-admin-password", 18));
        env.put("LETHE_KAFKA_CAPTURE_USER", ComponentRole.CAPTURE.user());
        env.put("LETHE_KAFKA_CAPTURE_PASSWORD", s.captureKafkaPassword());
        for (ComponentRole role : StackSettings.KAFKA_COMPONENTS) {
            env.put(Secrets.kafkaPasswordOf(role.user()), eff.kafkaPasswordOf(role).orElseThrow());
        }
        return env;
    }

    /** The Flink TaskManager's secrets: the store users of the three jobs, not more. */
    private static Map<String, String> jobSecretsEnv(StackSettings eff) {
        Map<String, String> env =
                secretsEnv(
                        eff, ComponentRole.AUDIT, ComponentRole.RETENTION, ComponentRole.DISCOVERY);
        // the master key, when the operator gives it instead of the file (MasterKeys.fromProcess)
        Optional.ofNullable(System.getenv(MASTER_KEY_ENV))
                .ifPresent(k -> env.put(MASTER_KEY_ENV, k));
        return env;
    }

    /** The master key in the environment (Base64), read by the jobs instead of its file. */
    static final String MASTER_KEY_ENV = "LETHE_MASTER_KEY";

    /** Lethe's server's secrets: its own store users. */
    private static Map<String, String> serverSecretsEnv(StackSettings eff) {
        Map<String, String> env = secretsEnv(eff, ComponentRole.SERVER);
        Optional.ofNullable(System.getenv(SERVER_TOKEN_KEY_ENV))
                .ifPresent(k -> env.put(SERVER_TOKEN_KEY_ENV, k));
        return env;
    }

    /** The server's token signing key, when the operator gives it instead of the secrets file. */
    static final String SERVER_TOKEN_KEY_ENV = "LETHE_SERVER_TOKEN_KEY";

    /**
     * The stores' secrets, for the processes that hold them in their environment: the Flink
     * TaskManager (its operators) and Lethe's server. On the local stack each gets the passwords of
     * its own users in each store, never the superuser's, {@code elastic}'s or Lethe's own Kafka
     * user's.
     */
    private static Map<String, String> secretsEnv(StackSettings eff, ComponentRole... roles) {
        Map<String, String> env = new HashMap<>();
        if (eff.managesPostgres()) {
            for (ComponentRole role : roles) {
                env.put(Secrets.postgresPasswordOf(role.user()), eff.postgresPasswordOf(role));
            }
        } else {
            env.put(Secrets.POSTGRES_PASSWORD, eff.postgresPassword());
        }
        if (eff.managesElasticsearch()) {
            for (ComponentRole role : roles) {
                eff.elasticsearchPasswordOf(role)
                        .ifPresent(pw -> env.put(Secrets.elasticsearchPasswordOf(role.user()), pw));
            }
        } else {
            eff.elasticsearchPassword()
                    .ifPresent(pw -> env.put(Secrets.ELASTICSEARCH_PASSWORD, pw));
        }
        // the user is not secret: clients that name none sign in as it (a test's jobs)
        env.put(Secrets.KAFKA_USER, eff.kafkaUser());
        if (eff.managesKafka()) {
            for (ComponentRole role : roles) {
                eff.kafkaPasswordOf(role)
                        .ifPresent(pw -> env.put(Secrets.kafkaPasswordOf(role.user()), pw));
            }
        } else {
            eff.kafkaPassword().ifPresent(pw -> env.put(Secrets.KAFKA_PASSWORD, pw));
        }
        return env;
    }

    /**
     * Makes the data directory owner-only (0700): it holds the stores' data, logs and secrets. One
     * owned by another user is refused: whoever owns it could read or replace all of that.
     */
    static void ownerOnly(Path dir) throws IOException {
        ownerOnly(
                dir,
                dir.getFileSystem()
                        .getUserPrincipalLookupService()
                        .lookupPrincipalByName(System.getProperty("user.name")));
    }

    static void ownerOnly(Path dir, java.nio.file.attribute.UserPrincipal me) throws IOException {
        java.nio.file.attribute.UserPrincipal owner = Files.getOwner(dir);
        if (!owner.equals(me)) {
            throw new StackException(
                    "the data directory "
                            + dir
                            + " belongs to "
                            + owner.getName()
                            + ", not to "
                            + me.getName()
                            + ": use a directory of your own (--data-dir)");
        }
        Files.setPosixFilePermissions(
                dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    }

    /** Starts one component again (its process is gone) and waits until it is healthy. */
    private void restart(String name) throws Exception {
        StackSettings eff = effective();
        StackProbe probe = new StackProbe(eff, Map.of());
        stopStray(name);
        Optional<Integer> kafkaNode = KafkaNodes.nodeOf(name);
        if (kafkaNode.isPresent()) {
            int node = kafkaNode.get();
            start(name, kafkaCommand(node), kafkaEnv(eff));
            // with several brokers, until this one serves again (the others went on without it)
            await(name, s.kafkaBrokers() > 1 ? () -> probe.kafkaBroker(node) : probe::kafka);
            record(eff);
            return;
        }
        switch (name) {
            case "postgres" -> {
                stopOrphanPostgres();
                start("postgres", postgresCommand(), postgresEnv(eff));
                await("postgres", probe::postgres);
            }
            case "elasticsearch" -> {
                processes.put(
                        "elasticsearch",
                        new LocalElasticsearch(eff)
                                .start(eff.elasticsearchPassword().orElse(null)));
                record(eff);
                await("elasticsearch", probe::elasticsearch);
            }
            case "connect" -> {
                start("connect", connectCommand(eff), connectEnv(eff));
                ConnectorRegistration.register(
                        s.connectUrl(),
                        s.home().resolve("connectors/register-helpdesk.json"),
                        START_TIMEOUT);
                await("connect", probe::connect);
            }
            case "flink" -> {
                start("flink", flinkCommand(), jobSecretsEnv(eff));
                await("flink", probe::flink);
                if (startJobs) {
                    new LetheJobs(eff, out).startAll();
                }
            }
            case "server" -> {
                start("server", serverCommand(), serverSecretsEnv(eff));
                await("server", probe::server);
            }
            default -> throw new IllegalArgumentException("unknown component " + name);
        }
        record(eff);
    }

    /**
     * Processes of a dead component that outlived it (Elasticsearch's server behind its launcher, a
     * JVM whose wrapper was killed) would hold its ports: they are ended first.
     */
    private void stopStray(String name) throws InterruptedException {
        // "kafka " is not "kafka-2 "
        String marker = "-Dlethe.component=" + name + " ";
        String data = "-Dlethe.data=" + s.dataDir();
        List<ProcessHandle> strays =
                ProcessHandle.allProcesses()
                        .filter(
                                h ->
                                        h.info()
                                                .arguments()
                                                .map(a -> String.join(" ", a) + " ")
                                                .map(
                                                        a ->
                                                                a.contains(marker)
                                                                        && (a.contains(data)
                                                                                || a.contains(
                                                                                        s.elasticsearchDir()
                                                                                                .toString())))
                                                .orElse(false))
                        .toList();
        for (ProcessHandle h : strays) {
            out.println("stopping a leftover " + name + " process (pid " + h.pid() + ")");
            h.destroy();
        }
        for (ProcessHandle h : strays) {
            try {
                h.onExit().get(20, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
    }

    /** Restarts a failed connector or task (Connect leaves them failed after Kafka was away). */
    private Optional<String> restartFailedConnector() {
        try {
            Http.Response r = Http.get(s.connectorUrl("status"), null);
            if (!r.ok()) {
                return Optional.empty();
            }
            JsonNode st = JSON.readTree(r.body());
            boolean failed = "FAILED".equals(st.path("connector").path("state").asText());
            for (JsonNode t : st.path("tasks")) {
                failed |= "FAILED".equals(t.path("state").asText());
            }
            if (!failed) {
                return Optional.empty();
            }
            Http.post(s.connectorUrl("restart?includeTasks=true&onlyFailed=true"), "", null);
            recordRestart("connect", "connector or task failed");
            return Optional.of("restarted the failed connector " + StackSettings.CONNECTOR);
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    // ---- the supervisor process ---------------------------------------------------------------

    private Path supervisorPidFile() {
        return s.dataDir().resolve("supervisor.pid");
    }

    /** The running supervisor of this data directory ({@code ./lethe up} or its detached one). */
    public Optional<ProcessHandle> supervisor() {
        try {
            if (!Files.isRegularFile(supervisorPidFile())) {
                return Optional.empty();
            }
            long pid = Long.parseLong(Files.readString(supervisorPidFile()).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Records {@code pid} (this process, or a detached one) as the supervisor. */
    public void recordSupervisor(long pid) throws IOException {
        Files.createDirectories(s.dataDir());
        Files.writeString(supervisorPidFile(), Long.toString(pid));
    }

    /**
     * Starts a detached supervisor ({@code lethe supervise}, its own session, output in {@code
     * logs/supervisor.log}) unless one runs already.
     */
    public void ensureSupervisor() throws IOException {
        boolean managesAny =
                s.managesPostgres()
                        || s.managesKafka()
                        || s.managesConnect()
                        || s.managesElasticsearch()
                        || s.managesFlink();
        if (!managesAny || supervisor().isPresent()) {
            return; // in external mode there is nothing of ours to restart
        }
        List<String> c = new ArrayList<>();
        c.add(LetheHome.javaExecutable());
        c.add("-Xmx128m");
        c.addAll(s.jit().jvmOptions());
        c.add("-Dlethe.component=supervisor");
        c.add("-Dlethe.home=" + s.home());
        String target = System.getProperty("lethe.target");
        if (target != null) {
            c.add("-Dlethe.target=" + target);
        }
        c.add("-cp");
        c.add(LetheHome.moduleClasspath(s.home(), "cli"));
        c.add("dev.lethe.cli.Lethe");
        c.add("supervise");
        c.add("--data-dir");
        c.add(s.dataDir().toString());
        if (!startJobs) {
            c.add("--no-jobs");
        }
        ChildProcess p =
                ChildProcess.start(
                        "supervisor",
                        c,
                        Map.of(),
                        s.logsDir().resolve("supervisor.log"),
                        s.dataDir().resolve("supervisor"),
                        true);
        recordSupervisor(p.pid());
        out.println("supervisor started (pid " + p.pid() + "): crashed components restart");
    }

    /** Stops the supervisor first, so that it does not restart what {@link #down} stops. */
    private void stopSupervisor() {
        Optional<ProcessHandle> sup = supervisor();
        if (sup.isPresent() && sup.get().pid() != ProcessHandle.current().pid()) {
            out.println("stopping the supervisor (pid " + sup.get().pid() + ")");
            sup.get().destroy();
            try {
                sup.get().onExit().get(20, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                sup.get().destroyForcibly();
            }
        }
        try {
            Files.deleteIfExists(supervisorPidFile());
        } catch (IOException e) {
            out.println("could not remove " + supervisorPidFile() + ": " + e.getMessage());
        }
    }

    /** Whether some recorded component still runs while another is gone. */
    public boolean partlyRunning() {
        Map<String, Long> recorded = recordedPids();
        Map<String, ChildProcess> alive = recordedProcesses();
        return !alive.isEmpty() && alive.size() < recorded.size();
    }

    /** Stops every process this data directory records, in reverse start order. */
    public synchronized void down() {
        stopSupervisor();
        Map<String, ChildProcess> all = new LinkedHashMap<>(recordedProcesses());
        processes.forEach(all::putIfAbsent);
        List<String> order = new ArrayList<>(order());
        all.keySet().stream().filter(n -> !order.contains(n)).forEach(order::add);
        java.util.Collections.reverse(order);
        for (String name : order) {
            ChildProcess p = all.get(name);
            if (p != null && p.isAlive()) {
                out.println("stopping " + name + " (pid " + p.pid() + ")");
                p.stop(Duration.ofSeconds(KafkaNodes.nodeOf(name).isPresent() ? 40 : 25));
            }
        }
        stopOrphanPostgres();
        processes.clear();
        try {
            if (Files.exists(s.stateFile())) {
                ObjectNode state = (ObjectNode) JSON.readTree(s.stateFile().toFile());
                state.remove("processes");
                state.put("stoppedAt", Instant.now().toString());
                JSON.writerWithDefaultPrettyPrinter().writeValue(s.stateFile().toFile(), state);
            }
        } catch (IOException e) {
            out.println("could not update " + s.stateFile() + ": " + e.getMessage());
        }
    }

    /**
     * Removes {@code keys} from the settings {@code stack.json} records for the next {@code up}: a
     * benchmark's proxies, gone with the benchmark, must not outlive it in the data directory.
     */
    public static void forgetRecorded(StackSettings s, String... keys) throws IOException {
        if (!Files.exists(s.stateFile())) {
            return;
        }
        ObjectNode state = (ObjectNode) JSON.readTree(s.stateFile().toFile());
        if (state.get("settings") instanceof ObjectNode settings) {
            settings.remove(List.of(keys));
            JSON.writerWithDefaultPrettyPrinter().writeValue(s.stateFile().toFile(), state);
        }
    }

    /** The pids of the processes recorded as running, by component. */
    public Map<String, Long> pids() {
        Map<String, Long> pids = new HashMap<>();
        recordedProcesses().forEach((k, v) -> pids.put(k, v.pid()));
        return pids;
    }

    public Map<String, ChildProcess> processes() {
        Map<String, ChildProcess> all = new LinkedHashMap<>(recordedProcesses());
        all.putAll(processes);
        return all;
    }

    private void preflight() {
        List<String> problems = new ArrayList<>();
        Map<String, Integer> ports = new LinkedHashMap<>();
        if (s.managesPostgres()) {
            ports.put("postgres (--postgres-port)", s.postgresPort());
        }
        if (s.managesKafka()) {
            KafkaNodes nodes = s.kafkaNodes();
            for (int node = 1; node <= nodes.count(); node++) {
                String offset = node == 1 ? "" : " + " + 2 * (node - 1);
                ports.put(
                        KafkaNodes.component(node) + " (--kafka-port" + offset + ")",
                        nodes.port(node));
                ports.put(
                        KafkaNodes.component(node)
                                + " controller (--kafka-controller-port"
                                + offset
                                + ")",
                        nodes.controllerPort(node));
            }
            nodes.formatProblem(s.dataDir()).ifPresent(problems::add);
        }
        if (s.managesConnect()) {
            ports.put("connect (--connect-port)", s.connectPort());
        }
        if (s.managesElasticsearch()) {
            ports.put("elasticsearch (--elasticsearch-port)", s.elasticsearchPort());
            ports.put(
                    "elasticsearch transport (--elasticsearch-transport-port)",
                    s.elasticsearchTransportPort());
            problems.addAll(new LocalElasticsearch(s).preflight());
        }
        if (s.managesFlink()) {
            ports.put("flink (--flink-port)", s.flinkPort());
            LocalStateBackend.problem(flinkDir(), s.flinkStateBackend()).ifPresent(problems::add);
        }
        ports.put("server (--server-port)", s.serverPort());
        ports.forEach(
                (what, port) -> {
                    if (!portFree(port)) {
                        String flag =
                                what.substring(what.indexOf("(") + 1, what.indexOf(")"))
                                        .replaceFirst(" \\+ [0-9]+$", "");
                        problems.add(
                                "port "
                                        + port
                                        + " for "
                                        + what.substring(0, what.indexOf(" ("))
                                        + " is already in use: stop the program using it, or"
                                        + " choose another port with "
                                        + flag
                                        + " <port>");
                    }
                });
        for (String module : List.of("stack", "jobs")) {
            try {
                LetheHome.moduleClasspath(s.home(), module);
            } catch (IllegalStateException e) {
                problems.add(e.getMessage());
            }
        }
        if (!Files.isRegularFile(s.home().resolve("connectors/register-helpdesk.json"))) {
            problems.add(
                    "connectors/register-helpdesk.json not found under "
                            + s.home()
                            + ": run ./lethe from the Lethe checkout or set -Dlethe.home");
        }
        if (!problems.isEmpty()) {
            throw new StackException("Cannot start Lethe:\n  - " + String.join("\n  - ", problems));
        }
    }

    static boolean portFree(int port) {
        try (ServerSocket ss = new ServerSocket()) {
            ss.setReuseAddress(true);
            ss.bind(new java.net.InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void start(String name, List<String> command, Map<String, String> env)
            throws IOException {
        ChildProcess p =
                ChildProcess.start(
                        name, command, env, s.logsDir().resolve(name + ".log"), workDir(name));
        processes.put(name, p);
        record(s);
    }

    private Path workDir(String name) {
        return s.dataDir().resolve(name);
    }

    private List<String> jvm(String component, String heap, String module, String mainClass) {
        List<String> c = new ArrayList<>();
        c.add(LetheHome.javaExecutable());
        c.add("-Xms" + (heap.endsWith("g") || heap.endsWith("G") ? "256m" : "64m"));
        c.add("-Xmx" + heap);
        c.add("-XX:+ExitOnOutOfMemoryError");
        c.addAll(s.jit().jvmOptions());
        c.add("-Dlethe.component=" + component);
        c.add("-Dlethe.data=" + s.dataDir());
        c.add("-cp");
        c.add(LetheHome.moduleClasspath(s.home(), module));
        c.add(mainClass);
        return c;
    }

    /**
     * Lethe's server: {@code ./lethe server} in a JVM of its own, reading the settings this stack
     * recorded; the stores' secrets reach it through its environment.
     */
    private List<String> serverCommand() {
        List<String> c = jvm("server", "256m", "cli", "dev.lethe.cli.Lethe");
        c.addAll(List.of("server", "--data-dir", s.dataDir().toString()));
        return c;
    }

    private List<String> postgresCommand() {
        List<String> c = jvm("postgres", "128m", "stack", "dev.lethe.stack.PostgresServer");
        c.addAll(
                List.of(
                        s.dataDir().resolve("postgres/data").toString(),
                        String.valueOf(s.postgresPort()),
                        StackSettings.DATABASE));
        return c;
    }

    /**
     * Node {@code node} of the local Kafka cluster ({@link KafkaNodes}): its {@code
     * server.properties} and command; the cluster id is node 1's, made on first start.
     */
    private List<String> kafkaCommand(int node) throws IOException {
        Path first = KafkaNodes.dir(s.dataDir(), 1);
        Files.createDirectories(first);
        Path idFile = first.resolve("cluster.id");
        if (!Files.exists(idFile)) {
            Files.writeString(idFile, org.apache.kafka.common.Uuid.randomUuid().toString());
        }
        String clusterId = Files.readString(idFile).trim();
        Path dir = KafkaNodes.dir(s.dataDir(), node);
        Files.createDirectories(dir);
        Path props = dir.resolve("server.properties");
        Files.writeString(
                props,
                String.join("\n", s.kafkaNodes().serverProperties(node, dir.resolve("logs")))
                        + "\n");
        List<String> c =
                jvm(
                        KafkaNodes.component(node),
                        s.kafkaHeap(),
                        "stack",
                        "dev.lethe.stack.KafkaBroker");
        c.add(props.toString());
        c.add(clusterId);
        return c;
    }

    private List<String> connectCommand(StackSettings eff) throws IOException {
        Path dir = s.dataDir().resolve("connect");
        Files.createDirectories(dir);
        Path props = dir.resolve("worker.properties");
        String rest = "http://127.0.0.1:" + s.connectPort();
        Files.writeString(
                props,
                String.join(
                        "\n",
                        "# written by ./lethe up; edits are overwritten",
                        "bootstrap.servers=" + s.connectKafkaBootstrap(),
                        "group.id=lethe-connect",
                        "key.converter=org.apache.kafka.connect.json.JsonConverter",
                        "value.converter=org.apache.kafka.connect.json.JsonConverter",
                        "key.converter.schemas.enable=false",
                        "value.converter.schemas.enable=false",
                        "offset.storage.topic=lethe-connect-offsets",
                        "config.storage.topic=lethe-connect-configs",
                        "status.storage.topic=lethe-connect-status",
                        "offset.storage.replication.factor=" + topicReplication().factor(),
                        "config.storage.replication.factor=" + topicReplication().factor(),
                        "status.storage.replication.factor=" + topicReplication().factor(),
                        "offset.storage.partitions=1",
                        "status.storage.partitions=1",
                        "offset.flush.interval.ms=1000",
                        "listeners=" + rest,
                        "rest.advertised.host.name=127.0.0.1",
                        "rest.advertised.port=" + s.connectPort(),
                        "plugin.discovery=service_load",
                        "scheduled.rebalance.max.delay.ms=0",
                        "topic.creation.enable=true",
                        "producer.max.request.size=" + SizeLimits.MAX_MESSAGE_BYTES,
                        // secrets reach the worker and the connector through its environment
                        "config.providers=env",
                        "config.providers.env.class="
                                + "org.apache.kafka.common.config.provider.EnvVarConfigProvider",
                        String.join("\n", connectKafkaSecurity(eff)),
                        ""));
        List<String> c =
                jvm(
                        "connect",
                        s.connectHeap(),
                        "stack",
                        "org.apache.kafka.connect.cli.ConnectDistributed");
        c.add(props.toString());
        return c;
    }

    /**
     * SASL for the worker's own clients and the producers, consumers and admin clients it makes for
     * connectors; the JAAS login (with the password) comes from the environment ({@code
     * LETHE_KAFKA_JAAS}, {@link #connectEnv}).
     */
    private static List<String> connectKafkaSecurity(StackSettings eff) {
        List<String> lines = new ArrayList<>();
        if (eff.kafkaPassword().isEmpty()) {
            return lines;
        }
        for (String prefix : List.of("", "producer.", "consumer.", "admin.")) {
            lines.add(prefix + "security.protocol=SASL_PLAINTEXT");
            lines.add(prefix + "sasl.mechanism=" + KafkaClients.MECHANISM);
            lines.add(prefix + "sasl.jaas.config=${env:LETHE_KAFKA_JAAS}");
        }
        return lines;
    }

    /** The helpdesk database and Kafka as the worker reaches them, via its environment. */
    private Map<String, String> connectEnv(StackSettings eff) throws IOException {
        URI u = URI.create(s.postgresJdbcUrl().substring("jdbc:".length()));
        Map<String, String> env = new HashMap<>();
        env.put("HELPDESK_DB_HOST", u.getHost());
        env.put("HELPDESK_DB_PORT", String.valueOf(u.getPort() > 0 ? u.getPort() : 5432));
        env.put("HELPDESK_DB_NAME", u.getPath().replaceFirst("^/", ""));
        env.put("HELPDESK_DB_USER", eff.postgresUserOf(ComponentRole.CAPTURE));
        env.put("HELPDESK_DB_PASSWORD", eff.postgresPasswordOf(ComponentRole.CAPTURE));
        if (eff.managesKafka()) {
            // the only writer of the raw change topics (dev.lethe.stack.KafkaAcls)
            env.put(
                    "LETHE_KAFKA_JAAS",
                    KafkaClients.jaas(ComponentRole.CAPTURE.user(), s.captureKafkaPassword()));
        } else {
            eff.kafkaPassword()
                    .ifPresent(
                            pw ->
                                    env.put(
                                            "LETHE_KAFKA_JAAS",
                                            KafkaClients.jaas(eff.kafkaUser(), pw)));
        }
        // the topics Debezium creates itself, replicated like the others
        env.put("HELPDESK_TOPIC_REPLICATION", String.valueOf(topicReplication().factor()));
        env.put("HELPDESK_TOPIC_MIN_ISR", String.valueOf(topicReplication().minInsyncReplicas()));
        // the key of the digests that replace encrypted custom field values in change events
        env.put("LETHE_CAPTURE_MASK_SECRET", localSecret("capture-mask-secret", 32));
        return env;
    }

    private Path flinkDir() {
        return s.dataDir().resolve("flink");
    }

    private List<String> flinkCommand() {
        List<String> c =
                jvm("flink", s.flinkHeap(), "jobs", "dev.lethe.jobs.runtime.LocalFlinkCluster");
        c.add(String.valueOf(s.flinkPort()));
        c.add(flinkDir().toString());
        c.add(String.valueOf(FLINK_TASK_SLOTS));
        c.add(s.flinkStateBackend());
        return c;
    }

    private static void migrate(StackSettings eff) {
        HelpdeskMigrations.migrate(
                eff.postgresJdbcUrl(), eff.postgresUser(), eff.postgresPassword());
    }

    private void await(String component, Supplier<ComponentHealth> probe) throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        ComponentHealth h = probe.get();
        while (!h.healthy()) {
            ChildProcess p = processes.get(component);
            if (p != null && !p.isAlive()) {
                throw new StackException(
                        component
                                + " exited during start; last lines of "
                                + p.logFile()
                                + ":\n"
                                + p.logTail(25));
            }
            if (System.nanoTime() > deadline) {
                throw new StackException(
                        component
                                + " did not become healthy within "
                                + START_TIMEOUT.toSeconds()
                                + " s: "
                                + h.detail()
                                + (p == null ? "" : "\n(see " + p.logFile() + ")"));
            }
            Thread.sleep(250);
            h = probe.get();
        }
        out.printf("  %-14s %-40s %s%n", component, h.address(), h.detail());
    }

    private String localElasticsearchPassword() throws IOException {
        return localSecret("elasticsearch-password", 18);
    }

    /**
     * A secret of the local stack in {@code secrets/NAME} (owner-only), made of {@code bytes}
     * random bytes (base64url) on first use.
     */
    private String localSecret(String name, int bytes) throws IOException {
        return LocalSecrets.get(s.secretsDir(), name, bytes);
    }

    /**
     * The settings {@code stack.json} records (no secrets): what a later {@code up}, {@code down},
     * the supervisor and every command resolve again ({@code StackOptions}).
     */
    static ObjectNode recordedSettings(StackSettings s) {
        ObjectNode set = JSON.createObjectNode();
        set.put("elasticsearchDir", s.elasticsearchDir().toString());
        set.put("postgresPort", s.postgresPort());
        set.put("kafkaPort", s.kafkaPort());
        set.put("kafkaControllerPort", s.kafkaControllerPort());
        set.put("kafkaBrokers", s.kafkaBrokers());
        set.put("connectPort", s.connectPort());
        set.put("elasticsearchPort", s.elasticsearchPort());
        set.put("elasticsearchTransportPort", s.elasticsearchTransportPort());
        set.put("flinkPort", s.flinkPort());
        set.put("serverHost", s.serverHost());
        set.put("serverPort", s.serverPort());
        set.put("kafkaHeap", s.kafkaHeap());
        set.put("connectHeap", s.connectHeap());
        set.put("elasticsearchHeap", s.elasticsearchHeap());
        set.put("flinkHeap", s.flinkHeap());
        set.put("flinkStateBackend", s.flinkStateBackend());
        set.put("jit", s.jit().flagValue());
        set.put("postgresUser", s.postgresUser());
        set.put("kafkaUser", s.kafkaUser());
        set.put("elasticsearchUser", s.elasticsearchUser());
        s.externalPostgresUrl().ifPresent(v -> set.put("externalPostgresUrl", v));
        s.externalKafkaBootstrap().ifPresent(v -> set.put("externalKafkaBootstrap", v));
        s.externalConnectUrl().ifPresent(v -> set.put("externalConnectUrl", v.toString()));
        s.externalElasticsearchUrl()
                .ifPresent(v -> set.put("externalElasticsearchUrl", v.toString()));
        s.externalFlinkUrl().ifPresent(v -> set.put("externalFlinkUrl", v.toString()));
        s.retentionPolicy().ifPresent(v -> set.put("retentionPolicy", v.toString()));
        s.elasticsearchUrlForJobs().ifPresent(v -> set.put("jobsElasticsearchUrl", v.toString()));
        s.connectKafkaListener()
                .ifPresent(
                        l -> {
                            set.put("connectKafkaListenerPort", l.port());
                            set.put("connectKafkaAdvertisedPort", l.advertisedPort());
                        });
        return set;
    }

    /** Writes {@code stack.json}: the settings in force (no secrets) and the running processes. */
    private synchronized void record(StackSettings eff) throws IOException {
        ObjectNode state = JSON.createObjectNode();
        state.set("settings", recordedSettings(s));
        ObjectNode procs = state.putObject("processes");
        processes.forEach(
                (name, p) -> {
                    ObjectNode n = procs.putObject(name);
                    n.put("pid", p.pid());
                    n.put("log", p.logFile().toString());
                });
        state.put("startedAt", Instant.now().toString());
        Files.createDirectories(s.dataDir());
        Path tmp = s.stateFile().resolveSibling("stack.json.tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), state);
        Files.move(
                tmp,
                s.stateFile(),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private Map<String, ChildProcess> recordedProcesses() {
        Map<String, ChildProcess> m = new LinkedHashMap<>();
        if (!Files.exists(s.stateFile())) {
            return m;
        }
        try {
            JsonNode procs = JSON.readTree(s.stateFile().toFile()).path("processes");
            procs.fields()
                    .forEachRemaining(
                            e -> {
                                long pid = e.getValue().path("pid").asLong();
                                Path log = Path.of(e.getValue().path("log").asText());
                                ChildProcess.attach(e.getKey(), pid, log)
                                        .filter(p -> isOurs(e.getKey(), pid))
                                        .ifPresent(p -> m.put(e.getKey(), p));
                            });
        } catch (IOException e) {
            out.println("ignoring unreadable " + s.stateFile() + ": " + e.getMessage());
        }
        return m;
    }

    /** A recorded pid may have been reused by an unrelated process after a reboot. */
    private boolean isOurs(String component, long pid) {
        return ProcessHandle.of(pid)
                .flatMap(h -> h.info().arguments().map(a -> String.join(" ", a) + " "))
                .map(
                        args ->
                                args.contains("-Dlethe.component=" + component + " ")
                                        || args.contains(s.elasticsearchDir().toString()))
                .orElse(true);
    }

    private void stopLeftovers() {
        Map<String, ChildProcess> left = recordedProcesses();
        if (!left.isEmpty()) {
            out.println("stopping processes left by a previous run: " + left.keySet());
            down();
        }
        stopOrphanPostgres();
    }

    /** A PostgreSQL whose supervising JVM was killed keeps running; stop it (fast shutdown). */
    private void stopOrphanPostgres() {
        Path pidFile = s.dataDir().resolve("postgres/data/postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        try {
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
            Optional<ProcessHandle> h = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
            if (h.isPresent()
                    && h.get().info().command().map(c -> c.endsWith("postgres")).orElse(false)) {
                out.println("stopping PostgreSQL left running (pid " + pid + ")");
                new ProcessBuilder("kill", "-INT", String.valueOf(pid)).start().waitFor();
                h.get().onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            out.println("could not stop leftover PostgreSQL: " + e.getMessage());
        }
    }
}
