package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.cli.ExportFiles.Format;
import dev.lethe.local.StackSettings;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** Every command's usage starts with its own options; the stack's follow under one heading. */
class CommandHelpTest {

    private static CommandLine command(String... path) {
        CommandLine cl = Lethe.commandLine();
        for (String name : path) {
            cl = cl.getSubcommands().get(name);
        }
        return cl;
    }

    private static String usage(String... path) {
        return command(path).getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    @Test
    void eraseListsItsOwnOptionsBeforeTheStacks() {
        String help = usage("subject", "erase");

        assertThat(help).startsWith("Usage: lethe subject erase [-hV]");
        assertThat(help).contains("--reason", "[STACK OPTIONS]", "Stack options:", "--kafka-port");
        assertThat(help.indexOf("--reason")).isLessThan(help.indexOf("Stack options:"));
        assertThat(help.indexOf("Stack options:")).isLessThan(help.indexOf("--kafka-port"));
        assertThat(help.indexOf("--kafka-port")).isEqualTo(help.lastIndexOf("--kafka-port"));
    }

    @Test
    void everyCommandWithStackOptionsHasThemUnderOneHeadingAfterItsOwn() {
        Map<String, CommandLine> commands =
                Map.of(
                        "up", command("up"),
                        "status", command("status"),
                        "seed", command("seed"),
                        "subject export", command("subject", "export"),
                        "audit verify", command("audit", "verify"));
        commands.forEach(
                (name, cl) -> {
                    String help = cl.getUsageMessage(CommandLine.Help.Ansi.OFF);
                    int heading = help.indexOf("Stack options:");
                    assertThat(heading).as(name).isPositive();
                    assertThat(help.indexOf("--data-dir")).as(name).isGreaterThan(heading);
                    assertThat(help.indexOf("--help")).as(name).isLessThan(heading);
                });
    }

    @Test
    void exportTakesTheFormatsItsHelpNames() {
        assertThat(usage("subject", "export")).contains("json, csv and/or html");
        ParseResult parsed =
                Lethe.commandLine()
                        .parseArgs(
                                "subject",
                                "export",
                                "contact:1",
                                "--format",
                                "json",
                                "--out",
                                "out",
                                "--format",
                                "CSV,html");
        SubjectExportCommand export =
                (SubjectExportCommand) parsed.subcommand().subcommand().commandSpec().userObject();

        assertThat(export.formats).containsExactly(Format.JSON, Format.CSV, Format.HTML);
        assertThat(export.subject).isEqualTo("contact:1");
    }

    @Test
    void stackOptionsStillParseAfterACommandsOwn(@TempDir Path dataDir) {
        ParseResult parsed =
                Lethe.commandLine()
                        .parseArgs(
                                "subject",
                                "erase",
                                "contact:1",
                                "--reason",
                                "ticket 7",
                                "--kafka-port",
                                "29092",
                                "--data-dir",
                                dataDir.toString());
        SubjectEraseCommand erase =
                (SubjectEraseCommand) parsed.subcommand().subcommand().commandSpec().userObject();

        assertThat(erase.reason).isEqualTo("ticket 7");
        StackSettings settings = erase.options.resolve();
        assertThat(settings.kafkaPort()).isEqualTo(29092);
        assertThat(settings.dataDir()).isEqualTo(dataDir.toAbsolutePath().normalize());
    }
}
