package dev.lethe.jobs.discovery;

import static dev.lethe.jobs.testing.DebeziumLog.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.testing.DebeziumLog;
import dev.lethe.jobs.testing.OfflineSettings;
import dev.lethe.jobs.testing.RawTopics;
import dev.lethe.jobs.testing.TestMasterKey;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Discovery locates a change as soon as its transaction is complete (Debezium's transaction
 * metadata), not after the raw partitions' idle timeout: the raw topics stay open after the last
 * record, with an idle timeout of an hour, so only complete transactions can move event time. One
 * transaction spans four tables (four partitions, read interleaved), a later one is delivered twice
 * (a Debezium redelivery) and is still located once per row version.
 */
class DiscoveryOnCompleteTransactionsITCase {

    /** The master key in the TaskManager's data directory, where the job opens it. */
    @RegisterExtension static final TestMasterKey.PerClass MASTER_KEY = TestMasterKey.perClass();

    private final DiscoveryOutputs out = new DiscoveryOutputs();

    @Test
    void everyRowOfACompleteTransactionIsLocatedWithoutWaitingForTime() throws Exception {
        DebeziumLog raw =
                new DebeziumLog(Instant.parse("2025-03-14T09:00:00Z")).withTransactionMetadata();
        raw.begin()
                .actor("agent", "7", "new customer with a ticket")
                .insert(
                        "contacts",
                        row(
                                "contacts",
                                "id",
                                1,
                                "first_name",
                                "Anna",
                                "last_name",
                                "Müller",
                                "email",
                                "anna.mueller@example.eu"))
                .insert("tickets", row("tickets", "id", 10, "contact_id", 1, "subject", "Login"))
                .insert(
                        "threads",
                        row("threads", "id", 100, "ticket_id", 10, "content", "Please call me"))
                .insert(
                        "comments",
                        row(
                                "comments",
                                "id",
                                1000,
                                "ticket_id",
                                10,
                                "content",
                                "Reach Anna at anna.mueller@example.eu"))
                .commit();
        raw.begin()
                .actor("agent", "7", "second address")
                .insert("contacts", row("contacts", "id", 2, "email", "jean.dupont@orange.fr"))
                .commit();
        int firstOfSecond = raw.records().size() - 4; // BEGIN, message, contact, END
        // Debezium sends the second transaction again after a restart: same LSNs, same END
        List<dev.lethe.jobs.kafka.RawRecord> records = raw.recordsRedeliveredFrom(firstOfSecond);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        JobSettings settings = OfflineSettings.of("--idle-timeout", "1h");
        DiscoveryJob.defineWorkflow(
                env,
                RawTopics.keptOpenByTransactions(env, records, records, settings),
                out.sinks(),
                settings);
        JobClient job = env.executeAsync("discovery-on-complete-transactions");
        Set<String> expected = Set.of("contacts/1", "tickets/10", "comments/1000", "contacts/2");
        List<LocationUpdate> found;
        try {
            found = out.locations.await(l -> recordsOf(l).containsAll(expected), 60_000);
        } finally {
            job.cancel().get();
        }
        assertThat(recordsOf(found)).containsAll(expected);
        // the redelivered transaction is located once: one update per document and version
        assertThat(found).extracting(u -> u.documentId + "@" + u.version).doesNotHaveDuplicates();
        assertThat(out.deadLetters.values()).isEmpty();
    }

    private static Set<String> recordsOf(List<LocationUpdate> updates) {
        Set<String> records = new TreeSet<>();
        for (LocationUpdate u : updates) {
            int slash = u.documentId.indexOf('/', u.documentId.indexOf('/') + 1);
            records.add(slash > 0 ? u.documentId.substring(0, slash) : u.documentId);
        }
        return records;
    }
}
