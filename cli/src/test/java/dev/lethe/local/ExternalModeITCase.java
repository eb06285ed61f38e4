package dev.lethe.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.cli.Lethe;
import dev.lethe.testing.SharedStack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

    @TempDir Path otherDataDir;

    @Test
    void upAndStatusAgainstServersThatAlreadyExist() throws Exception {
        StackSettings s = SharedStack.settings();
        List<String> external =
                new ArrayList<>(
                        List.of(
                                "--data-dir", otherDataDir.toString(),
                                "--postgres-url", s.postgresJdbcUrl(),
                                "--kafka-bootstrap", s.kafkaBootstrap(),
                                "--connect-url", s.connectUrl().toString(),
                                "--elasticsearch-url", s.elasticsearchUrl().toString(),
                                "--elasticsearch-password", s.elasticsearchPassword().orElseThrow(),
                                "--flink-url", s.flinkUrl().toString()));
        List<String> up = new ArrayList<>(List.of("up", "--detach", "--no-jobs"));
        up.addAll(external);
        assertThat(Lethe.run(up.toArray(String[]::new))).isZero();
        assertThat(Files.list(otherDataDir.resolve("logs"))).isEmpty(); // nothing was started

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
        JsonNode json = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        for (String c : StackProbe.COMPONENTS) {
            assertThat(json.path(c).path("healthy").asBoolean()).as(c).isTrue();
            assertThat(json.path(c).path("managed").asBoolean()).as(c).isFalse();
        }
        assertThat(json.path("postgres").path("address").asText()).isEqualTo(s.postgresJdbcUrl());

        // a wrong password is reported as such, with a non-zero exit
        List<String> badPassword = new ArrayList<>(status);
        badPassword.set(badPassword.indexOf(s.elasticsearchPassword().orElseThrow()), "wrong");
        assertThat(Lethe.run(badPassword.toArray(String[]::new))).isEqualTo(1);
    }
}
