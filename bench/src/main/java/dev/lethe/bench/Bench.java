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
            ActorTriggerBench.class,
            ScaleBench.class,
            LatencyBench.class,
            FaultsBench.class,
            CommandLine.HelpCommand.class
        })
public final class Bench implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(
                new CommandLine(new Bench())
                        .setCaseInsensitiveEnumValuesAllowed(true)
                        .setHelpFactory(StackOptions.HELP)
                        .execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
