package dev.lethe.jobs.audit;

import dev.lethe.audit.SigningKeys;
import dev.lethe.catalog.ColumnClassifications;
import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.catalog.RefreshingCatalog;
import dev.lethe.jobs.config.ClassifiedColumns;
import dev.lethe.jobs.config.HelpdeskDataSources;
import dev.lethe.jobs.config.MasterKeys;
import dev.lethe.keys.JdbcSubjectKeyStore;
import dev.lethe.keys.MasterKeySource;
import dev.lethe.keys.SubjectKeyStore;
import java.io.Serializable;
import java.nio.file.Path;
import javax.sql.DataSource;

/**
 * What the audit job's operators open where they run: the catalog, the subject key store, the
 * master key Flink state is sealed under and the checkpoint signing keys. Only names and paths
 * travel in the job graph; keys and passwords are read on the TaskManager. Nothing here reads the
 * helpdesk's own tables: subjects are found in the changelog ({@link ResolveRowSubjects}, {@link
 * SubjectIdentifiers}); the key store lives in Lethe's own schema.
 *
 * @param catalogFile the catalog file, or empty for the one shipped with Lethe
 * @param stateKeys the master key the keys of sealed Flink state are derived from ({@link
 *     dev.lethe.jobs.state.StateCipher})
 */
public record AuditResources(
        String catalogFile,
        KeyStoreFactory keyStore,
        MasterKeys stateKeys,
        SigningKeysFactory signingKeys,
        ClassifiedColumns.Source classifications)
        implements Serializable {

    /** Resources without run-time classifications: the catalog file alone. */
    public AuditResources(
            String catalogFile,
            KeyStoreFactory keyStore,
            MasterKeys stateKeys,
            SigningKeysFactory signingKeys) {
        this(catalogFile, keyStore, stateKeys, signingKeys, ClassifiedColumns.Source.NONE);
    }

    /**
     * The catalog file with the run-time classifications ({@link ColumnClassifications}) applied,
     * read again every {@value ClassifiedColumns#REFRESH_MS} ms: a column classified while the job
     * runs applies from its next changes on.
     */
    public RefreshingCatalog openLiveCatalog() throws Exception {
        return classifications.follow(openCatalog());
    }

    /** Opens the subject key store. */
    public interface KeyStoreFactory extends Serializable {
        SubjectKeyStore open() throws Exception;
    }

    /**
     * Loads the Ed25519 keys checkpoints are signed with; never creates them (that is a setup step:
     * {@code ./lethe audit keys init}, or the local stack's first {@code up}).
     *
     * @throws SigningKeys.MissingSigningKeyException if there is no key where it should be
     */
    public interface SigningKeysFactory extends Serializable {
        SigningKeys open() throws Exception;
    }

    /**
     * The TaskManager's environment variable (or system property) naming the directory of the
     * signing key on a cluster; without it the key is in {@code <lethe.data>/secrets}.
     */
    public static final String SIGNING_KEY_DIR = "LETHE_AUDIT_SIGNING_KEY_DIR";

    public PersonalDataCatalog openCatalog() {
        return catalogFile == null || catalogFile.isBlank()
                ? PersonalDataCatalog.loadDefault()
                : PersonalDataCatalog.load(Path.of(catalogFile));
    }

    /**
     * The production resources: the key store in the helpdesk database (schema {@code lethe}), its
     * master key from env {@code LETHE_MASTER_KEY} or else the file {@code masterKeyFile}; the
     * signing keys loaded (never created) from the directory named by the TaskManager's {@value
     * #SIGNING_KEY_DIR}, else from {@code signingKeyDir}; Flink state sealed under the same master
     * key. A relative path is resolved against the TaskManager's system property {@code lethe.data}
     * (the local stack's data directory) if set.
     */
    public static AuditResources production(
            String catalogFile,
            String jdbcUrl,
            String user,
            String masterKeyFile,
            String signingKeyDir) {
        KeyStoreFactory keyStore =
                () -> {
                    DataSource ds = HelpdeskDataSources.pooled(jdbcUrl, user, "lethe-key-store", 4);
                    MasterKeySource master = MasterKeys.source(masterKeyFile);
                    JdbcSubjectKeyStore store =
                            JdbcSubjectKeyStore.builder()
                                    .dataSource(ds)
                                    .masterKeys(master)
                                    .closeDataSourceOnClose()
                                    .build();
                    store.createSchema();
                    return store;
                };
        SigningKeysFactory signing = () -> SigningKeys.load(signingKeyDir(signingKeyDir));
        ClassifiedColumns.Source classifications = ClassifiedColumns.of(jdbcUrl, user);
        return new AuditResources(
                catalogFile,
                keyStore,
                MasterKeys.fromProcess(masterKeyFile),
                signing,
                classifications);
    }

    /** Where the signing key is read on this TaskManager. */
    static Path signingKeyDir(String fallback) {
        String given = System.getenv(SIGNING_KEY_DIR);
        if (given == null || given.isBlank()) {
            given = System.getProperty(SIGNING_KEY_DIR);
        }
        return resolve(given == null || given.isBlank() ? fallback : given);
    }

    static Path resolve(String path) {
        return MasterKeys.resolveDataPath(path);
    }
}
