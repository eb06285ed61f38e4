package dev.lethe.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.audit.Actor;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class LoadGeneratorITCase {

    @Test
    void performsEveryOperationTypeAndKeepsTheHelpdeskConsistent() throws Exception {
        DataSource ds = seededHelpdesk();
        Map<String, String> emailsBefore = emailsById(ds);
        HelpdeskPostgres.createDecodingSlot(ds, "load_test");

        LoadResult result =
                LoadGenerator.builder()
                        .dataSource(ds)
                        .rate(2_000)
                        .maxOperations(800)
                        .duration(Duration.ofMinutes(2))
                        .seed(3)
                        .build()
                        .run();

        assertThat(result.failed()).isZero();
        for (LoadOperation op : LoadOperation.values()) {
            assertThat(result.performed(op)).as(op.name()).isPositive();
        }
        // children never outlive their parents
        assertThat(
                        count(
                                ds,
                                "tickets t LEFT JOIN contacts c ON c.id = t.contact_id WHERE c.id IS NULL"))
                .isZero();
        assertThat(
                        count(
                                ds,
                                "threads x LEFT JOIN tickets t ON t.id = x.ticket_id WHERE t.id IS NULL"))
                .isZero();
        assertThat(
                        count(
                                ds,
                                "consents x LEFT JOIN contacts c ON c.id = x.contact_id WHERE c.id IS NULL"))
                .isZero();
        // soft deletes and restores happened, hard deletes removed rows
        assertThat(count(ds, "contacts WHERE deleted_at IS NOT NULL")).isPositive();
        Map<String, String> emailsAfter = emailsById(ds);
        assertThat(emailsBefore.keySet())
                .hasSizeGreaterThan(
                        emailsAfter.keySet().stream()
                                .filter(emailsBefore::containsKey)
                                .toList()
                                .size());
        // an email never changes
        emailsAfter.forEach(
                (id, email) -> {
                    if (emailsBefore.containsKey(id)) {
                        assertThat(email).isEqualTo(emailsBefore.get(id));
                    }
                });
        // every write opened with its actor
        List<DecodedTransactions.Transaction> writes =
                DecodedTransactions.of(HelpdeskPostgres.decodedChanges(ds, "load_test")).stream()
                        .filter(DecodedTransactions.Transaction::changesRows)
                        .toList();
        assertThat(writes).hasSize((int) result.total());
        assertThat(writes).allMatch(DecodedTransactions.Transaction::opensWithActor);
        assertThat(writes).allMatch(t -> t.actorMessages() == 1);
        assertThat(writes)
                .extracting(t -> t.actor().type())
                .contains(Actor.AGENT, Actor.CUSTOMER, Actor.SYSTEM);
    }

    @Test
    void theSameSeedOnTheSameDataMakesTheSameChanges() throws Exception {
        DataSource first = seededHelpdesk();
        DataSource second = seededHelpdesk();

        LoadResult a = run(first, 21);
        LoadResult b = run(second, 21);

        assertThat(b.performed()).isEqualTo(a.performed());
        assertThat(b.skipped()).isEqualTo(a.skipped());
        String fingerprint =
                "SELECT md5(string_agg(id || status || (deleted_at IS NULL) || subject,"
                        + " ',' ORDER BY id)) FROM tickets";
        assertThat(HelpdeskPostgres.strings(second, fingerprint))
                .isEqualTo(HelpdeskPostgres.strings(first, fingerprint));
        String contacts =
                "SELECT md5(string_agg(id || email || coalesce(phone, '') || coalesce(mobile, ''),"
                        + " ',' ORDER BY id)) FROM contacts";
        assertThat(HelpdeskPostgres.strings(second, contacts))
                .isEqualTo(HelpdeskPostgres.strings(first, contacts));
    }

    /**
     * Operations start on a fixed schedule, one every {@code 1/rate} s from the start, and none
     * after the duration: at most {@code rate * duration + 1} are attempted, however fast the
     * database. The lower bound (how close a machine comes to the rate) is a benchmark's question,
     * not a test's.
     */
    @Test
    void neverExceedsTheRequestedRate() throws Exception {
        DataSource ds = seededHelpdesk();

        LoadResult result =
                LoadGenerator.builder()
                        .dataSource(ds)
                        .rate(100)
                        .duration(Duration.ofSeconds(2))
                        .seed(1)
                        .build()
                        .run();

        long attempted =
                result.total()
                        + result.failed()
                        + result.skipped().values().stream().mapToLong(Long::longValue).sum();
        assertThat(result.failed()).isZero();
        assertThat(attempted).isBetween(1L, 201L);
    }

    @Test
    void stopsWhenAsked() throws Exception {
        DataSource ds = seededHelpdesk();
        LoadGenerator load =
                LoadGenerator.builder()
                        .dataSource(ds)
                        .rate(500)
                        .duration(Duration.ofHours(1))
                        .onProgress(Duration.ofMillis(50), progress -> {})
                        .build();

        CompletableFuture<LoadResult> running =
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return load.run();
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        });
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (load.snapshot().total() < 20) {
            if (running.isDone()) {
                running.get(); // throws what ended the generator
                throw new AssertionError(
                        "the generator ended after "
                                + load.snapshot().total()
                                + " operations, before it was asked to stop");
            }
            if (System.nanoTime() - deadline > 0) {
                load.stop();
                throw new AssertionError(
                        "the generator performed "
                                + load.snapshot().total()
                                + " operations in 60 s, expected 20 before stopping it");
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
        load.stop();

        LoadResult result = running.get(10, TimeUnit.SECONDS);
        assertThat(result.total()).isGreaterThanOrEqualTo(20);
        assertThat(result.elapsed()).isLessThan(Duration.ofSeconds(30));
    }

    private static LoadResult run(DataSource ds, long seed) throws Exception {
        return LoadGenerator.builder()
                .dataSource(ds)
                .rate(5_000)
                .maxOperations(300)
                .duration(Duration.ofMinutes(1))
                .seed(seed)
                .build()
                .run();
    }

    private static DataSource seededHelpdesk() throws Exception {
        DataSource ds = HelpdeskPostgres.migratedDatabase();
        HelpdeskGenerator.seed(ds, 150, 17, null);
        return ds;
    }

    private static long count(DataSource ds, String from) throws Exception {
        return HelpdeskPostgres.count(ds, "SELECT count(*) FROM " + from);
    }

    private static Map<String, String> emailsById(DataSource ds) throws Exception {
        Map<String, String> emails = new HashMap<>();
        for (String row : HelpdeskPostgres.strings(ds, "SELECT id || ' ' || email FROM contacts")) {
            String[] parts = row.split(" ", 2);
            emails.put(parts[0], parts[1]);
        }
        return emails;
    }
}
