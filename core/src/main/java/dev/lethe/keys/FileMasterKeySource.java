package dev.lethe.keys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master key in a file of exactly 32 random bytes. If the file does not exist it is created,
 * readable and writable by its owner only (0600, where the file system has POSIX permissions),
 * atomically: concurrent starts agree on one key. The key's id is its fingerprint ({@link
 * MasterKey#of(byte[])}) unless given.
 *
 * <p>Losing this file makes every data key, and so every encrypted value, unreadable: back it up
 * apart from the database.
 */
public final class FileMasterKeySource implements MasterKeySource {

    private static final Logger LOG = LoggerFactory.getLogger(FileMasterKeySource.class);
    private static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private final Path file;
    private final MasterKey key;

    /** Reads the key file, creating it first if absent; the id is the key's fingerprint. */
    public FileMasterKeySource(Path file) {
        this(file, null);
    }

    /**
     * Reads the key file, creating it first if absent.
     *
     * @param keyId the key's id, or null for its fingerprint
     */
    public FileMasterKeySource(Path file, String keyId) {
        this.file = file.toAbsolutePath();
        byte[] bytes = readOrCreate(this.file);
        this.key = keyId == null ? MasterKey.of(bytes) : MasterKey.of(keyId, bytes);
    }

    /** The key file. */
    public Path file() {
        return file;
    }

    @Override
    public MasterKey current() {
        return key;
    }

    private static byte[] readOrCreate(Path file) {
        try {
            if (!Files.exists(file)) {
                create(file);
            }
            warnIfOthersCanRead(file);
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length != MasterKey.LENGTH_BYTES) {
                throw new IllegalStateException(
                        "master key file "
                                + file
                                + " must hold exactly "
                                + MasterKey.LENGTH_BYTES
                                + " bytes, it holds "
                                + bytes.length);
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create master key file " + file, e);
        }
    }

    private static void create(Path file) throws IOException {
        Path dir = file.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".master-key", ".tmp", ownerOnly(dir));
        try {
            byte[] bytes = new byte[MasterKey.LENGTH_BYTES];
            new SecureRandom().nextBytes(bytes);
            Files.write(tmp, bytes);
            try {
                // a hard link publishes the complete file atomically and fails if one exists
                Files.createLink(file, tmp);
                LOG.info("created master key file {}", file);
            } catch (FileAlreadyExistsException someoneElseWon) {
                // another process created it first: use theirs
            } catch (UnsupportedOperationException noLinks) {
                try {
                    Files.move(tmp, file);
                    LOG.info("created master key file {}", file);
                } catch (FileAlreadyExistsException someoneElseWon) {
                    // another process created it first: use theirs
                }
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static FileAttribute<?>[] ownerOnly(Path dir) {
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)};
        }
        return new FileAttribute<?>[0];
    }

    private static void warnIfOthersCanRead(Path file) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (!OWNER_ONLY.containsAll(permissions)) {
                LOG.warn(
                        "master key file {} has permissions {}; it should be 0600 (rw-------)",
                        file,
                        PosixFilePermissions.toString(permissions));
            }
        }
    }

    @Override
    public String toString() {
        return "FileMasterKeySource[" + file + ", " + key.id() + "]";
    }
}
