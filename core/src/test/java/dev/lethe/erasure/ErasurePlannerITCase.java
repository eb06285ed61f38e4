package dev.lethe.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.catalog.HelpdeskDatabase;
import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.discovery.LocationDocument;
import dev.lethe.discovery.PhoneDetector;
import dev.lethe.discovery.SubjectDirectory;
import dev.lethe.discovery.TestLocations;
import dev.lethe.retention.HelpdeskRowGraph;
import dev.lethe.retention.HelpdeskRowGraph.Dependent;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The erasure plan and the dependency walk it shares with the purge executor, on the helpdesk's own
 * schema (the simulator's migrations, applied in order).
 */
class ErasurePlannerITCase {

    private static final PersonalDataCatalog CATALOG = PersonalDataCatalog.loadDefault();
    private static final HelpdeskRowGraph GRAPH = new HelpdeskRowGraph(CATALOG);
    private static final ErasurePlanner PLANNER =
            new ErasurePlanner(GRAPH, new SubjectDirectory(CATALOG, PhoneDetector.DEFAULT_REGIONS));

    @RegisterExtension static final HelpdeskDatabase HELPDESK = new HelpdeskDatabase();

    @Test
    void thePlanErasesThePersonsRecordsRedactsTheirMentionsAndNamesAnOpenTicket() throws Exception {
        long wei =
                HELPDESK.number(
                        "INSERT INTO contacts (first_name, last_name, email) VALUES ('Wei', 'Li',"
                                + " 'wei@example.cn') RETURNING id");
        long other =
                HELPDESK.number(
                        "INSERT INTO contacts (email) VALUES ('other@example.eu') RETURNING id");
        long closed =
                HELPDESK.number(
                        "INSERT INTO tickets (contact_id, subject, status, closed_at) VALUES ("
                                + wei
                                + ", 's', 'closed', now()) RETURNING id");
        long thread =
                HELPDESK.number(
                        "INSERT INTO threads (ticket_id, content) VALUES ("
                                + closed
                                + ", 'x') RETURNING id");
        long open =
                HELPDESK.number(
                        "INSERT INTO tickets (contact_id, subject) VALUES ("
                                + wei
                                + ", 'still open') RETURNING id");
        long mentioning =
                HELPDESK.number(
                        "INSERT INTO tickets (contact_id, subject, description) VALUES ("
                                + other
                                + ", 's', 'Wei Li from your team promised it') RETURNING id");
        String subject = "contact:" + wei;
        List<LocationDocument> locations =
                List.of(
                        location(subject, "tickets/" + closed, "subject", "name", null),
                        location(
                                subject, "tickets/" + mentioning, "description", "name", "Wei Li"));

        ErasurePlan plan;
        try (Connection c = HELPDESK.db().getConnection()) {
            plan = PLANNER.plan(c, subject, locations);
        }

        assertThat(plan.erase()).containsExactly("contacts/" + wei);
        assertThat(plan.dependents())
                .contains("tickets/" + closed, "threads/" + thread, "tickets/" + open)
                .doesNotContain("tickets/" + mentioning);
        assertThat(plan.redact()).containsOnlyKeys("tickets/" + mentioning);
        assertThat(plan.redact().get("tickets/" + mentioning))
                .containsEntry("description", java.util.Set.of("Wei Li"));
        assertThat(plan.openTicket()).isEqualTo("tickets/" + open);
        assertThat(plan.toString()).doesNotContain("Wei Li").doesNotContain("wei@example.cn");
    }

    @Test
    void aMentionInAColumnTheCatalogDoesNotClassifyIsRedactedLikeText() throws Exception {
        HELPDESK.exec("ALTER TABLE tickets ADD COLUMN escalation_note text");
        try {
            long ana =
                    HELPDESK.number(
                            "INSERT INTO contacts (first_name, last_name, email) VALUES ('Ana',"
                                    + " 'Ruiz', 'ana.ruiz@example.es') RETURNING id");
            long other =
                    HELPDESK.number(
                            "INSERT INTO contacts (email) VALUES ('x@example.eu') RETURNING id");
            long ticket =
                    HELPDESK.number(
                            "INSERT INTO tickets (contact_id, subject, escalation_note) VALUES ("
                                    + other
                                    + ", 's', 'ask ana.ruiz@example.es') RETURNING id");
            String subject = "contact:" + ana;
            ErasurePlan plan;
            try (Connection c = HELPDESK.db().getConnection()) {
                plan =
                        PLANNER.plan(
                                c,
                                subject,
                                List.of(
                                        location(
                                                subject,
                                                "tickets/" + ticket,
                                                "escalation_note",
                                                "email",
                                                "ana.ruiz@example.es")));
            }
            assertThat(plan.redact().get("tickets/" + ticket))
                    .containsEntry("escalation_note", java.util.Set.of("ana.ruiz@example.es"));
        } finally {
            HELPDESK.exec("ALTER TABLE tickets DROP COLUMN escalation_note");
        }
    }

    @Test
    void aSubjectWithoutARowHasAnEmptyPlan() throws Exception {
        try (Connection c = HELPDESK.db().getConnection()) {
            ErasurePlan plan = PLANNER.plan(c, "contact:987654321", List.of());

            assertThat(plan.size()).isZero();
            assertThat(plan.openTicket()).isNull();
        }
    }

    @Test
    void everyLimitedWalkIsAPrefixOfTheFullWalkChildrenBeforeParents() throws Exception {
        long contact =
                HELPDESK.number(
                        "INSERT INTO contacts (email) VALUES ('walk@example.eu') RETURNING id");
        for (int t = 0; t < 3; t++) {
            long ticket =
                    HELPDESK.number(
                            "INSERT INTO tickets (contact_id, subject) VALUES ("
                                    + contact
                                    + ", 's') RETURNING id");
            for (int i = 0; i < 2; i++) {
                HELPDESK.number(
                        "INSERT INTO threads (ticket_id, content) VALUES ("
                                + ticket
                                + ", 'x') RETURNING id");
            }
            HELPDESK.number(
                    "INSERT INTO comments (ticket_id, content) VALUES ("
                            + ticket
                            + ", 'c') RETURNING id");
        }
        try (Connection c = HELPDESK.db().getConnection()) {
            List<String> all = ids(GRAPH.dependents(c, "contacts", contact, false));
            assertThat(all).hasSize(12);
            for (String ticket : all.stream().filter(e -> e.startsWith("tickets/")).toList()) {
                long ticketId = Long.parseLong(ticket.substring("tickets/".length()));
                List<String> own = ids(GRAPH.dependents(c, "tickets", ticketId, false));
                assertThat(all.indexOf(ticket))
                        .as("a ticket comes after its threads and comments")
                        .isGreaterThan(own.stream().mapToInt(all::indexOf).max().orElseThrow());
            }
            for (int limit = 0; limit <= 13; limit++) {
                assertThat(ids(GRAPH.dependents(c, "contacts", contact, false, limit)))
                        .as("limit " + limit)
                        .isEqualTo(all.subList(0, Math.min(limit, all.size())));
            }
        }
    }

    private static List<String> ids(List<Dependent> dependents) {
        return dependents.stream().map(Dependent::entityId).toList();
    }

    /** A location of {@code subject}: declared when it has no value, else found at 0. */
    private static LocationDocument location(
            String subject, String record, String column, String kind, String value) {
        return value == null
                ? TestLocations.declared(subject, record, column, kind, null).build()
                : TestLocations.found(subject, record, column, kind, value, 0).build();
    }
}
