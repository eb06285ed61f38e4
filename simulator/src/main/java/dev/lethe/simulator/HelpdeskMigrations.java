package dev.lethe.simulator;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Brings a helpdesk database to the current schema ({@code classpath:db/helpdesk}): tables, replica
 * identity, the {@code lethe_helpdesk} publication Debezium reads and the email immutability
 * trigger.
 */
public final class HelpdeskMigrations {

    /** Where the helpdesk's versioned SQL migrations live on the classpath. */
    public static final String LOCATION = "classpath:db/helpdesk";

    private HelpdeskMigrations() {}

    /**
     * Applies every pending migration.
     *
     * @return the number of migrations applied by this call (0 when already current)
     */
    public static int migrate(String jdbcUrl, String user, String password) {
        return migrate(Flyway.configure().dataSource(jdbcUrl, user, password));
    }

    /** Applies every pending migration through {@code dataSource}; see {@link #migrate}. */
    public static int migrate(DataSource dataSource) {
        return migrate(Flyway.configure().dataSource(dataSource));
    }

    private static int migrate(org.flywaydb.core.api.configuration.FluentConfiguration config) {
        MigrateResult result =
                config.locations(LOCATION)
                        .loggers("slf4j")
                        .failOnMissingLocations(true)
                        .load()
                        .migrate();
        return result.migrationsExecuted;
    }
}
