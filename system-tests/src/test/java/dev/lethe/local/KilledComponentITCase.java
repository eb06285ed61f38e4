package dev.lethe.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.config.Secrets;
import dev.lethe.simulator.LoadResult;
import dev.lethe.testing.AuditTestJobs;
import dev.lethe.testing.CommittedChanges;
import dev.lethe.testing.SetUpAndSubmit;
import dev.lethe.testing.SharedStack;
import dev.lethe.testing.SteadyLoad;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The faults issue's crash run, one component at a time: under a steady load, Kafka, Kafka Connect
 * or Elasticsearch is killed with {@code kill -9} and brought back by the supervisor while changes
 * are being committed. Then every change PostgreSQL committed on a governed table (an independent
 * {@code test_decoding} slot made before the load) reaches the audit log, exactly once by (entity,
 * LSN), and {@code audit reconcile} agrees. (Flink is not among them here: the jobs under test are
 * submitted by the test, not by {@code up}, so the supervisor's restart of Flink would not bring
 * them back; {@code AuditCliITCase} kills the TaskManager of a job {@code up} submitted.)
 */
class KilledComponentITCase {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"kafka", "connect", "elasticsearch"})
    void aComponentKilledUnderLoadLosesAndDoublesNoChangeOfTheAuditLog(String component)
            throws Exception {
        StackSettings s = SharedStack.settings();
        System.setProperty(Secrets.ELASTICSEARCH_PASSWORD, s.elasticsearchPassword().orElseThrow());
        String run = AuditTestJobs.run(component + "-kill");
        JobSettings audit = AuditTestJobs.settings(s, run, 50);
        LocalStack stack = new LocalStack(s, System.out).withJobs(false);
        try (CommittedChanges committed = CommittedChanges.from(s, run)) {
            JobClient job = SetUpAndSubmit.audit(SetUpAndSubmit.flinkOf(s), audit);
            stack.ensureSupervisor();
            ProcessHandle supervisor = stack.supervisor().orElseThrow();
            try {
                CompletableFuture<LoadResult> loading =
                        SteadyLoad.start(s, 40, Duration.ofSeconds(75), run.hashCode());
                Thread.sleep(15_000);
                long pid = stack.pids().get(component);
                ProcessHandle.of(pid).orElseThrow().destroyForcibly();
                ProcessHandle.of(pid).ifPresent(h -> h.onExit().join());

                awaitHealthy(s, component, Duration.ofSeconds(180));
                LoadResult loaded = loading.get();
                assertThat(loaded.total()).as("the load ran").isGreaterThan(500);

                // a marker after everything: every change up to it must reach the log
                CommittedChanges.commitMarker(s, run);
                List<String> changes = committed.read();
                assertThat(changes).as("changes from the independent slot").hasSizeGreaterThan(500);
                CommittedChanges.assertLoggedOnce(
                        audit.auditTopic(), changes, Duration.ofMinutes(5));

                AuditTestJobs.Cli reconciled = AuditTestJobs.reconcile(s, audit.auditTopic());
                JsonNode report = JSON.readTree(reconciled.out());
                assertThat(reconciled.code()).as(reconciled.out()).isZero();
                assertThat(report.path("rawChanges").asLong())
                        .isGreaterThanOrEqualTo(changes.size());
            } finally {
                job.cancel().get();
                supervisor.destroy();
                supervisor.onExit().get();
            }
        }
    }

    private static void awaitHealthy(StackSettings s, String killed, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        StackProbe probe = new StackProbe(s, Map.of());
        List<String> components = new ArrayList<>(List.of("kafka", "connect"));
        if (!components.contains(killed)) {
            components.add(killed);
        }
        while (true) {
            List<String> unhealthy = new ArrayList<>();
            for (String component : components) {
                ComponentHealth h = probe.probe(component);
                if (!h.healthy()) {
                    unhealthy.add(component + ": " + h.detail());
                }
            }
            if (unhealthy.isEmpty()) {
                return;
            }
            assertThat(System.nanoTime()).as("healthy again: " + unhealthy).isLessThan(deadline);
            Thread.sleep(1000);
        }
    }
}
