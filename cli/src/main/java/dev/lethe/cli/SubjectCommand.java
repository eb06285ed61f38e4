package dev.lethe.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./lethe subject}: what Lethe holds about one person. {@code find} lists every location of
 * their data from the locations index; {@code export} writes their Art. 15 / Art. 20 package from
 * the helpdesk database.
 */
@Command(
        name = "subject",
        description = {
            "Where a person's data lives (find), their data as an Art. 15/20 package (export),"
                    + " and their erasure (Art. 17, erase)."
        },
        mixinStandardHelpOptions = true,
        subcommands = {
            SubjectFindCommand.class,
            SubjectExportCommand.class,
            SubjectEraseCommand.class,
            SubjectAccessesCommand.class
        })
final class SubjectCommand implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
