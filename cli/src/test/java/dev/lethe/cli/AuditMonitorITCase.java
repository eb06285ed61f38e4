package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch._types.Refresh;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.audit.TreeHeadWitness;
import dev.lethe.connectors.Actor;
import dev.lethe.jobs.audit.AuditJob;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.config.Secrets;
import dev.lethe.jobs.elasticsearch.ElasticsearchConnection;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import dev.lethe.testing.AuditTestJobs;
import dev.lethe.testing.SharedStack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit monitor on a real log: it verifies each new signed tree head, {@code status} shows what
 * it verified through, and an index document changed inside the horizon becomes a finding (status:
 * attention, naming the document) at the next tree head.
 */
class AuditMonitorITCase {

    @TempDir Path stateDir;

    @Test
    void theMonitorVerifiesEachNewTreeHeadAndReportsAChangedIndexDocument() throws Exception {
        StackSettings shared = SharedStack.settings();
        System.setProperty(
                Secrets.ELASTICSEARCH_PASSWORD, shared.elasticsearchPassword().orElseThrow());
        String run = AuditTestJobs.run("monitor");
        JobSettings settings = AuditTestJobs.settings(shared, run, 2);
        JobClient job =
                AuditJob.submit(
                        StreamExecutionEnvironment.createRemoteEnvironment(
                                "127.0.0.1", shared.flinkUrl().getPort()),
                        settings);
        AuditTopics topics = new AuditTopics();
        topics.entries = settings.auditTopic();
        topics.checkpoints = settings.auditCheckpointTopic();
        // no --public-key: the monitor trusts the key ./lethe up pinned in <data-dir>/audit-trust
        AuditMonitor monitor =
                new AuditMonitor(
                                shared,
                                topics,
                                settings.auditIndex(),
                                stateDir.resolve(AuditMonitor.FILE))
                        .withWitness(stateDir.resolve("witness.jsonl"))
                        .everyTick();
        try {
            change(run, 0);
            change(run, 1);
            AuditMonitor.State verified = awaitState(monitor, st -> st.checkpointSeq() > 0);
            assertThat(verified.attention()).as(verified.summary()).isFalse();
            assertThat(new TreeHeadWitness(stateDir.resolve("witness.jsonl")).latest())
                    .as("the verified tree head is witnessed")
                    .hasValueSatisfying(
                            h ->
                                    assertThat(h.getCheckpointSeq())
                                            .isEqualTo(verified.checkpointSeq()));
            assertThat(statusLine(verified))
                    .contains("monitor")
                    .contains("verified through tree head " + verified.checkpointSeq());

            // an index document inside the verified range, changed
            String docId;
            try (ElasticsearchConnection.Clients es =
                    new ElasticsearchConnection(
                                    shared.elasticsearchUrl(), shared.elasticsearchUser())
                            .open(shared.elasticsearchPassword().orElseThrow())) {
                es.client().indices().refresh(r -> r.index(settings.auditIndex()));
                var hit =
                        es.client()
                                .search(
                                        q ->
                                                q.index(settings.auditIndex())
                                                        .query(
                                                                t ->
                                                                        t.term(
                                                                                f ->
                                                                                        f.field(
                                                                                                        "logIndex")
                                                                                                .value(
                                                                                                        0))),
                                        ObjectNode.class)
                                .hits()
                                .hits()
                                .get(0);
                docId = hit.id();
                ObjectNode doc = hit.source();
                doc.put("op", "DELETE".equals(doc.path("op").asText()) ? "UPDATE" : "DELETE");
                es.client()
                        .index(
                                x ->
                                        x.index(settings.auditIndex())
                                                .id(docId)
                                                .document(doc)
                                                .refresh(Refresh.True));
            }
            change(run, 2); // a new tree head
            AuditMonitor.State finding = awaitState(monitor, AuditMonitor.State::attention);
            assertThat(finding.finding()).contains("MODIFIED").contains(docId);
            assertThat(finding.checkpointSeq())
                    .as("still verified through the last good head")
                    .isEqualTo(verified.checkpointSeq());
            assertThat(statusLine(finding)).contains("ATTENTION").contains(docId);
        } finally {
            job.cancel().get();
        }
    }

    private static AuditMonitor.State awaitState(
            AuditMonitor monitor, java.util.function.Predicate<AuditMonitor.State> done)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        Optional<AuditMonitor.State> state = Optional.empty();
        List<String> lines = new java.util.ArrayList<>();
        while (System.nanoTime() < deadline) {
            monitor.tick().ifPresent(lines::add);
            state = AuditMonitor.readFile(monitor.stateFile());
            if (state.isPresent() && done.test(state.get())) {
                return state.get();
            }
            Thread.sleep(1_000);
        }
        throw new AssertionError(
                "the monitor's state never got there: " + state + "; it logged " + lines);
    }

    private static String statusLine(AuditMonitor.State state) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StatusCommand.print(
                List.of(),
                StatusCommand.Findings.NONE.withMonitor(state),
                false,
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static void change(String run, int i) throws Exception {
        try (Connection c = StackProbe.connectPostgres(SharedStack.settings())) {
            c.setAutoCommit(false);
            Actor.agent(7, "monitor test").emit(c);
            try (Statement st = c.createStatement()) {
                st.executeUpdate(
                        "INSERT INTO contacts (email) VALUES ('monitor."
                                + i
                                + "."
                                + run
                                + "@example.eu')");
            }
            c.commit();
        }
    }
}
