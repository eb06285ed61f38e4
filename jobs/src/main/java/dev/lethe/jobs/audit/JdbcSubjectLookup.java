package dev.lethe.jobs.audit;

import dev.lethe.jobs.config.Secrets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Follows subject paths in the helpdesk database, read-only, with a small LRU cache (a ticket's
 * contact does not change in practice; a stale entry only matters if it does, and then only until
 * it is evicted).
 *
 * <p>Why a query and not keyed Flink state: the ticket a thread belongs to arrives on another topic
 * than the thread, in either order, so state would have to hold threads back until their ticket was
 * seen; the database already knows. The query reads ids only, never personal values.
 */
public final class JdbcSubjectLookup implements SubjectLookup {

    static final int CACHE_SIZE = 10_000;
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");

    private final Connection connection;
    private final Map<String, Optional<String>> cache =
            new LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Optional<String>> eldest) {
                    return size() > CACHE_SIZE;
                }
            };

    JdbcSubjectLookup(Connection connection) {
        this.connection = connection;
    }

    /** A factory that connects with {@code user} and the password from {@link Secrets}. */
    public static Factory factory(String jdbcUrl, String user) {
        return () -> {
            Properties p = new Properties();
            p.setProperty("user", user);
            Secrets.ofProcess()
                    .find(Secrets.POSTGRES_PASSWORD)
                    .ifPresent(pw -> p.setProperty("password", pw));
            Connection c = DriverManager.getConnection(jdbcUrl, p);
            c.setReadOnly(true);
            c.setAutoCommit(true);
            return new JdbcSubjectLookup(c);
        };
    }

    @Override
    public Optional<String> value(String table, String keyColumn, String keyValue, String column) {
        String cacheKey = table + '\u0000' + keyColumn + '\u0000' + keyValue + '\u0000' + column;
        Optional<String> cached = cache.get(cacheKey);
        if (cached != null) {
            return cached;
        }
        String sql =
                "SELECT "
                        + identifier(column)
                        + "::text FROM "
                        + identifier(table)
                        + " WHERE "
                        + identifier(keyColumn)
                        + "::text = ?";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, keyValue);
            try (ResultSet rs = ps.executeQuery()) {
                Optional<String> value =
                        rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
                if (value.isPresent()) {
                    cache.put(cacheKey, value);
                }
                return value;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "reading " + table + "." + column + " by " + keyColumn + " failed", e);
        }
    }

    private static String identifier(String name) {
        if (!IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("not a plain SQL identifier: " + name);
        }
        return name;
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
