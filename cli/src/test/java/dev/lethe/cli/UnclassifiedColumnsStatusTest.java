package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How {@code status} names an unclassified column: since when it was logged, in how many changes.
 */
class UnclassifiedColumnsStatusTest {

    private static final Instant SINCE = Instant.parse("2026-12-06T10:15:30Z");

    @Test
    void theTextSaysSinceWhenAndHowManyChanges() {
        List<UnclassifiedColumnsSeen.Column> cols =
                List.of(
                        new UnclassifiedColumnsSeen.Column("contacts.nickname", SINCE, 12),
                        new UnclassifiedColumnsSeen.Column("tickets.mood", null, 0));
        assertThat(StatusCommand.catalogDetail(cols))
                .startsWith(
                        "UNCLASSIFIED_COLUMN contacts.nickname (since 2026-12-06T10:15:30Z, 12"
                                + " changes), tickets.mood (no logged change yet)");
    }

    @Test
    void theJsonKeepsTheNamesAndAddsEachColumnsSinceAndChanges() {
        StatusCommand.Findings f =
                StatusCommand.Findings.NONE.withUnclassified(
                        List.of(
                                new UnclassifiedColumnsSeen.Column(
                                        "contacts.nickname", SINCE, 12)));
        JsonNode catalog = StatusCommand.json(List.of(), f).path("catalog");
        assertThat(catalog.path("health").asText()).isEqualTo("attention");
        assertThat(catalog.path("unclassified").get(0).asText()).isEqualTo("contacts.nickname");
        JsonNode col = catalog.path("columns").get(0);
        assertThat(col.path("finding").asText()).isEqualTo("UNCLASSIFIED_COLUMN");
        assertThat(col.path("column").asText()).isEqualTo("contacts.nickname");
        assertThat(col.path("since").asText()).isEqualTo("2026-12-06T10:15:30Z");
        assertThat(col.path("changes").asLong()).isEqualTo(12);
    }

    @Test
    void aTableTheCatalogDoesNotNameNeedsAttentionInTextAndJson() {
        StatusCommand.Findings f =
                StatusCommand.Findings.NONE
                        .withUnclassified(List.of())
                        .withUngoverned(List.of("ticket_ratings"));
        JsonNode catalog = StatusCommand.json(List.of(), f).path("catalog");
        assertThat(catalog.path("health").asText()).isEqualTo("attention");
        assertThat(catalog.path("ungoverned").get(0).asText()).isEqualTo("ticket_ratings");
        assertThat(catalog.path("tables").get(0).path("finding").asText())
                .isEqualTo("UNGOVERNED_TABLE");
        assertThat(catalog.path("tables").get(0).path("table").asText())
                .isEqualTo("ticket_ratings");
        assertThat(catalog.path("detail").asText())
                .startsWith("UNGOVERNED_TABLE ticket_ratings (")
                .doesNotContain("UNCLASSIFIED_COLUMN");

        java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
        try {
            StatusCommand.print(List.of(), f, false, new java.io.PrintStream(text, true));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThat(text.toString()).containsPattern("catalog +ATTENTION .*UNGOVERNED_TABLE");

        StatusCommand.Findings clean =
                StatusCommand.Findings.NONE.withUnclassified(List.of()).withUngoverned(List.of());
        assertThat(StatusCommand.json(List.of(), clean).path("catalog").path("health").asText())
                .isEqualTo("healthy");
    }

    @Test
    void aColumnNoLoggedChangeCarriedYetHasNoSince() {
        StatusCommand.Findings f =
                StatusCommand.Findings.NONE.withUnclassified(
                        UnclassifiedColumnsSeen.unknown(List.of("contacts.nickname")));
        JsonNode col = StatusCommand.json(List.of(), f).path("catalog").path("columns").get(0);
        assertThat(col.path("since").isNull()).isTrue();
        assertThat(col.path("changes").asLong()).isZero();
    }
}
