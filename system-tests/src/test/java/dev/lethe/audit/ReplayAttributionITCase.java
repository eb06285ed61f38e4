package dev.lethe.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.events.AuditEntry;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.config.Secrets;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import dev.lethe.testing.AuditTestJobs;
import dev.lethe.testing.SetUpAndSubmit;
import dev.lethe.testing.SharedStack;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;

/**
 * Mentions are attributed from the change log, as of each change's position (ADR 0008), so a log
 * built again from the raw topics names the same people: on the real stack, two audit jobs read the
 * same raw topics from the beginning, one after the other, into logs of their own; for the test's
 * tickets and threads every entry has the same subjects in both, and they are the expected ones (a
 * contact deleted before a mention is not named by it, one created later neither).
 */
class ReplayAttributionITCase {

    private static final Duration WAIT = Duration.ofMinutes(4);

    @Test
    void aSecondLogOfTheSameRawTopicsNamesTheSamePeople() throws Exception {
        StackSettings s = SharedStack.settings();
        System.setProperty(Secrets.ELASTICSEARCH_PASSWORD, s.elasticsearchPassword().orElseThrow());
        String run = UUID.randomUUID().toString().substring(0, 8);
        String annaEmail = "anna." + run + "@example.eu";
        String benEmail = "ben." + run + "@example.eu";
        String carlEmail = "carl." + run + "@example.eu";
        long anna;
        long ben;
        long carl;
        long first;
        long thread;
        long second;
        long third;
        try (Connection c = StackProbe.connectPostgres(s)) {
            c.setAutoCommit(false);
            Actor.agent(7, "replay test").emit(c);
            anna = id(c, "INSERT INTO contacts (email) VALUES (?) RETURNING id", annaEmail);
            ben = id(c, "INSERT INTO contacts (email) VALUES (?) RETURNING id", benEmail);
            carl = id(c, "INSERT INTO contacts (email) VALUES (?) RETURNING id", carlEmail);
            c.commit();
            Actor.agent(7, "replay test").emit(c);
            first = ticket(c, anna, "please copy " + benEmail + " and " + carlEmail);
            thread =
                    id(
                            c,
                            "INSERT INTO threads (ticket_id, content) VALUES (?, ?) RETURNING id",
                            first,
                            "forwarded to " + carlEmail);
            c.commit();
            Actor.agent(7, "replay test").emit(c);
            id(c, "DELETE FROM consents WHERE contact_id = ? RETURNING 1", carl);
            id(c, "DELETE FROM contacts WHERE id = ? RETURNING id", carl);
            c.commit();
            Actor.agent(7, "replay test").emit(c);
            second = ticket(c, anna, "again " + benEmail + " and " + carlEmail);
            c.commit();
            // a contact with the deleted one's address, created after the second ticket
            Actor.agent(7, "replay test").emit(c);
            long dora = id(c, "INSERT INTO contacts (email) VALUES (?) RETURNING id", carlEmail);
            third = ticket(c, anna, "now " + carlEmail);
            c.commit();
            assertThat(dora).isPositive();
        }
        Set<String> ours =
                Set.of(
                        "tickets/" + first,
                        "threads/" + thread,
                        "tickets/" + second,
                        "tickets/" + third);

        Map<String, List<String>> firstRun = subjects(s, "replay-a-" + run, ours);
        Map<String, List<String>> secondRun = subjects(s, "replay-b-" + run, ours);

        assertThat(secondRun).as("the replay names the same people").isEqualTo(firstRun);
        String a = "contact:" + anna;
        String b = "contact:" + ben;
        String c = "contact:" + carl;
        assertThat(firstRun.get("tickets/" + first + "#1")).containsExactlyInAnyOrder(a, b, c);
        assertThat(firstRun.get("threads/" + thread + "#1")).contains(a, c);
        assertThat(firstRun.get("tickets/" + second + "#1"))
                .as("a contact deleted before the mention is not named")
                .containsExactlyInAnyOrder(a, b);
        assertThat(firstRun.get("tickets/" + third + "#1"))
                .as("the address's new holder, created before this ticket, is")
                .hasSize(2)
                .contains(a)
                .doesNotContain(c);
    }

    /** Runs an audit job over the raw topics from the start; our entries' subjects by id#seq. */
    private static Map<String, List<String>> subjects(StackSettings s, String run, Set<String> ours)
            throws Exception {
        JobSettings settings = AuditTestJobs.settings(s, run, 5);
        JobClient job = SetUpAndSubmit.audit(SetUpAndSubmit.flinkOf(s), settings);
        try {
            List<AuditEntry> entries =
                    AuditTestJobs.entries(
                            settings.auditTopic(),
                            e -> ours.contains(e.getEntityId()),
                            l -> l.size() >= ours.size(),
                            WAIT);
            assertThat(entries).as("our entries in " + settings.auditTopic()).hasSize(ours.size());
            Map<String, List<String>> byEntry = new TreeMap<>();
            for (AuditEntry e : entries) {
                byEntry.put(e.getEntityId() + "#" + e.getSeq(), List.copyOf(e.getSubjectIds()));
            }
            return byEntry;
        } finally {
            job.cancel().get();
        }
    }

    private static long ticket(Connection c, long contact, String description) throws Exception {
        return id(
                c,
                "INSERT INTO tickets (contact_id, subject, description) VALUES (?, 'replay', ?)"
                        + " RETURNING id",
                contact,
                description);
    }

    private static long id(Connection c, String sql, Object... params) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet r = ps.executeQuery()) {
                return r.next() ? r.getLong(1) : 0;
            }
        }
    }
}
