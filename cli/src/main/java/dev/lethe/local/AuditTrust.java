package dev.lethe.local;

import dev.lethe.audit.SigningKeys;
import dev.lethe.jobs.config.JobSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;

/**
 * What an auditor trusts, kept apart from what the audit job signs with: the pinned public keys (a
 * directory of PEM files) and the witness of signed tree heads. By default both live under {@code
 * <data-dir>/audit-trust/}; {@value #TRUSTED_KEYS_VARIABLE} and {@value #WITNESS_VARIABLE} name
 * others (an auditor's own files). The signing key's public key file, next to its private key in
 * {@code secrets/}, is never trusted implicitly.
 *
 * <p>The local stack's setup ({@link #ensureLocalSigningKey}) creates the signing key once and pins
 * its public key at that moment, as an auditor would; on a cluster the key is made with {@code
 * ./lethe audit keys init} and the auditor pins it with {@code ./lethe audit keys pin}.
 */
public final class AuditTrust {

    /** The environment variable naming the pinned keys (a directory or one PEM file). */
    public static final String TRUSTED_KEYS_VARIABLE = "LETHE_AUDIT_TRUSTED_KEYS";

    /** The environment variable naming the witness file. */
    public static final String WITNESS_VARIABLE = "LETHE_AUDIT_WITNESS";

    /** Under the data directory: what the local auditor pinned. */
    public static final String TRUST_DIR = "audit-trust";

    public static final String KEYS_DIR = "keys";

    public static final String WITNESS_FILE = "witness.jsonl";

    private AuditTrust() {}

    /** The pinned keys: env {@value #TRUSTED_KEYS_VARIABLE}, else {@code audit-trust/keys}. */
    public static Path trustedKeys(StackSettings s) {
        String env = System.getenv(TRUSTED_KEYS_VARIABLE);
        return env != null && !env.isBlank()
                ? Path.of(env)
                : s.dataDir().resolve(TRUST_DIR).resolve(KEYS_DIR);
    }

    /**
     * The witness of the default log ({@code lethe.audit.checkpoints}): env {@value
     * #WITNESS_VARIABLE}, else {@code audit-trust/witness.jsonl}.
     */
    public static Path witness(StackSettings s) {
        return witness(s, JobSettings.DEFAULT_AUDIT_CHECKPOINT_TOPIC);
    }

    /**
     * The witness of the log whose tree heads are on {@code checkpointTopic}: one file per log. For
     * the default log env {@value #WITNESS_VARIABLE}, else {@code audit-trust/witness.jsonl}; for
     * another, {@code audit-trust/witness.<topic>.jsonl}.
     */
    public static Path witness(StackSettings s, String checkpointTopic) {
        boolean defaultLog = JobSettings.DEFAULT_AUDIT_CHECKPOINT_TOPIC.equals(checkpointTopic);
        String env = System.getenv(WITNESS_VARIABLE);
        if (defaultLog && env != null && !env.isBlank()) {
            return Path.of(env);
        }
        Path dir = s.dataDir().resolve(TRUST_DIR);
        return defaultLog
                ? dir.resolve(WITNESS_FILE)
                : dir.resolve(
                        "witness." + checkpointTopic.replaceAll("[^A-Za-z0-9._-]", "_") + ".jsonl");
    }

    /**
     * Pins {@code key}: writes it as {@code <key id>.pem} into the directory {@code trustedKeys}.
     *
     * @return the file written
     * @throws IllegalArgumentException if {@code trustedKeys} is a file (add the key to it by hand)
     */
    public static Path pin(Path trustedKeys, PublicKey key) throws IOException {
        if (Files.isRegularFile(trustedKeys)) {
            throw new IllegalArgumentException(
                    trustedKeys
                            + " is one PEM file, not a directory of pinned keys: append the key to"
                            + " it yourself, or name a directory");
        }
        Path file = trustedKeys.resolve(SigningKeys.keyIdOf(key) + ".pem");
        SigningKeys.writePublicKey(file, key);
        return file;
    }

    /**
     * The local stack's audit signing key, made once like the stack's other secrets: when {@code
     * <data-dir>/secrets} has none, a new pair is created there (private key 0600) and its public
     * key pinned in {@link #trustedKeys}, as an auditor would pin the key given to them. A data
     * directory whose key predates pinning (a key and no pinned keys yet) has that key pinned once.
     * An existing key is never replaced; a missing one is made again only here, by {@code ./lethe
     * up}, never by the audit job.
     *
     * @return the key id
     */
    public static String ensureLocalSigningKey(StackSettings s, PrintStream out)
            throws IOException {
        Path secrets = s.secretsDir();
        Path pins = trustedKeys(s);
        if (!Files.exists(secrets.resolve(SigningKeys.PRIVATE_KEY_FILE))) {
            if (!Files.exists(secrets)) {
                Files.createDirectories(secrets);
                Files.setPosixFilePermissions(
                        secrets, PosixFilePermissions.fromString("rwx------"));
            }
            SigningKeys keys = SigningKeys.create(secrets);
            Path pinned = pin(pins, keys.publicKey());
            out.printf(
                    "  audit signing key %s created in %s; its public key pinned as trusted in %s"
                            + " (in production the auditor pins the key: docs/operations.md)%n",
                    keys.keyId(), secrets, pinned);
            return keys.keyId();
        }
        SigningKeys keys = SigningKeys.load(secrets);
        if (!Files.exists(pins)) {
            Path pinned = pin(pins, keys.publicKey());
            out.printf(
                    "  audit signing key %s (made before keys were pinned) pinned as trusted in %s%n",
                    keys.keyId(), pinned);
        }
        return keys.keyId();
    }
}
