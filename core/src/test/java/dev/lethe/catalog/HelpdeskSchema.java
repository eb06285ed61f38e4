package dev.lethe.catalog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * The helpdesk's own schema for core's database tests: the simulator's migrations, applied in order
 * from the source tree (core cannot depend on the simulator module).
 */
public final class HelpdeskSchema {

    private static final Path MIGRATIONS = Path.of("../simulator/src/main/resources/db/helpdesk");

    private HelpdeskSchema() {}

    public static void apply(DataSource db) throws Exception {
        List<Path> files;
        try (Stream<Path> listed = Files.list(MIGRATIONS)) {
            files = listed.filter(f -> f.toString().endsWith(".sql")).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IllegalStateException("no migrations in " + MIGRATIONS.toAbsolutePath());
        }
        try (Connection c = db.getConnection();
                Statement s = c.createStatement()) {
            for (Path file : files) {
                s.execute(Files.readString(file));
            }
        }
    }
}
