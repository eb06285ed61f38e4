package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.testing.CapturedOutput;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The command line's contract: exit codes and messages for bad input, status --json's shape. */
class LetheCommandTest {

    @TempDir Path dataDir;
    @RegisterExtension final CapturedOutput output = new CapturedOutput();

    @Test
    void aTakenPortStopsUpWithTheFlagToChange() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            int rc =
                    Lethe.run(
                            "up",
                            "--detach",
                            "--data-dir",
                            dataDir.toString(),
                            "--kafka-port",
                            String.valueOf(taken.getLocalPort()));
            assertThat(rc).isEqualTo(1);
            assertThat(output.err())
                    .contains("port " + taken.getLocalPort() + " for kafka is already in use")
                    .contains("--kafka-port <port>");
        }
    }

    @Test
    void twoKafkaBrokersAreAUsageErrorSayingWhatToUse() {
        int rc = Lethe.run("up", "--data-dir", dataDir.toString(), "--kafka-brokers", "2");
        assertThat(rc).isEqualTo(2);
        assertThat(output.err())
                .contains("--kafka-brokers must be 1 (one broker, no replication) or 3 to 5")
                .contains("use 3")
                .doesNotContain("\tat ");
    }

    @Test
    void aTakenPortOfTheSecondBrokerStopsUpWithTheFlagToChange() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            int p = taken.getLocalPort();
            int rc =
                    Lethe.run(
                            "up",
                            "--detach",
                            "--data-dir",
                            dataDir.toString(),
                            "--kafka-brokers",
                            "3",
                            "--kafka-port",
                            String.valueOf(p - 2),
                            "--kafka-controller-port",
                            String.valueOf(p - 1));
            assertThat(rc).isEqualTo(1);
            assertThat(output.err())
                    .contains("port " + p + " for kafka-2 is already in use")
                    .contains("--kafka-port <port>");
        }
    }

    @Test
    void aDataDirectoryFormattedForOneBrokerIsNotStartedWithThree() throws Exception {
        java.nio.file.Files.createDirectories(dataDir.resolve("kafka/logs"));
        java.nio.file.Files.writeString(
                dataDir.resolve("kafka/logs/meta.properties"), "node.id=1\n");
        int rc =
                Lethe.run(
                        "up",
                        "--detach",
                        "--data-dir",
                        dataDir.toString(),
                        "--kafka-brokers",
                        "3",
                        "--kafka-port",
                        "29492",
                        "--kafka-controller-port",
                        "29493");
        assertThat(rc).isEqualTo(1);
        assertThat(output.err())
                .contains("was formatted for 1 broker(s), not 3")
                .contains("use a fresh --data-dir");
        // untouched: no second broker's directory, the count not recorded
        assertThat(dataDir.resolve("kafka-2")).doesNotExist();
        assertThat(dataDir.resolve("kafka/brokers")).doesNotExist();
    }

    @Test
    void aBadUrlIsAUsageError() {
        int rc = Lethe.run("status", "--data-dir", dataDir.toString(), "--connect-url", "nope");
        assertThat(rc).isEqualTo(2);
        assertThat(output.err()).contains("--connect-url must be an http(s) URL");
    }

    @Test
    void snapshotRefusesATableItCannotSnapshotBeforeTouchingTheDatabase() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        String[] stack = {
            "--data-dir",
            dataDir.toString(),
            "--connect-port",
            String.valueOf(closedPort),
            "--postgres-port",
            String.valueOf(closedPort)
        };
        assertThat(Lethe.run(concat(new String[] {"snapshot"}, stack))).isEqualTo(2);
        assertThat(output.err()).contains("--table");
        output.resetErr();

        assertThat(Lethe.run(concat(new String[] {"snapshot", "--table", "invoices"}, stack)))
                .isEqualTo(2);
        assertThat(output.err())
                .contains("lethe: table invoices is not in the personal-data catalog");
        output.resetErr();

        assertThat(
                        Lethe.run(
                                concat(
                                        new String[] {
                                            "snapshot",
                                            "--table",
                                            "tickets",
                                            "--table",
                                            "lethe_heartbeat"
                                        },
                                        stack)))
                .isEqualTo(2);
        assertThat(output.err())
                .contains("lethe: table lethe_heartbeat is in the catalog but not captured");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void aReasonOrRequesterHoldingPersonalDataIsAUsageErrorNamingTheKindNotTheValue() {
        int export = export("--reason", "mail from anna.meyer@example.eu");
        int erase =
                Lethe.run(
                        "subject",
                        "erase",
                        "contact:42",
                        "--data-dir",
                        dataDir.toString(),
                        "--reason",
                        "she called from +49 30 1234567");
        int requester = export("--requested-by", "dpo.anna@example.eu");

        assertThat(export).isEqualTo(2);
        assertThat(erase).isEqualTo(2);
        assertThat(requester).isEqualTo(2);
        assertThat(output.err()).contains("--requested-by is kept in the audit log for good");
        String messages = output.err();
        assertThat(messages)
                .contains("--reason looks like it holds personal data (email)")
                .contains("--reason looks like it holds personal data (phone)")
                .doesNotContain("anna.meyer", "1234567", "dpo.anna");
    }

    /** {@code subject export contact:42} into the test's directory with one more option. */
    private int export(String option, String value) {
        return Lethe.run(
                "subject",
                "export",
                "contact:42",
                "--out",
                dataDir.resolve("export").toString(),
                "--data-dir",
                dataDir.toString(),
                option,
                value);
    }

    @Test
    void anUnknownOptionIsAUsageError() {
        assertThat(Lethe.run("up", "--no-such-flag")).isEqualTo(2);
        assertThat(output.err()).contains("Unknown option: '--no-such-flag'");
    }

    @Test
    void statusJsonReportsEveryComponentUnhealthyWhenNothingRuns() throws Exception {
        int[] ports = new int[6];
        for (int i = 0; i < ports.length; i++) {
            try (ServerSocket s = new ServerSocket(0)) {
                ports[i] = s.getLocalPort(); // free, so nothing answers there
            }
        }
        int rc =
                Lethe.run(
                        "status",
                        "--json",
                        "--data-dir",
                        dataDir.toString(),
                        "--postgres-port",
                        String.valueOf(ports[0]),
                        "--kafka-port",
                        String.valueOf(ports[1]),
                        "--connect-port",
                        String.valueOf(ports[2]),
                        "--elasticsearch-port",
                        String.valueOf(ports[3]),
                        "--flink-port",
                        String.valueOf(ports[4]),
                        "--server-port",
                        String.valueOf(ports[5]));
        assertThat(rc).isEqualTo(1);
        JsonNode json = new ObjectMapper().readTree(output.out());
        assertThat(json.fieldNames())
                .toIterable()
                .containsExactly(
                        "postgres", "kafka", "connect", "elasticsearch", "flink", "server");
        for (JsonNode c : json) {
            assertThat(c.path("healthy").asBoolean()).isFalse();
            assertThat(c.path("health").asText()).isEqualTo("unhealthy");
            assertThat(c.path("address").asText()).isNotBlank();
        }
        assertThat(json.path("kafka").path("address").asText()).isEqualTo("127.0.0.1:" + ports[1]);
    }
}
