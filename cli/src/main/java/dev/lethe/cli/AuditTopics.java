package dev.lethe.cli;

import dev.lethe.audit.CheckpointVerifier;
import dev.lethe.audit.SigningKeys;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.local.StackSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options the audit commands share: where the log lives and which public keys to trust. */
final class AuditTopics {

    @Option(names = "--audit-topic", description = "The log of record (default ${DEFAULT-VALUE}).")
    String entries = JobSettings.DEFAULT_AUDIT_TOPIC;

    @Option(
            names = "--audit-checkpoint-topic",
            description = "Its signed checkpoints (default ${DEFAULT-VALUE}).")
    String checkpoints = JobSettings.DEFAULT_AUDIT_CHECKPOINT_TOPIC;

    @Option(
            names = "--public-key",
            paramLabel = "FILE",
            description =
                    "A published audit signing key (PEM) to verify checkpoints against; repeat for"
                            + " rotated keys (default <data-dir>/secrets/"
                            + SigningKeys.PUBLIC_KEY_FILE
                            + ").")
    List<Path> publicKeys = new ArrayList<>();

    AuditLogSource source(StackSettings s) {
        return new AuditLogSource(
                s.kafkaBootstrap(), entries, checkpoints, AuditLogSource.DEFAULT_CATCH_UP);
    }

    /** The trusted keys: the ones given, or the local stack's own public key. */
    CheckpointVerifier trusted(StackSettings s) throws IOException {
        List<Path> files =
                publicKeys.isEmpty()
                        ? List.of(s.secretsDir().resolve(SigningKeys.PUBLIC_KEY_FILE))
                        : publicKeys;
        List<PublicKey> keys = new ArrayList<>();
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                throw new IllegalArgumentException(
                        "no public key file "
                                + f
                                + (publicKeys.isEmpty()
                                        ? " (the audit job writes it when it first runs; or pass"
                                                + " --public-key FILE)"
                                        : ""));
            }
            keys.add(SigningKeys.readPublicKey(f));
        }
        return new CheckpointVerifier(keys);
    }
}
