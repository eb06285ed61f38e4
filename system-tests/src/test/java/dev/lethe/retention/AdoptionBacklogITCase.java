package dev.lethe.retention;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.audit.Actor;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.retention.RetentionSettings;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import dev.lethe.testing.AuditTestJobs;
import dev.lethe.testing.AuditTestJobs.Cli;
import dev.lethe.testing.RawTopics;
import dev.lethe.testing.SetUpAndSubmit;
import dev.lethe.testing.SharedStack;
import dev.lethe.testing.TestJobArgs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adopting a helpdesk that already holds soft-deleted rows long past their window: on the real
 * stack, with the retention job and a policy of seconds, a ticket soft-deleted a year before the
 * adoption is not purged while one soft-deleted now is; {@code ./lethe purges --backlog} lists it
 * under its table and rule; {@code ./lethe purges approve-backlog} lets it go (purged, with its
 * receipt) and records the approval, who and why, on the topic the audit job chains into the log.
 */
class AdoptionBacklogITCase {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theBacklogWaitsForApprovalWhileNewPurgesGoAhead(@TempDir Path dir) throws Exception {
        StackSettings s = SharedStack.settings();
        String run = UUID.randomUUID().toString().substring(0, 8);
        Path policy = dir.resolve("retention-policy.yaml");
        Files.writeString(
                policy,
                String.join(
                        "\n",
                        "version: 1",
                        "rules:",
                        "  - id: tickets.soft-deleted",
                        "    table: tickets",
                        "    since: deleted_at",
                        "    after: PT4S",
                        "    action: delete",
                        ""));
        String name = "adoption-it-" + run;
        JobSettings settings =
                JobSettings.parse(
                        TestJobArgs.of(s, dev.lethe.local.ComponentRole.RETENTION, name, name, "2s")
                                .toArray(String[]::new));
        JobClient job =
                SetUpAndSubmit.retention(
                        SetUpAndSubmit.flinkOf(s),
                        settings,
                        RetentionSettings.defaults()
                                .withPolicyPath(policy.toString())
                                .withRetryInterval(Duration.ofSeconds(2)));
        try (Connection c = StackProbe.connectPostgres(s)) {
            long old;
            long fresh;
            c.setAutoCommit(false);
            Actor.agent(7, "adoption test data").emit(c);
            long contact =
                    single(
                            c,
                            "INSERT INTO contacts (email) VALUES ('adoption-"
                                    + run
                                    + "@example.eu') RETURNING id");
            old =
                    single(
                            c,
                            "INSERT INTO tickets (contact_id, subject, deleted_at) VALUES ("
                                    + contact
                                    + ", 'old', (SELECT adopted_at FROM lethe.adoption)"
                                    + " - interval '365 days') RETURNING id");
            fresh =
                    single(
                            c,
                            "INSERT INTO tickets (contact_id, subject, deleted_at) VALUES ("
                                    + contact
                                    + ", 'new', now()) RETURNING id");
            c.commit();
            c.setAutoCommit(true);
            try {
                // the job runs and purges what is due after the adoption: a barrier for the old one
                await(() -> !exists(c, fresh), "the ticket soft-deleted now is purged");
                await(
                        () -> backlogCount(s, "tickets.soft-deleted") >= 1,
                        "the old ticket is listed in the backlog");
                assertThat(exists(c, old)).as("the backlog waits").isTrue();
                assertThat(
                                scalar(
                                        c,
                                        "SELECT count(*) FROM lethe.purge_log WHERE entity_id ="
                                                + " 'tickets/"
                                                + old
                                                + "'"))
                        .as("no receipt while it waits")
                        .isZero();
                Cli text = cli(s, "purges", "--backlog");
                assertThat(text.code()).isZero();
                assertThat(text.out())
                        .contains("waiting for approval")
                        .contains("tickets.soft-deleted");

                Cli approve =
                        cli(s, "purges", "approve-backlog", "--reason", "DPO decision 2026-7");
                assertThat(approve.code()).as(approve.out()).isZero();
                assertThat(approve.out()).contains("Approved the adoption backlog");
                await(() -> !exists(c, old), "the old ticket is purged once approved");
                assertThat(
                                scalar(
                                        c,
                                        "SELECT count(*) FROM lethe.purge_log WHERE entity_id ="
                                                + " 'tickets/"
                                                + old
                                                + "' AND outcome = 'done'"))
                        .isOne();
                JsonNode after = backlog(s);
                assertThat(after.path("approved").asBoolean()).isTrue();
                assertThat(after.path("reason").asText()).isEqualTo("DPO decision 2026-7");
                assertThat(cli(s, "purges", "approve-backlog").out()).contains("already approved");

                List<JsonNode> approvals =
                        RawTopics.await(
                                s.kafkaBootstrap(),
                                "lethe.audit.requests",
                                n ->
                                        "backlog-approval".equals(n.path("type").asText())
                                                && "DPO decision 2026-7"
                                                        .equals(n.path("reason").asText()),
                                1,
                                WAIT);
                assertThat(approvals)
                        .as("the approval is on its way to the audit log")
                        .singleElement()
                        .satisfies(
                                n -> {
                                    assertThat(n.path("approvedBy").asText()).isNotBlank();
                                    assertThat(n.path("adoptedAt").asText()).isNotBlank();
                                });
            } finally {
                // the shared stack's database goes back to an unapproved backlog for other tests
                try (Statement st = c.createStatement()) {
                    st.execute(
                            "UPDATE lethe.adoption SET backlog_approved_at = NULL,"
                                    + " backlog_approved_by = NULL, backlog_approval_reason = NULL");
                }
            }
        } finally {
            job.cancel().get();
        }
    }

    private static Cli cli(StackSettings s, String... args) {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.add("--data-dir");
        all.add(s.dataDir().toString());
        return AuditTestJobs.cli(all);
    }

    private static JsonNode backlog(StackSettings s) throws Exception {
        Cli json = cli(s, "purges", "--backlog", "--json");
        assertThat(json.code()).as(json.out()).isZero();
        return JSON.readTree(json.out());
    }

    private static long backlogCount(StackSettings s, String rule) throws Exception {
        long n = 0;
        for (JsonNode r : backlog(s).path("byRule")) {
            if (rule.equals(r.path("rule").asText())) {
                n += r.path("purges").asLong();
            }
        }
        return n;
    }

    private static long single(Connection c, String sql) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql);
                ResultSet r = ps.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }

    private static long scalar(Connection c, String sql) throws Exception {
        return single(c, sql);
    }

    private static boolean exists(Connection c, long ticket) throws Exception {
        return scalar(c, "SELECT count(*) FROM tickets WHERE id = " + ticket) > 0;
    }

    private static void await(Callable<Boolean> condition, String what) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.call()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(300);
        }
    }
}
