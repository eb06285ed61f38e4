package dev.lethe.bench;

import dev.lethe.simulator.HelpdeskMigrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The cost of the helpdesk's actor trigger (migration V5: a statement-level trigger on every
 * captured table that emits the {@code lethe.actor} message once per transaction that named no
 * actor) per statement, on an embedded PostgreSQL (wal_level=logical, as the stack runs it) with
 * the helpdesk schema: single-row updates of {@code contacts} by id, in transactions of one and of
 * ten statements, with the trigger enabled against the same statements with it disabled, rounds
 * alternating (paired), in the same run. Reports the median ratio and the spread over rounds.
 */
@Command(
        name = "actor-trigger",
        mixinStandardHelpOptions = true,
        description =
                "Cost per statement of the helpdesk's actor trigger (V5) against the same"
                        + " statements without it, in transactions of 1 and 10 statements.")
final class ActorTriggerBench implements Callable<Integer> {

    @Option(
            names = "--statements",
            defaultValue = "20000",
            description = "Statements per round and variant (default 20000).")
    int statements;

    @Option(names = "--rounds", defaultValue = "5", description = "Paired rounds (default 5).")
    int rounds;

    private static final int CONTACTS = 1000;

    @Override
    public Integer call() throws Exception {
        if (statements < 100 || rounds < 1) {
            throw new IllegalArgumentException("--statements must be >= 100 and --rounds >= 1");
        }
        try (EmbeddedPostgres pg =
                EmbeddedPostgres.builder().setServerConfig("wal_level", "logical").start()) {
            DataSource db = pg.getPostgresDatabase();
            HelpdeskMigrations.migrate(db);
            try (Connection c = db.getConnection();
                    Statement st = c.createStatement()) {
                st.execute(
                        "INSERT INTO contacts (id, email) SELECT g, 'c' || g || '@example.eu'"
                                + " FROM generate_series(1, "
                                + CONTACTS
                                + ") g");
            }
            System.out.println(BenchStacks.besideLine(BenchStacks.EMBEDDED_POSTGRES));
            System.out.printf(
                    "actor trigger: %d single-row UPDATEs of contacts per variant and round, %d"
                            + " rounds%n",
                    statements, rounds);
            System.out.printf(
                    "%-28s %14s %14s %10s %s%n",
                    "transaction", "without µs/st", "with µs/st", "ratio", "ratio range");
            for (int perTx : new int[] {1, 10}) {
                List<Double> ratios = new ArrayList<>();
                List<Double> without = new ArrayList<>();
                List<Double> with = new ArrayList<>();
                run(db, perTx, false, statements / 10); // warm-up
                run(db, perTx, true, statements / 10);
                for (int r = 0; r < rounds; r++) {
                    double off = run(db, perTx, false, statements);
                    double on = run(db, perTx, true, statements);
                    without.add(off);
                    with.add(on);
                    ratios.add(on / off);
                }
                System.out.printf(
                        "%-28s %14.1f %14.1f %9.2fx %.2f-%.2fx%n",
                        perTx + " statement(s) per tx",
                        median(without),
                        median(with),
                        median(ratios),
                        Collections.min(ratios),
                        Collections.max(ratios));
            }
        }
        return 0;
    }

    /** Microseconds per statement of {@code n} updates, {@code perTx} per transaction. */
    private static double run(DataSource db, int perTx, boolean trigger, int n) throws Exception {
        try (Connection c = db.getConnection()) {
            try (Statement st = c.createStatement()) {
                st.execute(
                        "ALTER TABLE contacts "
                                + (trigger ? "ENABLE" : "DISABLE")
                                + " TRIGGER lethe_actor");
            }
            c.setAutoCommit(false);
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE contacts SET locale = ? WHERE id = ?")) {
                long start = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    ps.setString(1, (i & 1) == 0 ? "de" : "fr");
                    ps.setInt(2, 1 + i % CONTACTS);
                    ps.executeUpdate();
                    if ((i + 1) % perTx == 0) {
                        c.commit();
                    }
                }
                c.commit();
                return (System.nanoTime() - start) / 1000.0 / n;
            }
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
