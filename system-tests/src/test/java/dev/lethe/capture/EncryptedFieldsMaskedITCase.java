package dev.lethe.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.connectors.capture.MaskEncryptedFields;
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
import org.junit.jupiter.api.Test;

/**
 * Values of encrypted custom fields never reach Kafka in plaintext: the connector's {@link
 * MaskEncryptedFields} replaces them in every change event, for a fallback key ({@code iban}) and
 * for a field an admin defines as encrypted while the connector runs.
 */
class EncryptedFieldsMaskedITCase {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void encryptedCustomFieldValuesAreMaskedInTheRawTopic() throws Exception {
        StackSettings s = SharedStack.settings();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String field = "passport_" + run;
        String iban = "DE89370400440532013000";
        String newIban = "DE02120300000000202051";
        String passport = "C01X" + run.toUpperCase();
        String order = "ORD-" + run;
        long ticket;
        try (Connection c = StackProbe.connectPostgres(s)) {
            c.setAutoCommit(true);
            try (PreparedStatement ps =
                    c.prepareStatement(
                            "INSERT INTO custom_field_definitions (name, label, encrypted)"
                                    + " VALUES (?, 'Passport', true)")) {
                ps.setString(1, field);
                ps.executeUpdate();
            }
            long contact;
            try (PreparedStatement ps =
                    c.prepareStatement(
                            "INSERT INTO contacts (first_name, last_name, email)"
                                    + " VALUES ('Mara', 'Mask', ?) RETURNING id")) {
                ps.setString(1, "mara." + run + "@example.org");
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    contact = rs.getLong(1);
                }
            }
            try (PreparedStatement ps =
                    c.prepareStatement(
                            "INSERT INTO tickets (contact_id, subject, custom_fields)"
                                    + " VALUES (?, 'refund', ?::jsonb) RETURNING id")) {
                ps.setLong(1, contact);
                ps.setString(
                        2,
                        JSON.createObjectNode()
                                .put("iban", iban)
                                .put(field, passport)
                                .put("order_ref", order)
                                .toString());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    ticket = rs.getLong(1);
                }
            }
            try (PreparedStatement ps =
                    c.prepareStatement(
                            "UPDATE tickets SET custom_fields = jsonb_set(custom_fields,"
                                    + " '{iban}', to_jsonb(?::text)) WHERE id = ?")) {
                ps.setString(1, newIban);
                ps.setLong(2, ticket);
                ps.executeUpdate();
            }
        }

        List<JsonNode> events =
                RawTopics.await(
                        s.kafkaBootstrap(),
                        CaptureTopics.tableTopic("tickets"),
                        v -> v.path("after").path("id").asLong() == ticket,
                        2,
                        Duration.ofSeconds(60));

        assertThat(events).extracting(e -> e.path("op").asText()).containsExactly("c", "u");
        for (JsonNode e : events) {
            assertThat(e.toString()).doesNotContain(iban, newIban, passport);
            JsonNode fields = JSON.readTree(e.path("after").path("custom_fields").asText());
            assertThat(fields.path("iban").asText()).startsWith(MaskEncryptedFields.PREFIX);
            assertThat(fields.path(field).asText()).startsWith(MaskEncryptedFields.PREFIX);
            assertThat(fields.path("order_ref").asText()).isEqualTo(order);
        }
        JsonNode update = events.get(1);
        JsonNode before = JSON.readTree(update.path("before").path("custom_fields").asText());
        JsonNode after = JSON.readTree(update.path("after").path("custom_fields").asText());
        // the change stays visible without its values
        assertThat(after.path("iban").asText()).isNotEqualTo(before.path("iban").asText());
        assertThat(after.path(field).asText()).isEqualTo(before.path(field).asText());
    }
}
