package dev.lethe.jobs.changes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.events.ChangeEvent;
import dev.lethe.events.DeadLetter;
import dev.lethe.jobs.kafka.RawRecord;
import dev.lethe.jobs.testing.DebeziumLog;
import dev.lethe.jobs.testing.SideOutputs;
import dev.lethe.normalize.ChangeNormalizer;
import dev.lethe.normalize.HelpdeskTables;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

class NormalizeRawRecordsTest {

    private final DebeziumLog log = new DebeziumLog(Instant.parse("2025-03-01T10:00:00Z"));
    private final Map<String, Object> anna =
            DebeziumLog.row("contacts", "id", 1, "email", "anna@example.eu");

    /** A normalizer of an earlier version, which did not know the contacts table. */
    private static ChangeNormalizer withoutContacts() {
        Map<String, Set<String>> tables = new HashMap<>(HelpdeskTables.COLUMNS);
        tables.remove("contacts");
        return new ChangeNormalizer(tables);
    }

    private static OneInputStreamOperatorTestHarness<RawRecord, ChangeEvent> harness(
            String job, ChangeNormalizer normalizer) throws Exception {
        return new OneInputStreamOperatorTestHarness<>(
                new ProcessOperator<>(new NormalizeRawRecords(job, normalizer)));
    }

    private static OneInputStreamOperatorTestHarness<RawRecord, ChangeEvent> harness()
            throws Exception {
        return harness("audit/normalize", ChangeNormalizer.forHelpdesk());
    }

    private static RawRecord replayOf(RawRecord r, String deadLetter) {
        RawRecord copy =
                RawRecord.of(r.topic, r.partition, r.offset, r.key, r.value, r.kafkaTimestamp);
        copy.replayOf = deadLetter;
        return copy;
    }

    private static void send(
            OneInputStreamOperatorTestHarness<RawRecord, ChangeEvent> h, RawRecord r)
            throws Exception {
        h.processElement(new StreamRecord<>(r, r.eventTime()));
    }

    private List<RawRecord> contacts() {
        return log.records().stream()
                .filter(r -> r.topic.equals(DebeziumLog.topic("contacts")))
                .toList();
    }

    private static List<ChangePosition> replayed(
            OneInputStreamOperatorTestHarness<RawRecord, ChangeEvent> h) {
        return SideOutputs.of(h, NormalizeRawRecords.REPLAYED);
    }

    private static List<DeadLetter> deadLetters(
            OneInputStreamOperatorTestHarness<RawRecord, ChangeEvent> h) {
        return SideOutputs.of(h, NormalizeRawRecords.DEAD_LETTERS);
    }

    @Test
    void aRejectedRecordReplayedAfterAnUpgradeIsTheChangeAtItsPositionMarkedAndOnce()
            throws Exception {
        log.begin().insert("contacts", anna).commit();
        RawRecord insert = contacts().get(0);
        OperatorSubtaskState savepoint;
        try (var before = harness("audit/normalize", withoutContacts())) {
            before.open();
            send(before, insert);
            assertThat(deadLetters(before))
                    .singleElement()
                    .satisfies(d -> assertThat(d.getReason()).isEqualTo("SCHEMA_CHANGE"));
            savepoint = before.snapshot(1, 1);
        }
        try (var upgraded = harness()) {
            upgraded.initializeState(savepoint);
            upgraded.open();
            send(upgraded, replayOf(insert, "lethe.deadletter/0@12"));
            send(upgraded, replayOf(insert, "lethe.deadletter/0@12")); // a second copy

            assertThat(upgraded.extractOutputValues())
                    .singleElement()
                    .satisfies(
                            c -> {
                                assertThat(c.getSource().getTopic()).isEqualTo(insert.topic);
                                assertThat(c.getSource().getOffset()).isEqualTo(insert.offset);
                            });
            assertThat(replayed(upgraded))
                    .singleElement()
                    .satisfies(
                            p -> {
                                assertThat(p.entityId).isEqualTo("contacts/1");
                                assertThat(p.replayed).isTrue();
                            });
            assertThat(deadLetters(upgraded)).isEmpty();
        }
    }

    @Test
    void aReplayOfARecordTheJobDidNotRejectIsRefused() throws Exception {
        log.begin().insert("contacts", anna).commit();
        log.begin().update("contacts", anna, DebeziumLog.with(anna, "locale", "de-DE")).commit();
        RawRecord insert = contacts().get(0);
        RawRecord update = contacts().get(1);
        try (var h = harness("audit/normalize", withoutContacts())) {
            h.open();
            send(h, insert);
            send(h, replayOf(update, "lethe.deadletter/0@3")); // a position it did not reject
            RawRecord forged = replayOf(insert, "lethe.deadletter/0@2");
            forged.value = update.value; // its position, other bytes
            send(h, forged);

            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(replayed(h)).isEmpty();
            assertThat(deadLetters(h)).hasSize(1); // the insert's rejection only
        }
        try (var fresh = harness()) { // a job started afresh: it rejected nothing
            fresh.open();
            send(fresh, replayOf(insert, "lethe.deadletter/0@2"));
            assertThat(fresh.extractOutputValues()).isEmpty();
        }
        try (var retention = harness("retention/normalize", withoutContacts())) {
            // the retention job's normalizer takes replays of its own rejections too
            retention.open();
            send(retention, replayOf(update, "lethe.deadletter/0@3")); // not its rejection
            send(retention, insert);
            send(retention, replayOf(insert, "lethe.deadletter/0@2")); // its own: fails again
            assertThat(deadLetters(retention)).hasSize(2);
            assertThat(deadLetters(retention).get(1).getDetail())
                    .endsWith("(replay of lethe.deadletter/0@2)");
        }
    }

    @Test
    void aReplayThatFailsAgainIsANewDeadLetterNamingTheOneReplayedAndStaysReplayable()
            throws Exception {
        long poison =
                log.raw(
                        DebeziumLog.topic("contacts"),
                        DebeziumLog.utf8("{\"id\":1}"),
                        DebeziumLog.utf8("{not json"));
        RawRecord raw = contacts().get((int) poison);
        try (var h = harness()) {
            h.open();
            send(h, raw);
            send(h, replayOf(raw, "lethe.deadletter/0@3"));
            send(h, replayOf(raw, "lethe.deadletter/0@4"));

            assertThat(deadLetters(h))
                    .extracting(DeadLetter::getReason, DeadLetter::getSourceOffset)
                    .containsOnly(Tuple.tuple("MALFORMED_JSON", poison))
                    .hasSize(3);
            assertThat(deadLetters(h).get(0).getDetail()).doesNotContain("replay of");
            assertThat(deadLetters(h).get(1).getDetail())
                    .endsWith("(replay of lethe.deadletter/0@3)")
                    .doesNotContain("not json");
            assertThat(deadLetters(h).get(2).getDetail())
                    .endsWith("(replay of lethe.deadletter/0@4)");
        }
    }

    @Test
    void aTruncateIsADeadLetterForAJobThatDoesNotRecordIt() throws Exception {
        try (var h =
                ProcessFunctionTestHarnesses.forProcessFunction(
                        new NormalizeRawRecords(
                                "discovery/normalize", ChangeNormalizer.forHelpdesk()))) {
            h.processElement(DebeziumLog.truncateOf("tickets"), 0);

            assertThat(SideOutputs.of(h, NormalizeRawRecords.DEAD_LETTERS))
                    .singleElement()
                    .satisfies(
                            d -> {
                                assertThat(d.getReason()).isEqualTo("TRUNCATE");
                                assertThat(d.getJob()).isEqualTo("discovery/normalize");
                                assertThat(d.getDetail()).contains("tickets");
                            });
            assertThat(SideOutputs.of(h, NormalizeRawRecords.TRUNCATED)).isEmpty();
            assertThat(h.extractOutputValues()).isEmpty();
        }
    }

    @Test
    void discoverysNormalizerForwardsATruncateOfAKnownTableToForgetItsLocations() throws Exception {
        try (var h =
                ProcessFunctionTestHarnesses.forProcessFunction(
                        new NormalizeRawRecords(
                                        "discovery/normalize", ChangeNormalizer.forHelpdesk())
                                .forwardingTruncates())) {
            RawRecord truncate = DebeziumLog.truncateOf("tickets");
            h.processElement(truncate, 0);
            h.processElement(DebeziumLog.truncateOf("invoices"), 0); // unknown: still a dead letter

            assertThat(SideOutputs.of(h, NormalizeRawRecords.TRUNCATED))
                    .singleElement()
                    .satisfies(
                            t -> {
                                assertThat(t.table).isEqualTo("tickets");
                                assertThat(t.lsn).isPositive();
                                assertThat(t.offset).isEqualTo(truncate.offset);
                            });
            assertThat(SideOutputs.of(h, NormalizeRawRecords.DEAD_LETTERS))
                    .extracting(DeadLetter::getReason)
                    .containsExactly("TRUNCATE");
        }
    }

    @Test
    void aJobThatDoesNotRecordMigrationsSkipsThemWithoutADeadLetter() throws Exception {
        try (var h =
                ProcessFunctionTestHarnesses.forProcessFunction(
                        new NormalizeRawRecords(
                                "discovery/normalize", ChangeNormalizer.forHelpdesk()))) {
            h.processElement(DebeziumLog.nicknameAdded(), 0);

            assertThat(SideOutputs.of(h, NormalizeRawRecords.DEAD_LETTERS)).isEmpty();
            assertThat(h.extractOutputValues()).isEmpty();
        }
    }
}
