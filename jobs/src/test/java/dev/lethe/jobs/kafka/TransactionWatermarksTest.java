package dev.lethe.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.jobs.testing.DebeziumLog;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class TransactionWatermarksTest {

    private static final Instant START = Instant.parse("2025-03-01T10:00:00Z");

    /** The message topic never read to its end: only messages tell about messages. */
    private static TransactionWatermarks operator() {
        return operator(
                PartitionHeads.fixed(
                        Map.of(PartitionHeads.name(DebeziumLog.MESSAGE_TOPIC, 0), Long.MAX_VALUE)));
    }

    private static TransactionWatermarks operator(PartitionHeads.Factory heads) {
        return new TransactionWatermarks(
                DebeziumLog.TRANSACTION_TOPIC,
                DebeziumLog.MESSAGE_TOPIC,
                DebeziumLog.PREFIX + ".",
                Set.of(DebeziumLog.topic("contacts"), DebeziumLog.topic("tickets")),
                heads);
    }

    private static OneInputStreamOperatorTestHarness<RawRecord, RawRecord> harness(
            TransactionWatermarks operator) throws Exception {
        return new OneInputStreamOperatorTestHarness<>(operator);
    }

    private static void feed(
            OneInputStreamOperatorTestHarness<RawRecord, RawRecord> h, List<RawRecord> records)
            throws Exception {
        for (RawRecord r : records) {
            h.processElement(new StreamRecord<>(r, r.eventTime()));
        }
    }

    private static List<Long> watermarks(
            OneInputStreamOperatorTestHarness<RawRecord, RawRecord> h) {
        List<Long> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof Watermark w) {
                out.add(w.getTimestamp());
            }
        }
        return out;
    }

    private static List<String> topics(OneInputStreamOperatorTestHarness<RawRecord, RawRecord> h) {
        return h.extractOutputValues().stream().map(r -> r.topic).toList();
    }

    @Test
    void eventTimeReachesATransactionAsSoonAsItsChangesAndMessageAreRead() throws Exception {
        DebeziumLog log = new DebeziumLog(START).withTransactionMetadata();
        log.begin().actor("agent", "7", "phone");
        long committed = log.committed().toEpochMilli();
        log.insert("contacts", DebeziumLog.row("contacts", "id", 1, "email", "a@example.eu"));
        log.insert("tickets", DebeziumLog.row("tickets", "id", 10, "contact_id", 1));
        log.commit();
        List<RawRecord> records = log.records();
        RawRecord lastChange = records.get(3);
        assertThat(lastChange.topic).isEqualTo(DebeziumLog.topic("tickets"));

        try (var h = harness(operator())) {
            h.open();
            h.setProcessingTime(1_000);
            // the END is read before the tickets change (another partition)
            feed(h, List.of(records.get(0), records.get(1), records.get(2), records.get(4)));
            assertThat(watermarks(h)).as("the ticket is still to come").isEmpty();
            feed(h, List.of(lastChange));
            assertThat(watermarks(h)).containsExactly(committed);
            assertThat(topics(h))
                    .as("every record passes, except the transaction topic's")
                    .containsExactly(
                            DebeziumLog.MESSAGE_TOPIC,
                            DebeziumLog.topic("contacts"),
                            DebeziumLog.topic("tickets"));
        }
    }

    @Test
    void aReplayedDeadLetterPassesWithoutCountingForItsTransaction() throws Exception {
        DebeziumLog log = new DebeziumLog(START).withTransactionMetadata();
        log.begin().actor("agent", "7", "phone");
        long committed = log.committed().toEpochMilli();
        log.insert("contacts", DebeziumLog.row("contacts", "id", 1, "email", "a@example.eu"));
        log.commit();
        RawRecord change =
                log.records().stream()
                        .filter(r -> r.topic.equals(DebeziumLog.topic("contacts")))
                        .findFirst()
                        .orElseThrow();
        RawRecord replay =
                RawRecord.of(
                        change.topic,
                        change.partition,
                        change.offset,
                        change.key,
                        change.value,
                        change.kafkaTimestamp);
        replay.replayOf = "lethe.deadletter/0@5";

        try (var h = harness(operator())) {
            h.open();
            h.setProcessingTime(1_000);
            feed(h, log.records().stream().filter(r -> r != change).toList());
            feed(h, List.of(replay));
            assertThat(watermarks(h)).as("a replay is not the change still to come").isEmpty();
            assertThat(h.extractOutputValues())
                    .extracting(r -> r.replayOf)
                    .contains("lethe.deadletter/0@5");

            feed(h, List.of(change));
            assertThat(watermarks(h)).containsExactly(committed);
        }
    }

    @Test
    void aTransactionWhoseEndCountsNoMessageLeavesAtOnce() throws Exception {
        DebeziumLog log = new DebeziumLog(START).withTransactionMetadata();
        log.begin().actor("agent", "7", "phone");
        long first = log.committed().toEpochMilli();
        log.insert("contacts", DebeziumLog.row("contacts", "id", 1));
        log.commit();
        log.begin(); // a writer that names no actor, and no actor trigger
        long second = log.committed().toEpochMilli();
        log.insert("contacts", DebeziumLog.row("contacts", "id", 2));
        log.commit();
        try (var h = harness(operator())) { // the message topic never looks read to its end
            h.open();
            h.setProcessingTime(1_000);
            feed(h, log.records());
            h.setProcessingTime(1_000 + TransactionWatermarks.EMIT_INTERVAL_MS);
            assertThat(watermarks(h)).containsExactly(first, second);
        }
    }

    @Test
    void aTransactionWithoutMessageLeavesOnceTheMessageTopicIsReadToItsEnd() throws Exception {
        // a connector that does not count messages in its ENDs
        DebeziumLog log = new DebeziumLog(START).withTransactionMetadata(false);
        log.begin().actor("agent", "7", "phone");
        log.insert("contacts", DebeziumLog.row("contacts", "id", 1));
        log.commit();
        log.begin(); // a writer that names no actor
        long committed = log.committed().toEpochMilli();
        log.insert("contacts", DebeziumLog.row("contacts", "id", 2));
        log.commit();
        List<RawRecord> records = log.records();
        // the topic's end: its one message (offset 0) read, so next offset 1
        String messages = PartitionHeads.name(DebeziumLog.MESSAGE_TOPIC, 0);
        try (var h = harness(operator(PartitionHeads.fixed(Map.of(messages, 1L))))) {
            h.open();
            h.setProcessingTime(1_000);
            feed(h, records);
            h.setProcessingTime(1_000 + TransactionWatermarks.EMIT_INTERVAL_MS);
            assertThat(watermarks(h)).endsWith(committed);
        }
        try (var h = harness(operator(PartitionHeads.fixed(Map.of(messages, 2L))))) {
            h.open();
            h.setProcessingTime(1_000);
            feed(h, records);
            h.setProcessingTime(1_000 + TransactionWatermarks.EMIT_INTERVAL_MS);
            assertThat(watermarks(h))
                    .as("a message still to read may be the second transaction's")
                    .hasSize(1)
                    .allMatch(w -> w < committed);
        }
    }

    @Test
    void watermarksArePassedOnAtMostEveryInterval() throws Exception {
        DebeziumLog log = new DebeziumLog(START).withTransactionMetadata();
        List<Long> commits = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            log.begin(Duration.ofMillis(5)).actor("agent", "7", "phone");
            commits.add(log.committed().toEpochMilli());
            log.insert("contacts", DebeziumLog.row("contacts", "id", i));
            log.commit();
        }
        try (var h = harness(operator())) {
            h.open();
            h.setProcessingTime(1_000);
            feed(h, log.records());
            assertThat(watermarks(h)).as("the first at once").containsExactly(commits.get(0));
            h.setProcessingTime(1_000 + TransactionWatermarks.EMIT_INTERVAL_MS);
            assertThat(watermarks(h))
                    .as("the rest together, one interval later")
                    .containsExactly(commits.get(0), commits.get(2));
        }
    }

    @Test
    void theSourcesOwnWatermarkStaysTheFloor() throws Exception {
        try (var h = harness(operator())) {
            h.open();
            h.setProcessingTime(1_000);
            h.processWatermark(new Watermark(5_000));
            assertThat(watermarks(h)).containsExactly(5_000L);
            h.setProcessingTime(2_000);
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            assertThat(watermarks(h)).containsExactly(5_000L, Long.MAX_VALUE);
        }
    }

    @Test
    void aRestoredOperatorKnowsWhatItCountedBeforeTheCheckpoint() throws Exception {
        DebeziumLog log = new DebeziumLog(START).withTransactionMetadata();
        log.begin().actor("agent", "7", "phone");
        long committed = log.committed().toEpochMilli();
        log.insert("contacts", DebeziumLog.row("contacts", "id", 1));
        log.insert("tickets", DebeziumLog.row("tickets", "id", 10, "contact_id", 1));
        log.commit();
        List<RawRecord> records = log.records();
        OperatorSubtaskState snapshot;
        try (var h = harness(operator())) {
            h.open();
            feed(h, records.subList(0, 3)); // BEGIN, message, contact
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness(operator())) {
            h.initializeState(snapshot);
            h.open();
            h.setProcessingTime(1_000);
            feed(h, records.subList(3, records.size())); // ticket, END
            assertThat(watermarks(h)).containsExactly(committed);
        }
    }
}
