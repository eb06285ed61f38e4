package dev.lethe.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Puts work that may lag behind the pipeline (the audit monitor's independent re-verification of
 * the log, the supervisor's JIT compilation) behind it for the CPU: raises the nice value of single
 * threads to {@link #NICE}, so that on a busy machine the scheduler gives the pipeline's processes
 * the CPU first and the background work the rest; on an idle machine nothing changes. Linux only (a
 * thread is a task with a nice value of its own there, and threads it starts inherit it); where it
 * cannot (another system, no {@code renice}), it reports that and changes nothing.
 *
 * <p>Only raises nice values, which needs no privilege, and never the nice value of a process: what
 * a process starts (the supervisor restarts components) keeps the priority it had.
 */
public final class BackgroundPriority {

    /** The nice value of background threads: about a tenth of a normal thread's CPU share. */
    public static final int NICE = 10;

    private static final Path TASKS = Path.of("/proc/self/task");

    private BackgroundPriority() {}

    /**
     * Lowers the calling thread's priority (and that of the threads it starts from now on); the
     * reason it could not, if it could not.
     */
    public static Optional<String> lowerCurrentThread() {
        try {
            // "<pid>/task/<tid>"
            Path self = Files.readSymbolicLink(Path.of("/proc/thread-self"));
            return renice(self.getFileName().toString());
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.of("no /proc/thread-self (not Linux?)");
        }
    }

    /**
     * Lowers the priority of this JVM's JIT compiler threads; the reason it could not lower one, if
     * any. Compiler threads the JVM adds later are started by these and inherit it.
     */
    public static Optional<String> lowerCompilerThreads() {
        return lowerThreads(
                name -> name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler"));
    }

    /** Lowers the priority of this JVM's threads whose name (as Linux keeps it) matches. */
    static Optional<String> lowerThreads(Predicate<String> name) {
        List<Path> tasks;
        try (Stream<Path> s = Files.list(TASKS)) {
            tasks = s.toList();
        } catch (IOException e) {
            return Optional.of("no " + TASKS + " (not Linux?)");
        }
        Optional<String> problem = Optional.empty();
        for (Path task : tasks) {
            String comm;
            try {
                comm = Files.readString(task.resolve("comm")).strip();
            } catch (IOException e) {
                continue; // the thread ended meanwhile
            }
            if (name.test(comm)) {
                Optional<String> failed = renice(task.getFileName().toString());
                if (failed.isPresent()) {
                    problem = failed;
                }
            }
        }
        return problem;
    }

    /** The nice value of this JVM's thread {@code tid} (field 19 of its {@code stat}). */
    static int niceOf(String tid) throws IOException {
        String stat = Files.readString(TASKS.resolve(tid).resolve("stat"));
        // the command name (field 2) is in parentheses and may hold spaces
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[19 - 3]);
    }

    private static Optional<String> renice(String tid) {
        if (!tid.chars().allMatch(Character::isDigit)) {
            return Optional.of("not a thread id: " + tid);
        }
        try {
            Process p =
                    new ProcessBuilder("renice", "--priority", Integer.toString(NICE), "-p", tid)
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.of("renice did not answer");
            }
            return p.exitValue() == 0
                    ? Optional.empty()
                    : Optional.of("renice exited with " + p.exitValue());
        } catch (IOException e) {
            return Optional.of("renice could not run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
    }
}
