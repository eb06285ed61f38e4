package dev.lethe.audit;

import static dev.lethe.audit.AuditLogs.T0;
import static dev.lethe.audit.AuditLogs.rfc8032Keys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.audit.TreeHeadVerifier.Outcome;
import dev.lethe.events.AuditCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeHeadSignerTest {

    private static final byte[] ROOT_A = Sha256.of(new byte[] {1});
    private static final byte[] ROOT_B = Sha256.of(new byte[] {2});

    @Test
    void signaturesAreTheJdkEd25519OfRfc8032() {
        // RFC 8032 §7.1 TEST 1: the empty message
        byte[] signature = TreeHeadSigner.sign(rfc8032Keys().privateKey(), new byte[0]);

        assertThat(Hex.of(signature))
                .isEqualTo(
                        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
    }

    @Test
    void theKeyIdIsTheHexOfTheFirstEightBytesOfSha256OfTheSpki() {
        SigningKeys keys = rfc8032Keys();
        byte[] spki = keys.publicKey().getEncoded();

        assertThat(Hex.of(spki)).isEqualTo("302a300506032b6570032100" + AuditLogs.RFC8032_PUBLIC);
        assertThat(keys.keyId()).hasSize(16).isEqualTo(Hex.of(Sha256.of(spki)).substring(0, 16));
    }

    @Test
    void checkpointsChainAndVerify() {
        TreeHeadSigner signer = new TreeHeadSigner(rfc8032Keys());
        TreeHeadVerifier verifier = TreeHeadVerifier.trusting(rfc8032Keys().publicKey());

        AuditCheckpoint first = signer.next(null, 10, ROOT_A, T0);
        AuditCheckpoint second = signer.next(first, 25, ROOT_B, T0.plusSeconds(60));

        assertThat(first.getCheckpointSeq()).isEqualTo(1);
        assertThat(Hex.toArray(first.getPrevCheckpointHash())).isEqualTo(new byte[32]);
        assertThat(second.getCheckpointSeq()).isEqualTo(2);
        assertThat(Hex.toArray(second.getPrevCheckpointHash()))
                .isEqualTo(TreeHeadSigner.hashOf(first))
                .isEqualTo(Sha256.of(CanonicalEncoding.encode(first)));
        assertThat(first.getSignature().remaining()).isEqualTo(64);
        assertThat(verifier.check(first)).isEqualTo(Outcome.VALID);
        assertThat(verifier.check(second)).isEqualTo(Outcome.VALID);
    }

    @Test
    void aChangedCheckpointOrAnUntrustedKeyDoesNotVerify() {
        TreeHeadSigner signer = new TreeHeadSigner(rfc8032Keys());
        AuditCheckpoint checkpoint = signer.next(null, 10, ROOT_A, T0);
        TreeHeadVerifier verifier = TreeHeadVerifier.trusting(rfc8032Keys().publicKey());

        AuditCheckpoint bigger = AuditCheckpoint.newBuilder(checkpoint).setTreeSize(11).build();
        assertThat(verifier.check(bigger)).isEqualTo(Outcome.INVALID_SIGNATURE);

        AuditCheckpoint byStranger =
                new TreeHeadSigner(SigningKeys.generate()).next(null, 10, ROOT_A, T0);
        assertThat(verifier.check(byStranger)).isEqualTo(Outcome.UNKNOWN_KEY);

        // a stranger claiming the trusted key id is caught by the signature itself
        byStranger.setSigningKeyId(rfc8032Keys().keyId());
        assertThat(verifier.check(byStranger)).isEqualTo(Outcome.INVALID_SIGNATURE);
    }

    @Test
    void aCheckpointCannotShrinkTheTree() {
        TreeHeadSigner signer = new TreeHeadSigner(rfc8032Keys());
        AuditCheckpoint first = signer.next(null, 10, ROOT_A, T0);

        assertThatThrownBy(() -> signer.next(first, 9, ROOT_B, T0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keysAreCreatedOnceWithAnOwnerOnlyPrivateKeyInAnOwnerOnlyDirectoryAndLoadedAfterwards(
            @TempDir Path home) throws Exception {
        Path dir = home.resolve("keys");

        SigningKeys created = SigningKeys.create(dir);
        SigningKeys loaded = SigningKeys.load(dir);

        Path privateKey = dir.resolve(SigningKeys.PRIVATE_KEY_FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(privateKey)))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
                .isEqualTo("rwx------");
        assertThat(Files.readString(privateKey)).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(loaded.keyId()).isEqualTo(created.keyId());
        assertThat(SigningKeys.readPublicKey(dir.resolve(SigningKeys.PUBLIC_KEY_FILE)))
                .isEqualTo(created.publicKey());
        AuditCheckpoint signedBefore = new TreeHeadSigner(created).next(null, 1, ROOT_A, T0);
        assertThat(TreeHeadVerifier.trusting(loaded.publicKey()).isValid(signedBefore)).isTrue();
    }

    @Test
    void loadingNeverCreatesAKey(@TempDir Path home) {
        Path dir = home.resolve("keys");

        assertThatThrownBy(() -> SigningKeys.load(dir))
                .isInstanceOf(SigningKeys.MissingSigningKeyException.class)
                .hasMessageContaining(SigningKeys.PRIVATE_KEY_FILE);
        assertThat(dir).doesNotExist();
    }

    @Test
    void anExistingKeyIsNeverReplaced(@TempDir Path home) throws Exception {
        Path dir = home.resolve("keys");
        SigningKeys first = SigningKeys.create(dir);

        assertThatThrownBy(() -> SigningKeys.create(dir))
                .isInstanceOf(java.nio.file.FileAlreadyExistsException.class)
                .hasMessageContaining("never replaced");
        assertThat(SigningKeys.load(dir).keyId()).isEqualTo(first.keyId());
    }

    @Test
    void aPrivateKeyReadableByGroupOrOthersIsRefusedSayingWhatToFix(@TempDir Path home)
            throws Exception {
        Path dir = home.resolve("keys");
        SigningKeys.create(dir);
        Path privateKey = dir.resolve(SigningKeys.PRIVATE_KEY_FILE);
        Files.setPosixFilePermissions(privateKey, PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> SigningKeys.load(dir))
                .isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("open to group or others (mode rw-r--r--)")
                .hasMessageContaining("chmod 600 " + privateKey);

        Files.setPosixFilePermissions(privateKey, PosixFilePermissions.fromString("rw----r--"));
        assertThatThrownBy(() -> SigningKeys.load(dir)).hasMessageContaining("chmod 600");
        Files.setPosixFilePermissions(privateKey, PosixFilePermissions.fromString("r--------"));
        assertThat(SigningKeys.load(dir).keyId()).isNotEmpty();
    }

    @Test
    void keysAreNotCreatedInADirectoryOthersCanEnter(@TempDir Path home) throws Exception {
        Path dir = Files.createDirectory(home.resolve("shared"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));

        assertThatThrownBy(() -> SigningKeys.create(dir)).hasMessageContaining("chmod 700 " + dir);
        assertThat(dir.resolve(SigningKeys.PRIVATE_KEY_FILE)).doesNotExist();
    }

    @Test
    void aPublicKeyFileOfAnotherPairIsRefused(@TempDir Path home) throws Exception {
        Path one = home.resolve("one");
        Path two = home.resolve("two");
        SigningKeys.create(one);
        SigningKeys.create(two);
        Files.copy(
                two.resolve(SigningKeys.PUBLIC_KEY_FILE),
                one.resolve(SigningKeys.PUBLIC_KEY_FILE),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        assertThatThrownBy(() -> SigningKeys.load(one))
                .isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("not the public key");
    }
}
