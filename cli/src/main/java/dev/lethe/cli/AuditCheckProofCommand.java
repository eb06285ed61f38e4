package dev.lethe.cli;

import dev.lethe.local.StackOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "check-proof",
        description = {
            "Checks a proof printed by audit prove, offline: the path leads to the checkpoint's"
                    + " Merkle root and the checkpoint is signed by a trusted key.",
            "Exit code 0 when the proof holds, 1 when it does not."
        },
        mixinStandardHelpOptions = true)
final class AuditCheckProofCommand implements Callable<Integer> {

    @Mixin StackOptions options;

    @Mixin AuditTopics topics;

    @Option(
            names = "--entry-hash",
            paramLabel = "HEX",
            description =
                    "The hash you recomputed from the entry you hold: it must be the proof's.")
    String entryHash;

    @Parameters(index = "0", paramLabel = "FILE", description = "The proof (JSON).")
    Path file;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no proof file " + file);
        }
        AuditProofs.Verdict v =
                AuditProofs.check(
                        Files.readString(file), topics.trusted(options.resolve()), entryHash);
        System.out.print(v.text());
        return v.ok() ? 0 : 1;
    }
}
