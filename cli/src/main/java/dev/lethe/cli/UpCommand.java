package dev.lethe.cli;

import dev.lethe.local.ChildProcess;
import dev.lethe.local.LocalStack;
import dev.lethe.local.StackOptions;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "up",
        description = {
            "Starts the whole stack (PostgreSQL with the helpdesk schema, Kafka, Kafka Connect with"
                    + " Debezium, Elasticsearch, Flink), waits until each is healthy and prints"
                    + " what runs where.",
            "Without --detach it stays in the foreground; Ctrl-C stops everything."
        },
        mixinStandardHelpOptions = true)
final class UpCommand implements Callable<Integer> {

    @Mixin StackOptions options;

    @Option(
            names = "--detach",
            description = "Return once everything is healthy and leave the stack running.")
    boolean detach;

    @Option(
            names = "--no-jobs",
            description =
                    "Start the servers only, not Lethe's Flink jobs (audit, discovery, retention).")
    boolean noJobs;

    /** Set once Ctrl-C (or SIGTERM) started the orderly stop: exits are expected from then on. */
    private volatile boolean stopping;

    @Override
    public Integer call() throws Exception {
        StackSettings s = options.resolve();
        LocalStack stack = new LocalStack(s, System.out).withJobs(!noJobs);
        if (stack.alreadyRunning() || stack.partlyRunning()) {
            // a partly dead stack: restart what is dead, leave the rest running
            for (String line : stack.heal()) {
                System.out.println(line);
            }
            stack.ensureSupervisor();
            System.out.println("Lethe is running from " + s.dataDir() + ":");
            return StatusCommand.print(new StackProbe(s, stack.pids()).all(), false, System.out);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook =
                new Thread(
                        () -> {
                            stopping = true;
                            stack.down();
                            stopped.countDown();
                        },
                        "lethe-down");
        if (!detach) {
            Runtime.getRuntime().addShutdownHook(hook);
        }
        stack.up();
        // resolve again: the first start generated the local Elasticsearch password
        StatusCommand.print(
                new StackProbe(options.resolve(), stack.pids()).all(), false, System.out);
        if (detach) {
            stack.ensureSupervisor();
            System.out.println("Stop it with: ./lethe down");
            return 0;
        }
        stack.recordSupervisor(ProcessHandle.current().pid());
        System.out.println("Press Ctrl-C to stop.");
        watch(stack);
        stopped.await();
        return 0;
    }

    /**
     * Supervises the stack while it runs in the foreground: a crashed component is reported with
     * its log's last lines and restarted ({@link LocalStack#heal}).
     */
    private void watch(LocalStack stack) throws InterruptedException {
        java.util.Set<Long> reported = new java.util.HashSet<>();
        if (!noJobs) {
            // resolved again: the first start generated the local Elasticsearch password
            AuditMonitor.start(options.resolve(), System.out);
        }
        while (!stopping) {
            for (ChildProcess p : stack.processes().values()) {
                if (!stopping && !p.isAlive() && reported.add(p.pid())) {
                    System.err.println(
                            p.name()
                                    + " exited unexpectedly; its log: "
                                    + p.logFile()
                                    + "\n"
                                    + p.logTail(10));
                }
            }
            if (!stopping) {
                stack.heal(System.out::println);
            }
            Thread.sleep(2000);
        }
    }
}
