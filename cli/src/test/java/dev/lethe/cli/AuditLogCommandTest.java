package dev.lethe.cli;

import static dev.lethe.cli.AuditTestLogs.agent;
import static dev.lethe.cli.AuditTestLogs.customer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.events.AuditEntry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Filtering and showing audit entries ({@code ./lethe audit log}) on a generated log. */
class AuditLogCommandTest {

    private final AuditTestLogs log = new AuditTestLogs();

    private AuditTestLogs annaAndBen() {
        log.contactCreated(42, "anna@example.eu", agent(7), 0);
        log.contactCreated(43, "ben@example.eu", agent(8), 1);
        log.ticketStatusChanged(9, 42, "open", "pending", agent(7), 2);
        log.contactEmailChanged(42, "anna@example.eu", "anna@new.eu", customer(42, "moved"), 3);
        log.ticketStatusChanged(9, 42, "pending", "closed", agent(8), 4);
        return log;
    }

    private List<Long> select(AuditEntryFilter filter, int limit) {
        if (log.entries.isEmpty()) {
            annaAndBen();
        }
        return java.util.stream.StreamSupport.stream(
                        AuditLogCommand.select(log.entries, filter, limit).spliterator(), false)
                .map(AuditEntry::getLogIndex)
                .toList();
    }

    private static AuditEntryFilter filter(
            String table, String key, Set<String> subjects, String op, String actor) {
        return new AuditEntryFilter(table, key, subjects, op, actor, null, null);
    }

    @Test
    void filtersCombineAndEachNarrows() {
        assertThat(select(AuditEntryFilter.all(), 0)).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(select(filter("tickets", null, null, null, null), 0)).containsExactly(2L, 4L);
        assertThat(select(filter(null, "contacts/42", null, null, null), 0))
                .containsExactly(0L, 3L);
        assertThat(select(filter("contacts", "id=43", null, null, null), 0)).containsExactly(1L);
        assertThat(select(filter("tickets", "9", null, null, null), 0)).containsExactly(2L, 4L);
        assertThat(select(filter(null, null, Set.of("contact:42"), null, null), 0))
                .containsExactly(0L, 2L, 3L, 4L);
        assertThat(select(filter(null, null, null, "insert", null), 0)).containsExactly(0L, 1L);
        assertThat(select(filter(null, null, null, null, "agent"), 0))
                .containsExactly(0L, 1L, 2L, 4L);
        assertThat(select(filter(null, null, null, null, "agent:8"), 0)).containsExactly(1L, 4L);
        assertThat(select(filter("tickets", null, null, null, "agent:8"), 0)).containsExactly(4L);
        assertThat(select(filter(null, null, null, "DELETE", null), 0)).isEmpty();
    }

    @Test
    void anActorTheDatabaseNamedIsFoundByRoleApplicationOrClient() {
        annaAndBen();
        AuditEntry e = AuditEntry.newBuilder(log.entries.get(0)).build();
        e.setActor(
                new dev.lethe.events.AuditActor(
                        "database",
                        "helpdesk_app",
                        "application=helpdesk-web; role=helpdesk_app; client=10.0.0.5"));
        for (String match :
                List.of(
                        "database",
                        "database:helpdesk_app",
                        "application=helpdesk-web",
                        "role=helpdesk_app",
                        "client=10.0.0.5")) {
            assertThat(filter(null, null, null, null, match).test(e)).as(match).isTrue();
        }
        for (String miss :
                List.of("database:postgres", "application=psql", "client=10.0.0.50", "client=")) {
            assertThat(filter(null, null, null, null, miss).test(e)).as(miss).isFalse();
        }
        // an agent's entry is not found by a database fact
        assertThat(filter(null, null, null, null, "role=helpdesk_app").test(log.entries.get(0)))
                .isFalse();
    }

    @Test
    void timeWindowIsSinceInclusiveUntilExclusive() {
        Instant at2 = AuditTestLogs.T0.plusSeconds(120);
        Instant at4 = AuditTestLogs.T0.plusSeconds(240);
        assertThat(select(new AuditEntryFilter(null, null, null, null, null, at2, at4), 0))
                .containsExactly(2L, 3L);
    }

    @Test
    void limitKeepsTheMostRecentMatchesOldestFirst() {
        assertThat(select(AuditEntryFilter.all(), 2)).containsExactly(3L, 4L);
        assertThat(select(filter(null, null, Set.of("contact:42"), null, null), 3))
                .containsExactly(2L, 3L, 4L);
    }

    @Test
    void sinceAndUntilAcceptInstantsDatesAndDurationsAgo() {
        Clock clock = Clock.fixed(Instant.parse("2025-03-02T12:00:00Z"), ZoneOffset.UTC);
        assertThat(AuditEntryFilter.instant("--since", "2025-03-01T09:00:00Z", clock))
                .isEqualTo(Instant.parse("2025-03-01T09:00:00Z"));
        assertThat(AuditEntryFilter.instant("--since", "2025-03-01", clock))
                .isEqualTo(Instant.parse("2025-03-01T00:00:00Z"));
        assertThat(AuditEntryFilter.instant("--since", "2h ago", clock))
                .isEqualTo(Instant.parse("2025-03-02T10:00:00Z"));
        assertThat(AuditEntryFilter.instant("--since", "30m", clock))
                .isEqualTo(Instant.parse("2025-03-02T11:30:00Z"));
        assertThat(AuditEntryFilter.instant("--since", "P1D", clock))
                .isEqualTo(Instant.parse("2025-03-01T12:00:00Z"));
        assertThatThrownBy(() -> AuditEntryFilter.instant("--until", "yesterday-ish", clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--until");
    }

    @Test
    void textShowsActorAndPerFieldDiffsWithPersonalValuesDecrypted() {
        annaAndBen();
        AuditEntryText format = new AuditEntryText(AuditEntryText.PersonalValues.of(log.cipher));
        String update = format.text(log.entries.get(3));
        assertThat(update)
                .startsWith(
                        "#3  2025-03-01T09:03:00Z  UPDATE contacts/42 seq 2  by customer:42 \"moved\"")
                .contains("subjects: contact:42")
                .contains("email  \"anna@example.eu\" -> \"anna@new.eu\"")
                .doesNotContain("HASH MISMATCH");
        assertThat(format.text(log.entries.get(0)))
                .contains("email   \"anna@example.eu\"")
                .contains("status  \"active\"");
        assertThat(format.text(log.entries.get(4))).contains("status  \"pending\" -> \"closed\"");
    }

    @Test
    void anErasedSubjectsValuesShowAsErasedAndTheRestStays() {
        annaAndBen();
        log.keys.shred("contact:42", "req-1", "Art. 17");
        AuditEntryText format = new AuditEntryText(AuditEntryText.PersonalValues.of(log.cipher));
        assertThat(format.text(log.entries.get(3)))
                .contains("email  [erased] -> [erased]")
                .doesNotContain("anna");
        assertThat(format.text(log.entries.get(1))).contains("\"ben@example.eu\"");
        assertThat(format.text(log.entries.get(4))).contains("\"pending\" -> \"closed\"");
        // without a key store nothing personal is readable
        assertThat(new AuditEntryText(AuditEntryText.PersonalValues.NONE).text(log.entries.get(1)))
                .contains("email   [encrypted]")
                .doesNotContain("ben@");
    }

    @Test
    void anEntryWhoseContentNoLongerMatchesItsHashIsMarked() {
        annaAndBen();
        AuditEntry tampered = AuditEntry.newBuilder(log.entries.get(4)).build();
        tampered.getChanges().get(0).setAfter("reopened");
        AuditEntryText format = new AuditEntryText(AuditEntryText.PersonalValues.NONE);
        assertThat(format.text(tampered)).contains("[HASH MISMATCH]");
        assertThat(format.json(tampered).path("hashMatchesContent").asBoolean()).isFalse();
    }

    @Test
    void jsonHasEveryFieldWithDecryptedOrErasedValues() throws Exception {
        annaAndBen();
        log.keys.shred("contact:43", "req-2", "Art. 17");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AuditLogCommand.print(
                AuditLogCommand.select(log.entries, filter("contacts", null, null, null, null), 0),
                new AuditEntryText(AuditEntryText.PersonalValues.of(log.cipher)),
                true,
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        JsonNode root = new ObjectMapper().readTree(bytes.toString(StandardCharsets.UTF_8));
        JsonNode entries = root.path("entries");
        assertThat(entries).hasSize(3);
        JsonNode anna = entries.get(2);
        assertThat(anna.path("entityId").asText()).isEqualTo("contacts/42");
        assertThat(anna.path("seq").asLong()).isEqualTo(2);
        assertThat(anna.path("actor").path("type").asText()).isEqualTo("customer");
        assertThat(anna.path("changes").get(0).path("before").asText())
                .isEqualTo("anna@example.eu");
        assertThat(anna.path("changes").get(0).path("after").asText()).isEqualTo("anna@new.eu");
        assertThat(anna.path("hash").asText())
                .isEqualTo(AuditEntryText.hex(log.entries.get(3).getHash()));
        assertThat(anna.path("hashMatchesContent").asBoolean()).isTrue();
        JsonNode ben = entries.get(1).path("changes").get(0);
        assertThat(ben.path("after").isNull()).isTrue();
        assertThat(ben.path("afterState").asText()).isEqualTo("erased");
        assertThat(bytes.toString(StandardCharsets.UTF_8)).doesNotContain("ben@example.eu");
    }

    @Test
    void jsonOfTheWholeLogIsWrittenWhileItIsReadNotBuiltFirst() throws Exception {
        annaAndBen();
        AuditEntry one = log.entries.get(2);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int total = 20_000;
        // a log that is read lazily: by its 10,000th entry, earlier ones must be written
        Iterable<AuditEntry> lazy =
                () ->
                        new java.util.Iterator<>() {
                            int served;

                            @Override
                            public boolean hasNext() {
                                return served < total;
                            }

                            @Override
                            public AuditEntry next() {
                                if (++served == total / 2) {
                                    assertThat(bytes.size())
                                            .as("bytes written before half the log was read")
                                            .isGreaterThan(100_000);
                                }
                                return one;
                            }
                        };

        AuditLogCommand.print(
                AuditLogCommand.matching(lazy, filter(null, null, null, null, null)),
                new AuditEntryText(AuditEntryText.PersonalValues.NONE),
                true,
                new PrintStream(bytes, false, StandardCharsets.UTF_8));

        JsonNode root = new ObjectMapper().readTree(bytes.toString(StandardCharsets.UTF_8));
        assertThat(root.path("entries")).hasSize(total);
    }

    @Test
    void noMatchSaysSo() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AuditLogCommand.print(
                List.of(),
                new AuditEntryText(AuditEntryText.PersonalValues.NONE),
                false,
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("no matching audit entries\n");
    }
}
