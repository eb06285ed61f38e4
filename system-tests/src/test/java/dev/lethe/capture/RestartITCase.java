package dev.lethe.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.audit.Actor;
import dev.lethe.local.CaptureTopics;
import dev.lethe.local.ChildProcess;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import dev.lethe.testing.RawTopics;
import dev.lethe.testing.SharedStack;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Changes made while capture is down (Connect killed, Kafka stopped) are captured after the stack
 * is started again from its data directory: none lost, none twice in effect (same source LSN).
 */
@Order(Integer.MAX_VALUE)
class RestartITCase {

    @Test
    void changesMadeWhileCaptureIsDownArriveAfterRestartExactlyOnceInEffect() throws Exception {
        StackSettings s = SharedStack.settings();
        String tag = UUID.randomUUID().toString().substring(0, 8);
        insertContacts(s, tag + "-before", 5);
        assertThat(awaitContacts(s, tag + "-before", 5)).hasSize(5);

        ChildProcess connect = SharedStack.stack().processes().get("connect");
        ChildProcess kafka = SharedStack.stack().processes().get("kafka");
        // a crash of the capture process, then its broker going away
        new ProcessBuilder("kill", "-9", String.valueOf(connect.pid())).start().waitFor();
        kafka.stop(Duration.ofSeconds(30));
        assertThat(kafka.isAlive()).isFalse();

        insertContacts(s, tag + "-during", 20);

        SharedStack.restart();
        StackSettings after = SharedStack.settings();
        insertContacts(after, tag + "-after", 5);

        List<JsonNode> all =
                RawTopics.await(
                        after.kafkaBootstrap(),
                        CaptureTopics.tableTopic("contacts"),
                        v -> v.path("after").path("email").asText().startsWith(tag),
                        found -> distinct(found).size() >= 30,
                        Duration.ofSeconds(90));
        Set<String> distinctChanges = distinct(all);
        // at-least-once delivery may repeat an event; by source position each change is there once
        assertThat(distinctChanges).hasSize(30);
        assertThat(new StackProbe(after, SharedStack.stack().pids()).all())
                .allMatch(h -> h.healthy(), "every component healthy after restart");
    }

    private static Set<String> distinct(List<JsonNode> events) {
        return events.stream()
                .map(e -> e.path("source").path("lsn").asText() + "/" + e.path("after").path("id"))
                .collect(Collectors.toSet());
    }

    private static void insertContacts(StackSettings s, String tag, int n) throws Exception {
        try (Connection c = StackProbe.connectPostgres(s)) {
            for (int i = 0; i < n; i++) {
                c.setAutoCommit(false);
                Actor.system("restart-test", "insert while capture is down").emit(c);
                try (PreparedStatement ps =
                        c.prepareStatement(
                                "INSERT INTO contacts (first_name, email) VALUES ('Jörg', ?)")) {
                    ps.setString(1, tag + "-" + i + "@example.eu");
                    ps.executeUpdate();
                }
                c.commit();
            }
        }
    }

    private static List<JsonNode> awaitContacts(StackSettings s, String tag, int n) {
        return RawTopics.await(
                s.kafkaBootstrap(),
                CaptureTopics.tableTopic("contacts"),
                v -> v.path("after").path("email").asText().startsWith(tag),
                n,
                Duration.ofSeconds(90));
    }
}
