package dev.lethe.jobs.testing;

import dev.lethe.jobs.config.MasterKeys;
import dev.lethe.keys.MasterKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/**
 * A fresh master key in a test's data directory, with {@code lethe.data} pointing at it (the jobs'
 * operators open their state keys from there); {@link #restore()} puts the property back.
 */
public final class TestMasterKey {

    private final String previous;

    private TestMasterKey(String previous) {
        this.previous = previous;
    }

    /**
     * Writes a random key (owner-only) into {@code dataDir} and points {@code lethe.data} at it.
     */
    public static TestMasterKey install(Path dataDir) throws IOException {
        String previous = System.getProperty("lethe.data");
        System.setProperty("lethe.data", dataDir.toString());
        Path key = MasterKeys.resolveDataPath(MasterKeys.DEFAULT_FILE);
        Files.createDirectories(key.getParent());
        byte[] bytes = new byte[MasterKey.LENGTH_BYTES];
        new SecureRandom().nextBytes(bytes);
        Files.write(key, bytes);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        return new TestMasterKey(previous);
    }

    /** {@code lethe.data} as it was before {@link #install}. */
    public void restore() {
        if (previous == null) {
            System.clearProperty("lethe.data");
        } else {
            System.setProperty("lethe.data", previous);
        }
    }
}
