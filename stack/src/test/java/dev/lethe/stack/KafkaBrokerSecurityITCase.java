package dev.lethe.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local broker as {@code ./lethe up} runs it refuses clients without credentials (on the broker
 * and on the controller listener) and with a wrong password, and serves Lethe's SCRAM users; only
 * capture writes the raw change topics and only Lethe's users write Lethe's topics, the audit job's
 * alone the log of record; a restart with another password (an already formatted log directory)
 * switches to it.
 */
class KafkaBrokerSecurityITCase {

    static final String CAPTURE = "lethe_capture";
    static final String CAPTURE_PASSWORD = "capture-secret_7";

    /** Each component's user and password (one with characters the storage tool cannot take). */
    static final Map<String, String> COMPONENTS =
            Map.of(
                    KafkaAcls.AUDIT_USER, "audit-secret_1",
                    KafkaAcls.RETENTION_USER, "retention-secret_2",
                    KafkaAcls.DISCOVERY_USER, "discovery secret \"3\"",
                    KafkaAcls.SERVER_USER, "server-secret_4");

    @TempDir Path dir;

    @Test
    void refusesAnonymousClientsAndServesScramUser() throws Exception {
        int port = freePort();
        int controllerPort = freePort();
        Path props = writeConfig(port, controllerPort);
        String bootstrap = "127.0.0.1:" + port;

        Process broker = start(props, "first-password_1");
        try {
            awaitScram(bootstrap, "first-password_1");
            try (Admin admin = Admin.create(scram(bootstrap, "first-password_1"))) {
                admin.createTopics(
                                List.of(
                                        new NewTopic("lethe.t", 1, (short) 1),
                                        new NewTopic("helpdesk.public.t", 1, (short) 1),
                                        new NewTopic(KafkaAcls.AUDIT_TOPIC, 1, (short) 1),
                                        new NewTopic(KafkaAcls.DEAD_LETTER_TOPIC, 1, (short) 1),
                                        new NewTopic(KafkaAcls.AUDIT_REQUESTS_TOPIC, 1, (short) 1)))
                        .all()
                        .get(30, TimeUnit.SECONDS);
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                        .contains("lethe.t", "helpdesk.public.t", KafkaAcls.AUDIT_TOPIC);
            }
            // only capture writes change events; only Lethe writes Lethe's topics
            Properties capture = scram(bootstrap, CAPTURE, CAPTURE_PASSWORD);
            Properties lethe = scram(bootstrap, "lethe", "first-password_1");
            assertThat(produce(capture, "helpdesk.public.t")).isNull();
            assertThat(produce(lethe, "helpdesk.public.t"))
                    .isInstanceOf(TopicAuthorizationException.class);
            assertThat(produce(lethe, "lethe.t")).isNull();
            assertThat(produce(capture, "lethe.t")).isInstanceOf(TopicAuthorizationException.class);
            // one user per component: the audit job's alone writes the log of record
            Properties audit = component(bootstrap, KafkaAcls.AUDIT_USER);
            Properties discovery = component(bootstrap, KafkaAcls.DISCOVERY_USER);
            Properties server = component(bootstrap, KafkaAcls.SERVER_USER);
            assertThat(produce(audit, KafkaAcls.AUDIT_TOPIC)).isNull();
            assertThat(produce(lethe, KafkaAcls.AUDIT_TOPIC))
                    .isInstanceOf(TopicAuthorizationException.class);
            assertThat(produce(discovery, KafkaAcls.AUDIT_TOPIC))
                    .isInstanceOf(TopicAuthorizationException.class);
            assertThat(produce(discovery, KafkaAcls.DEAD_LETTER_TOPIC)).isNull();
            assertThat(produce(audit, "helpdesk.public.t"))
                    .isInstanceOf(TopicAuthorizationException.class);
            assertThat(produce(server, KafkaAcls.AUDIT_REQUESTS_TOPIC)).isNull();
            assertThat(produce(server, KafkaAcls.DEAD_LETTER_TOPIC))
                    .isInstanceOf(TopicAuthorizationException.class);
            assertThat(
                            produce(
                                    component(bootstrap, KafkaAcls.RETENTION_USER),
                                    KafkaAcls.AUDIT_REQUESTS_TOPIC))
                    .isInstanceOf(TopicAuthorizationException.class);
            try (Admin admin = Admin.create(capture)) {
                assertThatThrownBy(
                                () ->
                                        admin.createTopics(
                                                        List.of(
                                                                new NewTopic(
                                                                        "lethe.audit.forged",
                                                                        1,
                                                                        (short) 1)))
                                                .all()
                                                .get(30, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(TopicAuthorizationException.class);
            }
            assertRefused(anonymous("bootstrap.servers", bootstrap));
            assertRefused(scram(bootstrap, "wrong-password"));
            assertRefused(anonymous("bootstrap.controllers", "127.0.0.1:" + controllerPort));
        } finally {
            stop(broker);
        }

        // formatted already: the credential comes through the controller, not the storage tool
        Process again = start(props, "second password, with \"quotes\"");
        try {
            awaitScram(bootstrap, "second password, with \"quotes\"");
            assertRefused(scram(bootstrap, "first-password_1"));
            assertRefused(anonymous("bootstrap.servers", bootstrap));
        } finally {
            stop(again);
        }
    }

    private Path writeConfig(int port, int controllerPort) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("process.roles=broker,controller");
        lines.add("node.id=1");
        lines.add("controller.quorum.voters=1@127.0.0.1:" + controllerPort);
        lines.add(
                "listeners=BROKER://127.0.0.1:"
                        + port
                        + ",CONTROLLER://127.0.0.1:"
                        + controllerPort);
        lines.add("advertised.listeners=BROKER://127.0.0.1:" + port);
        lines.add("controller.listener.names=CONTROLLER");
        lines.add("log.dirs=" + dir.resolve("logs"));
        lines.add("offsets.topic.replication.factor=1");
        lines.add("transaction.state.log.replication.factor=1");
        lines.add("transaction.state.log.min.isr=1");
        lines.add("share.coordinator.state.topic.replication.factor=1");
        lines.add("share.coordinator.state.topic.min.isr=1");
        lines.addAll(KafkaBroker.securityProperties("BROKER"));
        Path props = dir.resolve("server.properties");
        Files.write(props, lines);
        return props;
    }

    private Process start(Path props, String password) throws IOException {
        ProcessBuilder pb =
                new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx384m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        KafkaBroker.class.getName(),
                        props.toString(),
                        "MkU3OEVBNTcwNTJENDM2Qg");
        Map<String, String> env = pb.environment();
        env.put(KafkaBroker.USER_ENV, "lethe");
        env.put(KafkaBroker.PASSWORD_ENV, password);
        env.put(KafkaBroker.ADMIN_PASSWORD_ENV, "admin-secret");
        env.put(KafkaBroker.CAPTURE_USER_ENV, CAPTURE);
        env.put(KafkaBroker.CAPTURE_PASSWORD_ENV, CAPTURE_PASSWORD);
        COMPONENTS.forEach((user, pw) -> env.put(KafkaBroker.passwordEnv(user), pw));
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.log").toFile()));
        return pb.start();
    }

    private void stop(Process p) throws Exception {
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
        }
    }

    private void awaitScram(String bootstrap, String password) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try (Admin admin = Admin.create(scram(bootstrap, password))) {
                // signed in, and the grants are in place
                Set<org.apache.kafka.common.acl.AclOperation> ops =
                        admin.describeCluster(
                                        new org.apache.kafka.clients.admin.DescribeClusterOptions()
                                                .includeAuthorizedOperations(true))
                                .authorizedOperations()
                                .get(5, TimeUnit.SECONDS);
                if (ops != null
                        && ops.contains(
                                org.apache.kafka.common.acl.AclOperation.IDEMPOTENT_WRITE)) {
                    return;
                }
                Thread.sleep(500);
            } catch (Exception e) {
                last = e;
                Thread.sleep(500);
            }
        }
        throw new AssertionError(
                "broker did not accept the SCRAM user; log:\n"
                        + Files.readString(dir.resolve("broker.log")),
                last);
    }

    private static void assertRefused(Properties p) {
        p.setProperty("request.timeout.ms", "3000");
        p.setProperty("default.api.timeout.ms", "5000");
        try (Admin admin = Admin.create(p)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(10, TimeUnit.SECONDS))
                    .satisfies(
                            e ->
                                    assertThat(e.getClass().getSimpleName())
                                            .isIn(
                                                    Set.of(
                                                            "ExecutionException",
                                                            "TimeoutException")));
        }
    }

    private static Properties anonymous(String key, String address) {
        Properties p = new Properties();
        p.setProperty(key, address);
        return p;
    }

    /** Sends one record; the exception that refused it, or null when it was written. */
    private static Exception produce(Properties client, String topic) {
        Properties p = new Properties();
        p.putAll(client);
        p.setProperty("key.serializer", StringSerializer.class.getName());
        p.setProperty("value.serializer", StringSerializer.class.getName());
        p.setProperty("max.block.ms", "15000");
        p.setProperty("delivery.timeout.ms", "20000");
        p.setProperty("request.timeout.ms", "10000");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            producer.send(new ProducerRecord<>(topic, "k", "v")).get(30, TimeUnit.SECONDS);
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            return (Exception) e.getCause();
        } catch (Exception e) {
            return e;
        }
    }

    private static Properties component(String bootstrap, String user) {
        return scram(bootstrap, user, COMPONENTS.get(user));
    }

    private static Properties scram(String bootstrap, String password) {
        return scram(bootstrap, "lethe", password);
    }

    private static Properties scram(String bootstrap, String user, String password) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrap);
        p.setProperty("security.protocol", "SASL_PLAINTEXT");
        p.setProperty("sasl.mechanism", KafkaBroker.SCRAM_MECHANISM);
        p.setProperty(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                        + user
                        + "\" password=\""
                        + password.replace("\\", "\\\\").replace("\"", "\\\"")
                        + "\";");
        return p;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
