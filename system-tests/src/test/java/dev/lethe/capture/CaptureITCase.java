package dev.lethe.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.audit.Actor;
import dev.lethe.local.CaptureTopics;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import dev.lethe.testing.RawTopics;
import dev.lethe.testing.SharedStack;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Every insert, update, soft delete and hard delete of a contact reaches Kafka, with its images.
 */
@Order(1)
class CaptureITCase {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void contactLifecycleArrivesInKafkaWithOpsAndImages() throws Exception {
        StackSettings s = SharedStack.settings();
        String email = "anna." + UUID.randomUUID() + "@example.eu";
        long id;
        try (Connection c = StackProbe.connectPostgres(s)) {
            c.setAutoCommit(false);
            Actor.agent(7, "created at the phone").emit(c);
            try (PreparedStatement ps =
                    c.prepareStatement(
                            "INSERT INTO contacts (first_name, last_name, email, phone)"
                                    + " VALUES ('Anna', 'Łukasiewicz-Ñúñez', ?, '+49 30 1234567')"
                                    + " RETURNING id")) {
                ps.setString(1, email);
                ResultSet rs = ps.executeQuery();
                rs.next();
                id = rs.getLong(1);
            }
            c.commit();
            Actor.customer(id, "changed own phone").emit(c);
            update(c, "UPDATE contacts SET phone = '+33 1 23 45 67 89' WHERE id = ?", id);
            c.commit();
            Actor.agent(7, "soft delete").emit(c);
            update(c, "UPDATE contacts SET deleted_at = now() WHERE id = ?", id);
            c.commit();
            Actor.system("test", "hard delete").emit(c);
            update(c, "DELETE FROM contacts WHERE id = ?", id);
            c.commit();
        }

        List<JsonNode> events =
                RawTopics.await(
                        s.kafkaBootstrap(),
                        CaptureTopics.tableTopic("contacts"),
                        v -> email.equals(image(v).path("email").asText()),
                        4,
                        WAIT);

        assertThat(events)
                .extracting(e -> e.path("op").asText())
                .containsExactly("c", "u", "u", "d");
        JsonNode insert = events.get(0);
        assertThat(insert.path("before").isNull()).isTrue();
        assertThat(insert.path("after").path("last_name").asText()).isEqualTo("Łukasiewicz-Ñúñez");
        assertThat(insert.path("after").path("id").asLong()).isEqualTo(id);

        JsonNode phoneChange = events.get(1);
        assertThat(phoneChange.path("before").path("phone").asText()).isEqualTo("+49 30 1234567");
        assertThat(phoneChange.path("after").path("phone").asText()).isEqualTo("+33 1 23 45 67 89");

        JsonNode softDelete = events.get(2);
        assertThat(softDelete.path("before").path("deleted_at").isNull()).isTrue();
        assertThat(softDelete.path("after").path("deleted_at").isNull()).isFalse();

        JsonNode delete = events.get(3);
        assertThat(delete.path("after").isNull()).isTrue();
        // REPLICA IDENTITY FULL: the delete carries the whole before image, not just the key
        assertThat(delete.path("before").path("email").asText()).isEqualTo(email);
        assertThat(delete.path("before").path("phone").asText()).isEqualTo("+33 1 23 45 67 89");

        // each transaction's actor message is captured with the same transaction id
        long deleteTx = delete.path("source").path("txId").asLong();
        List<JsonNode> actors =
                RawTopics.await(
                        s.kafkaBootstrap(),
                        CaptureTopics.ACTOR_TOPIC,
                        v -> v.path("source").path("txId").asLong() == deleteTx,
                        1,
                        WAIT);
        assertThat(actors).hasSize(1);
        assertThat(actors.get(0).path("message").path("prefix").asText()).isEqualTo("lethe.actor");
    }

    static JsonNode image(JsonNode event) {
        return event.path("after").isObject() ? event.path("after") : event.path("before");
    }

    private static void update(Connection c, String sql, long id) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }
}
