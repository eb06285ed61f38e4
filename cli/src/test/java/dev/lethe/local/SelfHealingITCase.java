package dev.lethe.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.testing.SharedStack;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The stack heals itself: with the detached supervisor running (what {@code ./lethe up --detach}
 * leaves behind), a {@code kill -9} of Kafka Connect is followed, without any command, by a new
 * Connect process whose connector and task run again within 60 s, and the restart is recorded for
 * {@code ./lethe status}.
 */
class SelfHealingITCase {

    @Test
    void aKilledComponentIsRestartedByTheSupervisorWithinAMinute() throws Exception {
        StackSettings s = SharedStack.settings();
        LocalStack stack = new LocalStack(s, System.out).withJobs(false);
        stack.ensureSupervisor();
        ProcessHandle supervisor = stack.supervisor().orElseThrow();
        try {
            long connect = stack.pids().get("connect");
            int before = restartsOf(stack, "connect");
            ProcessHandle.of(connect).orElseThrow().destroyForcibly();
            ProcessHandle.of(connect).ifPresent(h -> h.onExit().join());
            long killed = System.nanoTime();

            StackProbe probe = new StackProbe(s, Map.of());
            long deadline = killed + Duration.ofSeconds(60).toNanos();
            ComponentHealth h = probe.connect();
            // healthy again, a new process, and the restart recorded (after its health check)
            while (!(h.healthy()
                            && stack.pids().containsKey("connect")
                            && stack.pids().get("connect") != connect
                            && restartsOf(stack, "connect") > before)
                    && System.nanoTime() < deadline) {
                Thread.sleep(500);
                h = probe.connect();
            }

            assertThat(h.healthy()).as("connect healthy again: " + h.detail()).isTrue();
            assertThat(stack.pids().get("connect"))
                    .as("a new connect process")
                    .isNotEqualTo(connect);
            assertThat(Duration.ofNanos(System.nanoTime() - killed))
                    .isLessThan(Duration.ofSeconds(60));
            assertThat(restartsOf(stack, "connect")).isEqualTo(before + 1);
            assertThat(stack.restarts().get("connect").reason()).contains("exited");
        } finally {
            supervisor.destroy();
            supervisor.onExit().get();
        }
    }

    private static int restartsOf(LocalStack stack, String component) {
        LocalStack.Restart r = stack.restarts().get(component);
        return r == null ? 0 : r.count();
    }
}
