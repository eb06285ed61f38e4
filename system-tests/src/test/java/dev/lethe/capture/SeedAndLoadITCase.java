package dev.lethe.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.cli.Lethe;
import dev.lethe.local.CaptureTopics;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import dev.lethe.simulator.LoadOperation;
import dev.lethe.testing.AuditTestJobs;
import dev.lethe.testing.RawTopics;
import dev.lethe.testing.SharedStack;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** {@code ./lethe seed} and {@code ./lethe load} write through the real stack into Kafka. */
@Order(2)
class SeedAndLoadITCase {

    private static final Duration WAIT = Duration.ofSeconds(60);

    /**
     * Every kind of operation the load generator makes is performed, and each reaches Kafka as the
     * change it is on the table it writes: creates of contacts (with consents), tickets, threads
     * and comments; updates of tickets and contacts, soft deletes among them; deletes of contacts.
     * Only changes committed after the seed count (their WAL position is past the seed's), so
     * changes of earlier tests or of the seed cannot stand in for the load's.
     */
    @Test
    void seedThenLoadProduceEveryKindOfChange() throws Exception {
        StackSettings s = SharedStack.settings();
        String dataDir = s.dataDir().toString();
        long before = count(s, "SELECT count(*) FROM contacts");

        assertThat(Lethe.run("seed", "--data-dir", dataDir, "--contacts", "40", "--seed", "4242"))
                .isZero();
        assertThat(count(s, "SELECT count(*) FROM contacts")).isEqualTo(before + 40);
        assertThat(count(s, "SELECT count(*) FROM tickets")).isPositive();

        long afterSeed = count(s, "SELECT pg_current_wal_lsn() - '0/0'");
        AuditTestJobs.Cli load =
                AuditTestJobs.cli(
                        List.of(
                                "load",
                                "--data-dir",
                                dataDir,
                                "--rate",
                                "40",
                                "--duration",
                                "8s",
                                "--seed",
                                "9"));
        assertThat(load.code()).as(load.out()).isZero();
        Map<String, Long> performed = performed(load.out());
        assertThat(performed)
                .as("operations the load performed: %s", load.out())
                .containsOnlyKeys(
                        Arrays.stream(LoadOperation.values())
                                .map(op -> op.name().toLowerCase(Locale.ROOT))
                                .toArray(String[]::new))
                .allSatisfy((op, n) -> assertThat(n).as(op).isPositive());

        Predicate<JsonNode> ofTheLoad = v -> v.path("source").path("lsn").asLong() > afterSeed;
        expectChanges(s, "contacts", ofTheLoad, Set.of("c", "u", "d"), true);
        expectChanges(s, "consents", ofTheLoad, Set.of("c"), false);
        expectChanges(s, "tickets", ofTheLoad, Set.of("c", "u"), true);
        expectChanges(s, "threads", ofTheLoad, Set.of("c"), false);
        expectChanges(s, "comments", ofTheLoad, Set.of("c"), false);
    }

    /**
     * Waits until {@code table}'s topic holds changes of the load of every kind in {@code ops}
     * (and, if {@code softDelete}, an update that sets {@code deleted_at}), then asserts it.
     */
    private static void expectChanges(
            StackSettings s,
            String table,
            Predicate<JsonNode> ofTheLoad,
            Set<String> ops,
            boolean softDelete) {
        Predicate<List<JsonNode>> done =
                found -> ops(found).containsAll(ops) && (!softDelete || softDeleted(found));
        List<JsonNode> events =
                RawTopics.await(
                        s.kafkaBootstrap(), CaptureTopics.tableTopic(table), ofTheLoad, done, WAIT);
        assertThat(ops(events)).as("kinds of change of the load on %s", table).containsAll(ops);
        if (softDelete) {
            assertThat(softDeleted(events)).as("a soft delete of the load on %s", table).isTrue();
        }
    }

    private static boolean softDeleted(List<JsonNode> events) {
        return events.stream()
                .anyMatch(
                        e ->
                                e.path("op").asText().equals("u")
                                        && e.path("after").hasNonNull("deleted_at"));
    }

    /** The operations counted on the {@code done:} line of {@code ./lethe load}'s output. */
    private static Map<String, Long> performed(String out) {
        String done =
                out.lines()
                        .filter(l -> l.startsWith("done:"))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("no done: line in\n" + out));
        Map<String, Long> performed = new TreeMap<>();
        Matcher m = Pattern.compile("([a-z_]+)=(\\d+)").matcher(done);
        while (m.find()) {
            if (!m.group(1).equals("failed")) {
                performed.put(m.group(1), Long.parseLong(m.group(2)));
            }
        }
        return performed;
    }

    private static Set<String> ops(List<JsonNode> events) {
        return events.stream()
                .map(e -> e.path("op").asText())
                .collect(Collectors.toCollection(TreeSet::new));
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
