package dev.lethe.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of a process and all its descendants, from {@code /proc}. */
final class ProcessMemory {

    private ProcessMemory() {}

    static long rssBytes(long pid) {
        long total = rssOf(pid);
        total +=
                ProcessHandle.of(pid)
                        .map(h -> h.descendants().mapToLong(d -> rssOf(d.pid())).sum())
                        .orElse(0L);
        return total;
    }

    private static long rssOf(long pid) {
        try {
            for (String line :
                    Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    String kb = line.substring(6).trim().split("\\s+")[0];
                    return Long.parseLong(kb) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}
