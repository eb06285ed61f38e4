package dev.lethe.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.testing.SharedStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The stack heals itself: with the detached supervisor running (what {@code ./lethe up --detach}
 * leaves behind), a {@code kill -9} of any one component (PostgreSQL, Kafka, Kafka Connect,
 * Elasticsearch, Flink, Lethe's server) is followed, without any command, by a new process, and
 * every component is healthy again within 60 s, as {@code ./lethe status} would show it; the
 * restart is recorded for {@code status}.
 */
class SelfHealingITCase {

    private static final List<String> COMPONENTS =
            List.of("postgres", "kafka", "connect", "elasticsearch", "flink", "server");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"postgres", "kafka", "connect", "elasticsearch", "flink", "server"})
    void aKilledComponentIsRestartedByTheSupervisorWithinAMinute(String component)
            throws Exception {
        StackSettings s = SharedStack.settings();
        LocalStack stack = new LocalStack(s, System.out).withJobs(false);
        StackProbe probe = new StackProbe(s, Map.of());
        awaitAllHealthy(probe, Duration.ofSeconds(120)); // the previous kill's aftermath
        stack.ensureSupervisor();
        ProcessHandle supervisor = stack.supervisor().orElseThrow();
        try {
            long killedPid = stack.pids().get(component);
            int before = restartsOf(stack, component);
            ProcessHandle.of(killedPid).orElseThrow().destroyForcibly();
            ProcessHandle.of(killedPid).ifPresent(h -> h.onExit().join());
            long killed = System.nanoTime();

            long deadline = killed + Duration.ofSeconds(60).toNanos();
            List<String> unhealthy = unhealthy(probe);
            // every component healthy again, a new process, and the restart recorded
            while (!(unhealthy.isEmpty()
                            && stack.pids().containsKey(component)
                            && stack.pids().get(component) != killedPid
                            && restartsOf(stack, component) > before)
                    && System.nanoTime() < deadline) {
                Thread.sleep(500);
                unhealthy = unhealthy(probe);
            }

            assertThat(unhealthy).as("every component healthy again after " + component).isEmpty();
            assertThat(stack.pids().get(component))
                    .as("a new " + component + " process")
                    .isNotEqualTo(killedPid);
            assertThat(Duration.ofNanos(System.nanoTime() - killed))
                    .isLessThan(Duration.ofSeconds(60));
            assertThat(restartsOf(stack, component)).isEqualTo(before + 1);
            assertThat(stack.restarts().get(component).reason()).contains("exited");
        } finally {
            supervisor.destroy();
            supervisor.onExit().get();
        }
    }

    private static List<String> unhealthy(StackProbe probe) {
        List<String> unhealthy = new ArrayList<>();
        for (String c : COMPONENTS) {
            if (c.equals("flink")) {
                // the process's health: a TaskManager serving. (The jobs' own states are other
                // tests' here; the supervisor resubmits only the jobs up started.)
                if (probe.flinkTaskManagers().orElse(0) < 1) {
                    unhealthy.add("flink: no TaskManager");
                }
                continue;
            }
            ComponentHealth h = probe.probe(c);
            if (!h.healthy()) {
                unhealthy.add(c + ": " + h.detail());
            }
        }
        return unhealthy;
    }

    private static void awaitAllHealthy(StackProbe probe, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> unhealthy = unhealthy(probe);
        while (!unhealthy.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            unhealthy = unhealthy(probe);
        }
        assertThat(unhealthy).as("healthy before the kill").isEmpty();
    }

    private static int restartsOf(LocalStack stack, String component) {
        LocalStack.Restart r = stack.restarts().get(component);
        return r == null ? 0 : r.count();
    }
}
