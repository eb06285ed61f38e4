package dev.lethe.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.audit.SigningKeys;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The local stack's signing key: made once by setup, pinned for the local auditor. */
class AuditTrustTest {

    @TempDir Path dataDir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private StackSettings settings() {
        StackOptions o = new StackOptions();
        new CommandLine(o).parseArgs("--data-dir", dataDir.toString());
        return o.resolve(Map.of());
    }

    private String ensure() throws Exception {
        return AuditTrust.ensureLocalSigningKey(
                settings(), new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @Test
    void theFirstSetupCreatesTheKeyOwnerOnlyAndPinsItsPublicKeyApart() throws Exception {
        String keyId = ensure();

        Path secrets = dataDir.resolve("secrets");
        Path privateKey = secrets.resolve(SigningKeys.PRIVATE_KEY_FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(privateKey)))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets)))
                .isEqualTo("rwx------");
        Path pinned = dataDir.resolve("audit-trust/keys/" + keyId + ".pem");
        assertThat(SigningKeys.keyIdOf(SigningKeys.readPublicKey(pinned))).isEqualTo(keyId);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("audit signing key " + keyId + " created in " + secrets)
                .contains("pinned as trusted in " + pinned);
    }

    @Test
    void aSwappedPublicKeyFileNextToTheKeyStopsTheSetupAndThePinStays() throws Exception {
        String first = ensure();
        Path pinned = dataDir.resolve("audit-trust/keys/" + first + ".pem");
        // an insider swaps the public key file next to the private key: the pin stays
        Files.writeString(
                dataDir.resolve("secrets").resolve(SigningKeys.PUBLIC_KEY_FILE),
                SigningKeys.publicKeyPem(SigningKeys.generate().publicKey()));
        out.reset();

        assertThatThrownBy(this::ensure).hasMessageContaining("not the public key");
        assertThat(SigningKeys.keyIdOf(SigningKeys.readPublicKey(pinned))).isEqualTo(first);
        try (var files = Files.list(dataDir.resolve("audit-trust/keys"))) {
            assertThat(files.count()).isEqualTo(1);
        }
    }

    @Test
    void aSecondSetupLeavesEverythingAsItIs() throws Exception {
        String first = ensure();
        out.reset();

        assertThat(ensure()).isEqualTo(first);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void aKeyMadeBeforePinningIsPinnedOnce() throws Exception {
        SigningKeys older = SigningKeys.create(dataDir.resolve("secrets"));

        assertThat(ensure()).isEqualTo(older.keyId());
        assertThat(dataDir.resolve("audit-trust/keys/" + older.keyId() + ".pem")).exists();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("(made before keys were pinned) pinned as trusted");
    }

    @Test
    void aPrivateKeyOthersCanReadStopsTheSetupSayingWhatToFix() throws Exception {
        ensure();
        Path privateKey = dataDir.resolve("secrets").resolve(SigningKeys.PRIVATE_KEY_FILE);
        Files.setPosixFilePermissions(privateKey, PosixFilePermissions.fromString("rw-r-----"));

        assertThatThrownBy(this::ensure).hasMessageContaining("chmod 600 " + privateKey);
    }

    @Test
    void eachLogHasItsOwnWitnessFileApartFromTheLogsStores() {
        StackSettings s = settings();

        assertThat(AuditTrust.witness(s)).isEqualTo(dataDir.resolve("audit-trust/witness.jsonl"));
        assertThat(AuditTrust.witness(s, "it-1.audit.checkpoints"))
                .isEqualTo(dataDir.resolve("audit-trust/witness.it-1.audit.checkpoints.jsonl"));
    }
}
