package dev.lethe.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The local stack's generated secrets: one owner-only file each under {@code <data-dir>/secrets}.
 */
public final class LocalSecrets {

    private LocalSecrets() {}

    /**
     * The secret {@code name}, made on first use of {@code bytes} random bytes (written as
     * base64url); the directory is 0700 and the file 0600.
     */
    public static synchronized String get(Path secretsDir, String name, int bytes)
            throws IOException {
        Path f = secretsDir.resolve(name);
        if (!Files.exists(f)) {
            Files.createDirectories(secretsDir);
            Files.setPosixFilePermissions(secretsDir, PosixFilePermissions.fromString("rwx------"));
            byte[] b = new byte[bytes];
            new SecureRandom().nextBytes(b);
            Path tmp = Files.createTempFile(secretsDir, name, ".tmp");
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            Files.writeString(
                    tmp,
                    Base64.getUrlEncoder().withoutPadding().encodeToString(b),
                    StandardCharsets.UTF_8);
            Files.move(tmp, f, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        return Files.readString(f, StandardCharsets.UTF_8).trim();
    }
}
