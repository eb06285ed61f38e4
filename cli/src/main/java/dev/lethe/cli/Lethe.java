package dev.lethe.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./lethe}: runs and inspects Lethe, the streaming GDPR governance pipeline. */
@Command(
        name = "lethe",
        mixinStandardHelpOptions = true,
        version = "lethe 0.1.0-SNAPSHOT",
        description = "Streaming GDPR data governance for a helpdesk database.",
        subcommands = {
            UpCommand.class,
            DownCommand.class,
            StatusCommand.class,
            SeedCommand.class,
            LoadCommand.class,
            SubjectCommand.class,
            PurgesCommand.class,
            AuditCommand.class,
            CatalogCommand.class,
            DeadLettersCommand.class,
            SnapshotCommand.class,
            SuperviseCommand.class,
            ServerCommand.class,
            UsersCommand.class,
            LoginCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Lethe implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (tests call this instead of main). */
    public static int run(String... args) {
        CommandLine cl = commandLine();
        cl.setExecutionExceptionHandler(
                (e, cmd, parsed) -> {
                    if (e instanceof ServerClient.Refused) {
                        cmd.getErr().println("lethe: " + e.getMessage());
                        return 1;
                    }
                    if (e instanceof IllegalArgumentException
                            || e instanceof dev.lethe.local.LocalStack.StackException) {
                        cmd.getErr().println("lethe: " + e.getMessage());
                        return e instanceof IllegalArgumentException ? 2 : 1;
                    }
                    if (e instanceof java.sql.SQLException) {
                        cmd.getErr()
                                .println(
                                        "lethe: the helpdesk database did not answer ("
                                                + e.getMessage().lines().findFirst().orElse("")
                                                + "). Is the stack up? ./lethe status");
                        return 1;
                    }
                    throw e;
                });
        return cl.execute(args);
    }

    /** The command line as {@link #run} executes it (tests parse and render help with it). */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Lethe());
        // options take the values their help prints (--format json), in any case
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // each command's usage: its own options, then the stack's under their own heading
        cl.setHelpFactory(dev.lethe.local.StackOptions.HELP);
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
