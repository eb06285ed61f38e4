package dev.lethe.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterKeySourceTest {

    @TempDir Path dir;

    @Test
    void createsAMissingKeyFileWithOwnerOnlyPermissions() throws IOException {
        Path file = dir.resolve("keys/master.key");

        FileMasterKeySource source = new FileMasterKeySource(file);

        assertThat(Files.size(file)).isEqualTo(32);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(source.current().key().getEncoded()).isEqualTo(Files.readAllBytes(file));
        try (var leftovers = Files.list(file.getParent())) {
            assertThat(leftovers).containsExactly(file);
        }
    }

    @Test
    void readsTheSameKeyAndIdAgain() {
        Path file = dir.resolve("master.key");
        MasterKey first = new FileMasterKeySource(file).current();

        MasterKey again = new FileMasterKeySource(file).current();

        assertThat(again.key().getEncoded()).isEqualTo(first.key().getEncoded());
        assertThat(again.id()).isEqualTo(first.id()).startsWith("sha256:").hasSize(23);
        assertThat(again.toString()).doesNotContain(Arrays.toString(first.key().getEncoded()));
    }

    @Test
    void differentKeysHaveDifferentIds() {
        MasterKey one = new FileMasterKeySource(dir.resolve("one.key")).current();
        MasterKey two = new FileMasterKeySource(dir.resolve("two.key")).current();

        assertThat(one.id()).isNotEqualTo(two.id());
        assertThat(one.key().getEncoded()).isNotEqualTo(two.key().getEncoded());
    }

    @Test
    void refusesAKeyFileOfTheWrongLength() throws IOException {
        Path file = dir.resolve("short.key");
        Files.write(file, new byte[16]);

        assertThatThrownBy(() -> new FileMasterKeySource(file))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("must hold exactly 32 bytes, it holds 16");
    }

    @Test
    void readsTheKeyFromAnEnvironmentVariableWithAnExplicitId() {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 7);
        Map<String, String> env =
                Map.of("LETHE_MASTER_KEY", Base64.getEncoder().encodeToString(key));

        EnvMasterKeySource source = new EnvMasterKeySource("LETHE_MASTER_KEY", env, "2026-01");

        assertThat(source.current().id()).isEqualTo("2026-01");
        assertThat(source.current().key().getEncoded()).isEqualTo(key);
        assertThat(source.byId("2026-01")).contains(source.current());
        assertThat(source.byId("2025-01")).isEmpty();
        assertThat(new EnvMasterKeySource("LETHE_MASTER_KEY", env, null).current().id())
                .isEqualTo(MasterKey.of(key).id());
    }

    @Test
    void explainsAMissingOrBrokenVariableWithoutItsValue() {
        assertThatThrownBy(() -> new EnvMasterKeySource("LETHE_MASTER_KEY", Map.of(), null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "environment variable LETHE_MASTER_KEY with the Base64 master key is not set");
        assertThatThrownBy(
                        () -> new EnvMasterKeySource("K", Map.of("K", "s3cr3t-not-base64!"), null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("environment variable K is not valid Base64");
        assertThatThrownBy(
                        () ->
                                new EnvMasterKeySource(
                                        "K",
                                        Map.of(
                                                "K",
                                                Base64.getEncoder().encodeToString(new byte[31])),
                                        null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("it holds 31");
    }
}
