package dev.lethe.cli;

import dev.lethe.local.StackOptions;
import dev.lethe.local.StackSettings;
import dev.lethe.simulator.LoadGenerator;
import dev.lethe.simulator.LoadOperation;
import dev.lethe.simulator.LoadResult;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "load",
        description = {
            "Runs a steady mixed workload against the helpdesk: inserts, updates, soft deletes,"
                    + " restores and hard deletes, each its own transaction with an actor.",
            "Ctrl-C stops it early and prints what was done."
        },
        mixinStandardHelpOptions = true)
final class LoadCommand implements Callable<Integer> {

    @Mixin StackOptions options;

    @Option(
            names = "--rate",
            defaultValue = "50",
            description = "Operations per second (default 50).")
    double rate;

    @Option(
            names = "--duration",
            defaultValue = "1m",
            converter = DurationConverter.class,
            description = "How long to run, e.g. 30s, 5m, 1h (default 1m).")
    Duration duration;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default 1).")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (rate <= 0) {
            throw new IllegalArgumentException("--rate must be above 0, got " + rate);
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("--duration must be positive, got " + duration);
        }
        StackSettings s = options.resolve();
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(s.postgresJdbcUrl());
        ds.setUser(s.postgresUser());
        ds.setPassword(s.postgresPassword());
        LoadGenerator load =
                LoadGenerator.builder()
                        .dataSource(ds)
                        .rate(rate)
                        .duration(duration)
                        .seed(seed)
                        .onProgress(Duration.ofSeconds(5), p -> print("progress", p))
                        .build();
        Thread stopper = new Thread(load::stop, "load-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        LoadResult r = load.run();
        try {
            Runtime.getRuntime().removeShutdownHook(stopper);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C: the hook already asked the generator to stop
        }
        print("done", r);
        return r.failed() == 0 ? 0 : 1;
    }

    private static void print(String what, LoadResult r) {
        StringBuilder ops = new StringBuilder();
        for (LoadOperation op : LoadOperation.values()) {
            ops.append(' ').append(op.name().toLowerCase()).append('=').append(r.performed(op));
        }
        System.out.printf(
                "%s: %d ops in %.1f s (%.1f/s), failed=%d:%s%n",
                what,
                r.total(),
                r.elapsed().toMillis() / 1000.0,
                r.achievedRate(),
                r.failed(),
                ops);
    }
}
