package dev.lethe.stack;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.utils.Time;

/**
 * The local Kafka broker as its own process: one KRaft node that is broker and controller, its log
 * directory formatted on first start and reused after.
 *
 * <p>Clients authenticate with SASL/SCRAM-SHA-512 on the broker listener; the controller listener
 * (loopback) takes SASL/PLAIN with the broker's own {@value #ADMIN_USER} credential only. The SCRAM
 * credentials of Lethe's users (Lethe's own, capture's and each component's, {@link KafkaAcls}) are
 * written at format time and set again (upserted) by {@value #ADMIN_USER} on every start, so that a
 * log directory formatted before they existed, or a changed password, takes effect.
 *
 * <p>Usage: {@code KafkaBroker <server.properties> <cluster-id>}, with the environment variables
 * {@value #USER_ENV} (default {@code lethe}), {@value #PASSWORD_ENV}, {@value #CAPTURE_USER_ENV}
 * (default {@value KafkaAcls#CAPTURE_USER}), {@value #CAPTURE_PASSWORD_ENV}, one {@code
 * LETHE_KAFKA_PASSWORD_<USER>} for each of {@link KafkaAcls#COMPONENT_USERS} ({@link #passwordEnv})
 * and {@value #ADMIN_PASSWORD_ENV}. The properties file is written by the stack supervisor and
 * holds no password: the JAAS logins are added in memory. Runs until SIGTERM/SIGINT.
 */
public final class KafkaBroker {

    public static final String USER_ENV = "LETHE_KAFKA_USER";
    public static final String PASSWORD_ENV = "LETHE_KAFKA_PASSWORD";
    public static final String ADMIN_PASSWORD_ENV = "LETHE_KAFKA_ADMIN_PASSWORD";

    /** The capture user (Debezium in the Connect worker): the only writer of raw topics. */
    public static final String CAPTURE_USER_ENV = "LETHE_KAFKA_CAPTURE_USER";

    public static final String CAPTURE_PASSWORD_ENV = "LETHE_KAFKA_CAPTURE_PASSWORD";

    /**
     * The environment variable of a component user's password: {@code LETHE_KAFKA_PASSWORD_<USER>},
     * the user's name in upper case with anything but letters and digits as {@code _} (the name
     * Lethe's jobs look it up under, {@code Secrets.kafkaPasswordOf}).
     */
    public static String passwordEnv(String user) {
        return PASSWORD_ENV + "_" + user.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /**
     * The broker's own administrative user (SASL/PLAIN, defined in the broker's JAAS login, not in
     * the metadata): the controller listener takes only it; on the broker listener it sets the
     * SCRAM credentials.
     */
    public static final String ADMIN_USER = "admin";

    public static final String SCRAM_MECHANISM = "SCRAM-SHA-512";
    private static final int SCRAM_ITERATIONS = 8192;

    /** Passwords the storage tool's {@code --add-scram} syntax takes unquoted. */
    private static final Pattern PLAIN_TOKEN = Pattern.compile("[A-Za-z0-9_.-]+");

    private KafkaBroker() {}

    /**
     * The security part of a broker's {@code server.properties}: SASL/SCRAM on the broker listener
     * {@code listenerName}, SASL/PLAIN on the controller listener {@code CONTROLLER}. The JAAS
     * logins, which hold the passwords, are added in memory by {@link #main} from the environment.
     */
    public static List<String> securityProperties(String listenerName) {
        return List.of(
                PROTOCOL_MAP + "=" + listenerName + ":SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT",
                "inter.broker.listener.name=" + listenerName,
                // PLAIN serves only the broker's own admin user (JAAS-defined)
                "sasl.enabled.mechanisms=" + SCRAM_MECHANISM + ",PLAIN",
                "sasl.mechanism.inter.broker.protocol=PLAIN",
                "sasl.mechanism.controller.protocol=PLAIN",
                "listener.name.controller.sasl.enabled.mechanisms=PLAIN",
                // nothing is allowed that KafkaAcls does not grant; admin is the only super user
                "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "super.users=User:" + ADMIN_USER);
    }

    private static final String PROTOCOL_MAP = "listener.security.protocol.map";

    /**
     * Whether the listener map {@code actual} has every entry of {@code required} and adds only
     * listeners that authenticate ({@code SASL_PLAINTEXT}, e.g. a second client listener for
     * Connect): no listener takes anonymous clients.
     */
    static boolean authenticatesEveryListener(String required, String actual) {
        if (actual == null) {
            return false;
        }
        List<String> have = List.of(actual.split(","));
        for (String entry : required.split(",")) {
            if (!have.contains(entry)) {
                return false;
            }
        }
        return have.stream().allMatch(e -> e.endsWith(":SASL_PLAINTEXT"));
    }

    /** The JAAS logins of both listeners, with the passwords of the environment. */
    static void addLogins(Properties props, String user, String password, String adminPassword) {
        String listener = props.getProperty("inter.broker.listener.name");
        props.setProperty(
                "listener.name.controller.plain.sasl.jaas.config",
                adminListenerLogin(adminPassword));
        props.setProperty(
                "listener.name." + listener.toLowerCase(Locale.ROOT) + ".plain.sasl.jaas.config",
                adminListenerLogin(adminPassword));
        props.setProperty(
                "listener.name."
                        + listener.toLowerCase(Locale.ROOT)
                        + ".scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                        + quote(user)
                        + "\" password=\""
                        + quote(password)
                        + "\";");
        // a further client listener (Connect's own) takes SCRAM only: its server side needs a
        // login entry, with nothing in it
        for (String entry : props.getProperty(PROTOCOL_MAP, "").split(",")) {
            String name = entry.substring(0, Math.max(0, entry.indexOf(':')));
            if (!name.isEmpty() && !name.equals(listener) && !name.equals("CONTROLLER")) {
                props.setProperty(
                        "listener.name."
                                + name.toLowerCase(Locale.ROOT)
                                + ".scram-sha-512.sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required;");
            }
        }
    }

    /**
     * The PLAIN login of a listener {@value #ADMIN_USER} signs in to: as {@value #ADMIN_USER}, the
     * only user the listener knows.
     */
    private static String adminListenerLogin(String adminPassword) {
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                + ADMIN_USER
                + "\" password=\""
                + quote(adminPassword)
                + "\" user_"
                + ADMIN_USER
                + "=\""
                + quote(adminPassword)
                + "\";";
    }

    private static String quote(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: KafkaBroker <server.properties> <cluster-id>");
            System.exit(2);
        }
        Path config = Path.of(args[0]);
        Properties props = new Properties();
        try (Reader r = Files.newBufferedReader(config)) {
            props.load(r);
        }
        Map<String, String> env = System.getenv();
        String user = env.getOrDefault(USER_ENV, "lethe");
        String password = env.get(PASSWORD_ENV);
        String adminPassword = env.get(ADMIN_PASSWORD_ENV);
        String captureUser = env.getOrDefault(CAPTURE_USER_ENV, KafkaAcls.CAPTURE_USER);
        Map<String, String> users = new java.util.LinkedHashMap<>();
        users.put(user, password);
        users.put(captureUser, env.get(CAPTURE_PASSWORD_ENV));
        List<String> missing = new ArrayList<>();
        if (users.get(user) == null || users.get(user).isBlank()) {
            missing.add(PASSWORD_ENV);
        }
        if (users.get(captureUser) == null || users.get(captureUser).isBlank()) {
            missing.add(CAPTURE_PASSWORD_ENV);
        }
        for (String component : KafkaAcls.COMPONENT_USERS) {
            String pw = env.get(passwordEnv(component));
            if (pw == null || pw.isBlank()) {
                missing.add(passwordEnv(component));
            }
            users.put(component, pw);
        }
        if (adminPassword == null || adminPassword.isBlank()) {
            missing.add(ADMIN_PASSWORD_ENV);
        }
        if (!missing.isEmpty()) {
            System.err.println("kafka: " + missing + " must be set in the environment");
            System.exit(2);
        }
        if (users.size() != 2 + KafkaAcls.COMPONENT_USERS.size()) {
            System.err.println(
                    "kafka: "
                            + USER_ENV
                            + " and "
                            + CAPTURE_USER_ENV
                            + " must name users of their own, not "
                            + KafkaAcls.COMPONENT_USERS
                            + " nor each other");
            System.exit(2);
        }
        String listener = props.getProperty("inter.broker.listener.name", "");
        for (String line : securityProperties(listener)) {
            String key = line.substring(0, line.indexOf('='));
            String value = line.substring(key.length() + 1);
            boolean ok =
                    key.equals(PROTOCOL_MAP)
                            ? authenticatesEveryListener(value, props.getProperty(key))
                            : value.equals(props.getProperty(key));
            if (!ok) {
                System.err.println(
                        "kafka: "
                                + config
                                + " must have "
                                + line
                                + (key.equals(PROTOCOL_MAP)
                                        ? " (more listeners only as SASL_PLAINTEXT)"
                                        : ""));
                System.exit(2);
            }
        }
        Files.createDirectories(Path.of(props.getProperty("log.dirs")));
        List<String> format =
                new ArrayList<>(
                        List.of(
                                "format",
                                "-t",
                                args[1],
                                "-c",
                                config.toString(),
                                "--ignore-formatted"));
        for (Map.Entry<String, String> u : users.entrySet()) {
            if (PLAIN_TOKEN.matcher(u.getKey()).matches()
                    && PLAIN_TOKEN.matcher(u.getValue()).matches()) {
                // in place from the first moment; other passwords arrive by the upsert below
                format.add("--add-scram");
                format.add(
                        SCRAM_MECHANISM
                                + "=[name="
                                + u.getKey()
                                + ",password="
                                + u.getValue()
                                + "]");
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc =
                kafka.tools.StorageTool.execute(
                        format.toArray(String[]::new),
                        new PrintStream(out, true, StandardCharsets.UTF_8));
        if (rc != 0) {
            System.err.println("kafka: formatting storage failed: " + out);
            System.exit(1);
        }
        Thread upsert =
                new Thread(
                        () ->
                                upsertCredentials(
                                        props,
                                        users,
                                        KafkaAcls.bindings(user, captureUser),
                                        adminPassword),
                        "scram-credential");
        upsert.setDaemon(true);
        upsert.start();
        addLogins(props, user, password, adminPassword);
        // in memory: the passwords never reach a file
        KafkaRaftServer server =
                new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown, "kafka-shutdown"));
        try {
            server.startup();
        } catch (Throwable t) {
            System.err.println("kafka: start failed: " + t);
            t.printStackTrace();
            Runtime.getRuntime().halt(1);
        }
        server.awaitShutdown();
    }

    /**
     * Sets the SCRAM credentials of {@code users} and creates the grants {@code acls} (creating one
     * that exists changes nothing) as {@value #ADMIN_USER} on the broker listener, retrying until
     * the broker answers (at most two minutes).
     */
    static void upsertCredentials(
            Properties brokerProps,
            Map<String, String> users,
            List<org.apache.kafka.common.acl.AclBinding> acls,
            String adminPassword) {
        String advertised = brokerProps.getProperty("advertised.listeners");
        String broker = advertised.substring(advertised.indexOf("://") + 3).split(",")[0];
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", broker);
        p.setProperty("security.protocol", "SASL_PLAINTEXT");
        p.setProperty("sasl.mechanism", "PLAIN");
        p.setProperty(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                        + ADMIN_USER
                        + "\" password=\""
                        + quote(adminPassword)
                        + "\";");
        p.setProperty("request.timeout.ms", "10000");
        p.setProperty("default.api.timeout.ms", "15000");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try (Admin admin = Admin.create(p)) {
                List<org.apache.kafka.clients.admin.UserScramCredentialAlteration> upserts =
                        new ArrayList<>();
                for (Map.Entry<String, String> u : users.entrySet()) {
                    upserts.add(
                            new UserScramCredentialUpsertion(
                                    u.getKey(),
                                    new ScramCredentialInfo(
                                            ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS),
                                    u.getValue()));
                }
                admin.alterUserScramCredentials(upserts).all().get(20, TimeUnit.SECONDS);
                admin.createAcls(acls).all().get(20, TimeUnit.SECONDS);
                System.out.println(
                        "kafka: SCRAM credentials of "
                                + users.keySet()
                                + " and "
                                + acls.size()
                                + " grants in place");
                return;
            } catch (Exception e) {
                last = e;
                try {
                    Thread.sleep(500);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        System.err.println(
                "kafka: could not set the SCRAM credentials of "
                        + users.keySet()
                        + " or the grants: "
                        + (last == null ? "timeout" : last.getMessage()));
    }
}
