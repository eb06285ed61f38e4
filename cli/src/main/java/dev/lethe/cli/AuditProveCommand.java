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
            "An inclusion proof of <entityId>#<seq> goes through Lethe's server (sign in with"
                    + " ./lethe login as an auditor); a logIndex and --consistency read the log"
                    + " directly with --break-glass REASON (recorded in the audit log).",
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

    @Mixin BreakGlass breakGlass;

    @Override
    public Integer call() throws Exception {
        StackSettings s = options.resolve();
        if (!breakGlass.on()) {
            topics.directOnly(breakGlass);
            breakGlass.directOnly("--consistency", consistency);
            if (args.size() != 1) {
                throw new IllegalArgumentException("give one entry (or --consistency A B)");
            }
            String entry = args.get(0).strip();
            int hash = entry.lastIndexOf('#');
            if (hash <= 0) {
                throw new IllegalArgumentException(
                        "through the server give an entry as <entityId>#<seq> (e.g."
                                + " contacts/42#3); a logIndex only with --break-glass");
            }
            ServerClient.Answer a =
                    new ServerClient(s)
                            .get(
                                    "/api/v1/audit/proofs/"
                                            + entry.substring(0, hash)
                                            + "/"
                                            + seq(entry.substring(hash + 1)));
            if (a.status() == 404) {
                throw new IllegalArgumentException(a.detail());
            }
            print(a.expect(200).body());
            return 0;
        }
        breakGlass.record(
                s, consistency ? "audit-consistency-proof" : "audit-proof", List.of(), 0, null);
        AuditLogSource source = topics.source(s);
        List<AuditCheckpoint> checkpoints = source.checkpoints();
        long covered = checkpoints.stream().mapToLong(AuditCheckpoint::getTreeSize).max().orElse(0);
        if (consistency) {
            if (args.size() != 2) {
                throw new IllegalArgumentException(
                        "--consistency takes two checkpointSeqs, e.g. audit prove --consistency 3 9");
            }
            print(
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
        print(
                AuditProofs.inclusion(
                        source.entries(covered),
                        checkpoints,
                        AuditProofs.EntrySelector.parse(args.get(0))));
        return 0;
    }

    private static void print(String proof) throws Exception {
        print(new com.fasterxml.jackson.databind.ObjectMapper().readTree(proof));
    }

    /** Prints a proof (made here or the server's): both paths print here. */
    private static void print(com.fasterxml.jackson.databind.JsonNode proof) throws Exception {
        System.out.println(PrettyJson.of(proof));
    }

    private static long seq(String text) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a checkpointSeq is a number, got '" + text + "'");
        }
    }
}
