package dev.lethe.jobs.testing;

import dev.lethe.jobs.config.JobSettings;
import java.util.ArrayList;
import java.util.List;

/**
 * Job settings whose servers are nowhere ({@code .invalid} addresses): a topology built with them
 * in a test must not connect anywhere, and would fail loudly if it tried.
 */
public final class OfflineSettings {

    private OfflineSettings() {}

    /** The settings, with {@code more} options (name, value, ...) after the offline addresses. */
    public static JobSettings of(String... more) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "--kafka-bootstrap",
                                "kafka.invalid:9092",
                                "--elasticsearch-url",
                                "http://elasticsearch.invalid:9200",
                                "--postgres-url",
                                "jdbc:postgresql://postgres.invalid:5432/helpdesk"));
        args.addAll(List.of(more));
        return JobSettings.parse(args.toArray(String[]::new));
    }
}
