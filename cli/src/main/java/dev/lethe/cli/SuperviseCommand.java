package dev.lethe.cli;

import dev.lethe.local.BackgroundPriority;
import dev.lethe.local.LocalStack;
import dev.lethe.local.StackOptions;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./lethe supervise}: the detached supervisor {@code ./lethe up --detach} leaves running.
 * Every 2 s it restarts a crashed component (in start order, with backoff), the local Flink when it
 * has had no TaskManager for a minute, a failed connector task, and Lethe's jobs when they are not
 * running ({@link LocalStack#heal}), logging each line as it happens; it ends when the stack is
 * stopped ({@code ./lethe down} stops it first). With the jobs, it also runs the {@link
 * AuditMonitor}, which verifies each new signed tree head. The monitor and the supervisor's JIT
 * compiler threads run at a lower CPU priority ({@link BackgroundPriority}).
 */
@Command(
        name = "supervise",
        hidden = true,
        mixinStandardHelpOptions = true,
        description = "Keeps a local stack running: restarts crashed components (started by up).")
final class SuperviseCommand implements Callable<Integer> {

    @Mixin StackOptions options;

    @Option(names = "--no-jobs", description = "Do not resubmit Lethe's Flink jobs.")
    boolean noJobs;

    @Override
    public Integer call() throws Exception {
        LocalStack stack = new LocalStack(options.resolve(), System.out).withJobs(!noJobs);
        stack.recordSupervisor(ProcessHandle.current().pid());
        System.out.println(Instant.now() + " supervising " + stack.settings().dataDir());
        // the supervisor's own warm-up (JIT) waits for the pipeline's processes on a busy machine
        BackgroundPriority.lowerCompilerThreads()
                .ifPresent(
                        why ->
                                System.out.println(
                                        Instant.now()
                                                + " compiler threads at normal priority: "
                                                + why));
        if (!noJobs) {
            AuditMonitor.start(stack.settings(), System.out);
        }
        while (!stack.pids().isEmpty() || stack.partlyRunning()) {
            stack.heal(line -> System.out.println(Instant.now() + " " + line));
            Thread.sleep(2000);
        }
        System.out.println(Instant.now() + " the stack is stopped; supervisor ends");
        return 0;
    }
}
