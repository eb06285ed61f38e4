package dev.lethe.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Help.ColorScheme;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * The one place that defines every stack option: its flag, environment variable, default and
 * description. Resolution order: command-line flag, then {@code LETHE_*} environment variable, then
 * what {@code ./lethe up} recorded in {@code <data-dir>/stack.json}, then the default.
 */
public final class StackOptions {

    private static final Pattern HEAP = Pattern.compile("\\d+[mMgG]");

    /**
     * The stack's options as one group, so that every command's usage lists its own options first
     * and these after them under one heading. Not validated as a group: any subset may be given.
     */
    @ArgGroup(validate = false, heading = HEADING, order = 1000)
    Flags flags = new Flags();

    /** A listener of Connect's own on the local Kafka ({@link #useConnectKafkaListener}). */
    private KafkaNodes.ProxiedListener connectKafkaListener;

    static final String HEADING = "Stack options:%n";

    /**
     * Help that names the stack's options once in the synopsis ({@code [STACK OPTIONS]}) instead of
     * spelling out all of them before the command's own; set on the root {@code CommandLine}.
     */
    public static final CommandLine.IHelpFactory HELP = StackHelp::new;

    private static final class StackHelp extends CommandLine.Help {

        StackHelp(CommandSpec spec, ColorScheme colors) {
            super(spec, colors);
        }

        @Override
        protected Text createDetailedSynopsisOptionsText(
                Collection<ArgSpec> done, Comparator<OptionSpec> order, boolean cluster) {
            Set<ArgSpec> skip = new HashSet<>(done);
            for (ArgGroupSpec group : commandSpec().argGroups()) {
                if (HEADING.equals(group.heading())) {
                    skip.addAll(group.allOptionsNested());
                }
            }
            Text own = super.createDetailedSynopsisOptionsText(skip, order, cluster);
            return skip.size() == done.size() ? own : own.concat(" [STACK OPTIONS]");
        }
    }

    /** The flags themselves; {@link StackOptions#resolve()} reads them. */
    public static final class Flags {

        @Option(
                names = "--data-dir",
                description =
                        "Where the local stack keeps its data and logs (env LETHE_DATA_DIR; default"
                                + " <lethe-home>/.lethe).")
        Path dataDir;

        @Option(
                names = "--elasticsearch-dir",
                description =
                        "Where the local Elasticsearch is unpacked and keeps its data. Every parent"
                                + " directory must be traversable by the user Elasticsearch runs as"
                                + " (env LETHE_ELASTICSEARCH_DIR; default /var/tmp/lethe-es-<hash of"
                                + " data dir>).")
        Path elasticsearchDir;

        @Option(names = "--postgres-port", description = "Local PostgreSQL port (default 15432).")
        Integer postgresPort;

        @Option(names = "--kafka-port", description = "Local Kafka broker port (default 19092).")
        Integer kafkaPort;

        @Option(
                names = "--kafka-controller-port",
                description = "Local Kafka KRaft controller port (default 19093).")
        Integer kafkaControllerPort;

        @Option(
                names = KafkaNodes.FLAG,
                paramLabel = "N",
                description =
                        "Number of local Kafka brokers, each a KRaft broker and controller of its"
                                + " own: 1 (the default, no replication) or 3 to 5 (every topic"
                                + " replicated 3 times, min.insync.replicas 2: the stack goes on"
                                + " when one broker is lost). Broker i listens on the Kafka port"
                                + " + 2(i-1) and the controller port + 2(i-1). A data directory"
                                + " keeps the number its Kafka was formatted with.")
        Integer kafkaBrokers;

        @Option(names = "--connect-port", description = "Kafka Connect REST port (default 18083).")
        Integer connectPort;

        @Option(
                names = "--elasticsearch-port",
                description = "Local Elasticsearch HTTP port (default 19200).")
        Integer elasticsearchPort;

        @Option(
                names = "--elasticsearch-transport-port",
                description = "Local Elasticsearch transport port (default 19300).")
        Integer elasticsearchTransportPort;

        @Option(names = "--flink-port", description = "Local Flink REST port (default 18081).")
        Integer flinkPort;

        @Option(
                names = "--server-port",
                description = "Port of Lethe's server, the REST API and console (default 18080).")
        Integer serverPort;

        @Option(
                names = "--server-host",
                description =
                        "Address Lethe's server binds to (env LETHE_SERVER_HOST; default 127.0.0.1,"
                                + " loopback only: give 0.0.0.0 to serve other machines).")
        String serverHost;

        @Option(names = "--kafka-heap", description = "Kafka broker JVM heap (default 512m).")
        String kafkaHeap;

        @Option(names = "--connect-heap", description = "Kafka Connect JVM heap (default 768m).")
        String connectHeap;

        @Option(names = "--elasticsearch-heap", description = "Elasticsearch heap (default 512m).")
        String elasticsearchHeap;

        @Option(names = "--flink-heap", description = "Flink MiniCluster JVM heap (default 1536m).")
        String flinkHeap;

        @Option(
                names = "--retention-policy",
                description =
                        "The retention policy the retention job and the server apply (a YAML file:"
                                + " config/retention-policy.yaml describes its format; env"
                                + " LETHE_RETENTION_POLICY; default the policy shipped with Lethe)."
                                + " Checked against the catalog and the helpdesk's schema when the"
                                + " job is set up.")
        String retentionPolicy;

        @Option(
                names = "--state-backend",
                description =
                        "State backend of the local Flink: rocksdb (state on disk, incremental"
                                + " checkpoints; the default) or hashmap (state in the heap, every"
                                + " checkpoint a full copy: a little less CPU per change, for"
                                + " helpdesks of up to a few hundred thousand records). A data"
                                + " directory whose jobs have checkpoints keeps the backend that wrote"
                                + " them (env LETHE_STATE_BACKEND).")
        String stateBackend;

        @Option(
                names = "--jit",
                description =
                        "How the local stack's JVMs compile: startup (C1 only: little compilation,"
                                + " fast from the first seconds after up) or throughput (the JVM's"
                                + " default C1 then C2: the highest sustained rate, at the cost of"
                                + " a minute of compilation after a start). Env LETHE_JIT; default"
                                + " startup on machines of up to 4 processors, throughput above.")
        String jit;

        @Option(
                names = "--postgres-url",
                description =
                        "External mode: JDBC URL of an existing helpdesk PostgreSQL (wal_level=logical),"
                                + " e.g. jdbc:postgresql://db:5432/helpdesk (env LETHE_POSTGRES_URL).")
        String postgresUrl;

        @Option(
                names = "--postgres-user",
                description = "PostgreSQL user (env LETHE_POSTGRES_USER; default postgres).")
        String postgresUser;

        @Option(
                names = "--postgres-password",
                description =
                        "PostgreSQL password (env LETHE_POSTGRES_PASSWORD; the local stack"
                                + " generates one and keeps it in <data-dir>/secrets; default"
                                + " postgres with --postgres-url).")
        String postgresPassword;

        @Option(
                names = "--kafka-bootstrap",
                description =
                        "External mode: bootstrap servers of an existing Kafka (env"
                                + " LETHE_KAFKA_BOOTSTRAP).")
        String kafkaBootstrap;

        @Option(
                names = "--kafka-user",
                description =
                        "Kafka user (SASL/SCRAM-SHA-512; env LETHE_KAFKA_USER; default lethe).")
        String kafkaUser;

        @Option(
                names = "--kafka-password",
                description =
                        "Kafka password (env LETHE_KAFKA_PASSWORD; the local stack generates one and"
                                + " keeps it in <data-dir>/secrets; none with --kafka-bootstrap means"
                                + " a Kafka without authentication).")
        String kafkaPassword;

        @Option(
                names = "--connect-url",
                description =
                        "External mode: REST URL of an existing Kafka Connect worker with Debezium (env"
                                + " LETHE_CONNECT_URL).")
        String connectUrl;

        @Option(
                names = "--elasticsearch-url",
                description =
                        "External mode: URL of an existing Elasticsearch 8 (env"
                                + " LETHE_ELASTICSEARCH_URL).")
        String elasticsearchUrl;

        @Option(
                names = "--elasticsearch-user",
                description = "Elasticsearch user (env LETHE_ELASTICSEARCH_USER; default elastic).")
        String elasticsearchUser;

        @Option(
                names = "--elasticsearch-password",
                description =
                        "Elasticsearch password (env LETHE_ELASTICSEARCH_PASSWORD; the local stack"
                                + " generates one and keeps it in <data-dir>/secrets).")
        String elasticsearchPassword;

        @Option(
                names = "--jobs-elasticsearch-url",
                description =
                        "Where Lethe's jobs reach Elasticsearch when not where the rest of Lethe"
                                + " does: the jobs run in another network, or go through a proxy"
                                + " (env LETHE_JOBS_ELASTICSEARCH_URL; default the local"
                                + " Elasticsearch or --elasticsearch-url).")
        String jobsElasticsearchUrl;

        @Option(
                names = "--flink-url",
                description =
                        "External mode: REST URL of an existing Flink cluster (env LETHE_FLINK_URL).")
        String flinkUrl;
    }

    /** Resolves the options against the environment, the recorded stack and the defaults. */
    /** Uses {@code dir} as the data directory from now on (tools that run several stacks). */
    public StackOptions withDataDir(Path dir) {
        flags.dataDir = dir;
        return this;
    }

    /** Resolves the settings and makes their passwords this process's secrets. */
    /**
     * Makes {@code file} the retention policy unless {@code --retention-policy} was given: for a
     * benchmark that starts its stack with a policy of its own.
     */
    public void useRetentionPolicy(Path file) {
        if (flags == null) {
            flags = new Flags();
        }
        if (flags.retentionPolicy == null) {
            flags.retentionPolicy = file.toString();
        }
    }

    /**
     * Makes {@code url} the address the jobs reach Elasticsearch at unless {@code
     * --jobs-elasticsearch-url} was given: for a benchmark that puts a proxy between them.
     */
    public void useJobsElasticsearchUrl(URI url) {
        if (flags == null) {
            flags = new Flags();
        }
        if (flags.jobsElasticsearchUrl == null) {
            flags.jobsElasticsearchUrl = url.toString();
        }
    }

    /**
     * Gives the local Kafka a client listener of Connect's own on {@code port}, advertised at
     * {@code advertisedPort} where a proxy forwards to it: for the fault suite, which stalls the
     * network between Connect and Kafka there. Recorded like every setting until {@link
     * LocalStack#forgetRecorded}.
     */
    public void useConnectKafkaListener(int port, int advertisedPort) {
        connectKafkaListener = new KafkaNodes.ProxiedListener(port, advertisedPort);
    }

    public StackSettings resolve() {
        return resolve(System.getenv()).publishSecrets();
    }

    StackSettings resolve(Map<String, String> env) {
        Flags f = flags != null ? flags : new Flags();
        Path home = LetheHome.get();
        Path data =
                Optional.ofNullable(f.dataDir)
                        .or(() -> Optional.ofNullable(env.get("LETHE_DATA_DIR")).map(Path::of))
                        .orElse(home.resolve(".lethe"))
                        .toAbsolutePath()
                        .normalize();
        JsonNode recorded = readRecorded(data.resolve("stack.json"));
        Resolver r = new Resolver(env, recorded);

        Path esDir =
                Optional.ofNullable(f.elasticsearchDir)
                        .or(
                                () ->
                                        Optional.ofNullable(env.get("LETHE_ELASTICSEARCH_DIR"))
                                                .map(Path::of))
                        .or(() -> r.recorded("elasticsearchDir").map(Path::of))
                        .orElse(Path.of("/var/tmp", "lethe-es-" + shortHash(data.toString())))
                        .toAbsolutePath()
                        .normalize();

        Optional<String> pgUrl =
                r.string(f.postgresUrl, "LETHE_POSTGRES_URL", "externalPostgresUrl");
        pgUrl.ifPresent(
                u -> {
                    if (!u.startsWith("jdbc:postgresql://")) {
                        throw new IllegalArgumentException(
                                "--postgres-url must be a PostgreSQL JDBC URL like"
                                        + " jdbc:postgresql://host:5432/helpdesk, got '"
                                        + u
                                        + "'");
                    }
                });
        Optional<String> esPassword =
                r.string(f.elasticsearchPassword, "LETHE_ELASTICSEARCH_PASSWORD", null)
                        .or(() -> readSecret(data.resolve("secrets/elasticsearch-password")));
        String pgPassword =
                r.string(f.postgresPassword, "LETHE_POSTGRES_PASSWORD", null)
                        .or(() -> readSecret(data.resolve("secrets/postgres-password")))
                        // blank: the local stack generates one on up
                        .orElse(pgUrl.isPresent() ? "postgres" : "");
        Optional<String> kafkaPassword =
                r.string(f.kafkaPassword, "LETHE_KAFKA_PASSWORD", null)
                        .or(() -> readSecret(data.resolve("secrets/kafka-password")));
        StackSettings settings =
                new StackSettings(
                        home,
                        data,
                        esDir,
                        r.port("--postgres-port", f.postgresPort, "postgresPort", 15432),
                        r.port("--kafka-port", f.kafkaPort, "kafkaPort", 19092),
                        r.port(
                                "--kafka-controller-port",
                                f.kafkaControllerPort,
                                "kafkaControllerPort",
                                19093),
                        kafkaBrokers(f.kafkaBrokers, r),
                        r.port("--connect-port", f.connectPort, "connectPort", 18083),
                        r.port(
                                "--elasticsearch-port",
                                f.elasticsearchPort,
                                "elasticsearchPort",
                                19200),
                        r.port(
                                "--elasticsearch-transport-port",
                                f.elasticsearchTransportPort,
                                "elasticsearchTransportPort",
                                19300),
                        r.port("--flink-port", f.flinkPort, "flinkPort", 18081),
                        heap(
                                "--kafka-heap",
                                r.string(f.kafkaHeap, null, "kafkaHeap").orElse("512m")),
                        heap(
                                "--connect-heap",
                                r.string(f.connectHeap, null, "connectHeap").orElse("768m")),
                        heap(
                                "--elasticsearch-heap",
                                r.string(f.elasticsearchHeap, null, "elasticsearchHeap")
                                        .orElse("512m")),
                        heap(
                                "--flink-heap",
                                r.string(f.flinkHeap, null, "flinkHeap").orElse("1536m")),
                        stateBackend(
                                r.string(f.stateBackend, "LETHE_STATE_BACKEND", "flinkStateBackend")
                                        // the backend that wrote the data directory's checkpoints
                                        .or(() -> LocalStateBackend.recorded(data.resolve("flink")))
                                        .orElse(LocalStateBackend.DEFAULT)),
                        r.string(f.jit, "LETHE_JIT", "jit")
                                .map(v -> JitMode.parse("--jit", v))
                                .orElseGet(
                                        () ->
                                                JitMode.forProcessors(
                                                        Runtime.getRuntime()
                                                                .availableProcessors())),
                        pgUrl,
                        r.string(f.postgresUser, "LETHE_POSTGRES_USER", "postgresUser")
                                .orElse("postgres"),
                        pgPassword,
                        r.string(
                                f.kafkaBootstrap,
                                "LETHE_KAFKA_BOOTSTRAP",
                                "externalKafkaBootstrap"),
                        r.string(f.kafkaUser, "LETHE_KAFKA_USER", "kafkaUser").orElse("lethe"),
                        kafkaPassword,
                        r.string(f.connectUrl, "LETHE_CONNECT_URL", "externalConnectUrl")
                                .map(u -> url("--connect-url", u)),
                        r.string(
                                        f.elasticsearchUrl,
                                        "LETHE_ELASTICSEARCH_URL",
                                        "externalElasticsearchUrl")
                                .map(u -> url("--elasticsearch-url", u)),
                        r.string(
                                        f.elasticsearchUser,
                                        "LETHE_ELASTICSEARCH_USER",
                                        "elasticsearchUser")
                                .orElse("elastic"),
                        esPassword,
                        r.string(f.flinkUrl, "LETHE_FLINK_URL", "externalFlinkUrl")
                                .map(u -> url("--flink-url", u)),
                        r.string(f.serverHost, "LETHE_SERVER_HOST", "serverHost")
                                .orElse("127.0.0.1"),
                        r.port("--server-port", f.serverPort, "serverPort", 18080),
                        r.string(f.retentionPolicy, "LETHE_RETENTION_POLICY", "retentionPolicy")
                                .map(StackOptions::retentionPolicy),
                        r.string(
                                        f.jobsElasticsearchUrl,
                                        "LETHE_JOBS_ELASTICSEARCH_URL",
                                        "jobsElasticsearchUrl")
                                .map(u -> url("--jobs-elasticsearch-url", u)),
                        connectKafkaListener(r));
        if (settings.managesKafka()) {
            settings.kafkaNodes()
                    .clash()
                    .ifPresent(
                            p -> {
                                throw new IllegalArgumentException(
                                        "with "
                                                + KafkaNodes.FLAG
                                                + " "
                                                + settings.kafkaBrokers()
                                                + ", broker i listens on --kafka-port + 2(i-1) and"
                                                + " --kafka-controller-port + 2(i-1): port "
                                                + p
                                                + " would serve twice; give the controller port"
                                                + " the client port + 1 (e.g. --kafka-port 19092"
                                                + " --kafka-controller-port 19093)");
                            });
        }
        return settings;
    }

    private Optional<KafkaNodes.ProxiedListener> connectKafkaListener(Resolver r) {
        if (connectKafkaListener != null) {
            return Optional.of(connectKafkaListener);
        }
        Optional<String> port = r.recorded("connectKafkaListenerPort");
        Optional<String> advertised = r.recorded("connectKafkaAdvertisedPort");
        if (port.isEmpty() || advertised.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(
                new KafkaNodes.ProxiedListener(
                        Integer.parseInt(port.get()), Integer.parseInt(advertised.get())));
    }

    private static int kafkaBrokers(Integer flag, Resolver r) {
        int n =
                Optional.ofNullable(flag)
                        .or(() -> r.recorded("kafkaBrokers").map(Resolver.parse(KafkaNodes.FLAG)))
                        .orElse(1);
        return KafkaNodes.requireValid(n);
    }

    private static String heap(String flag, String value) {
        if (!HEAP.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    flag + " must be a JVM heap size like 512m or 2g, got '" + value + "'");
        }
        return value;
    }

    /** An existing, readable policy file, as an absolute path (the jobs may run elsewhere). */
    static Path retentionPolicy(String value) {
        Path file = Path.of(value).toAbsolutePath().normalize();
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException(
                    "--retention-policy "
                            + value
                            + " is not a readable file: give the path of a policy YAML file"
                            + " (config/retention-policy.yaml describes the format)");
        }
        return file;
    }

    private static String stateBackend(String value) {
        if (!LocalStateBackend.NAMES.contains(value)) {
            throw new IllegalArgumentException(
                    "--state-backend must be one of "
                            + String.join(", ", LocalStateBackend.NAMES)
                            + ", got '"
                            + value
                            + "'");
        }
        return value;
    }

    private static URI url(String flag, String value) {
        try {
            URI uri = URI.create(value);
            if (uri.getHost() == null
                    || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                throw new IllegalArgumentException("no http(s) scheme or host");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    flag + " must be an http(s) URL like http://host:port, got '" + value + "'");
        }
    }

    private static JsonNode readRecorded(Path stateFile) {
        if (!Files.isRegularFile(stateFile)) {
            return null;
        }
        try {
            return new ObjectMapper().readTree(stateFile.toFile()).path("settings");
        } catch (IOException e) {
            return null;
        }
    }

    private static Optional<String> readSecret(Path file) {
        try {
            return Files.isRegularFile(file)
                    ? Optional.of(Files.readString(file, StandardCharsets.UTF_8).trim())
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static String shortHash(String s) {
        try {
            byte[] d =
                    MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Resolver(Map<String, String> env, JsonNode recorded) {

        Optional<String> recorded(String field) {
            if (recorded == null || field == null) {
                return Optional.empty();
            }
            JsonNode n = recorded.get(field);
            return n == null || n.isNull() ? Optional.empty() : Optional.of(n.asText());
        }

        Optional<String> string(String flag, String envName, String field) {
            return Optional.ofNullable(flag)
                    .or(() -> Optional.ofNullable(envName == null ? null : env.get(envName)))
                    .filter(s -> !s.isBlank())
                    .or(() -> recorded(field));
        }

        int port(String flagName, Integer flag, String field, int dflt) {
            int p =
                    Optional.ofNullable(flag)
                            .or(() -> recorded(field).map(parse(flagName)))
                            .orElse(dflt);
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException(
                        flagName + " must be a TCP port between 1 and 65535, got " + p);
            }
            return p;
        }

        static Function<String, Integer> parse(String flagName) {
            return s -> {
                try {
                    return Integer.parseInt(s);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(
                            flagName + " recorded in stack.json is not a number: '" + s + "'");
                }
            };
        }
    }
}
