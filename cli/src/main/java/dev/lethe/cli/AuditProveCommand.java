package dev.lethe.cli;

import dev.lethe.events.AuditCheckpoint;
import dev.lethe.local.StackOptions;
import dev.lethe.local.StackSettings;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "prove",
        description = {
            "Prints the inclusion proof (JSON) of an entry against the latest signed checkpoint, or"
                    + " with --consistency the proof that checkpoint A's log is a prefix of"
                    + " checkpoint B's. Check either offline with audit check-proof.",
        },
        mixinStandardHelpOptions = true)
final class AuditProveCommand implements Callable<Integer> {

    @Mixin StackOptions options;

    @Mixin AuditTopics topics;

    @Option(
            names = "--consistency",
            description = "Prove consistency between two checkpoints (their checkpointSeqs).")
    boolean consistency;

    @Parameters(
            paramLabel = "<entry | checkpointSeqA checkpointSeqB>",
            arity = "1..2",
            description = "An entry: its logIndex or <entityId>#<seq> (e.g. contacts/42#3).")
    List<String> args;

    @Override
    public Integer call() throws Exception {
        StackSettings s = options.resolve();
        AuditLogSource source = topics.source(s);
        List<AuditCheckpoint> checkpoints = source.checkpoints();
        long covered = checkpoints.stream().mapToLong(AuditCheckpoint::getTreeSize).max().orElse(0);
        if (consistency) {
            if (args.size() != 2) {
                throw new IllegalArgumentException(
                        "--consistency takes two checkpointSeqs, e.g. audit prove --consistency 3 9");
            }
            System.out.println(
                    AuditProofs.consistency(
                            source.entries(covered),
                            checkpoints,
                            seq(args.get(0)),
                            seq(args.get(1))));
            return 0;
        }
        if (args.size() != 1) {
            throw new IllegalArgumentException("give one entry (or --consistency A B)");
        }
        System.out.println(
                AuditProofs.inclusion(
                        source.entries(covered),
                        checkpoints,
                        AuditProofs.EntrySelector.parse(args.get(0))));
        return 0;
    }

    private static long seq(String text) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a checkpointSeq is a number, got '" + text + "'");
        }
    }
}
