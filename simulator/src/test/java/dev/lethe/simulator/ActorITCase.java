package dev.lethe.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.audit.Actor;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class ActorITCase {

    @Test
    void theActorMessageOpensTheTransactionItDescribes() throws Exception {
        DataSource ds = HelpdeskPostgres.migratedDatabase();
        HelpdeskPostgres.createDecodingSlot(ds, "actor_test");
        Actor actor = Actor.agent(42, "ticket status changed");

        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            actor.emit(c);
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO contacts (email) VALUES ('anna@example.eu')");
            }
            c.commit();
        }

        List<String> changes = HelpdeskPostgres.decodedChanges(ds, "actor_test");
        assertThat(changes).hasSize(4);
        assertThat(changes.get(0)).startsWith("BEGIN");
        assertThat(changes.get(1))
                .startsWith("message: transactional: 1 prefix: lethe.actor")
                .endsWith("content:" + actor.toJson());
        assertThat(changes.get(2)).startsWith("table public.contacts: INSERT:");
        assertThat(changes.get(3)).startsWith("COMMIT");
        String json = changes.get(1).substring(changes.get(1).indexOf("content:") + 8);
        assertThat(Actor.fromJson(json)).isEqualTo(actor);
    }

    @Test
    void refusesToEmitOutsideATransaction() throws Exception {
        DataSource ds = HelpdeskPostgres.migratedDatabase();

        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(true);
            assertThatThrownBy(() -> Actor.system("seed", "seeding").emit(c))
                    .isInstanceOf(IllegalStateException.class);
        }
    }
}
