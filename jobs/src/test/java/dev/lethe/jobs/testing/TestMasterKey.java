package dev.lethe.jobs.testing;

import dev.lethe.jobs.config.MasterKeys;
import dev.lethe.keys.MasterKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh master key in a test's data directory, with {@code lethe.data} pointing at it (the jobs'
 * operators open their state keys from there); {@link #restore()} puts the property back. A test
 * class that needs one for all its tests registers {@link #perClass()}.
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

    /**
     * A JUnit extension for a static {@code @RegisterExtension} field: before the class's tests, a
     * key in a data directory of its own, {@code lethe.data} pointing at it; after them, the
     * property as it was and the directory deleted.
     */
    public static PerClass perClass() {
        return new PerClass();
    }

    /** See {@link #perClass()}. */
    public static final class PerClass implements BeforeAllCallback, AfterAllCallback {

        private Path dataDir;
        private TestMasterKey key;

        private PerClass() {}

        @Override
        public void beforeAll(ExtensionContext context) throws IOException {
            dataDir = Files.createTempDirectory("lethe-data");
            key = install(dataDir);
        }

        @Override
        public void afterAll(ExtensionContext context) throws IOException {
            key.restore();
            try (Stream<Path> files = Files.walk(dataDir)) {
                for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                    Files.delete(p);
                }
            }
        }
    }
}
