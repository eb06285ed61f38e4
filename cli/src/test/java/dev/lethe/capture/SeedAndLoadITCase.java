package dev.lethe.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.cli.Lethe;
import dev.lethe.local.CaptureTopics;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import dev.lethe.testing.RawTopics;
import dev.lethe.testing.SharedStack;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** {@code ./lethe seed} and {@code ./lethe load} write through the real stack into Kafka. */
@Order(2)
class SeedAndLoadITCase {

    @Test
    void seedThenLoadProduceEveryKindOfChange() throws Exception {
        StackSettings s = SharedStack.settings();
        String dataDir = s.dataDir().toString();
        long before = count(s, "SELECT count(*) FROM contacts");

        assertThat(Lethe.run("seed", "--data-dir", dataDir, "--contacts", "40", "--seed", "4242"))
                .isZero();
        assertThat(count(s, "SELECT count(*) FROM contacts")).isEqualTo(before + 40);
        assertThat(count(s, "SELECT count(*) FROM tickets")).isPositive();

        assertThat(
                        Lethe.run(
                                "load",
                                "--data-dir",
                                dataDir,
                                "--rate",
                                "40",
                                "--duration",
                                "4s",
                                "--seed",
                                "9"))
                .isZero();

        List<JsonNode> ticketEvents =
                RawTopics.await(
                        s.kafkaBootstrap(),
                        CaptureTopics.tableTopic("tickets"),
                        v -> true,
                        found -> ops(found).containsAll(Set.of("c", "u")),
                        Duration.ofSeconds(60));
        assertThat(ops(ticketEvents)).contains("c", "u");
    }

    private static Set<String> ops(List<JsonNode> events) {
        return events.stream().map(e -> e.path("op").asText()).collect(Collectors.toSet());
    }

    private static long count(StackSettings s, String sql) throws Exception {
        try (Connection c = StackProbe.connectPostgres(s);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
