package dev.lethe.jobs.audit;

import static dev.lethe.jobs.testing.DebeziumLog.row;
import static dev.lethe.jobs.testing.DebeziumLog.with;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.audit.VerificationReport;
import dev.lethe.events.AuditEntry;
import dev.lethe.events.DeadLetter;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.kafka.RawRecord;
import dev.lethe.jobs.kafka.RawRecordDeserializer;
import dev.lethe.jobs.kafka.RawTopicsSource;
import dev.lethe.jobs.kafka.ReplayPlan;
import dev.lethe.jobs.kafka.Replays;
import dev.lethe.jobs.testing.DebeziumLog;
import dev.lethe.jobs.testing.OfflineSettings;
import dev.lethe.jobs.testing.RawTopics;
import dev.lethe.jobs.testing.ReplayTopic;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dead letters fed back through the audit job ({@code ./lethe deadletters replay}) on a
 * MiniCluster: the replays as the command plans and writes them ({@link ReplayPlan}, {@link
 * Replays#record}) and the job's source reads them back ({@link RawRecordDeserializer}), after the
 * raw topics' records as {@link AuditJobITCase} feeds them. A poison record's letter replayed fails
 * again (a new letter naming it); a letter the job did not write is refused; each change is in the
 * log once, the replay's own entry once, and a second replay command finds nothing to do. A replay
 * that succeeds needs a job whose cause was fixed between the rejection and the replay (an upgrade
 * restored from a savepoint): {@code NormalizeRawRecordsTest} and {@code OrderEntityChangesTest}.
 * {@code DeadLetterReplayITCase} in module system-tests runs the command on the real stack.
 */
class AuditReplayITCase {

    private static final String DEAD_LETTERS = "lethe.deadletter";

    @TempDir Path signingKeys;

    private final String run = UUID.randomUUID().toString();
    private final List<AuditOutputs> runs = new ArrayList<>();

    /** The last run's own. */
    private AuditOutputs out;

    @AfterEach
    void forget() {
        TestAuditResources.forget(run);
        runs.forEach(AuditOutputs::clear);
    }

    @Test
    void aReplayedDeadLetterIsTakenOnceByTheJobThatWroteItAndASecondReplayIsSkipped()
            throws Exception {
        DebeziumLog raw = new DebeziumLog(Instant.parse("2025-03-01T10:00:00Z"));
        Map<String, Object> anna =
                row("contacts", "id", 1, "email", "anna@example.eu", "phone", "+49 30 1234567");
        raw.begin().actor("agent", "7", "created").insert("contacts", anna).commit();
        Map<String, Object> annaNewPhone = with(anna, "phone", "+33 1 23 45 67 89");
        raw.begin()
                .actor("customer", "1", "changed own phone")
                .update("contacts", anna, annaNewPhone)
                .commit();
        long poisonOffset =
                raw.raw(
                        DebeziumLog.topic("contacts"),
                        DebeziumLog.utf8("{\"id\":1}"),
                        DebeziumLog.utf8("{not json"));
        raw.begin()
                .actor("agent", "7", "locale")
                .update("contacts", annaNewPhone, with(annaNewPhone, "locale", "fr-FR"))
                .commit();
        List<RawRecord> rawTopics = raw.records();
        List<RawRecord> contacts =
                rawTopics.stream()
                        .filter(r -> r.topic.equals(DebeziumLog.topic("contacts")))
                        .toList();
        RawRecord phoneChange = contacts.get(1);

        // 1. the job over the raw topics: the poison record is a dead letter
        runAudit(rawTopics, List.of());
        List<DeadLetter> firstLetters = out.deadLetters.values();
        assertThat(firstLetters)
                .singleElement()
                .satisfies(d -> assertThat(d.getSourceOffset()).isEqualTo(poisonOffset));

        // the dead-letter topic: the poison's letter, and one written by someone else than the
        // jobs, claiming the phone change's position with other bytes
        List<ReplayPlan.Letter> topic = new ArrayList<>();
        topic.add(new ReplayPlan.Letter(DEAD_LETTERS, 0, 0, firstLetters.get(0)));
        topic.add(new ReplayPlan.Letter(DEAD_LETTERS, 0, 1, forgedLetter(phoneChange)));

        // 2. replay --reason MALFORMED_JSON (the record is still malformed) and SCHEMA_CHANGE
        List<ReplayPlan.Made> made = new ArrayList<>();
        List<RawRecord> replays = new ArrayList<>();
        for (String reason : List.of("MALFORMED_JSON", "SCHEMA_CHANGE")) {
            ReplayPlan plan = plan(topic, made, reason);
            assertThat(plan.replay()).as(reason).hasSize(1);
            for (ReplayPlan.Letter l : plan.replay()) {
                ProducerRecord<byte[], byte[]> p =
                        Replays.record(l.letter(), l.topic(), l.partition(), l.offset());
                ConsumerRecord<byte[], byte[]> c = consumed(p, made.size());
                made.add(
                        new ReplayPlan.Made(
                                Replays.deadLetterOf(c.headers()),
                                Replays.jobOf(c.headers()),
                                Replays.sourceOf(c.headers()),
                                Instant.ofEpochMilli(c.timestamp())));
                replays.addAll(readByAuditJob(c));
            }
        }
        assertThat(replays).hasSize(2);
        // 3. the same commands again: nothing left to replay
        for (String reason : List.of("MALFORMED_JSON", "SCHEMA_CHANGE")) {
            ReplayPlan again = plan(topic, made, reason);
            assertThat(again.replay()).as(reason).isEmpty();
            assertThat(again.alreadyReplayed()).isEqualTo(1);
        }

        // 4. the job over the raw topics, the replays after them, and the replay's record
        runAudit(concat(rawTopics, replays), List.of(replayRequest()));

        List<AuditEntry> entries = out.entries();
        assertThat(entries.stream().filter(e -> e.getEntityId().equals("contacts/1")))
                .as("every change of the entity once; the forged replay refused")
                .extracting(AuditEntry::getLsn)
                .containsExactly(lsn(contacts.get(0)), lsn(phoneChange), lsn(contacts.get(3)));
        assertThat(entries)
                .filteredOn(e -> e.getKind().equals(LetheActionEntries.DEADLETTER_REPLAY))
                .singleElement()
                .satisfies(
                        e -> {
                            assertThat(e.getEntityId()).isEqualTo("deadletters/MALFORMED_JSON");
                            assertThat(e.getAttributes())
                                    .containsEntry("count", "1")
                                    .containsEntry("sources", "helpdesk.public.contacts/0@2");
                        });

        // the poison again from its raw topic, and its replay's failure: a new letter naming it
        assertThat(out.deadLetters.values())
                .extracting(DeadLetter::getSourceOffset)
                .containsOnly(poisonOffset)
                .hasSize(2);
        assertThat(out.deadLetters.values())
                .filteredOn(d -> d.getDetail().endsWith("(replay of lethe.deadletter/0@0)"))
                .hasSize(1);

        // the log verifies against its signed checkpoints
        VerificationReport report =
                TestAuditResources.verify(signingKeys, entries, out.treeHeads());
        assertThat(report.ok()).as(report.describe()).isTrue();
    }

    /**
     * A dead letter of the phone change's position with a phone number capture never wrote (the
     * dead-letter topic is Lethe's own, not capture's).
     */
    private static DeadLetter forgedLetter(RawRecord r) {
        String forged =
                new String(r.value, StandardCharsets.UTF_8)
                        .replace("+33 1 23 45 67 89", "+1 555 0100");
        return new DeadLetter(
                "audit/normalize",
                "SCHEMA_CHANGE",
                "contacts: columns differ from the ones expected",
                r.topic,
                r.partition,
                r.offset,
                ByteBuffer.wrap(r.key),
                ByteBuffer.wrap(forged.getBytes(StandardCharsets.UTF_8)),
                Instant.parse("2025-03-01T10:00:05Z"));
    }

    private static ReplayPlan plan(
            List<ReplayPlan.Letter> topic, List<ReplayPlan.Made> made, String reason) {
        return ReplayPlan.of(
                topic,
                made,
                new ReplayPlan.Selection(reason, null, null),
                JobSettings.DEFAULT_RAW_TOPIC_PREFIX);
    }

    /** The record as a consumer of the replay topic reads it, written now. */
    private static ConsumerRecord<byte[], byte[]> consumed(
            ProducerRecord<byte[], byte[]> p, long offset) {
        return ReplayTopic.consumed(
                p, offset, Instant.parse("2025-03-09T12:00:00Z").toEpochMilli() + offset);
    }

    private static List<RawRecord> readByAuditJob(ConsumerRecord<byte[], byte[]> c) {
        return ReplayTopic.deserialize(
                new RawRecordDeserializer(Replays.AUDIT, Set.of(DebeziumLog.topic("contacts"))), c);
    }

    /** What {@code ./lethe deadletters replay --reason MALFORMED_JSON} records. */
    private static RawRecord replayRequest() {
        byte[] json =
                ("{\"type\":\"deadletter-replay\",\"deadLetterReason\":\"MALFORMED_JSON\","
                                + "\"replayedBy\":\"ops1\",\"at\":\"2025-03-09T12:00:00Z\","
                                + "\"count\":1,\"byJob\":{\"audit\":1},"
                                + "\"sources\":[\"helpdesk.public.contacts/0@2\"],"
                                + "\"sourcesOmitted\":0,"
                                + "\"firstDeadLetter\":\"lethe.deadletter/0@0\","
                                + "\"lastDeadLetter\":\"lethe.deadletter/0@0\"}")
                        .getBytes(StandardCharsets.UTF_8);
        return new RawRecord(
                AuditJob.AUDIT_REQUESTS_TOPIC,
                0,
                0,
                "deadletters/MALFORMED_JSON".getBytes(StandardCharsets.UTF_8),
                json,
                RawRecord.NO_COMMIT_TIME,
                Instant.parse("2025-03-09T12:00:01Z").toEpochMilli());
    }

    private void runAudit(List<RawRecord> records, List<RawRecord> actions) throws Exception {
        out = new AuditOutputs();
        runs.add(out);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
        JobSettings settings =
                OfflineSettings.of(
                        "--audit-checkpoint-every", "2",
                        "--audit-checkpoint-interval", "1h",
                        "--idle-timeout", "30s");
        // one reader holds every split, as the Kafka source's one subtask does: the replays come
        // after the raw records, in the order written
        DataStream<RawRecord> source = RawTopics.bounded(env, records, settings.idleTimeout());
        ((SingleOutputStreamOperator<RawRecord>) source)
                .setParallelism(RawTopicsSource.PARALLELISM);
        AuditJob.defineWorkflow(
                env,
                source,
                actions.isEmpty()
                        ? null
                        : env.fromData(actions, TypeInformation.of(RawRecord.class)),
                out.sinks(),
                TestAuditResources.of(run, signingKeys),
                settings);
        env.execute("audit-replay-itcase");
    }

    private static long lsn(RawRecord r) {
        String value = new String(r.value, StandardCharsets.UTF_8);
        int at = value.indexOf("\"lsn\":") + 6;
        int end = at;
        while (Character.isDigit(value.charAt(end))) {
            end++;
        }
        return Long.parseLong(value.substring(at, end));
    }

    private static List<RawRecord> concat(List<RawRecord> a, List<RawRecord> b) {
        List<RawRecord> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
