package dev.lethe.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.audit.Actor;
import dev.lethe.events.AuditEntry;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.config.Secrets;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import dev.lethe.testing.AuditTestJobs;
import dev.lethe.testing.SetUpAndSubmit;
import dev.lethe.testing.SharedStack;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/**
 * {@code ./lethe snapshot --table agents} on the running stack: Debezium reads the signal from
 * {@code lethe_signal} and snapshots the table incrementally while capture goes on, so every agent
 * row, already audited as an INSERT, gets a SNAPSHOT entry in the audit log; {@code ./lethe status}
 * then shows the incremental snapshot of {@code public.agents} as completed. (The catalog fixes the
 * captured tables, so the table snapshotted is one captured from the start.)
 */
class SnapshotTableITCase {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aSnapshotOfACapturedTableOnDemandAuditsEachOfItsRowsAsSnapshot() throws Exception {
        StackSettings s = SharedStack.settings();
        System.setProperty(Secrets.ELASTICSEARCH_PASSWORD, s.elasticsearchPassword().orElseThrow());
        String run = AuditTestJobs.run("snapshot");
        JobSettings audit = AuditTestJobs.settings(s, run, 10);
        StreamExecutionEnvironment remote = SetUpAndSubmit.flinkOf(s);
        JobClient auditJob = SetUpAndSubmit.audit(remote, audit);
        try {
            List<String> agents = new ArrayList<>();
            try (Connection c = StackProbe.connectPostgres(s)) {
                c.setAutoCommit(false);
                Actor.agent(1, "agents to snapshot again").emit(c);
                for (int i = 0; i < 3; i++) {
                    try (PreparedStatement ps =
                            c.prepareStatement(
                                    "INSERT INTO agents (name, email) VALUES (?, ?) RETURNING id")) {
                        ps.setString(1, "Agent " + i + " " + run);
                        ps.setString(2, "agent" + i + "." + run + "@example.eu");
                        try (ResultSet r = ps.executeQuery()) {
                            r.next();
                            agents.add("agents/" + r.getLong(1));
                        }
                    }
                }
                c.commit();
            }
            Set<String> ours = Set.copyOf(agents);

            // captured as inserts first: capture runs
            List<AuditEntry> inserts =
                    AuditTestJobs.entries(
                            audit.auditTopic(),
                            e -> ours.contains(e.getEntityId()) && e.getOp().equals("INSERT"),
                            l -> l.size() == agents.size(),
                            Duration.ofSeconds(90));
            assertThat(inserts).hasSize(agents.size());

            AuditTestJobs.Cli snapshot =
                    AuditTestJobs.cli(
                            List.of(
                                    "snapshot",
                                    "--table",
                                    "agents",
                                    "--json",
                                    "--data-dir",
                                    s.dataDir().toString()));
            assertThat(snapshot.code()).as(snapshot.out()).isZero();
            JsonNode request = JSON.readTree(snapshot.out());
            assertThat(request.path("signal").asText()).startsWith("lethe-snapshot-");
            assertThat(request.path("collections").toString()).contains("public.agents");

            // each row again, as SNAPSHOT, without a restart of capture
            List<AuditEntry> snapshots =
                    AuditTestJobs.entries(
                            audit.auditTopic(),
                            e -> ours.contains(e.getEntityId()) && e.getOp().equals("SNAPSHOT"),
                            l ->
                                    l.stream()
                                            .map(AuditEntry::getEntityId)
                                            .collect(Collectors.toSet())
                                            .containsAll(ours),
                            Duration.ofSeconds(180));
            assertThat(snapshots.stream().map(AuditEntry::getEntityId).collect(Collectors.toSet()))
                    .containsAll(ours);

            // status: the incremental snapshot of public.agents completed
            JsonNode incremental = awaitIncrementalCompleted(s, Duration.ofSeconds(90));
            assertThat(incremental.path("tables").toString()).contains("public.agents");
            JsonNode agentsScan = null;
            for (JsonNode t : incremental.path("tables")) {
                if (t.path("table").asText().equals("public.agents")) {
                    agentsScan = t;
                }
            }
            assertThat(agentsScan).isNotNull();
            assertThat(agentsScan.path("status").asText()).isEqualTo("done");
            assertThat(agentsScan.path("rowsDone").asLong()).isGreaterThanOrEqualTo(agents.size());
            assertThat(incremental.path("completedAt").isTextual()).isTrue();

            // the signalling table's own changes reach no job: no dead letter names its topic
            AuditTestJobs.Cli dead =
                    AuditTestJobs.cli(
                            List.of(
                                    "deadletters",
                                    "--since",
                                    "1h",
                                    "--json",
                                    "--data-dir",
                                    s.dataDir().toString()));
            assertThat(
                            JSON.readTree(dead.out())
                                    .path("bySource")
                                    .has("helpdesk.public.lethe_signal"))
                    .isFalse();
        } finally {
            auditJob.cancel().get();
        }
    }

    private static JsonNode awaitIncrementalCompleted(StackSettings s, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            AuditTestJobs.Cli status =
                    AuditTestJobs.cli(
                            List.of("status", "--json", "--data-dir", s.dataDir().toString()));
            last = JSON.readTree(status.out()).path("snapshot");
            JsonNode incremental = last.path("incremental");
            if ("completed".equals(incremental.path("status").asText())
                    && incremental.path("tables").toString().contains("public.agents")) {
                return incremental;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("status never showed the snapshot of agents completed: " + last);
    }
}
