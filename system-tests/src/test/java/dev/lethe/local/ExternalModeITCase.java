package dev.lethe.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.cli.Lethe;
import dev.lethe.testing.SharedStack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * External mode: given every address and credential, {@code up} starts nothing, checks the servers
 * that already exist and registers the connector; {@code status} reports them as external.
 */
@Order(3)
class ExternalModeITCase {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A setting of the registration whose change is harmless: the heartbeat's interval. */
    private static final String MARKED = "heartbeat.interval.ms";

    @TempDir Path otherDataDir;

    @Test
    void upAndStatusAgainstServersThatAlreadyExist() throws Exception {
        StackSettings s = SharedStack.settings();
        List<String> external =
                new ArrayList<>(
                        List.of(
                                "--data-dir", otherDataDir.toString(),
                                "--postgres-url", s.postgresJdbcUrl(),
                                "--postgres-password", s.postgresPassword(),
                                "--kafka-bootstrap", s.kafkaBootstrap(),
                                "--kafka-password", s.kafkaPassword().orElseThrow(),
                                "--connect-url", s.connectUrl().toString(),
                                "--elasticsearch-url", s.elasticsearchUrl().toString(),
                                "--elasticsearch-password", s.elasticsearchPassword().orElseThrow(),
                                "--flink-url", s.flinkUrl().toString(),
                                "--server-port", Integer.toString(freePort())));
        // the shared stack registered the connector already: mark its config, so that only a
        // registration by this `up` can put the registration file's value back
        URI config = s.connectUrl().resolve("/connectors/" + StackSettings.CONNECTOR + "/config");
        String registered =
                JSON.readTree(s.home().resolve("connectors/register-helpdesk.json").toFile())
                        .path("config")
                        .path(MARKED)
                        .asText();
        assertThat(registered).as(MARKED + " in register-helpdesk.json").isNotEmpty();
        ObjectNode marked = (ObjectNode) JSON.readTree(connect(() -> Http.get(config, null)));
        marked.put(MARKED, registered + "1");
        connect(() -> Http.put(config, JSON.writeValueAsString(marked), null));
        assertThat(JSON.readTree(connect(() -> Http.get(config, null))).path(MARKED).asText())
                .isEqualTo(registered + "1");

        List<String> up = new ArrayList<>(List.of("up", "--detach", "--no-jobs"));
        up.addAll(external);
        try {
            upAndStatus(s, external, up, config, registered);
        } finally {
            // Lethe's own server is the one process an external-mode up starts
            Lethe.run("down", "--data-dir", otherDataDir.toString());
        }
    }

    private void upAndStatus(
            StackSettings s, List<String> external, List<String> up, URI config, String registered)
            throws Exception {
        assertThat(Lethe.run(up.toArray(String[]::new))).isZero();
        // none of the stores was started: only Lethe's own server runs for this data directory
        try (var logs = Files.list(otherDataDir.resolve("logs"))) {
            assertThat(logs.map(p -> p.getFileName().toString())).containsExactly("server.log");
        }

        // `up` registered the connector from the registration file, and it runs
        assertThat(JSON.readTree(connect(() -> Http.get(config, null))).path(MARKED).asText())
                .as("%s after up", MARKED)
                .isEqualTo(registered);
        // the new config restarts the task: wait (with a deadline) until it runs again
        URI connectorStatus =
                s.connectUrl().resolve("/connectors/" + StackSettings.CONNECTOR + "/status");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode connector = JSON.readTree(connect(() -> Http.get(connectorStatus, null)));
        while (!running(connector) && System.nanoTime() - deadline < 0) {
            Thread.sleep(300);
            connector = JSON.readTree(connect(() -> Http.get(connectorStatus, null)));
        }
        assertThat(running(connector))
                .as("connector and its tasks RUNNING within 60 s: %s", connector)
                .isTrue();

        List<String> status = new ArrayList<>(List.of("status", "--json"));
        status.addAll(external);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int rc;
        try {
            rc = Lethe.run(status.toArray(String[]::new));
        } finally {
            System.setOut(original);
        }
        assertThat(rc).isZero();
        JsonNode json = JSON.readTree(out.toString(StandardCharsets.UTF_8));
        for (String c : StackProbe.COMPONENTS) {
            assertThat(json.path(c).path("healthy").asBoolean()).as(c).isTrue();
            assertThat(json.path(c).path("managed").asBoolean())
                    .as(c)
                    .isEqualTo(c.equals("server"));
        }
        assertThat(json.path("postgres").path("address").asText()).isEqualTo(s.postgresJdbcUrl());

        // a wrong password is reported as such, with a non-zero exit
        List<String> badPassword = new ArrayList<>(status);
        badPassword.set(badPassword.indexOf(s.elasticsearchPassword().orElseThrow()), "wrong");
        assertThat(Lethe.run(badPassword.toArray(String[]::new))).isEqualTo(1);
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static boolean running(JsonNode status) {
        boolean running =
                "RUNNING".equals(status.path("connector").path("state").asText())
                        && !status.path("tasks").isEmpty();
        for (JsonNode task : status.path("tasks")) {
            running &= "RUNNING".equals(task.path("state").asText());
        }
        return running;
    }

    /**
     * The body of a successful Connect REST call. A config change makes the worker rebalance, and
     * until it has, Connect answers 409 or 500 "a rebalance is expected": the call is repeated
     * (with a deadline) as any client of Connect's REST API has to.
     */
    private static String connect(ConnectCall call) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Http.Response r = call.send();
        while (rebalancing(r) && System.nanoTime() - deadline < 0) {
            Thread.sleep(300);
            r = call.send();
        }
        assertThat(r.ok()).as("Connect answered HTTP %s: %s", r.status(), r.body()).isTrue();
        return r.body();
    }

    private static boolean rebalancing(Http.Response r) {
        return (r.status() == 409 || r.status() == 500) && r.body().contains("rebalance");
    }

    private interface ConnectCall {
        Http.Response send() throws Exception;
    }
}
