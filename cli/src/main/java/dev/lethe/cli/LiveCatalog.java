package dev.lethe.cli;

import dev.lethe.catalog.ColumnClassifications;
import dev.lethe.catalog.PersonalDataCatalog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The catalog as the jobs apply it: the shipped catalog file with the columns classified at run
 * time ({@code ./lethe catalog classify}) read from the helpdesk database. A database without
 * Lethe's classifications table yet (before the first {@code up}) has none.
 */
final class LiveCatalog {

    private LiveCatalog() {}

    static PersonalDataCatalog read(Connection c) throws SQLException {
        return apply(c, PersonalDataCatalog.loadDefault());
    }

    /** The database's run-time classifications, latest per column; none before the first up. */
    static java.util.List<dev.lethe.catalog.ColumnClassification> classifications(Connection c)
            throws SQLException {
        try (PreparedStatement s =
                        c.prepareStatement(
                                "SELECT to_regclass('lethe.column_classifications') IS NOT NULL");
                ResultSet r = s.executeQuery()) {
            if (!r.next() || !r.getBoolean(1)) {
                return java.util.List.of();
            }
        }
        return ColumnClassifications.latest(c);
    }

    /** {@code file} with the database's run-time classifications applied. */
    static PersonalDataCatalog apply(Connection c, PersonalDataCatalog file) throws SQLException {
        try (PreparedStatement s =
                        c.prepareStatement(
                                "SELECT to_regclass('lethe.column_classifications') IS NOT NULL");
                ResultSet r = s.executeQuery()) {
            if (!r.next() || !r.getBoolean(1)) {
                return file;
            }
        }
        return ColumnClassifications.applied(c, file);
    }
}
