package dev.lethe.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.audit.Actor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HelpdeskSeedITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TEXT_COLUMNS =
            Set.of(
                    "tickets.subject",
                    "tickets.description",
                    "threads.content",
                    "comments.content",
                    "attachments.file_name",
                    "threads.from_address",
                    "threads.to_address",
                    "contacts.first_name",
                    "contacts.last_name",
                    "contacts.email",
                    "contacts.phone",
                    "contacts.mobile",
                    "contacts.twitter_handle");

    @TempDir Path dir;

    @Test
    void writesTheContactsAndAGroundTruthThatMatchesTheRows() throws Exception {
        DataSource ds = HelpdeskPostgres.migratedDatabase();
        Path truthFile = dir.resolve("truth/ground-truth.jsonl");

        SeedResult result = HelpdeskGenerator.seed(ds, 600, 11, truthFile);

        assertThat(HelpdeskPostgres.count(ds, "SELECT count(*) FROM contacts")).isEqualTo(600);
        assertThat(result.contacts()).isEqualTo(600);
        assertThat(HelpdeskPostgres.count(ds, "SELECT count(*) FROM tickets"))
                .isEqualTo(result.tickets())
                .isGreaterThan(600);
        assertThat(HelpdeskPostgres.count(ds, "SELECT count(*) FROM threads"))
                .isEqualTo(result.threads());
        assertThat(HelpdeskPostgres.count(ds, "SELECT count(*) FROM attachments"))
                .isEqualTo(result.attachments());
        assertThat(
                        HelpdeskPostgres.count(
                                ds,
                                "SELECT count(*) FROM custom_field_definitions WHERE encrypted"))
                .isEqualTo(2);

        List<GroundTruthItem> truth =
                Files.readAllLines(truthFile).stream().map(HelpdeskSeedITCase::parse).toList();
        assertThat(truth).hasSize((int) result.groundTruthItems()).hasSizeGreaterThan(5_000);
        Map<Long, String> emailById = emails(ds);
        try (Connection c = ds.getConnection()) {
            for (GroundTruthItem item : truth) {
                assertThat(emailById).containsEntry(item.subjectContactId(), item.subjectEmail());
                String stored = stored(c, item);
                if (item.start() != null) {
                    assertThat(stored.substring(item.start(), item.end()))
                            .as("%s.%s of row %d", item.table(), item.column(), item.rowId())
                            .isEqualTo(item.value());
                } else {
                    assertThat(stored).isEqualTo(item.value());
                }
            }
        }
    }

    @Test
    void everySeedTransactionOpensWithTheSeedersActor() throws Exception {
        DataSource ds = HelpdeskPostgres.migratedDatabase();
        HelpdeskPostgres.createDecodingSlot(ds, "seed_test");

        SeedResult result = HelpdeskGenerator.seed(ds, 520, 3, null);

        List<DecodedTransactions.Transaction> writes =
                DecodedTransactions.of(HelpdeskPostgres.decodedChanges(ds, "seed_test")).stream()
                        .filter(DecodedTransactions.Transaction::changesRows)
                        .toList();
        assertThat(writes).hasSize((int) result.transactions()).hasSize(4);
        assertThat(writes).allMatch(DecodedTransactions.Transaction::opensWithActor);
        assertThat(writes)
                .extracting(DecodedTransactions.Transaction::actor)
                .extracting(Actor::type)
                .containsOnly("system");
    }

    @Test
    void seedingAgainAddsNewContactsWithoutCollisions() throws Exception {
        DataSource ds = HelpdeskPostgres.migratedDatabase();

        HelpdeskGenerator.seed(ds, 300, 5, null);
        SeedResult second = HelpdeskGenerator.seed(ds, 300, 5, null);

        assertThat(HelpdeskPostgres.count(ds, "SELECT count(*) FROM contacts")).isEqualTo(600);
        assertThat(second.firstContactId()).isGreaterThan(300);
    }

    /**
     * The seed at the scale of the benchmarks: every row it reports is in the database and every
     * ground-truth item it counts is in the file. How fast it seeds is a benchmark's question, not
     * a test's: a shared or slow machine must not fail it.
     */
    @Test
    void seedsTenThousandContactsAndCountsEveryRowItWrote() throws Exception {
        DataSource ds = HelpdeskPostgres.migratedDatabase();
        Path truthFile = dir.resolve("gt.jsonl");

        SeedResult result = HelpdeskGenerator.seed(ds, 10_000, 99, truthFile);

        assertThat(result.contacts()).isEqualTo(10_000);
        assertThat(HelpdeskPostgres.count(ds, "SELECT count(*) FROM contacts")).isEqualTo(10_000);
        assertThat(HelpdeskPostgres.count(ds, "SELECT count(*) FROM tickets"))
                .isEqualTo(result.tickets());
        assertThat(HelpdeskPostgres.count(ds, "SELECT count(*) FROM threads"))
                .isEqualTo(result.threads());
        assertThat(HelpdeskPostgres.count(ds, "SELECT count(*) FROM comments"))
                .isEqualTo(result.comments());
        assertThat(HelpdeskPostgres.count(ds, "SELECT count(*) FROM attachments"))
                .isEqualTo(result.attachments());
        assertThat(HelpdeskPostgres.count(ds, "SELECT count(*) FROM consents"))
                .isEqualTo(result.consents());
        assertThat(result.lastContactId() - result.firstContactId() + 1).isEqualTo(10_000);
        try (var lines = Files.lines(truthFile)) {
            assertThat(lines.count()).isEqualTo(result.groundTruthItems());
        }
    }

    private static Map<Long, String> emails(DataSource ds) throws Exception {
        return HelpdeskPostgres.strings(ds, "SELECT id || ' ' || email FROM contacts").stream()
                .map(s -> s.split(" ", 2))
                .collect(Collectors.toMap(p -> Long.parseLong(p[0]), p -> p[1]));
    }

    private static String stored(Connection c, GroundTruthItem item) throws Exception {
        String sql;
        if (item.column().startsWith("custom_fields.")) {
            sql = "SELECT custom_fields ->> ? FROM tickets WHERE id = ?";
        } else {
            assertThat(TEXT_COLUMNS).contains(item.table() + "." + item.column());
            sql = "SELECT " + item.column() + " FROM " + item.table() + " WHERE id = ?";
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            if (item.column().startsWith("custom_fields.")) {
                ps.setString(i++, item.column().substring("custom_fields.".length()));
            }
            ps.setLong(i, item.rowId());
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("row %s %d", item.table(), item.rowId()).isTrue();
                return rs.getString(1);
            }
        }
    }

    private static GroundTruthItem parse(String line) {
        try {
            return JSON.readValue(line, GroundTruthItem.class);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
