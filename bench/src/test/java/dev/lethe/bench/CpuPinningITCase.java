package dev.lethe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Pins real processes with {@code taskset}: needs the tool, {@code /proc} and a child process. */
class CpuPinningITCase {

    @Test
    void pinsAComponentAndItsChildrenToTheGivenCpus() throws Exception {
        // a shell (the "component") with a child, as Elasticsearch's launcher has its server
        Process parent = new ProcessBuilder("sh", "-c", "sleep 30 & wait").start();
        try {
            long child = 0;
            for (int i = 0; i < 50 && child == 0; i++) {
                child = parent.toHandle().children().findFirst().map(ProcessHandle::pid).orElse(0L);
                Thread.sleep(20);
            }
            assertThat(child).as("the shell started its child").isPositive();
            Map<String, Long> pids = Map.of("elasticsearch", parent.pid());
            String before = allowed(ProcessHandle.current().pid());

            String placement = CpuPinning.pin(pids, "0", before);

            assertThat(allowed(parent.pid())).isEqualTo("0");
            assertThat(allowed(child)).isEqualTo("0");
            assertThat(allowed(ProcessHandle.current().pid())).isEqualTo(before);
            assertThat(placement).contains("elasticsearch on CPUs 0");
        } finally {
            parent.toHandle().descendants().forEach(ProcessHandle::destroy);
            parent.destroy();
            parent.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** The process's allowed CPUs as the kernel reports them ({@code 0}, {@code 0-1}). */
    private static String allowed(long pid) throws Exception {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                .filter(l -> l.startsWith("Cpus_allowed_list:"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim())
                .findFirst()
                .orElseThrow();
    }
}
