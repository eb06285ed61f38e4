package dev.lethe.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The tables of the helpdesk's schema that the personal-data catalog does not name: created by a
 * migration since the catalog was written. Lethe captures, logs and indexes only the tables of its
 * catalog, so such a table's rows are outside governance until it is added (with {@code subject:
 * none} when it holds no personal data); {@code ./lethe status} and {@code ./lethe catalog check}
 * name them. Lethe's own tables ({@code lethe_*}) and Flyway's history table are not the
 * helpdesk's. Read from the live schema ({@code pg_class} of the connection's current schema:
 * tables and partitioned tables, not views).
 */
public final class UngovernedTables {

    /** The migration tool's history table, in the helpdesk's schema when Lethe migrates it. */
    static final String MIGRATION_HISTORY = "flyway_schema_history";

    private UngovernedTables() {}

    /** The name of every table the catalog does not name, sorted. */
    public static List<String> find(Connection c, PersonalDataCatalog catalog) throws SQLException {
        List<String> found = new ArrayList<>();
        try (PreparedStatement s =
                        c.prepareStatement(
                                "SELECT c.relname FROM pg_class c"
                                        + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                                        + " WHERE n.nspname = current_schema()"
                                        + " AND c.relkind IN ('r', 'p') AND NOT c.relispartition"
                                        + " ORDER BY c.relname");
                ResultSet r = s.executeQuery()) {
            while (r.next()) {
                String table = r.getString(1);
                if (!table.startsWith("lethe_")
                        && !table.equals(MIGRATION_HISTORY)
                        && catalog.table(table).isEmpty()) {
                    found.add(table);
                }
            }
        }
        return found;
    }
}
