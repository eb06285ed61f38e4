package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.local.StackOptions;
import dev.lethe.local.StackSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The audit monitor's look at the transactions on the log (a fixed view of the brokers): a hanging
 * one is a finding, counted once, with a structured line, kept in the data dir and shown by {@code
 * status} ({@code monitor.transactions}, the line {@code transactions}).
 */
@Timeout(60)
class AuditMonitorTransactionsTest {

    private static final TopicPartition AUDIT_0 = new TopicPartition("lethe.audit", 0);
    private static final String LOG_TXN = "lethe-audit-lethe-audit-log-0-17";
    private static final Duration BOUND = Duration.ofMinutes(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir java.nio.file.Path dataDir;

    private HangingTransactions.View view = HangingTransactions.View.EMPTY;
    private Exception failure;

    private StackSettings settings() {
        StackOptions o = new StackOptions();
        new CommandLine(o).parseArgs("--data-dir", dataDir.toString());
        return o.resolve();
    }

    private AuditMonitor monitor() {
        return new AuditMonitor(
                        settings(), new AuditTopics(), "audit", dataDir.resolve(AuditMonitor.FILE))
                .withTransactions(check(), BOUND);
    }

    private TransactionsCheck check() {
        return new TransactionsCheck(
                topics -> {
                    if (failure != null) {
                        throw failure;
                    }
                    return view;
                },
                List.of("lethe.audit", "lethe.audit.checkpoints"));
    }

    /**
     * The audit job's log transaction open on lethe.audit-0 from offset 1234, begun {@code ago}.
     */
    private void openOnTheLog(Duration ago) {
        Instant start = Instant.now().minus(ago);
        view =
                new HangingTransactions.View(
                        Map.of(
                                LOG_TXN,
                                new TransactionDescription(
                                        1,
                                        TransactionState.ONGOING,
                                        7,
                                        3,
                                        900_000,
                                        OptionalLong.of(start.toEpochMilli()),
                                        Set.of(AUDIT_0))),
                        Map.of(
                                AUDIT_0,
                                List.of(
                                        new ProducerState(
                                                7,
                                                3,
                                                0,
                                                start.toEpochMilli(),
                                                OptionalInt.of(0),
                                                OptionalLong.of(1234)))),
                        Map.of());
    }

    @Test
    void aYoungTransactionIsOpenAndHealthyWithoutALine() throws Exception {
        AuditMonitor monitor = monitor();
        openOnTheLog(Duration.ofSeconds(8));

        assertThat(monitor.checkTransactions(check())).isEmpty();

        AuditMonitor.State s = AuditMonitor.readFile(monitor.stateFile()).orElseThrow();
        assertThat(s.attention()).isFalse();
        assertThat(s.needsAttention()).isFalse();
        assertThat(s.findings()).isZero();
        assertThat(s.transactions().open()).isEqualTo(1);
        assertThat(s.transactions().hanging()).isEmpty();
        assertThat(statusText(s))
                .containsPattern("transactions +healthy +.*none hanging \\(1 open");
        JsonNode t = statusJson(s).path("monitor").path("transactions");
        assertThat(t.path("health").asText()).isEqualTo("healthy");
        assertThat(t.path("open").asLong()).isEqualTo(1);
        assertThat(t.path("hanging").isArray()).isTrue();
        assertThat(t.path("hanging")).isEmpty();
        assertThat(t.path("boundSeconds").asLong()).isEqualTo(60);
    }

    @Test
    void aHangingTransactionIsAFindingCountedOnceAndShownByStatus() throws Exception {
        AuditMonitor monitor = monitor();
        monitor.write(new AuditMonitor.State(4, 40, 41, "ab", Instant.now(), null, null, 4, 0));
        openOnTheLog(Duration.ofMinutes(16));

        String line = monitor.checkTransactions(check()).orElseThrow();

        JsonNode l = JSON.readTree(line.substring("audit-monitor ".length()));
        assertThat(l.path("event").asText()).isEqualTo("transaction-hanging");
        assertThat(l.path("hanging").asInt()).isEqualTo(1);
        AuditMonitor.State s = AuditMonitor.readFile(monitor.stateFile()).orElseThrow();
        assertThat(s.attention()).isTrue();
        assertThat(s.finding())
                .startsWith(
                        "transactions: 1 hanging on the log, readers held at its start: first"
                                + " lethe.audit-0 from offset 1234, open 96")
                .endsWith(" s, producer 7 epoch 3 (lethe-audit-lethe-audit-log-0-17)");
        assertThat(l.path("finding").asText()).isEqualTo(s.finding());
        assertThat(s.findings()).isEqualTo(1);
        // what the verification established is kept
        assertThat(s.checkpointSeq()).isEqualTo(4);
        assertThat(s.verifications()).isEqualTo(4);

        JsonNode status = statusJson(s);
        assertThat(status.path("monitor").path("health").asText()).isEqualTo("attention");
        JsonNode t = status.path("monitor").path("transactions");
        assertThat(t.path("health").asText()).isEqualTo("attention");
        assertThat(t.path("open").asLong()).isEqualTo(1);
        JsonNode h = t.path("hanging").path(0);
        assertThat(h.path("topic").asText()).isEqualTo("lethe.audit");
        assertThat(h.path("partition").asInt()).isZero();
        assertThat(h.path("startOffset").asLong()).isEqualTo(1234);
        assertThat(h.path("producerId").asLong()).isEqualTo(7);
        assertThat(h.path("producerEpoch").asInt()).isEqualTo(3);
        assertThat(h.path("transactionalId").asText()).isEqualTo(LOG_TXN);
        assertThat(h.path("ageSeconds").asLong()).isBetween(960L, 970L);
        assertThat(h.path("coordinatorKnows").asBoolean()).isTrue();
        assertThat(Instant.parse(h.path("since").asText()))
                .isBefore(Instant.now().minus(Duration.ofMinutes(15)));
        assertThat(statusText(s))
                .containsPattern(
                        "transactions +ATTENTION +Kafka transactions on lethe.audit +1 hanging,"
                                + " first lethe.audit-0 from offset 1234");

        // still hanging at the next look: no second finding, no line
        assertThat(monitor.checkTransactions(check())).isEmpty();
        AuditMonitor.State again = AuditMonitor.readFile(monitor.stateFile()).orElseThrow();
        assertThat(again.findings()).isEqualTo(1);
        assertThat(again.transactions().attention()).isTrue();

        // a later verification clears the verifier's finding; the monitor still needs attention
        AuditMonitor.State verified =
                new AuditMonitor.State(
                        5,
                        50,
                        51,
                        "cd",
                        Instant.now(),
                        null,
                        null,
                        5,
                        again.findings(),
                        again.completeness(),
                        again.transactions());
        assertThat(verified.attention()).isFalse();
        assertThat(verified.needsAttention()).isTrue();
        assertThat(statusJson(verified).path("monitor").path("health").asText())
                .isEqualTo("attention");

        // aborted: the log moves on for its readers
        view = HangingTransactions.View.EMPTY;
        String ended = monitor.checkTransactions(check()).orElseThrow();
        assertThat(ended).contains("\"event\":\"transactions-ended\"");
        AuditMonitor.State after = AuditMonitor.readFile(monitor.stateFile()).orElseThrow();
        assertThat(after.transactions().attention()).isFalse();
        assertThat(after.transactions().open()).isZero();
        assertThat(after.findings()).isEqualTo(1);
    }

    @Test
    void theLookIsKeptInTheMonitorsStateFile() throws Exception {
        AuditMonitor monitor = monitor();
        openOnTheLog(Duration.ofMinutes(3));
        monitor.checkTransactions(check());

        AuditMonitor.State read = AuditMonitor.readFile(monitor.stateFile()).orElseThrow();
        monitor.write(read);

        assertThat(AuditMonitor.readFile(monitor.stateFile()).orElseThrow()).isEqualTo(read);
        assertThat(read.transactions().hanging()).hasSize(1);
        assertThat(read.transactions().bound()).isEqualTo(BOUND);
    }

    @Test
    void kafkaUnreachableSkipsTheLookOnceAndKeepsTheLastOne() throws Exception {
        AuditMonitor monitor = monitor();
        openOnTheLog(Duration.ofSeconds(3));
        monitor.checkTransactions(check());
        AuditMonitor.State before = AuditMonitor.readFile(monitor.stateFile()).orElseThrow();
        failure = new TimeoutException("Timed out waiting for a node assignment.");

        String first = monitor.checkTransactions(check()).orElseThrow();
        var second = monitor.checkTransactions(check());

        assertThat(first)
                .isEqualTo(
                        "audit-monitor {\"event\":\"transactions-skipped\",\"reason\":"
                                + "\"TimeoutException: Timed out waiting for a node assignment.\"}");
        assertThat(second).as("the same reason is logged once").isEmpty();
        assertThat(AuditMonitor.readFile(monitor.stateFile()).orElseThrow()).isEqualTo(before);
    }

    @Test
    void theBoundIsTwoCheckpointIntervalsAndAtLeastAMinute() {
        assertThat(AuditMonitor.transactionsBound(Duration.ofSeconds(10)))
                .isEqualTo(Duration.ofMinutes(1));
        assertThat(AuditMonitor.transactionsBound(Duration.ofMinutes(2)))
                .isEqualTo(Duration.ofMinutes(4));
        // the stack submits the audit job with the default interval
        assertThat(AuditMonitor.auditCheckpointInterval(settings()))
                .isEqualTo(Duration.ofSeconds(10));
    }

    private static JsonNode statusJson(AuditMonitor.State monitor) {
        return StatusCommand.json(List.of(), StatusCommand.Findings.NONE.withMonitor(monitor));
    }

    private static String statusText(AuditMonitor.State monitor) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StatusCommand.print(
                List.of(),
                StatusCommand.Findings.NONE.withMonitor(monitor),
                false,
                new PrintStream(out, true, "UTF-8"));
        return out.toString(StandardCharsets.UTF_8);
    }
}
