package dev.lethe.cli;

import dev.lethe.audit.SigningKeys;
import dev.lethe.local.AuditTrust;
import dev.lethe.local.StackOptions;
import dev.lethe.local.StackSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./lethe audit keys}: the signing key's setup (made once, never by the job) and the
 * auditor's pinned public keys.
 */
@Command(
        name = "keys",
        description = {
            "The audit signing key and the public keys an auditor trusts: init makes the key once"
                    + " (./lethe up does it for the local stack), pin trusts a public key you were"
                    + " given, list shows the trusted ones.",
            "Setup and pinning: docs/operations.md, \"The audit signing key\"."
        },
        mixinStandardHelpOptions = true,
        subcommands = {
            AuditKeysCommand.Init.class,
            AuditKeysCommand.Pin.class,
            AuditKeysCommand.ListKeys.class
        })
final class AuditKeysCommand implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(
            name = "init",
            description = {
                "Creates the audit signing key pair once: the private key 0600 in a 0700"
                        + " directory, the public key next to it. Refuses to replace a key.",
                "The audit job only loads the key; on a cluster name the directory in"
                        + " LETHE_AUDIT_SIGNING_KEY_DIR of every TaskManager. Give auditors the"
                        + " public key printed here; they pin it with audit keys pin."
            },
            mixinStandardHelpOptions = true)
    static final class Init implements Callable<Integer> {

        @Mixin StackOptions options;

        @Option(
                names = "--dir",
                paramLabel = "DIR",
                description =
                        "Where to create it (default: the local stack's <data-dir>/secrets, which"
                                + " its Flink reads).")
        Path dir;

        @Override
        public Integer call() throws Exception {
            Path target = dir != null ? dir : options.resolve().secretsDir();
            SigningKeys keys;
            try {
                keys = SigningKeys.create(target);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                throw new IllegalArgumentException(
                        e.getFile() + ": " + e.getReason() + "; nothing was changed", e);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            System.out.printf(
                    "audit signing key %s created: %s (0600; only the audit job's user may read"
                            + " it; back it up apart from the data)%n",
                    keys.keyId(), target.resolve(SigningKeys.PRIVATE_KEY_FILE));
            System.out.printf(
                    "public key for auditors (they pin it: ./lethe audit keys pin FILE): %s%n%s",
                    target.resolve(SigningKeys.PUBLIC_KEY_FILE),
                    SigningKeys.publicKeyPem(keys.publicKey()));
            return 0;
        }
    }

    @Command(
            name = "pin",
            description = {
                "Trusts a public key you were given (PEM): copies it into the pinned keys that"
                        + " audit verify, check-proof and the monitor verify against.",
                "Compare the key id printed with the one you were told out of band."
            },
            mixinStandardHelpOptions = true)
    static final class Pin implements Callable<Integer> {

        @Mixin StackOptions options;

        @Option(
                names = "--trusted-keys",
                paramLabel = "DIR",
                description =
                        "The directory of pinned keys (default: env "
                                + AuditTrust.TRUSTED_KEYS_VARIABLE
                                + ", else <data-dir>/audit-trust/keys).")
        Path trustedKeys;

        @Parameters(index = "0", paramLabel = "FILE", description = "The public key (PEM).")
        Path file;

        @Override
        public Integer call() throws Exception {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("no public key file " + file);
            }
            PublicKey key = SigningKeys.readPublicKey(file);
            Path dir =
                    trustedKeys != null ? trustedKeys : AuditTrust.trustedKeys(options.resolve());
            Path pinned = AuditTrust.pin(dir, key);
            System.out.printf(
                    "pinned audit signing key %s: %s%n", SigningKeys.keyIdOf(key), pinned);
            return 0;
        }
    }

    @Command(
            name = "list",
            description = "The public keys audit verify trusts, with their key ids.",
            mixinStandardHelpOptions = true)
    static final class ListKeys implements Callable<Integer> {

        @Mixin StackOptions options;

        @Mixin AuditTopics topics;

        @Override
        public Integer call() throws Exception {
            StackSettings s = options.resolve();
            AuditTopics.TrustedKeys trusted = topics.trustedKeys(s);
            for (int i = 0; i < trusted.keys().size(); i++) {
                System.out.printf(
                        "%s  %s%n",
                        SigningKeys.keyIdOf(trusted.keys().get(i)), trusted.sources().get(i));
            }
            return 0;
        }
    }
}
