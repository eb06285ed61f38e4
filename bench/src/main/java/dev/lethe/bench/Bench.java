package dev.lethe.bench;

import dev.lethe.local.StackOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./lethe bench}: Lethe's benchmarks, each measured against a baseline in the same run. */
@Command(
        name = "lethe bench",
        mixinStandardHelpOptions = true,
        description = {
            "Benchmarks, each measured as a ratio against a baseline run in the same run.",
            "Results print as Markdown rows for docs/benchmarks.md."
        },
        subcommands = {
            CaptureBench.class,
            DiscoveryBench.class,
            AuditBench.class,
            AuditLogBench.class,
            RetentionBench.class,
            ScannerBench.class,
            DirectoriesBench.class,
            ActorTriggerBench.class,
            ScaleBench.class,
            LatencyBench.class,
            FaultsBench.class,
            CommandLine.HelpCommand.class
        })
public final class Bench implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line, with a bad argument answered by its message (exit code 2) instead of a
     * stack trace.
     */
    static CommandLine commandLine() {
        return new CommandLine(new Bench())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setHelpFactory(StackOptions.HELP)
                .setExecutionExceptionHandler(
                        (e, cmd, parsed) -> {
                            if (e instanceof IllegalArgumentException) {
                                cmd.getErr().println("lethe bench: " + e.getMessage());
                                return 2;
                            }
                            throw e;
                        });
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
