package dev.lethe.jobs.audit;

import static dev.lethe.jobs.testing.DebeziumLog.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.audit.SigningKeys;
import dev.lethe.events.AuditCheckpoint;
import dev.lethe.events.AuditEntry;
import dev.lethe.events.DeadLetter;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.kafka.RawRecord;
import dev.lethe.jobs.testing.CollectingSink;
import dev.lethe.jobs.testing.DebeziumLog;
import dev.lethe.jobs.testing.OfflineSettings;
import dev.lethe.jobs.testing.RawTopics;
import dev.lethe.keys.InMemorySubjectKeyStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replaying the raw topics into a fresh log attributes every entry to the same subjects, however
 * the topics are interleaved: the audit job's topology ({@link AuditJob#defineWorkflow}) on a
 * MiniCluster (parallelism 2, bounded in-memory topics, collecting sinks, no server), run twice
 * over the same records, once as committed and once with the threads and comments read before their
 * tickets and every contact read last. Subjects come from the changelog only (the job has no
 * database to ask).
 *
 * <p>The log has no ticket whose contact changes while its threads are written: that is the one
 * case two runs may attribute differently (see {@link ResolveRowSubjects}, "Determinism").
 */
class SubjectsFromTheChangelogTest {

    private static final String ANNA = "anna.lukasiewicz@example.eu";
    private static final String OTTO = "otto.other@example.eu";
    private static final String CARL = "carl.c@example.eu";
    private static final String EVE = "eve.e@example.eu";

    @TempDir Path signingKeys;

    @Test
    void twoInterleavingsOfTheSameTopicsGiveEveryEntryTheSameSubjects() throws Exception {
        List<RawRecord> asCommitted = log().records();
        // topic i is read by source subtask i mod 2: threads, then tickets, then contacts are
        // read by the same subtask, in that order (each topic's own records in offset order)
        List<String> rank =
                List.of("threads", "comments", "tickets", "message", "contacts", "agents");
        List<RawRecord> threadsFirstContactsLast =
                asCommitted.stream()
                        .sorted(
                                Comparator.comparingInt(
                                        r ->
                                                rank.indexOf(
                                                        r.topic.substring(
                                                                r.topic.lastIndexOf('.') + 1))))
                        .toList();
        assertThat(threadsFirstContactsLast).isNotEqualTo(asCommitted);

        Map<String, List<String>> first = subjectsByEntry(asCommitted);
        Map<String, List<String>> second = subjectsByEntry(threadsFirstContactsLast);

        assertThat(second).isEqualTo(first);
        assertThat(bySubjects(first))
                .containsEntry("contacts/3", List.of("[contact:3]", "[contact:3]"))
                .containsEntry("tickets/10", List.of("[contact:1, contact:2]"))
                // the ticket's contact, and Otto by his number
                .containsEntry("threads/100", List.of("[contact:1, contact:2]"))
                // Otto's number, written nationally in the comment
                .containsEntry("comments/200", List.of("[contact:1, contact:2]"))
                // Carl existed then; dave@ is nobody's
                .containsEntry("tickets/11", List.of("[contact:2, contact:3]"))
                // Carl was deleted before
                .containsEntry("tickets/12", List.of("[contact:1]"))
                .containsEntry("threads/101", List.of("[contact:2]"))
                // Eve did not exist yet
                .containsEntry("tickets/13", List.of("[contact:1]"))
                .containsEntry("threads/102", List.of("[contact:1, contact:4]"));
    }

    private static DebeziumLog log() {
        DebeziumLog raw = new DebeziumLog(Instant.parse("2025-03-01T10:00:00Z"));
        raw.begin()
                .insert("contacts", contact(1, "Anna", ANNA, "+49 30 1234567"))
                .insert("contacts", contact(2, "Otto", OTTO, "030 23125099"))
                .commit();
        raw.begin()
                .actor("customer", "1", "opened a ticket")
                .insert("tickets", ticket(10, 1, "Please copy my colleague " + OTTO))
                .commit();
        raw.begin()
                .insert("threads", thread(100, 10, "Otto's number: +49 30 23125099"))
                .insert(
                        "comments",
                        row(
                                "comments",
                                "id",
                                200,
                                "ticket_id",
                                10,
                                "is_public",
                                false,
                                "content",
                                "called him on 030/23125099"))
                .commit();
        raw.begin().insert("contacts", contact(3, "Carl", CARL, null)).commit();
        raw.begin()
                .insert("tickets", ticket(11, 2, "ask " + CARL + " and dave@nowhere.example"))
                .commit();
        raw.begin().delete("contacts", contact(3, "Carl", CARL, null)).commit();
        raw.begin().insert("tickets", ticket(12, 1, CARL + " again")).commit();
        raw.begin().insert("threads", thread(101, 11, "cc " + CARL)).commit();
        raw.begin().insert("tickets", ticket(13, 1, "cc " + EVE)).commit();
        raw.begin().insert("contacts", contact(4, "Eve", EVE, null)).commit();
        raw.begin().insert("threads", thread(102, 13, "hello " + EVE)).commit();
        return raw;
    }

    private static Map<String, Object> contact(long id, String first, String email, String phone) {
        return row(
                "contacts",
                "id",
                id,
                "first_name",
                first,
                "last_name",
                "Example",
                "email",
                email,
                "phone",
                phone,
                "locale",
                "de-DE",
                "region",
                "EU");
    }

    private static Map<String, Object> ticket(long id, long contactId, String description) {
        return row(
                "tickets",
                "id",
                id,
                "contact_id",
                contactId,
                "subject",
                "Question",
                "description",
                description,
                "status",
                "open",
                "channel",
                "email",
                "custom_fields",
                "{}");
    }

    private static Map<String, Object> thread(long id, long ticketId, String content) {
        return row(
                "threads",
                "id",
                id,
                "ticket_id",
                ticketId,
                "direction",
                "in",
                "from_address",
                ANNA,
                "to_address",
                "support@example.com",
                "content",
                content);
    }

    /** entity id -> its entries' subject ids, in LSN order. */
    private static Map<String, List<String>> bySubjects(Map<String, List<String>> byEntry) {
        Map<String, List<String>> byEntity = new TreeMap<>();
        byEntry.forEach(
                (entry, subjects) ->
                        byEntity.computeIfAbsent(
                                        entry.substring(0, entry.indexOf('@')),
                                        k -> new java.util.ArrayList<>())
                                .add(subjects.toString()));
        return byEntity;
    }

    /** Runs the job over {@code records}: "entity@lsn" -> the entry's subject ids. */
    private Map<String, List<String>> subjectsByEntry(List<RawRecord> records) throws Exception {
        CollectingSink<AuditEntry> log =
                CollectingSink.create("audit-log", e -> AuditEntry.newBuilder(e).build());
        CollectingSink<AuditEntry> index = CollectingSink.create("audit-index", e -> e);
        CollectingSink<AuditCheckpoint> checkpoints = CollectingSink.create("audit-checkpoints");
        CollectingSink<DeadLetter> deadLetters = CollectingSink.create("dead-letters");
        try {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
            JobSettings settings = settings();
            if (!java.nio.file.Files.exists(signingKeys.resolve(SigningKeys.PRIVATE_KEY_FILE))) {
                SigningKeys.create(signingKeys); // a setup step: the job only loads the key
            }
            String signingDir = signingKeys.toString();
            AuditResources resources =
                    new AuditResources(
                            null,
                            InMemorySubjectKeyStore::new,
                            AuditTestData.STATE_KEYS,
                            () -> SigningKeys.load(Path.of(signingDir)));
            AuditJob.defineWorkflow(
                    env,
                    RawTopics.bounded(env, records, settings.idleTimeout()),
                    new AuditJob.AuditSinks(log, checkpoints, deadLetters, index),
                    resources,
                    settings);
            env.execute("subjects-from-the-changelog");
            assertThat(deadLetters.values()).isEmpty();
            Map<String, List<String>> subjects = new TreeMap<>();
            for (AuditEntry e : log.values()) {
                assertThat(subjects.put(e.getEntityId() + "@" + e.getLsn(), e.getSubjectIds()))
                        .as("one entry per change")
                        .isNull();
            }
            assertThat(subjects).hasSize(records.size() - messages(records));
            return subjects;
        } finally {
            List.of(log, index, checkpoints, deadLetters).forEach(CollectingSink::clear);
        }
    }

    private static int messages(List<RawRecord> records) {
        return (int)
                records.stream().filter(r -> r.topic.equals(DebeziumLog.MESSAGE_TOPIC)).count();
    }

    /**
     * Addresses nothing is reached at; an idle timeout longer than the run, so event time is only
     * the topics' own (an idle partition would otherwise follow the wall clock).
     */
    private static JobSettings settings() {
        return OfflineSettings.of(
                "--audit-checkpoint-every", "5",
                "--audit-checkpoint-interval", "1h",
                "--idle-timeout", "10m");
    }
}
