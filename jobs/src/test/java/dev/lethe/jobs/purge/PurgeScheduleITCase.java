package dev.lethe.jobs.purge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.catalog.HelpdeskDatabase;
import dev.lethe.simulator.HelpdeskMigrations;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A schedule of any size is read whole, soonest first, page after page. */
class PurgeScheduleITCase {

    @RegisterExtension
    static final HelpdeskDatabase HELPDESK =
            HelpdeskDatabase.migratedBy(HelpdeskMigrations::migrate);

    private static final Instant T = Instant.parse("2027-01-01T00:00:00Z");

    @BeforeAll
    static void schedule() throws Exception {
        try (Connection c = HELPDESK.db().getConnection()) {
            PurgeSchema.create(c);
            try (Statement st = c.createStatement()) {
                st.execute("DELETE FROM lethe.purge_schedule");
            }
            try (PreparedStatement ps =
                    c.prepareStatement(
                            "INSERT INTO lethe.purge_schedule (entity_id, table_name, command_id,"
                                    + " policy_rule, action, deadline) VALUES (?, 'tickets', ?,"
                                    + " 'tickets-closed', 'DELETE', ?)")) {
                // 1,203 purges, many sharing a deadline (a page may end inside such a run)
                for (int i = 0; i < 1203; i++) {
                    ps.setString(1, "tickets/" + i);
                    ps.setString(2, "cmd-" + i);
                    ps.setTimestamp(3, Timestamp.from(T.plusSeconds(i / 7)));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
    }

    @Test
    void pagesReadTheWholeScheduleOnceSoonestFirst() throws Exception {
        List<PurgeSchedule.Scheduled> all = new ArrayList<>();
        Optional<String> after = Optional.empty();
        int pages = 0;
        try (Connection c = HELPDESK.db().getConnection()) {
            do {
                PurgeSchedule.Page page = PurgeSchedule.read(c, 500, after);
                all.addAll(page.purges());
                after = page.next();
                pages++;
            } while (after.isPresent());
        }
        assertThat(pages).isEqualTo(3);
        assertThat(all).hasSize(1203);
        assertThat(all.stream().map(PurgeSchedule.Scheduled::entityId).distinct()).hasSize(1203);
        for (int i = 1; i < all.size(); i++) {
            assertThat(all.get(i).deadline()).isAfterOrEqualTo(all.get(i - 1).deadline());
        }
        assertThat(all.get(0))
                .isEqualTo(new PurgeSchedule.Scheduled(T, "DELETE", "tickets/0", "tickets-closed"));
    }

    @Test
    void aPageThatHoldsTheRestHasNoCursor() throws Exception {
        try (Connection c = HELPDESK.db().getConnection()) {
            assertThat(PurgeSchedule.read(c, 1203, Optional.empty()).next()).isEmpty();
            assertThat(PurgeSchedule.read(c, 1202, Optional.empty()).next()).isPresent();
            assertThatThrownBy(() -> PurgeSchedule.read(c, 5, Optional.of("bm90LWEtY3Vyc29y")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not a cursor");
        }
    }
}
