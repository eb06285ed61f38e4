package dev.lethe.jobs.retention;

import static dev.lethe.jobs.testing.DebeziumLog.with;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.jobs.kafka.RawRecord;
import dev.lethe.jobs.purge.PurgeOutcome;
import dev.lethe.jobs.testing.CollectingSink;
import dev.lethe.jobs.testing.DebeziumLog;
import dev.lethe.jobs.testing.RawTopics;
import dev.lethe.jobs.testing.Savepoints;
import dev.lethe.retention.RetentionPolicy;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The retention job's deadlines survive a savepoint: a soft-deleted ticket's purge is scheduled,
 * the job ({@link RetentionJob#defineWorkflow} on a MiniCluster, the receipt relay and its ticks
 * included) is stopped with a savepoint before the deadline, and started again from it with no new
 * input and no state left unclaimed: the deadline registered before fires after, once, the changes
 * are not read again, and the relay goes on.
 */
class RetentionSavepointITCase {

    private static final Map<String, RetentionJobITCase.Helpdesk> HELPDESKS =
            new ConcurrentHashMap<>();

    /**
     * Long enough for the first run to start, read and stop before the deadline on a busy machine
     * (the test waits for it in the second run).
     */
    private static final Duration WINDOW = Duration.ofSeconds(60);

    /** Soft-deleted tickets go {@link #WINDOW} after {@code deleted_at}. */
    private static final RetentionPolicy POLICY =
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
                                            "")
                                    .getBytes(StandardCharsets.UTF_8)),
                    "retention-savepoint-itcase",
                    PersonalDataCatalog.loadDefault());

    @TempDir Path savepoints;

    private final String run = UUID.randomUUID().toString();
    private final CollectingSink<PurgeOutcome> outcomes = CollectingSink.create("outcomes");

    @AfterEach
    void forget() {
        HELPDESKS.remove(run);
        TestRetentionResources.forget(run);
        outcomes.clear();
    }

    @Test
    void aDeadlineScheduledBeforeTheSavepointFiresAfterTheRestore() throws Exception {
        RetentionJobITCase.Helpdesk helpdesk = new RetentionJobITCase.Helpdesk();
        HELPDESKS.put(run, helpdesk);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Instant deadline = now.plus(WINDOW);
        DebeziumLog raw = new DebeziumLog(now.minusSeconds(60));
        Map<String, Object> ticket = RetentionJobITCase.ticket(1);
        Map<String, Object> deleted = with(ticket, "deleted_at", now.toString());
        raw.begin().actor("agent", "7", "new ticket").insert("tickets", ticket).commit();
        raw.begin().actor("agent", "7", "soft delete").update("tickets", ticket, deleted).commit();
        helpdesk.rows.put(1L, RetentionJobITCase.text(deleted));

        JobClient first = start(raw.records(), null);
        String savepoint;
        int roundsBefore;
        try {
            awaitScheduled(helpdesk, "tickets/1");
            awaitRelayRounds(1);
            savepoint =
                    first.stopWithSavepoint(
                                    false,
                                    savepoints.toUri().toString(),
                                    SavepointFormatType.CANONICAL)
                            .get();
            roundsBefore = TestRetentionResources.relayRounds(run);
        } catch (Exception | AssertionError e) {
            first.cancel().get();
            throw e;
        }
        // the premise: stopped before the deadline, nothing purged yet
        assertThat(Instant.now()).isBefore(deadline);
        assertThat(helpdesk.executed).isEmpty();

        JobClient second = start(List.of(), savepoint);
        List<PurgeOutcome> out;
        try {
            out = outcomes.await(o -> o.stream().anyMatch(PurgeOutcome::done), 120_000);
            Thread.sleep(300); // a second purge or a re-read change would come now
            awaitRelayRounds(roundsBefore + 1); // the restored relay ticks on
        } finally {
            second.cancel().get();
        }
        assertThat(out).filteredOn(PurgeOutcome::done).hasSize(1);
        assertThat(helpdesk.executed)
                .singleElement()
                .satisfies(
                        e -> {
                            assertThat(e.command().entityId()).isEqualTo("tickets/1");
                            assertThat(e.command().deadline()).isEqualTo(deadline);
                            assertThat(e.at()).isAfterOrEqualTo(deadline);
                        });
        // scheduled once, by the first run: the second read nothing again
        assertThat(helpdesk.scheduled).hasSize(1);
        assertThat(helpdesk.rows).isEmpty();
    }

    private JobClient start(List<RawRecord> records, String savepoint) throws Exception {
        StreamExecutionEnvironment env = Savepoints.restoring(1, savepoint);
        String helpdeskOf = run;
        RetentionJob.defineWorkflow(
                        env,
                        RawTopics.keptOpen(env, records, Duration.ofSeconds(5)),
                        POLICY,
                        TestRetentionResources.of(
                                run,
                                () ->
                                        new RetentionJobITCase.RecordingExecutor(
                                                HELPDESKS.get(helpdeskOf))),
                        new RetentionSettings(
                                "",
                                Duration.ofSeconds(1),
                                Duration.ofSeconds(1),
                                "lethe.purge.receipts"))
                .sinkTo(outcomes)
                .name("collected-outcomes")
                .uid("test-collected-outcomes");
        return env.executeAsync("retention-savepoint-itcase");
    }

    private void awaitRelayRounds(int rounds) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (TestRetentionResources.relayRounds(run) < rounds) {
            assertThat(System.nanoTime()).as("relay rounds of this run").isLessThan(until);
            Thread.sleep(50);
        }
    }

    private static void awaitScheduled(RetentionJobITCase.Helpdesk helpdesk, String entityId)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (helpdesk.scheduled.stream().noneMatch(s -> s.command().entityId().equals(entityId))
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(helpdesk.scheduled).extracting(s -> s.command().entityId()).contains(entityId);
    }
}
