package dev.lethe.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The columns classified at run time, in Lethe's schema of the helpdesk database: {@code
 * lethe.column_classifications}, one row per classification, never updated (the latest row of a
 * column is its classification; the earlier ones are its history). {@code ./lethe catalog classify}
 * writes a row; the jobs read the latest of each column every few seconds ({@link
 * RefreshingCatalog}), so a classification applies without a restart. Not captured by Debezium
 * (schema {@code lethe}); the classification's audit entry comes from {@code ./lethe catalog
 * classify} through {@code lethe.audit.requests}.
 */
public final class ColumnClassifications {

    /** Creates the table if it is missing (as the owner of schema {@code lethe}). */
    public static final List<String> DDL =
            List.of(
                    "CREATE SCHEMA IF NOT EXISTS lethe",
                    "CREATE TABLE IF NOT EXISTS lethe.column_classifications ("
                            + " seq BIGSERIAL PRIMARY KEY,"
                            + " table_name TEXT NOT NULL,"
                            + " column_name TEXT NOT NULL,"
                            + " category TEXT NOT NULL,"
                            + " personal BOOLEAN NOT NULL,"
                            + " classified_by TEXT NOT NULL,"
                            + " classified_at TIMESTAMPTZ NOT NULL,"
                            + " note TEXT NOT NULL DEFAULT '')");

    /**
     * The latest row per column, of columns the helpdesk's tables have now: a classified column
     * dropped since is left out (what reads the catalog's columns from the table, an export or an
     * erasure, would name a column that is not there), and applies again if a column of that name
     * is added back. {@code pg_attribute}, not {@code information_schema}: a role sees every
     * column's name there, whatever its privileges on the table.
     */
    private static final String LATEST =
            "SELECT DISTINCT ON (k.table_name, k.column_name) k.table_name, k.column_name,"
                    + " k.category, k.personal, k.classified_by, k.classified_at, k.note"
                    + " FROM lethe.column_classifications k"
                    + " WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a"
                    + " JOIN pg_catalog.pg_class t ON t.oid = a.attrelid"
                    + " JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace"
                    + " WHERE n.nspname = 'public' AND t.relname = k.table_name"
                    + " AND a.attname = k.column_name AND a.attnum > 0 AND NOT a.attisdropped)"
                    + " ORDER BY k.table_name, k.column_name, k.seq DESC";

    private ColumnClassifications() {}

    /** Creates the table (idempotent). */
    public static void createSchema(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String ddl : DDL) {
                st.execute(ddl);
            }
        }
    }

    /** Appends a classification. */
    public static void record(Connection c, ColumnClassification classification)
            throws SQLException {
        try (PreparedStatement s =
                c.prepareStatement(
                        "INSERT INTO lethe.column_classifications (table_name, column_name,"
                                + " category, personal, classified_by, classified_at, note)"
                                + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, classification.table());
            s.setString(2, classification.column());
            s.setString(3, classification.category().catalogName());
            s.setBoolean(4, classification.personal());
            s.setString(5, classification.classifiedBy());
            s.setTimestamp(6, Timestamp.from(classification.classifiedAt()));
            s.setString(7, classification.note());
            s.executeUpdate();
        }
    }

    /**
     * The latest classification of every column the tables have now, sorted by table and column
     * ({@link #LATEST}). A row whose category this version of Lethe does not know is skipped (it
     * was written by a newer one): the column stays unclassified, which is the safe side.
     */
    public static List<ColumnClassification> latest(Connection c) throws SQLException {
        List<ColumnClassification> out = new ArrayList<>();
        try (Statement st = c.createStatement();
                ResultSet r = st.executeQuery(LATEST)) {
            while (r.next()) {
                Optional<DataCategory> category = DataCategory.fromCatalogName(r.getString(3));
                if (category.isEmpty()) {
                    continue;
                }
                try {
                    out.add(
                            new ColumnClassification(
                                    r.getString(1),
                                    r.getString(2),
                                    category.get(),
                                    r.getBoolean(4),
                                    r.getString(5),
                                    r.getTimestamp(6).toInstant(),
                                    r.getString(7)));
                } catch (IllegalArgumentException e) {
                    // a row not written by Lethe (a name that is no plain identifier): ignored
                }
            }
        }
        return out;
    }

    /** The catalog with the database's classifications applied. */
    public static PersonalDataCatalog applied(Connection c, PersonalDataCatalog catalog)
            throws SQLException {
        return catalog.withClassifications(latest(c));
    }
}
