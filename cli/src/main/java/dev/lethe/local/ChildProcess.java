package dev.lethe.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A server process the local stack started. Each runs in its own session ({@code setsid}), so a
 * Ctrl-C in the terminal reaches only the supervisor, which then stops the servers in order; its
 * output goes to a log file in the data directory.
 */
public final class ChildProcess {

    private final String name;
    private final ProcessHandle handle;
    private final Path logFile;

    private ChildProcess(String name, ProcessHandle handle, Path logFile) {
        this.name = name;
        this.handle = handle;
        this.logFile = logFile;
    }

    /**
     * Starts a component with the environment of this process minus Lethe's secrets, plus {@code
     * env} ({@link ChildEnvironment}).
     */
    public static ChildProcess start(
            String name, List<String> command, Map<String, String> env, Path logFile, Path workDir)
            throws IOException {
        return start(name, command, env, logFile, workDir, false);
    }

    /**
     * Starts a process; {@code inheritSecrets} keeps the secrets this process was given in its
     * environment (only for Lethe's own supervisor, which starts the components again with theirs).
     */
    public static ChildProcess start(
            String name,
            List<String> command,
            Map<String, String> env,
            Path logFile,
            Path workDir,
            boolean inheritSecrets)
            throws IOException {
        Files.createDirectories(logFile.getParent());
        Files.createDirectories(workDir);
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            cmd.add("/usr/bin/setsid");
        }
        cmd.addAll(command);
        ProcessBuilder pb =
                new ProcessBuilder(cmd)
                        .directory(workDir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        if (inheritSecrets) {
            pb.environment().putAll(env);
        } else {
            ChildEnvironment.apply(pb.environment(), env);
        }
        Process p = pb.start();
        return new ChildProcess(name, p.toHandle(), logFile);
    }

    /** A process started earlier (by another {@code ./lethe} invocation), if it still runs. */
    public static Optional<ChildProcess> attach(String name, long pid, Path logFile) {
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .map(h -> new ChildProcess(name, h, logFile));
    }

    public String name() {
        return name;
    }

    public long pid() {
        return handle.pid();
    }

    public Path logFile() {
        return logFile;
    }

    public boolean isAlive() {
        return handle.isAlive();
    }

    /** When the process started, if the operating system tells. */
    public Optional<java.time.Instant> startedAt() {
        return handle.info().startInstant();
    }

    /** SIGTERM, then SIGKILL after the grace period; waits for the process and its children. */
    public void stop(Duration grace) {
        List<ProcessHandle> descendants = handle.descendants().toList();
        stop(handle, grace);
        for (ProcessHandle d : descendants) {
            stop(d, Duration.ofSeconds(5));
        }
    }

    static void stop(ProcessHandle h, Duration grace) {
        if (!h.isAlive()) {
            return;
        }
        h.destroy();
        try {
            h.onExit().get(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception timeout) {
            h.destroyForcibly();
            try {
                h.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // reported by the caller's status check
            }
        }
    }

    /** The last lines of the log, to show when a server fails to start. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile);
            return String.join(
                    System.lineSeparator(),
                    all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log at " + logFile + ")";
        }
    }
}
