package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.events.AuditCheckpoint;
import dev.lethe.events.AuditEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How {@code ./lethe audit verify} and {@code audit prove} read the log of record from Kafka,
 * against Kafka's {@link MockConsumer}: from offset 0 to the end offset seen when reading starts,
 * waiting (up to the catch-up time) for entries a checkpoint already covers, one partition only.
 */
@Timeout(60)
class AuditLogSourceTest {

    private static final String ENTRIES = MockAuditTopics.ENTRIES;
    private static final String CHECKPOINTS = MockAuditTopics.CHECKPOINTS;

    private final AuditTestLogs log = new AuditTestLogs().ticketTraffic(12, 3, 5);

    private static List<AuditEntry> read(Iterable<AuditEntry> entries) {
        List<AuditEntry> out = new ArrayList<>();
        entries.forEach(out::add);
        return out;
    }

    @Test
    void theCheckpointsAreReadInTopicOrderAndTheConsumerClosed() {
        MockAuditTopics topics =
                new MockAuditTopics()
                        .topic(CHECKPOINTS, MockAuditTopics.encodedCheckpoints(log.checkpoints));

        List<AuditCheckpoint> read = topics.source(Duration.ZERO).checkpoints();

        assertThat(log.checkpoints).hasSizeGreaterThan(1);
        assertThat(read).isEqualTo(log.checkpoints);
        assertThat(topics.allClosed()).isTrue();
    }

    @Test
    void theEntriesAreReadInLogOrderAndEachIterationReadsTheTopicFromTheStartAgain() {
        MockAuditTopics topics =
                new MockAuditTopics().topic(ENTRIES, MockAuditTopics.encoded(log.entries));
        Iterable<AuditEntry> entries = topics.source(Duration.ZERO).entries(0);

        assertThat(read(entries)).isEqualTo(log.entries);
        assertThat(read(entries)).isEqualTo(log.entries);
        assertThat(topics.made).hasSize(2);
        assertThat(topics.allClosed()).isTrue();
    }

    @Test
    void eachEntryIsDecodedWhenItIsHandedOutNotWhenItsPollArrives() {
        List<byte[]> records = new ArrayList<>(MockAuditTopics.encoded(log.entries));
        records.set(5, new byte[] {1, 2, 3});
        MockAuditTopics topics = new MockAuditTopics().topic(ENTRIES, records);
        java.util.Iterator<AuditEntry> it = topics.source(Duration.ZERO).entries(0).iterator();

        // the five before it come out although one poll holds all of them and the bad record
        for (int i = 0; i < 5; i++) {
            assertThat(it.next()).isEqualTo(log.entries.get(i));
        }
        assertThatThrownBy(it::next)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is not an audit entry");
    }

    @Test
    void entriesPastTheEndSeenWhenReadingStartsAreNotRead() {
        MockAuditTopics topics =
                new MockAuditTopics().topic(ENTRIES, MockAuditTopics.encoded(log.entries));
        topics.endSeenFirst.put(ENTRIES, 5L);

        assertThat(read(topics.source(Duration.ZERO).entries(0)))
                .isEqualTo(log.entries.subList(0, 5));
    }

    @Test
    void entriesACheckpointAlreadyCoversAreAwaitedUntilTheyArrive() {
        MockAuditTopics topics =
                new MockAuditTopics()
                        .topic(ENTRIES, MockAuditTopics.encoded(log.entries.subList(0, 8)));
        topics.late.put(ENTRIES, MockAuditTopics.encoded(log.entries.subList(8, 12)));

        assertThat(read(topics.source(Duration.ofSeconds(30)).entries(12))).isEqualTo(log.entries);
        assertThat(topics.allClosed()).isTrue();
    }

    @Test
    void theWaitForEntriesThatNeverArriveEndsAfterTheCatchUpTimeWithWhatWasRead() {
        MockAuditTopics topics =
                new MockAuditTopics()
                        .topic(ENTRIES, MockAuditTopics.encoded(log.entries.subList(0, 8)));

        List<AuditEntry> read = read(topics.source(Duration.ofMillis(300)).entries(12));

        assertThat(read).isEqualTo(log.entries.subList(0, 8));
        assertThat(topics.allClosed()).isTrue();
    }

    @Test
    void aMissingTopicIsNamedWithAHint() {
        MockAuditTopics topics = new MockAuditTopics();

        assertThatThrownBy(() -> topics.source(Duration.ZERO).checkpoints())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Kafka topic "
                                + CHECKPOINTS
                                + " does not exist: is the audit job running?");
        assertThat(topics.allClosed()).isTrue();
    }

    @Test
    void aTopicWithMoreThanOnePartitionIsRefused() {
        MockAuditTopics topics =
                new MockAuditTopics().topic(ENTRIES, MockAuditTopics.encoded(log.entries));
        topics.partitions.put(ENTRIES, 2);

        assertThatThrownBy(() -> read(topics.source(Duration.ZERO).entries(0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Kafka topic "
                                + ENTRIES
                                + " has 2 partitions; the audit log of record has exactly one");
        assertThat(topics.allClosed()).isTrue();
    }
}
