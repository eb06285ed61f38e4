package dev.lethe.testing;

import dev.lethe.local.StackSettings;
import dev.lethe.simulator.LoadGenerator;
import dev.lethe.simulator.LoadResult;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/** A steady {@code ./lethe load} on the shared stack's helpdesk, run in the background. */
public final class SteadyLoad {

    private SteadyLoad() {}

    /** Starts the load now; the future completes with its result when {@code duration} is over. */
    public static CompletableFuture<LoadResult> start(
            StackSettings s, int rate, Duration duration, long seed) {
        LoadGenerator load =
                LoadGenerator.builder()
                        .dataSource(dataSource(s))
                        .rate(rate)
                        .duration(duration)
                        .seed(seed)
                        .build();
        return load.runInBackground();
    }

    /** The helpdesk database as the stack's settings name it. */
    public static DataSource dataSource(StackSettings s) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(s.postgresJdbcUrl());
        ds.setUser(s.postgresUser());
        ds.setPassword(s.postgresPassword());
        return ds;
    }
}
