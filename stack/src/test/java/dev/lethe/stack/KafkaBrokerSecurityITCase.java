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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local broker as {@code ./lethe up} runs it refuses clients without credentials (on the broker
 * and on the controller listener) and with a wrong password, and serves Lethe's SCRAM user; a
 * restart with another password (an already formatted log directory) switches to it.
 */
class KafkaBrokerSecurityITCase {

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
                admin.createTopics(List.of(new NewTopic("t", 1, (short) 1)))
                        .all()
                        .get(30, TimeUnit.SECONDS);
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("t");
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
                admin.listTopics().names().get(5, TimeUnit.SECONDS);
                return;
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

    private static Properties scram(String bootstrap, String password) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrap);
        p.setProperty("security.protocol", "SASL_PLAINTEXT");
        p.setProperty("sasl.mechanism", KafkaBroker.SCRAM_MECHANISM);
        p.setProperty(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"lethe\""
                        + " password=\""
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
