package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.audit.SigningKeys;
import dev.lethe.testing.CapturedOutput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code audit keys}: the signing key made once by a setup step; the commands that check signatures
 * trust the keys an auditor pinned, never the file next to the private key.
 */
class AuditKeysCommandTest {

    @TempDir Path dataDir;
    @TempDir Path elsewhere;
    @RegisterExtension final CapturedOutput output = new CapturedOutput();

    private int lethe(String... args) {
        output.resetOut();
        output.resetErr();
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--data-dir";
        all[args.length + 1] = dataDir.toString();
        return Lethe.run(all);
    }

    private String out() {
        return output.out();
    }

    private String err() {
        return output.err();
    }

    @Test
    void initCreatesTheKeyOnceOwnerOnlyAndPrintsThePublicKeyForAuditors() throws Exception {
        Path dir = elsewhere.resolve("audit-key");

        assertThat(lethe("audit", "keys", "init", "--dir", dir.toString())).isZero();
        SigningKeys keys = SigningKeys.load(dir);
        assertThat(out())
                .contains("audit signing key " + keys.keyId() + " created")
                .contains("-----BEGIN PUBLIC KEY-----");
        assertThat(
                        PosixFilePermissions.toString(
                                Files.getPosixFilePermissions(
                                        dir.resolve(SigningKeys.PRIVATE_KEY_FILE))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
                .isEqualTo("rwx------");

        assertThat(lethe("audit", "keys", "init", "--dir", dir.toString())).isEqualTo(2);
        assertThat(err()).contains("never replaced").contains("nothing was changed");
        assertThat(SigningKeys.load(dir).keyId()).isEqualTo(keys.keyId());
    }

    @Test
    void checkProofTrustsThePinnedKeysNeverTheFileNextToThePrivateKey() throws Exception {
        assertThat(lethe("audit", "keys", "init")).isZero();
        SigningKeys keys = SigningKeys.load(dataDir.resolve("secrets"));
        Path proof = proofSignedBy(keys);

        assertThat(lethe("audit", "check-proof", proof.toString())).isEqualTo(2);
        assertThat(err())
                .contains(
                        "no trusted audit signing key in "
                                + dataDir.resolve("audit-trust").resolve("keys"))
                .contains("./lethe audit keys pin FILE")
                .contains("never trusted on its own");

        Path given = elsewhere.resolve("given.pem");
        Files.copy(dataDir.resolve("secrets").resolve(SigningKeys.PUBLIC_KEY_FILE), given);
        assertThat(lethe("audit", "keys", "pin", given.toString())).isZero();
        assertThat(out()).contains("pinned audit signing key " + keys.keyId());
        assertThat(lethe("audit", "keys", "list")).isZero();
        assertThat(out()).startsWith(keys.keyId() + "  ");

        assertThat(lethe("audit", "check-proof", proof.toString())).isZero();
        assertThat(out()).startsWith("OK: ");
    }

    @Test
    void aKeySwappedNextToThePrivateKeyDoesNotVerifyAgainstThePin() throws Exception {
        SigningKeys pinnedKeys = SigningKeys.generate();
        Path given = elsewhere.resolve("given.pem");
        SigningKeys.writePublicKey(given, pinnedKeys.publicKey());
        assertThat(lethe("audit", "keys", "pin", given.toString())).isZero();
        // a log signed with another key, whose public key sits next to its private key
        assertThat(lethe("audit", "keys", "init")).isZero();
        Path proof = proofSignedBy(SigningKeys.load(dataDir.resolve("secrets")));

        assertThat(lethe("audit", "check-proof", proof.toString())).isEqualTo(1);
        assertThat(out()).startsWith("FAILED");

        Path trustedElsewhere = elsewhere.resolve("auditor-keys");
        assertThat(
                        lethe(
                                "audit",
                                "keys",
                                "pin",
                                given.toString(),
                                "--trusted-keys",
                                trustedElsewhere.toString()))
                .isZero();
        assertThat(
                        lethe(
                                "audit",
                                "check-proof",
                                proof.toString(),
                                "--trusted-keys",
                                trustedElsewhere.toString()))
                .isEqualTo(1);
        // the flag that names keys explicitly still works
        assertThat(
                        lethe(
                                "audit",
                                "check-proof",
                                proof.toString(),
                                "--public-key",
                                dataDir.resolve("secrets")
                                        .resolve(SigningKeys.PUBLIC_KEY_FILE)
                                        .toString()))
                .isZero();
    }

    private Path proofSignedBy(SigningKeys keys) throws Exception {
        AuditTestLogs log = new AuditTestLogs(keys).ticketTraffic(12, 3, 5);
        Path proof = elsewhere.resolve("proof-" + keys.keyId() + ".json");
        Files.writeString(
                proof,
                AuditProofs.inclusion(
                        log.entries, log.checkpoints, AuditProofs.EntrySelector.parse("3")));
        return proof;
    }
}
