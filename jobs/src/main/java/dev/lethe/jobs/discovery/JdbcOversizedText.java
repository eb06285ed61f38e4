package dev.lethe.jobs.discovery;

import dev.lethe.discovery.OversizedText;
import dev.lethe.jobs.config.HelpdeskDataSources;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link OversizedText} (and any {@link dev.lethe.discovery.RowReader} read: a ticket's contact for
 * {@link dev.lethe.discovery.ParentSubjects}) from the helpdesk database: {@code SELECT <column>
 * FROM <table> WHERE id = ?} by primary key, over a pool of one connection opened on first use. A
 * failure is logged by its SQL state and read as empty: an oversized value's location is then
 * written as "not scanned", never lost; a parent's subject is then not known for that row.
 */
final class JdbcOversizedText implements OversizedText, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcOversizedText.class);

    private final String jdbcUrl;
    private final String user;
    private DataSource pool;

    JdbcOversizedText(String jdbcUrl, String user) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
    }

    @Override
    public Optional<String> read(String table, String recordId, String column) {
        long id;
        try {
            id = Long.parseLong(recordId.substring(recordId.indexOf('/') + 1));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (!identifier(table) || !identifier(column)) {
            return Optional.empty();
        }
        if (pool == null) {
            pool = HelpdeskDataSources.pooled(jdbcUrl, user, "lethe-discovery-oversized", 1);
        }
        try (Connection c = pool.getConnection();
                PreparedStatement s =
                        c.prepareStatement(
                                "SELECT \""
                                        + column
                                        + "\"::text FROM \""
                                        + table
                                        + "\" WHERE id = ?")) {
            s.setLong(1, id);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.ofNullable(r.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            LOG.warn(
                    "cannot read {}.{} of a row back from the helpdesk (SQL state {})",
                    table,
                    column,
                    e.getSQLState());
            return Optional.empty();
        }
    }

    private static boolean identifier(String name) {
        return name.matches("[a-z_][a-z0-9_]*");
    }

    @Override
    public void close() throws Exception {
        if (pool instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }
}
