package dev.lethe.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.events.DeadLetter;
import dev.lethe.jobs.testing.DebeziumLog;
import dev.lethe.jobs.testing.ReplayTopic;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class ReplaysTest {

    private static final Instant FAILED_AT = Instant.parse("2025-03-02T08:00:00Z");
    private static final Set<String> TABLES =
            Set.of(DebeziumLog.topic("contacts"), DebeziumLog.topic("tickets"));

    /** A contact's insert as capture wrote it, at offset 0 of the contacts topic. */
    private static RawRecord contactInsert() {
        DebeziumLog log = new DebeziumLog(Instant.parse("2025-03-01T10:00:00Z"));
        log.begin()
                .insert(
                        "contacts",
                        DebeziumLog.row("contacts", "id", 1, "email", "anna@example.eu"))
                .commit();
        return log.records().stream()
                .filter(r -> r.topic.equals(DebeziumLog.topic("contacts")))
                .findFirst()
                .orElseThrow();
    }

    private static DeadLetter letter(String job, RawRecord raw) {
        return new DeadLetter(
                job,
                "SCHEMA_CHANGE",
                "unknown table contacts",
                raw.topic,
                raw.partition,
                raw.offset,
                ByteBuffer.wrap(raw.key),
                ByteBuffer.wrap(raw.value),
                FAILED_AT);
    }

    /** The record as the jobs' consumer reads it back from the replay topic. */
    private static ConsumerRecord<byte[], byte[]> consumed(
            ProducerRecord<byte[], byte[]> p, long offset) {
        return ReplayTopic.consumed(p, offset, FAILED_AT.toEpochMilli() + 60_000);
    }

    private static List<RawRecord> deserialize(
            RawRecordDeserializer d, ConsumerRecord<byte[], byte[]> record) {
        return ReplayTopic.deserialize(d, record);
    }

    @Test
    void aReplayReachesItsJobAsTheRawRecordItWasWithItsPositionCommitTimeAndTransaction() {
        RawRecord raw = contactInsert();
        ProducerRecord<byte[], byte[]> replay =
                Replays.record(letter("audit/normalize", raw), "lethe.deadletter", 0, 12);

        assertThat(replay.topic()).isEqualTo(Replays.TOPIC);
        assertThat(replay.key()).isEqualTo(raw.key);
        assertThat(replay.value()).isEqualTo(raw.value);
        assertThat(headers(replay))
                .containsEntry(Replays.HEADER_TOPIC, "helpdesk.public.contacts")
                .containsEntry(Replays.HEADER_PARTITION, "0")
                .containsEntry(Replays.HEADER_OFFSET, Long.toString(raw.offset))
                .containsEntry(Replays.HEADER_DEAD_LETTER, "lethe.deadletter/0@12")
                .containsEntry(Replays.HEADER_JOB, "audit")
                .containsEntry(Replays.HEADER_FAILED_AT, Long.toString(FAILED_AT.toEpochMilli()));

        List<RawRecord> read =
                deserialize(new RawRecordDeserializer("audit", TABLES), consumed(replay, 3));
        assertThat(read)
                .singleElement()
                .satisfies(
                        r -> {
                            assertThat(r.toString()).isEqualTo(raw.toString());
                            assertThat(r.key).isEqualTo(raw.key);
                            assertThat(r.value).isEqualTo(raw.value);
                            assertThat(r.commitTimeMillis).isEqualTo(raw.commitTimeMillis);
                            assertThat(r.eventTime()).isEqualTo(raw.eventTime());
                            assertThat(r.transactionId).isEqualTo(raw.transactionId);
                            assertThat(r.kafkaTimestamp).isEqualTo(FAILED_AT.toEpochMilli());
                            assertThat(r.replayOf).isEqualTo("lethe.deadletter/0@12");
                            assertThat(r.replayed()).isTrue();
                        });
    }

    @Test
    void eachJobTakesOnlyItsOwnReplaysAndOnlyOfATablesRawTopic() {
        RawRecord raw = contactInsert();
        ConsumerRecord<byte[], byte[]> forAudit =
                consumed(
                        Replays.record(letter("audit/normalize", raw), "lethe.deadletter", 0, 1),
                        0);
        ConsumerRecord<byte[], byte[]> forDiscovery =
                consumed(
                        Replays.record(
                                letter("discovery/normalize", raw), "lethe.deadletter", 0, 2),
                        1);

        assertThat(deserialize(new RawRecordDeserializer("discovery", TABLES), forAudit)).isEmpty();
        assertThat(deserialize(new RawRecordDeserializer("discovery", TABLES), forDiscovery))
                .hasSize(1);
        assertThat(deserialize(new RawRecordDeserializer("audit", Set.of()), forAudit))
                .as("a topic the job does not read as a table's")
                .isEmpty();
        assertThat(deserialize(new RawRecordDeserializer(), forAudit))
                .as("a source without replays reads the record as it is")
                .singleElement()
                .satisfies(r -> assertThat(r.topic).isEqualTo(Replays.TOPIC));
    }

    @Test
    void retentionTakesTheAuditJobsReplaysItsNormalizerRejectedTheSameRecords() {
        assertThat(Replays.replaysReadBy(Replays.RETENTION)).isEqualTo(Replays.AUDIT);
        assertThat(Replays.replaysReadBy(Replays.AUDIT)).isEqualTo(Replays.AUDIT);
        assertThat(Replays.replaysReadBy(Replays.DISCOVERY)).isEqualTo(Replays.DISCOVERY);
        assertThat(Replays.takesReplays("retention/normalize")).isTrue();
        assertThat(Replays.takesReplays("audit/normalize")).isTrue();
        assertThat(Replays.takesReplays("audit/index")).isFalse();
        // retention writes no dead letters: no letter is replayed to it by name
        assertThat(Replays.target("retention/normalize")).isEmpty();
    }

    @Test
    void aRecordOfTheReplayTopicWithoutReadablePositionsIsSkipped() {
        RecordHeaders h = new RecordHeaders();
        h.add(Replays.HEADER_JOB, "audit".getBytes(StandardCharsets.UTF_8));
        h.add(Replays.HEADER_TOPIC, "helpdesk.public.contacts".getBytes(StandardCharsets.UTF_8));
        h.add(Replays.HEADER_PARTITION, "zero".getBytes(StandardCharsets.UTF_8));
        h.add(Replays.HEADER_OFFSET, "1".getBytes(StandardCharsets.UTF_8));
        h.add(Replays.HEADER_DEAD_LETTER, "lethe.deadletter/0@1".getBytes(StandardCharsets.UTF_8));
        ConsumerRecord<byte[], byte[]> forged =
                new ConsumerRecord<>(
                        Replays.TOPIC,
                        0,
                        0,
                        0L,
                        TimestampType.CREATE_TIME,
                        -1,
                        -1,
                        null,
                        new byte[] {'{', '}'},
                        h,
                        Optional.empty());

        assertThat(deserialize(new RawRecordDeserializer("audit", TABLES), forged)).isEmpty();
    }

    @Test
    void onlyANormalizersDeadLetterOfATablesRawTopicWithItsRawValueIsReplayable() {
        RawRecord raw = contactInsert();
        assertThat(Replays.replayable(letter("audit/normalize", raw), "helpdesk")).isTrue();
        assertThat(Replays.replayable(letter("discovery/normalize", raw), "helpdesk")).isTrue();
        assertThat(Replays.replayable(letter("audit/index", raw), "helpdesk")).isFalse();
        assertThat(Replays.replayable(letter("audit/lethe-actions", raw), "helpdesk")).isFalse();
        DeadLetter noValue = letter("audit/normalize", raw);
        noValue.setRawValue(null);
        assertThat(Replays.replayable(noValue, "helpdesk")).isFalse();
        DeadLetter actorMessage = letter("audit/normalize", raw);
        actorMessage.setSourceTopic(DebeziumLog.MESSAGE_TOPIC);
        assertThat(Replays.replayable(actorMessage, "helpdesk")).isFalse();
        assertThatThrownBy(
                        () -> Replays.record(letter("audit/index", raw), "lethe.deadletter", 0, 1))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(Replays.table("helpdesk.public.contacts", "helpdesk")).contains("contacts");
        assertThat(Replays.table("helpdesk.message", "helpdesk")).isEmpty();
        assertThat(Replays.table("lethe-audit", "helpdesk")).isEmpty();
    }

    private static Map<String, String> headers(ProducerRecord<byte[], byte[]> r) {
        Map<String, String> m = new java.util.HashMap<>();
        r.headers().forEach(h -> m.put(h.key(), new String(h.value(), StandardCharsets.UTF_8)));
        return m;
    }
}
