package dev.lethe.retention;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Where the helpdesk keeps the bytes of files its rows point to (an attachment's {@code
 * storage_key}, declared {@code stores_file: true} in the catalog). The purge executor deletes a
 * row's files through it before the row's receipt can say {@code done}; deleting is idempotent (a
 * file already gone is fine).
 */
public interface FileStore {

    /**
     * Deletes the file {@code key} names; nothing if it is already gone.
     *
     * @throws IOException if it cannot be deleted (the purge fails and is retried), or the key is
     *     not a key of this store (names the problem, never the key)
     */
    void delete(String key) throws IOException;

    /** A store that is not configured: every delete fails saying what to set. */
    FileStore UNCONFIGURED =
            key -> {
                throw new IOException(
                        "FILE_STORE_NOT_CONFIGURED: a purged row names a stored file; set"
                                + " LETHE_ATTACHMENT_DIR (or run the job with lethe.data) so"
                                + " that it can be deleted");
            };

    /** Files in a local directory: {@code key} is a relative path below it. */
    static FileStore directory(Path root) {
        Path base = root.toAbsolutePath().normalize();
        return key -> {
            if (key == null
                    || key.isBlank()
                    || key.indexOf('\0') >= 0
                    || key.indexOf('\\') >= 0
                    || key.startsWith("/")) {
                throw new IOException("INVALID_FILE_KEY: not a relative path in the store");
            }
            Path file;
            try {
                file = base.resolve(key).normalize();
            } catch (InvalidPathException e) {
                throw new IOException("INVALID_FILE_KEY: not a path");
            }
            if (!file.startsWith(base) || file.equals(base)) {
                throw new IOException("INVALID_FILE_KEY: outside the store");
            }
            Files.deleteIfExists(file);
        };
    }
}
