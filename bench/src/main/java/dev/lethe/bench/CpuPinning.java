package dev.lethe.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Places the stack's processes on chosen CPUs ({@code taskset -a -p -c}), so that a benchmark can
 * give Elasticsearch cores of its own, as a deployment with separate servers does, and compare the
 * pipeline and the raw loader under that same placement. Every process of a component and all its
 * descendants (Elasticsearch's launcher starts its server as a child; PostgreSQL forks a process
 * per connection, which inherits the placement) are pinned, and so is the benchmark's own JVM.
 */
final class CpuPinning {

    private static final Pattern CPU_LIST = Pattern.compile("\\d+(-\\d+)?(,\\d+(-\\d+)?)*");

    private CpuPinning() {}

    /** Checks a CPU list such as {@code 1} or {@code 0,2-3}. */
    static String cpuList(String option, String value) {
        if (value == null || !CPU_LIST.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    option + " must be a CPU list such as 1 or 0,2-3, got '" + value + "'");
        }
        return value;
    }

    /**
     * Pins Elasticsearch to {@code elasticsearchCpus} and every other component, and this JVM, to
     * {@code otherCpus}.
     *
     * @param pids the stack's processes by component ({@code elasticsearch}, {@code kafka}, ...)
     * @return a description for the report, e.g. {@code elasticsearch on CPUs 1; others on 0}
     */
    static String pin(Map<String, Long> pids, String elasticsearchCpus, String otherCpus)
            throws IOException, InterruptedException {
        // this JVM alone, first: the stack's servers are its children and get their own CPUs next
        pin(List.of(ProcessHandle.current().pid()), otherCpus);
        for (Map.Entry<String, Long> p : pids.entrySet()) {
            String cpus = p.getKey().equals("elasticsearch") ? elasticsearchCpus : otherCpus;
            pin(tree(p.getValue()), cpus);
        }
        return "elasticsearch on CPUs "
                + elasticsearchCpus
                + "; postgres, kafka, connect, flink and the benchmark on "
                + otherCpus;
    }

    private static List<Long> tree(long pid) {
        List<Long> tree = new ArrayList<>();
        tree.add(pid);
        ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> tree.add(d.pid())));
        return tree;
    }

    private static void pin(List<Long> processes, String cpus)
            throws IOException, InterruptedException {
        for (long p : processes) {
            Process taskset =
                    new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, Long.toString(p))
                            .redirectErrorStream(true)
                            .start();
            String out = new String(taskset.getInputStream().readAllBytes());
            if (taskset.waitFor() != 0 && ProcessHandle.of(p).isPresent()) {
                throw new IOException(
                        "taskset could not pin process "
                                + p
                                + " to CPUs "
                                + cpus
                                + ": "
                                + out.trim());
            }
        }
    }
}
