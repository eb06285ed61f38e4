package dev.lethe.jobs.config;

import dev.lethe.keys.EnvMasterKeySource;
import dev.lethe.keys.FileMasterKeySource;
import dev.lethe.keys.MasterKeySource;
import java.io.Serializable;
import java.nio.file.Path;

/**
 * Opens the master key where a job runs (on the TaskManager, in {@code open()}); only this factory,
 * never the key, travels in the job graph.
 */
@FunctionalInterface
public interface MasterKeys extends Serializable {

    /** The local stack's master key file, relative to the TaskManager's {@code lethe.data}. */
    String DEFAULT_FILE = "secrets/master.key";

    MasterKeySource open() throws Exception;

    /**
     * The production source: env {@code LETHE_MASTER_KEY} (Base64) if set, else the file {@code
     * masterKeyFile}, created on first use; a relative path is resolved against the system property
     * {@code lethe.data} (the local stack's data directory) if set.
     */
    static MasterKeys fromProcess(String masterKeyFile) {
        return () -> source(masterKeyFile);
    }

    /** {@link #fromProcess(String)}'s source, opened now. */
    static MasterKeySource source(String masterKeyFile) {
        return System.getenv(EnvMasterKeySource.DEFAULT_VARIABLE) != null
                ? EnvMasterKeySource.fromEnvironment()
                : new FileMasterKeySource(resolveDataPath(masterKeyFile));
    }

    /** {@code path}, resolved against the system property {@code lethe.data} if relative. */
    static Path resolveDataPath(String path) {
        Path p = Path.of(path);
        String data = System.getProperty("lethe.data");
        return p.isAbsolute() || data == null ? p : Path.of(data).resolve(p);
    }
}
