package dev.lethe.jobs.retention;

import static dev.lethe.jobs.testing.DebeziumLog.row;
import static dev.lethe.jobs.testing.DebeziumLog.with;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.jobs.purge.PurgeCommand;
import dev.lethe.jobs.purge.PurgeExecutor;
import dev.lethe.jobs.purge.PurgeOutcome;
import dev.lethe.jobs.testing.CollectingSink;
import dev.lethe.jobs.testing.DebeziumLog;
import dev.lethe.jobs.testing.RawTopics;
import dev.lethe.retention.LegalHold;
import dev.lethe.retention.PurgeGuard;
import dev.lethe.retention.RetentionPolicy;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The retention job's topology ({@link RetentionJob#defineWorkflow}) on a MiniCluster: Debezium
 * records of the raw topics in, the purge executor a recording fake over an in-memory helpdesk that
 * decides with the real {@link PurgeGuard}, the outcomes collected. What the end-to-end test in
 * module system-tests checks on the real stack, without Kafka or PostgreSQL: a soft-deleted ticket
 * is purged once its window ends and not before, a restore or a hard delete before the deadline
 * cancels the purge, a held purge is retried, a far deadline is only scheduled.
 *
 * <p>Deadlines are on the wall clock (processing-time timers), so the source stays open after its
 * records and the test waits for the outcomes, then cancels the job.
 */
class RetentionJobITCase {

    /** Long enough for the job to read every change before the first deadline. */
    private static final Duration WINDOW = Duration.ofSeconds(6);

    private static final Duration RETRY = Duration.ofSeconds(1);

    static final RetentionPolicy POLICY =
            RetentionPolicy.load(
                    new ByteArrayInputStream(
                            String.join(
                                            "\n",
                                            "version: 1",
                                            "rules:",
                                            "  - id: tickets.soft-deleted",
                                            "    table: tickets",
                                            "    since: deleted_at",
                                            "    after: PT" + WINDOW.toSeconds() + "S",
                                            "    action: delete",
                                            "  - id: tickets.closed",
                                            "    table: tickets",
                                            "    since: closed_at",
                                            "    when: { status: closed }",
                                            "    after: P6Y",
                                            "    action: anonymize",
                                            "    anonymize: { subject: redacted, description: null }",
                                            "")
                                    .getBytes(StandardCharsets.UTF_8)),
                    "retention-job-itcase",
                    PersonalDataCatalog.loadDefault());

    /** The helpdesks the job's executors work on, by run. */
    private static final Map<String, Helpdesk> HELPDESKS = new ConcurrentHashMap<>();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(1)
                            .build());

    private final String run = UUID.randomUUID().toString();
    private final CollectingSink<PurgeOutcome> outcomes = CollectingSink.create("outcomes");

    @AfterEach
    void forget() {
        HELPDESKS.remove(run);
        TestRetentionResources.forget(run);
        outcomes.clear();
    }

    @Test
    void aWindowThatEndsIsPurgedAndARestoreOrDeleteBeforeTheDeadlineCancelsIt() throws Exception {
        Helpdesk helpdesk = new Helpdesk();
        HELPDESKS.put(run, helpdesk);
        // the cluster is up: the deadlines count from here
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        String deletedAt = now.toString();
        // its deadline comes first: had the restore not cancelled it, it would run first
        String restoredDeletedAt = now.minusSeconds(1).toString();

        DebeziumLog raw = new DebeziumLog(now.minusSeconds(60));
        Map<Long, Map<String, Object>> open = new HashMap<>();
        raw.begin().actor("agent", "7", "new tickets");
        for (long id = 1; id <= 5; id++) {
            open.put(id, ticket(id));
            raw.insert("tickets", open.get(id));
        }
        // a table without rules is not the job's concern
        raw.insert("contacts", row("contacts", "id", 1, "email", "anna@example.eu"));
        raw.commit();
        raw.begin().actor("agent", "7", "soft delete");
        Map<Long, Map<String, Object>> deleted = new HashMap<>();
        for (long id : List.of(1L, 2L, 4L, 5L)) {
            deleted.put(
                    id, with(open.get(id), "deleted_at", id == 2 ? restoredDeletedAt : deletedAt));
            raw.update("tickets", open.get(id), deleted.get(id));
        }
        raw.commit();
        raw.begin()
                .actor("agent", "7", "restore")
                .update("tickets", deleted.get(2L), open.get(2L))
                .commit();
        raw.begin().actor("agent", "7", "hard delete").delete("tickets", deleted.get(5L)).commit();
        // the last change: once it is read, every change before it has been
        Map<String, Object> closed =
                with(with(open.get(3L), "status", "closed"), "closed_at", deletedAt);
        raw.begin().actor("agent", "7", "close").update("tickets", open.get(3L), closed).commit();

        // the database as it is now; ticket 4 is under a legal hold at its first attempt
        helpdesk.rows.put(1L, text(deleted.get(1L)));
        helpdesk.rows.put(2L, text(open.get(2L)));
        helpdesk.rows.put(3L, text(closed));
        helpdesk.rows.put(4L, text(deleted.get(4L)));
        helpdesk.holdOnce.add(4L);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.enableCheckpointing(500);
        String helpdeskOf = run;
        RetentionJob.defineWorkflow(
                        env,
                        RawTopics.keptOpen(env, raw.records(), Duration.ofSeconds(5)),
                        POLICY,
                        TestRetentionResources.of(
                                run, () -> new RecordingExecutor(HELPDESKS.get(helpdeskOf))),
                        new RetentionSettings(
                                "", RETRY, Duration.ofSeconds(1), "lethe.purge.receipts"))
                .sinkTo(outcomes)
                .name("collected-outcomes");
        JobClient job = env.executeAsync("retention-job-itcase");
        List<PurgeOutcome> out;
        try {
            // until two purges are done (tickets 1 and 4), whatever else happened
            out = outcomes.await(o -> o.stream().filter(PurgeOutcome::done).count() >= 2, 45_000);
        } finally {
            job.cancel().get();
        }

        // the premise: every change was read before the first deadline (the close is the last)
        Instant firstDeadline = Instant.parse(restoredDeletedAt).plus(WINDOW);
        assertThat(helpdesk.scheduled)
                .filteredOn(c -> c.command().entityId().equals("tickets/3"))
                .singleElement()
                .satisfies(c -> assertThat(c.at()).isBefore(firstDeadline));

        // ticket 1: once, at its deadline, done
        assertThat(executed(helpdesk, "tickets/1"))
                .singleElement()
                .satisfies(
                        e -> {
                            PurgeCommand c = e.command();
                            assertThat(c.ruleId()).isEqualTo("tickets.soft-deleted");
                            assertThat(c.start()).isEqualTo(Instant.parse(deletedAt));
                            assertThat(c.deadline())
                                    .isEqualTo(Instant.parse(deletedAt).plus(WINDOW));
                            assertThat(c.key()).isEqualTo(Map.of("id", "1"));
                            assertThat(e.at()).isAfterOrEqualTo(c.deadline());
                            assertThat(e.outcome().outcome()).isEqualTo(PurgeOutcome.DONE);
                            assertThat(e.outcome().verdict())
                                    .isEqualTo(PurgeGuard.Verdict.ELIGIBLE);
                        });
        // ticket 4: held at the deadline, tried again after the retry interval, then done
        List<Executed> held = executed(helpdesk, "tickets/4");
        assertThat(held)
                .extracting(e -> e.outcome().outcome() + " " + e.outcome().verdict())
                .containsExactly("skipped LEGAL_HOLD", "done ELIGIBLE");
        assertThat(held.get(0).command()).isEqualTo(held.get(1).command());
        assertThat(held.get(0).at()).isAfterOrEqualTo(held.get(0).command().deadline());
        assertThat(Duration.between(held.get(0).at(), held.get(1).at()))
                .isGreaterThanOrEqualTo(RETRY.minusMillis(50));
        // the restored and the hard-deleted ticket were never purged, nor the closed one (6 years)
        assertThat(helpdesk.executed)
                .extracting(e -> e.command().entityId())
                .containsOnly("tickets/1", "tickets/4");
        assertThat(helpdesk.rows.keySet()).isEqualTo(Set.of(2L, 3L));

        // each outcome leaves the job, in the order the executor gave them
        assertThat(out)
                .containsExactlyElementsOf(
                        helpdesk.executed.stream().map(Executed::outcome).toList());

        // the closed ticket's anonymization is scheduled, six years out
        assertThat(helpdesk.scheduled)
                .extracting(Scheduled::command)
                .filteredOn(c -> c.entityId().equals("tickets/3"))
                .singleElement()
                .satisfies(
                        c -> {
                            assertThat(c.ruleId()).isEqualTo("tickets.closed");
                            assertThat(c.deadline())
                                    .isEqualTo(
                                            POLICY.rule("tickets.closed")
                                                    .orElseThrow()
                                                    .after()
                                                    .after(Instant.parse(deletedAt)));
                        });
        assertThat(helpdesk.scheduled)
                .extracting(c -> c.command().entityId())
                .containsExactlyInAnyOrder(
                        "tickets/1", "tickets/2", "tickets/3", "tickets/4", "tickets/5");
        // purged or cancelled: no longer scheduled
        assertThat(helpdesk.unscheduled)
                .extracting(Unscheduled::entityId)
                .containsExactlyInAnyOrder("tickets/1", "tickets/2", "tickets/4", "tickets/5");
    }

    /** An open ticket {@code id} of contact 1 as a raw topic's row. */
    static Map<String, Object> ticket(long id) {
        return row(
                "tickets",
                "id",
                id,
                "contact_id",
                1,
                "subject",
                "Refund",
                "description",
                "charged twice",
                "status",
                "open",
                "channel",
                "email",
                "custom_fields",
                "{}");
    }

    /** A row as the executor reads it from the database: column -> text. */
    static Map<String, String> text(Map<String, Object> row) {
        Map<String, String> text = new HashMap<>();
        row.forEach((c, v) -> text.put(c, v == null ? null : v.toString()));
        return text;
    }

    private static List<Executed> executed(Helpdesk helpdesk, String entityId) {
        return helpdesk.executed.stream()
                .filter(e -> e.command().entityId().equals(entityId))
                .toList();
    }

    record Executed(PurgeCommand command, PurgeOutcome outcome, Instant at) {}

    record Scheduled(PurgeCommand command, Instant at) {}

    record Unscheduled(String entityId, Instant at) {}

    /** The helpdesk as the executor sees it: current ticket rows, holds, and what was asked. */
    static final class Helpdesk {
        final Map<Long, Map<String, String>> rows = new ConcurrentHashMap<>();
        final Set<Long> holdOnce = ConcurrentHashMap.newKeySet();
        final List<Executed> executed = new CopyOnWriteArrayList<>();
        final List<Scheduled> scheduled = new CopyOnWriteArrayList<>();
        final List<Unscheduled> unscheduled = new CopyOnWriteArrayList<>();
    }

    /**
     * Decides each command with the real guard against the helpdesk's current row, purges the
     * eligible, records everything with the wall-clock time.
     */
    static final class RecordingExecutor implements PurgeExecutor {
        private final Helpdesk helpdesk;

        RecordingExecutor(Helpdesk helpdesk) {
            this.helpdesk = helpdesk;
        }

        @Override
        public PurgeOutcome execute(PurgeCommand command) {
            Instant at = Instant.now();
            long id = command.rowId();
            Optional<LegalHold> hold =
                    helpdesk.holdOnce.remove(id)
                            ? Optional.of(LegalHold.onRecord(command.entityId(), "litigation"))
                            : Optional.empty();
            PurgeGuard.Decision d =
                    PurgeGuard.retention(
                            POLICY.rule(command.ruleId()).orElseThrow(),
                            command.start(),
                            helpdesk.rows.get(id),
                            at,
                            hold);
            if (d.eligible()) {
                helpdesk.rows.remove(id);
            }
            String outcome = d.eligible() ? PurgeOutcome.DONE : PurgeOutcome.SKIPPED;
            PurgeOutcome o =
                    new PurgeOutcome(
                            command.commandId(),
                            PurgeOutcome.receiptId(command.commandId(), outcome, d.verdict()),
                            outcome,
                            d.verdict(),
                            d.reason(),
                            false);
            helpdesk.executed.add(new Executed(command, o, at));
            return o;
        }

        @Override
        public void scheduled(PurgeCommand command) {
            helpdesk.scheduled.add(new Scheduled(command, Instant.now()));
        }

        @Override
        public void unscheduled(String entityId) {
            helpdesk.unscheduled.add(new Unscheduled(entityId, Instant.now()));
        }
    }
}
