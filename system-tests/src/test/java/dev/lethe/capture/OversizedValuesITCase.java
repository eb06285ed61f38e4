package dev.lethe.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.audit.Actor;
import dev.lethe.connectors.capture.OversizedValue;
import dev.lethe.events.AuditEntry;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.config.Secrets;
import dev.lethe.local.CaptureTopics;
import dev.lethe.local.ComponentHealth;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import dev.lethe.testing.AuditTestJobs;
import dev.lethe.testing.RawTopics;
import dev.lethe.testing.SetUpAndSubmit;
import dev.lethe.testing.SharedStack;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/**
 * No single row stops capture: a ticket whose description is a 600 KB pasted log, inserted and
 * updated twice (REPLICA IDENTITY FULL: before and after, 1.2 MB of text in one change), is
 * captured with the description as its length and digest; the Connect task stays RUNNING; the audit
 * log holds the ticket's three changes, and a contact inserted after them is in the audit log
 * within 30 seconds.
 */
class OversizedValuesITCase {

    @Test
    void aTicketWithA600KbDescriptionUpdatedTwiceKeepsCaptureAndTheAuditLogGoing()
            throws Exception {
        StackSettings s = SharedStack.settings();
        System.setProperty(Secrets.ELASTICSEARCH_PASSWORD, s.elasticsearchPassword().orElseThrow());
        String run = AuditTestJobs.run("oversized");
        JobSettings settings = AuditTestJobs.settings(s, run, 3);
        StreamExecutionEnvironment env = SetUpAndSubmit.flinkOf(s);
        JobClient job = SetUpAndSubmit.audit(env, settings);
        try {
            String log = "2026-12-05T10:00:00Z ERROR printer spool full, retrying\n".repeat(11_000);
            assertThat(log.length()).isGreaterThan(600_000);
            long ticket;
            long contact;
            try (Connection c = StackProbe.connectPostgres(s)) {
                c.setAutoCommit(false);
                Actor.agent(7, "pasted the log").emit(c);
                long owner =
                        id(
                                c,
                                "INSERT INTO contacts (first_name, email) VALUES ('Owner', ?)"
                                        + " RETURNING id",
                                "owner-" + run + "@example.eu");
                ticket =
                        id(
                                c,
                                "INSERT INTO tickets (contact_id, subject, description) VALUES ("
                                        + owner
                                        + ", 'spool', ?) RETURNING id",
                                log);
                c.commit();
                Actor.agent(7, "more log").emit(c);
                update(
                        c,
                        "UPDATE tickets SET description = description || ? WHERE id = ?",
                        "x",
                        ticket);
                c.commit();
                Actor.agent(7, "status").emit(c);
                update(c, "UPDATE tickets SET status = ? WHERE id = ?", "pending", ticket);
                c.commit();
                Actor.agent(7, "a new contact").emit(c);
                contact =
                        id(
                                c,
                                "INSERT INTO contacts (first_name, email) VALUES ('After', ?)"
                                        + " RETURNING id",
                                run + "@example.eu");
                c.commit();
            }
            long written = System.nanoTime();

            String contactEntity = "contacts/" + contact;
            List<AuditEntry> after =
                    AuditTestJobs.entries(
                            settings.auditTopic(),
                            e -> e.getEntityId().equals(contactEntity),
                            l -> !l.isEmpty(),
                            Duration.ofSeconds(30));
            assertThat(after).as("the contact inserted after the large ticket").hasSize(1);
            assertThat(Duration.ofNanos(System.nanoTime() - written))
                    .isLessThan(Duration.ofSeconds(30));

            String ticketEntity = "tickets/" + ticket;
            List<AuditEntry> entries =
                    AuditTestJobs.entries(
                            settings.auditTopic(),
                            e -> e.getEntityId().equals(ticketEntity),
                            l -> l.size() >= 3,
                            Duration.ofSeconds(30));
            assertThat(entries)
                    .extracting(AuditEntry::getOp)
                    .containsExactly("INSERT", "UPDATE", "UPDATE");

            List<JsonNode> raw =
                    RawTopics.await(
                            s.kafkaBootstrap(),
                            CaptureTopics.tableTopic("tickets"),
                            v -> v.path("after").path("id").asLong() == ticket,
                            3,
                            Duration.ofSeconds(30));
            assertThat(raw).hasSize(3);
            String inserted = raw.get(0).path("after").path("description").asText();
            assertThat(OversizedValue.parse(inserted))
                    .hasValueSatisfying(v -> assertThat(v.bytes()).isEqualTo(log.length()));
            JsonNode statusChange = raw.get(2);
            assertThat(statusChange.path("before").path("description").asText())
                    .as("an unchanged large value has the same digest before and after")
                    .isEqualTo(statusChange.path("after").path("description").asText());
            assertThat(raw.get(1).path("after").path("description").asText())
                    .isNotEqualTo(inserted);

            ComponentHealth connect = new StackProbe(s, Map.of()).probe("connect");
            assertThat(connect.healthy()).as(connect.detail()).isTrue();
        } finally {
            job.cancel().get();
        }
    }

    private static long id(Connection c, String sql, String value) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, value);
            try (ResultSet r = ps.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    private static void update(Connection c, String sql, String value, long id) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, value);
            ps.setLong(2, id);
            ps.executeUpdate();
        }
    }
}
