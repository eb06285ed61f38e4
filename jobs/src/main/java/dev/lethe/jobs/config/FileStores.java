package dev.lethe.jobs.config;

import dev.lethe.retention.FileStore;
import java.nio.file.Path;

/**
 * The file store of the helpdesk's attachments as the purge executor reaches it on a TaskManager:
 * the directory in env {@value #ATTACHMENT_DIR} if set, else {@code <lethe.data>/attachments} when
 * the TaskManager runs with the system property {@code lethe.data} (the local stack), else none
 * ({@link FileStore#UNCONFIGURED}: a purge of a row that names a file fails saying what to set,
 * never reports done with the file left).
 */
public final class FileStores {

    /** The environment variable naming the attachments directory. */
    public static final String ATTACHMENT_DIR = "LETHE_ATTACHMENT_DIR";

    private FileStores() {}

    public static FileStore fromProcess() {
        String dir = System.getenv(ATTACHMENT_DIR);
        if (dir == null || dir.isBlank()) {
            dir = System.getProperty(ATTACHMENT_DIR);
        }
        if (dir != null && !dir.isBlank()) {
            return FileStore.directory(Path.of(dir));
        }
        String data = System.getProperty("lethe.data");
        if (data != null && !data.isBlank()) {
            return FileStore.directory(Path.of(data).resolve("attachments"));
        }
        return FileStore.UNCONFIGURED;
    }
}
