package dev.lethe.jobs.audit;

import static dev.lethe.jobs.testing.DebeziumLog.row;
import static dev.lethe.jobs.testing.DebeziumLog.with;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.events.AuditEntry;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.kafka.RawRecord;
import dev.lethe.jobs.testing.DebeziumLog;
import dev.lethe.jobs.testing.OfflineSettings;
import dev.lethe.jobs.testing.RawTopics;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit job releases what waits for event time as soon as transactions are complete (Debezium's
 * transaction metadata), not after the raw partitions' idle timeout: the raw topics stay open after
 * the last record with an idle timeout of an hour, so only complete transactions can move event
 * time. What waits: a comment whose text names a person (drafted once every contact before it is
 * known), and a change whose transaction carries no actor message (it leaves once a later
 * transaction's message shows there is none). One transaction spans four tables; a later one is
 * delivered twice (a Debezium redelivery) and logged once; each entity's chain is in order.
 */
class AuditOnCompleteTransactionsITCase {

    @TempDir Path signingKeys;

    private final String run = UUID.randomUUID().toString();
    private final AuditOutputs out = new AuditOutputs();

    @AfterEach
    void forget() {
        TestAuditResources.forget(run);
        out.clear();
    }

    @Test
    void whatWaitsForEventTimeLeavesOnceItsTransactionIsComplete() throws Exception {
        DebeziumLog raw =
                new DebeziumLog(Instant.parse("2025-03-01T10:00:00Z")).withTransactionMetadata();
        Map<String, Object> anna =
                row("contacts", "id", 1, "first_name", "Anna", "email", "anna@example.eu");
        Map<String, Object> ticket = row("tickets", "id", 10, "contact_id", 1, "subject", "Login");
        raw.begin()
                .actor("agent", "7", "new customer with a ticket")
                .insert("contacts", anna)
                .insert("tickets", ticket)
                .insert("threads", row("threads", "id", 100, "ticket_id", 10, "content", "Hello"))
                .insert(
                        "comments",
                        row(
                                "comments",
                                "id",
                                1000,
                                "ticket_id",
                                10,
                                "content",
                                "Anna wrote from anna@example.eu"))
                .commit();
        // a writer that names no actor
        raw.begin().update("tickets", ticket, with(ticket, "subject", "Login fails")).commit();
        int redelivered = raw.records().size();
        raw.begin()
                .actor("agent", "7", "closing")
                .update(
                        "tickets",
                        with(ticket, "subject", "Login fails"),
                        with(with(ticket, "subject", "Login fails"), "status", "closed"))
                .commit();
        List<RawRecord> records = raw.recordsRedeliveredFrom(redelivered);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
        JobSettings settings =
                OfflineSettings.of(
                        "--audit-checkpoint-every", "1000",
                        "--audit-checkpoint-interval", "1h",
                        "--idle-timeout", "1h");
        AuditJob.defineWorkflow(
                env,
                RawTopics.keptOpenByTransactions(env, records, records, settings),
                out.sinks(),
                TestAuditResources.of(run, signingKeys),
                settings);
        JobClient job = env.executeAsync("audit-on-complete-transactions");
        List<AuditEntry> entries;
        try {
            entries = out.log.await(l -> l.size() >= 6, 60_000);
            Thread.sleep(500); // a copy of the redelivered change would come right after
            entries = out.log.values();
        } finally {
            job.cancel().get();
        }

        assertThat(entries)
                .extracting(e -> e.getEntityId() + "#" + e.getSeq())
                .containsExactlyInAnyOrder(
                        "contacts/1#1",
                        "tickets/10#1",
                        "threads/100#1",
                        "comments/1000#1",
                        "tickets/10#2",
                        "tickets/10#3");
        List<AuditEntry> tickets =
                entries.stream()
                        .filter(e -> e.getEntityId().equals("tickets/10"))
                        .sorted(Comparator.comparing(AuditEntry::getLogIndex))
                        .toList();
        assertThat(tickets)
                .extracting(e -> e.getSeq() + " " + e.getActor().getType())
                .containsExactly("1 agent", "2 unknown", "3 agent");
        AuditEntry comment =
                entries.stream()
                        .filter(e -> e.getEntityId().equals("comments/1000"))
                        .findFirst()
                        .orElseThrow();
        assertThat(comment.getSubjectIds()).contains("contact:1");
        assertThat(out.deadLetters.values()).isEmpty();
    }
}
