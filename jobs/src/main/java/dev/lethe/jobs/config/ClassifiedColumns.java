package dev.lethe.jobs.config;

import dev.lethe.catalog.ColumnClassifications;
import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.catalog.RefreshingCatalog;
import java.io.Serializable;
import java.sql.Connection;
import java.util.List;

/**
 * Where an operator reads the columns classified at run time: {@code lethe.column_classifications}
 * of the helpdesk database ({@link ColumnClassifications}), as the job's own database user (which
 * has SELECT on it), one short connection per read (a read every {@value #REFRESH_MS} ms at most;
 * no pool kept open for it). Only the URL and user travel in the job graph; the password is read
 * where the operator runs ({@link Secrets}).
 */
public final class ClassifiedColumns {

    /** How often an operator reads the run-time classifications again. */
    public static final long REFRESH_MS = 5_000;

    private ClassifiedColumns() {}

    /** Opens, where the operator runs, the reader of the classifications. */
    @FunctionalInterface
    public interface Source extends Serializable {
        /** No run-time classifications: the catalog file alone. */
        Source NONE = () -> List::of;

        RefreshingCatalog.Loader open() throws Exception;

        /** How often the classifications are read again, in milliseconds. */
        default long refreshMillis() {
            return REFRESH_MS;
        }

        /** The catalog file with these classifications applied, read again as often as said. */
        default RefreshingCatalog follow(PersonalDataCatalog file) throws Exception {
            return new RefreshingCatalog(file, open(), refreshMillis());
        }
    }

    /** The classifications of the helpdesk database at {@code jdbcUrl}; none without a URL. */
    public static Source of(String jdbcUrl, String user) {
        if (jdbcUrl == null || jdbcUrl.isBlank()) {
            return Source.NONE;
        }
        return () ->
                () -> {
                    try (Connection c = HelpdeskDataSources.connect(jdbcUrl, user)) {
                        return ColumnClassifications.latest(c);
                    }
                };
    }
}
