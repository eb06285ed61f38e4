package dev.lethe.cli;

import dev.lethe.audit.SigningKeys;
import dev.lethe.audit.TreeHeadVerifier;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.local.AuditTrust;
import dev.lethe.local.StackSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
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
                    "A published audit signing key (PEM) to verify checkpoints against, instead of"
                            + " the pinned ones (--trusted-keys); repeat for rotated keys.")
    List<Path> publicKeys = new ArrayList<>();

    @Option(
            names = "--trusted-keys",
            paramLabel = "PATH",
            description =
                    "The public keys you pinned: a directory of PEM files, or one PEM file"
                            + " (default: env "
                            + AuditTrust.TRUSTED_KEYS_VARIABLE
                            + ", else <data-dir>/"
                            + AuditTrust.TRUST_DIR
                            + "/"
                            + AuditTrust.KEYS_DIR
                            + "). Never the key file next to the private key.")
    Path trustedKeys;

    /**
     * Throws unless these options are the defaults or {@code breakGlass} is on: the server reads
     * the stack's own log with its own pinned keys.
     */
    void directOnly(BreakGlass breakGlass) {
        breakGlass.directOnly("--audit-topic", !JobSettings.DEFAULT_AUDIT_TOPIC.equals(entries));
        breakGlass.directOnly(
                "--audit-checkpoint-topic",
                !JobSettings.DEFAULT_AUDIT_CHECKPOINT_TOPIC.equals(checkpoints));
        breakGlass.directOnly("--public-key", !publicKeys.isEmpty());
        breakGlass.directOnly("--trusted-keys", trustedKeys != null);
    }

    AuditLogSource source(StackSettings s) {
        return new AuditLogSource(
                s.kafkaClient(), entries, checkpoints, AuditLogSource.DEFAULT_CATCH_UP);
    }

    /** The trusted keys: the ones given with --public-key, else the pinned ones. */
    TreeHeadVerifier trusted(StackSettings s) throws IOException {
        return new TreeHeadVerifier(trustedKeys(s).keys());
    }

    /** Keys an auditor trusts, and where each came from (verify says which it used). */
    record TrustedKeys(List<PublicKey> keys, List<String> sources) {

        /** One line: {@code 06e3fd8fda29bb60 (path)}, comma-separated. */
        String describe() {
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                parts.add(SigningKeys.keyIdOf(keys.get(i)) + " (" + sources.get(i) + ")");
            }
            return String.join(", ", parts);
        }
    }

    /**
     * The keys given with {@code --public-key}; else the pinned keys at {@code --trusted-keys}, env
     * {@value AuditTrust#TRUSTED_KEYS_VARIABLE} or {@code <data-dir>/audit-trust/keys}. The signing
     * key's own public key file (next to the private key) is never read implicitly.
     *
     * @throws IllegalArgumentException if there is no key there, saying how to pin one
     */
    TrustedKeys trustedKeys(StackSettings s) throws IOException {
        if (!publicKeys.isEmpty()) {
            List<PublicKey> keys = new ArrayList<>();
            List<String> sources = new ArrayList<>();
            for (Path f : publicKeys) {
                if (!Files.isRegularFile(f)) {
                    throw new IllegalArgumentException("no public key file " + f);
                }
                keys.add(SigningKeys.readPublicKey(f));
                sources.add(f.toString());
            }
            return new TrustedKeys(keys, sources);
        }
        return pinned(trustedKeysPath(s));
    }

    /** Where the pinned keys are: the flag, the environment, or the data directory's default. */
    Path trustedKeysPath(StackSettings s) {
        return trustedKeys != null ? trustedKeys : AuditTrust.trustedKeys(s);
    }

    /** The PEM public keys in {@code path} (a file, or the {@code .pem} files of a directory). */
    static TrustedKeys pinned(Path path) throws IOException {
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(path)) {
            try (Stream<Path> list = Files.list(path)) {
                list.filter(f -> f.getFileName().toString().endsWith(".pem"))
                        .filter(Files::isRegularFile)
                        .sorted()
                        .forEach(files::add);
            }
        } else if (Files.isRegularFile(path)) {
            files.add(path);
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException(
                    "no trusted audit signing key in "
                            + path
                            + ": pin the public key you were given (./lethe audit keys pin FILE),"
                            + " name where you keep pinned keys (--trusted-keys, env "
                            + AuditTrust.TRUSTED_KEYS_VARIABLE
                            + "), or pass --public-key FILE. The key file next to the signing key"
                            + " is never trusted on its own.");
        }
        List<PublicKey> keys = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        for (Path f : files) {
            keys.add(SigningKeys.readPublicKey(f));
            sources.add(f.toString());
        }
        return new TrustedKeys(keys, sources);
    }
}
