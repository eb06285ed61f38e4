package dev.lethe.jobs.audit;

import dev.lethe.audit.AuditVerifier;
import dev.lethe.audit.SigningKeys;
import dev.lethe.audit.TreeHeadVerifier;
import dev.lethe.audit.VerificationReport;
import dev.lethe.events.AuditCheckpoint;
import dev.lethe.events.AuditEntry;
import dev.lethe.keys.InMemorySubjectKeyStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resources for the audit job's topology on a MiniCluster: a subject key store in memory per run
 * (the test reads it back to decrypt), the operator state sealed with {@link
 * AuditTestData#STATE_KEYS}, the tree heads signed with the keys in the test's directory.
 */
final class TestAuditResources {

    /** The key stores the job's operators open, by run. */
    private static final Map<String, InMemorySubjectKeyStore> KEY_STORES =
            new ConcurrentHashMap<>();

    private TestAuditResources() {}

    /** The resources of {@code run}; signing keys are created in {@code signingKeys} if none. */
    static AuditResources of(String run, Path signingKeys) throws IOException {
        if (!Files.exists(signingKeys.resolve(SigningKeys.PRIVATE_KEY_FILE))) {
            SigningKeys.create(signingKeys); // a setup step: the job only loads the key
        }
        String signingDir = signingKeys.toString();
        return new AuditResources(
                null,
                () -> KEY_STORES.computeIfAbsent(run, k -> new InMemorySubjectKeyStore()),
                AuditTestData.STATE_KEYS,
                () -> SigningKeys.load(Path.of(signingDir)));
    }

    /** The key store the operators of {@code run} opened. */
    static InMemorySubjectKeyStore keyStore(String run) {
        return KEY_STORES.get(run);
    }

    /**
     * {@code entries} verified against {@code treeHeads} with the public key in {@code
     * signingKeys}.
     */
    static VerificationReport verify(
            Path signingKeys, List<AuditEntry> entries, List<AuditCheckpoint> treeHeads)
            throws IOException {
        var publicKey = SigningKeys.readPublicKey(signingKeys.resolve(SigningKeys.PUBLIC_KEY_FILE));
        return new AuditVerifier(TreeHeadVerifier.trusting(publicKey)).verify(entries, treeHeads);
    }

    static void forget(String run) {
        KEY_STORES.remove(run);
    }
}
