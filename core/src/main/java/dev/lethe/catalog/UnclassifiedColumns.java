package dev.lethe.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The columns of governed tables that the personal-data catalog does not classify: added by a
 * migration since the catalog was written. Until they are classified, the audit job encrypts their
 * values as personal data of the row's subject and discovery scans them as free text (fail safe);
 * {@code ./lethe status} and {@code ./lethe catalog check} name them. Read from the live schema
 * ({@code information_schema.columns} of the connection's current schema).
 */
public final class UnclassifiedColumns {

    private UnclassifiedColumns() {}

    /** {@code table.column} of every column the catalog does not know, sorted. */
    public static List<String> find(Connection c, PersonalDataCatalog catalog) throws SQLException {
        List<String> found = new ArrayList<>();
        for (String table : new TreeSet<>(catalog.tables())) {
            Set<String> columns = new TreeSet<>();
            try (PreparedStatement s =
                    c.prepareStatement(
                            "SELECT column_name FROM information_schema.columns"
                                    + " WHERE table_schema = current_schema() AND table_name = ?")) {
                s.setString(1, table);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        columns.add(r.getString(1));
                    }
                }
            }
            for (String column : catalog.unknownColumns(table, columns)) {
                found.add(table + "." + column);
            }
        }
        return found;
    }
}
