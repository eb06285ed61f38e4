package dev.lethe.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * CPU time used by the stack's processes (and their children), from {@code /proc}, so that a phase
 * of a benchmark can say where its CPU went. Linux only; elsewhere every reading is 0.
 */
final class ProcessCpu {

    /** Clock ticks per second of {@code /proc/<pid>/stat} (USER_HZ: 100 on every Linux build). */
    private static final long TICKS_PER_SECOND = 100;

    private ProcessCpu() {}

    /**
     * CPU milliseconds (user + system) used so far, per component, plus {@code bench}: this JVM
     * alone (the stack's processes are its children, counted under their own names).
     */
    static Map<String, Long> millis(Map<String, Long> pids) {
        Map<String, Long> cpu = new TreeMap<>();
        pids.forEach((name, pid) -> cpu.put(name, treeMillis(pid)));
        cpu.put("bench", ticks(ProcessHandle.current().pid(), false) * 1000 / TICKS_PER_SECOND);
        return cpu;
    }

    /**
     * The PostgreSQL server listening on {@code port}: pg_ctl starts it detached, so it is not a
     * descendant of the process the stack records.
     */
    static Optional<Long> postmaster(int port) {
        String portArg = String.valueOf(port);
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
                .filter(
                        p ->
                                p.info()
                                        .arguments()
                                        .map(a -> Arrays.asList(a).contains(portArg))
                                        .orElse(false))
                .map(ProcessHandle::pid)
                .findFirst();
    }

    /** What each component used between two readings of {@link #millis}. */
    static Map<String, Long> between(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> used = new TreeMap<>();
        after.forEach((name, ms) -> used.put(name, ms - before.getOrDefault(name, 0L)));
        return used;
    }

    /** "flink 0.052, elasticsearch 0.101, …, total 0.203" ms per item. */
    static String perItem(Map<String, Long> used, long items) {
        StringBuilder b = new StringBuilder();
        long total = 0;
        for (Map.Entry<String, Long> e : used.entrySet()) {
            total += e.getValue();
            b.append(String.format("%s %.3f, ", e.getKey(), (double) e.getValue() / items));
        }
        return b.append(String.format("total %.3f", (double) total / items)).toString();
    }

    /**
     * The process's time with that of its children it waited for (PostgreSQL's backends), plus its
     * live descendants'.
     */
    private static long treeMillis(long pid) {
        long ticks = ticks(pid, true);
        ticks +=
                ProcessHandle.of(pid)
                        .map(h -> h.descendants().mapToLong(d -> ticks(d.pid(), false)).sum())
                        .orElse(0L);
        return ticks * 1000 / TICKS_PER_SECOND;
    }

    private static long ticks(long pid, boolean withReapedChildren) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            // fields after the command name, which is in parentheses and may hold spaces
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // f[0] is field 3 (state): utime 14, stime 15, cutime 16, cstime 17
            long t = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            if (withReapedChildren) {
                t += Long.parseLong(f[13]) + Long.parseLong(f[14]);
            }
            return t;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
