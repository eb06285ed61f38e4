package dev.lethe.jobs.config;

import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;

/**
 * Connections to the helpdesk database for operators on a TaskManager: a small pool, because
 * opening a PostgreSQL connection per key lookup or purge made those the jobs' bottleneck. The
 * password comes from {@link Secrets#postgresPassword}, never from the job graph.
 */
public final class HelpdeskDataSources {

    private HelpdeskDataSources() {}

    /** One connection, for one-off work such as creating tables when a job is submitted. */
    public static java.sql.Connection connect(String jdbcUrl, String user)
            throws java.sql.SQLException {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("user", user);
        Secrets.ofProcess().postgresPassword(user).ifPresent(pw -> p.setProperty("password", pw));
        return java.sql.DriverManager.getConnection(jdbcUrl, p);
    }

    public static DataSource pooled(String jdbcUrl, String user, String poolName, int size) {
        HikariDataSource ds = new HikariDataSource();
        ds.setJdbcUrl(jdbcUrl);
        ds.setUsername(user);
        Secrets.ofProcess().postgresPassword(user).ifPresent(ds::setPassword);
        ds.setMaximumPoolSize(size);
        ds.setMinimumIdle(1);
        ds.setPoolName(poolName);
        return ds;
    }
}
