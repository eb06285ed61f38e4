package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.events.AuditEntry;
import dev.lethe.local.StackOptions;
import dev.lethe.local.StackSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The audit monitor's completeness check (MockConsumer): its watermark kept in the data dir, a gap
 * a finding with a structured line and the findings counter, and {@code status} showing it.
 */
@Timeout(60)
class AuditMonitorCompletenessTest {

    private static final String CONTACTS = "helpdesk.public.contacts";
    private static final Instant T0 = Instant.now().minusSeconds(3600);

    @TempDir Path dataDir;

    private final AuditTestLogs log = new AuditTestLogs();
    private final List<AuditEntry> entries = new ArrayList<>();
    private final List<byte[][]> raw = new ArrayList<>();

    private StackSettings settings() {
        StackOptions o = new StackOptions();
        new CommandLine(o).parseArgs("--data-dir", dataDir.toString());
        return o.resolve();
    }

    private void logged(long id, long lsn, long sec) {
        AuditEntry e = log.contactCreated(id, "c" + id + "@example.eu", AuditTestLogs.agent(1), 0);
        entries.add(
                AuditEntry.newBuilder(e)
                        .setLogIndex(entries.size())
                        .setLsn(lsn)
                        .setCommitTime(T0.plusSeconds(sec))
                        .build());
    }

    private void captured(long id, long lsn, long sec) {
        long ms = T0.plusSeconds(sec).toEpochMilli();
        String value =
                "{\"before\":null,\"after\":{\"id\":"
                        + id
                        + "},\"source\":{\"ts_ms\":"
                        + ms
                        + ",\"snapshot\":\"false\",\"db\":\"helpdesk\",\"schema\":\"public\","
                        + "\"table\":\"contacts\",\"txId\":771,\"lsn\":"
                        + lsn
                        + "},\"op\":\"c\",\"ts_ms\":"
                        + (ms + 200)
                        + "}";
        raw.add(
                new byte[][] {
                    ("{\"id\":" + id + "}").getBytes(StandardCharsets.UTF_8),
                    value.getBytes(StandardCharsets.UTF_8)
                });
    }

    private CompletenessCheck check() {
        MockAuditTopics kafka =
                new MockAuditTopics()
                        .topic(MockAuditTopics.ENTRIES, MockAuditTopics.encoded(entries))
                        .keyedTopic(CONTACTS, raw);
        return new CompletenessCheck(
                kafka::newConsumer, MockAuditTopics.ENTRIES, List.of(CONTACTS));
    }

    @Test
    void aGapIsAMonitorFindingKeptInTheDataDirAndShownByStatus() throws Exception {
        AuditMonitor monitor = monitor();
        StringBuilder lines = new StringBuilder();
        AuditMonitor.State first = firstCheckWithAChangeLeftOut(monitor, lines);
        assertThat(first.attention()).isFalse();
        assertThat(first.completeness().pending()).isEqualTo(1);
        assertThat(first.completeness().checked()).isEqualTo(1);
        assertThat(lines.toString()).contains("audit-monitor {\"event\":\"completeness\"");
        assertThat(monitor.completenessFile()).exists();

        Thread.sleep(1_100); // the bound passes
        logged(3, 300, 600); // and the log moves well past the missing change
        captured(3, 300, 600);
        lines = new StringBuilder();
        AuditMonitor.State second = monitor.checkCompleteness(first, check(), lines);

        assertThat(second.attention()).isTrue();
        assertThat(second.finding())
                .isEqualTo(
                        "completeness: 1 missing, first contacts/1858 at LSN 100"
                                + " (helpdesk.public.contacts-0@0)");
        assertThat(second.findings()).isEqualTo(1);
        assertThat(second.completeness().gaps()).isEqualTo(1);
        assertThat(second.completeness().checkedThrough()).isEqualTo(1);
        JsonNode line =
                new ObjectMapper()
                        .readTree(lines.toString().strip().substring("audit-monitor ".length()));
        assertThat(line.path("event").asText()).isEqualTo("completeness-finding");
        assertThat(line.path("gaps").asInt()).isEqualTo(1);

        // a later verification clears the verifier's finding; completeness still needs attention
        AuditMonitor.State later =
                new AuditMonitor.State(
                        5,
                        50,
                        51,
                        "cd",
                        Instant.now(),
                        null,
                        null,
                        6,
                        second.findings(),
                        second.completeness());
        assertThat(later.needsAttention()).isTrue();
        JsonNode status = statusJson(later);
        assertThat(status.path("monitor").path("health").asText()).isEqualTo("attention");
        JsonNode c = status.path("monitor").path("completeness");
        assertThat(c.path("health").asText()).isEqualTo("attention");
        assertThat(c.path("checkedThrough").asLong()).isEqualTo(1);
        assertThat(c.path("checked").asLong()).isEqualTo(2);
        assertThat(c.path("gaps").asLong()).isEqualTo(1);
        assertThat(c.path("openGaps").asLong()).isEqualTo(1);
        assertThat(c.path("doubles").asLong()).isZero();
        assertThat(statusText(later))
                .containsPattern("completeness +ATTENTION +raw topics vs lethe.audit +1 missing");
    }

    @Test
    void anAcknowledgedGapLeavesStatusHealthyUntilANewFinding() throws Exception {
        AuditMonitor monitor = monitor();
        AuditMonitor.State first = firstCheckWithAChangeLeftOut(monitor, new StringBuilder());
        Thread.sleep(1_100); // the bound passes
        logged(3, 300, 600); // and the log moves well past the missing change
        captured(3, 300, 600);
        monitor.write(monitor.checkCompleteness(first, check(), new StringBuilder()));
        assertThat(AuditMonitor.read(dataDir).orElseThrow().completeness().attention()).isTrue();

        assertThat(Lethe.run("audit", "reconcile", "--acknowledge", "  ", "--data-dir", dir()))
                .as("a reason is required")
                .isEqualTo(2);
        assertThat(
                        Lethe.run(
                                "audit",
                                "reconcile",
                                "--acknowledge",
                                "INC-7: contact 1858 inserted while the audit job was down",
                                "--data-dir",
                                dir()))
                .isZero();

        Path kept = dataDir.resolve(CompletenessAcknowledgement.FILE);
        assertThat(Files.getPosixFilePermissions(kept))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        AuditMonitor.State acknowledged = AuditMonitor.read(dataDir).orElseThrow();
        assertThat(acknowledged.completeness().attention()).isFalse();
        assertThat(acknowledged.completeness().gaps()).isEqualTo(1);
        JsonNode c = statusJson(acknowledged).path("monitor").path("completeness");
        assertThat(c.path("health").asText()).isEqualTo("healthy");
        assertThat(c.path("openGaps").asLong()).as("the finding stays counted").isEqualTo(1);
        assertThat(c.path("acknowledged").path("gaps").asLong()).isEqualTo(1);
        assertThat(c.path("acknowledged").path("reason").asText()).startsWith("INC-7");
        assertThat(statusText(acknowledged))
                .containsPattern("completeness +healthy +raw topics vs lethe.audit +acknowledged:");

        // a new gap after it needs attention again
        captured(1900, 400, 700);
        logged(4, 500, 1300);
        captured(4, 500, 1300);
        AuditMonitor.State s = AuditMonitor.readFile(monitor.stateFile()).orElseThrow();
        monitor.write(monitor.checkCompleteness(s, check(), new StringBuilder()));
        Thread.sleep(1_100);
        logged(5, 600, 1400);
        captured(5, 600, 1400);
        s = AuditMonitor.readFile(monitor.stateFile()).orElseThrow();
        monitor.write(monitor.checkCompleteness(s, check(), new StringBuilder()));
        AuditMonitor.State again = AuditMonitor.read(dataDir).orElseThrow();
        assertThat(again.completeness().gaps()).isEqualTo(2);
        assertThat(again.completeness().attention()).isTrue();
    }

    private String dir() {
        return dataDir.toString();
    }

    private AuditMonitor monitor() {
        AuditTopics topics = new AuditTopics();
        topics.entries = MockAuditTopics.ENTRIES;
        return new AuditMonitor(settings(), topics, "audit", dataDir.resolve(AuditMonitor.FILE));
    }

    /**
     * A first check (1 s bound) after a verified head, where contacts/1858 at LSN 100 was captured
     * and has no entry while contacts/2 has: pending, not yet missing.
     */
    private AuditMonitor.State firstCheckWithAChangeLeftOut(
            AuditMonitor monitor, StringBuilder lines) {
        AuditMonitor.State verified =
                new AuditMonitor.State(4, 40, 41, "ab", Instant.now(), null, null, 4, 0);
        logged(2, 150, 1);
        captured(1858, 100, 0);
        captured(2, 150, 1);
        return monitor.withCompleteness(check(), Duration.ofSeconds(1))
                .checkCompleteness(verified, check(), lines);
    }

    @Test
    void aCompletenessFindingFollowsTheVerificationsFindingOfTheSameTick() {
        AuditMonitor.State failed =
                new AuditMonitor.State(
                        4,
                        40,
                        41,
                        "ab",
                        Instant.now(),
                        "index: MODIFIED doc 7",
                        Instant.now(),
                        5,
                        1);

        AuditMonitor.State both =
                failed.withFinding("completeness: 1 doubled, first contacts/1", Instant.now());

        assertThat(both.finding())
                .isEqualTo("index: MODIFIED doc 7; completeness: 1 doubled, first contacts/1");
        assertThat(both.findings()).isEqualTo(2);
    }

    @Test
    void theSummaryIsKeptInTheMonitorsStateFile() throws Exception {
        AuditTopics topics = new AuditTopics();
        topics.entries = MockAuditTopics.ENTRIES;
        AuditMonitor monitor =
                new AuditMonitor(settings(), topics, "audit", dataDir.resolve(AuditMonitor.FILE));
        logged(1, 100, 0);
        captured(1, 100, 0);
        AuditMonitor.State s =
                monitor.checkCompleteness(
                        new AuditMonitor.State(1, 1, 0, "ab", Instant.now(), null, null, 1, 0),
                        check(),
                        new StringBuilder());

        AuditMonitor.State read = roundTrip(monitor, s);

        assertThat(read.completeness()).isEqualTo(s.completeness());
        assertThat(read.completeness().attention()).isFalse();
        assertThat(read.completeness().summary())
                .startsWith("complete: 1 changes checked through logIndex 0, 0 pending");
        assertThat(statusText(read)).containsPattern("completeness +healthy");
    }

    @Test
    void kafkaUnreachableSkipsTheCheckAndKeepsTheState() {
        AuditTopics topics = new AuditTopics();
        topics.entries = MockAuditTopics.ENTRIES;
        AuditMonitor monitor =
                new AuditMonitor(settings(), topics, "audit", dataDir.resolve(AuditMonitor.FILE));
        MockAuditTopics none = new MockAuditTopics();
        AuditMonitor.State s = new AuditMonitor.State(1, 1, 0, "ab", Instant.now(), null, null);
        StringBuilder lines = new StringBuilder();

        AuditMonitor.State after =
                monitor.checkCompleteness(
                        s,
                        new CompletenessCheck(
                                none::newConsumer, MockAuditTopics.ENTRIES, List.of(CONTACTS)),
                        lines);

        assertThat(after).isEqualTo(s);
        assertThat(lines.toString()).contains("\"event\":\"completeness-skipped\"");
        assertThat(Files.exists(monitor.completenessFile())).isFalse();
    }

    /** Written and read back as the monitor's state file. */
    private AuditMonitor.State roundTrip(AuditMonitor monitor, AuditMonitor.State s)
            throws Exception {
        monitor.write(s);
        return AuditMonitor.readFile(monitor.stateFile()).orElseThrow();
    }

    private static JsonNode statusJson(AuditMonitor.State monitor) {
        return StatusCommand.json(List.of(), findings(monitor));
    }

    private static String statusText(AuditMonitor.State monitor) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StatusCommand.print(
                List.of(), findings(monitor), false, new PrintStream(out, true, "UTF-8"));
        return out.toString(StandardCharsets.UTF_8);
    }

    private static StatusCommand.Findings findings(AuditMonitor.State monitor) {
        return StatusCommand.Findings.NONE.withMonitor(monitor);
    }
}
