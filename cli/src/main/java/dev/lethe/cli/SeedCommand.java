package dev.lethe.cli;

import dev.lethe.local.StackOptions;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import dev.lethe.simulator.HelpdeskGenerator;
import dev.lethe.simulator.SeedResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "seed",
        description = {
            "Writes realistic, multilingual helpdesk data (contacts with their tickets, threads,"
                    + " comments, attachments and consents; personal data inside free text too),"
                    + " deterministic by --seed, and a ground-truth file saying which person's data"
                    + " was placed where."
        },
        mixinStandardHelpOptions = true)
final class SeedCommand implements Callable<Integer> {

    @Mixin StackOptions options;

    @Option(names = "--contacts", required = true, description = "How many contacts to create.")
    int contacts;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default 42).")
    long seed;

    @Option(
            names = "--ground-truth",
            description =
                    "Where to write the ground truth (JSON lines); default"
                            + " <data-dir>/ground-truth/seed-<seed>-<contacts>.jsonl.")
    Path groundTruth;

    @Override
    public Integer call() throws Exception {
        if (contacts < 1) {
            throw new IllegalArgumentException("--contacts must be at least 1, got " + contacts);
        }
        StackSettings s = options.resolve();
        Path truth =
                groundTruth != null
                        ? groundTruth
                        : s.dataDir()
                                .resolve("ground-truth")
                                .resolve("seed-" + seed + "-" + contacts + ".jsonl");
        Files.createDirectories(truth.toAbsolutePath().getParent());
        SeedResult r;
        try (Connection c = StackProbe.connectPostgres(s)) {
            r = HelpdeskGenerator.seed(c, contacts, seed, truth);
        }
        System.out.printf(
                "seeded %d contacts (ids %d..%d), %d tickets, %d threads, %d comments, %d"
                        + " attachments, %d consents in %d transactions, %.1f s%n"
                        + "ground truth: %s (%d items)%n",
                r.contacts(),
                r.firstContactId(),
                r.lastContactId(),
                r.tickets(),
                r.threads(),
                r.comments(),
                r.attachments(),
                r.consents(),
                r.transactions(),
                r.elapsed().toMillis() / 1000.0,
                r.groundTruth(),
                r.groundTruthItems());
        return 0;
    }
}
