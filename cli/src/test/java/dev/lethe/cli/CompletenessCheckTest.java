package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.audit.CompletenessWatermark;
import dev.lethe.events.AuditEntry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The incremental completeness check reading Kafka (MockConsumer): the log's change entries after
 * the watermark, then the raw topics from their kept offsets, normalized as the audit job does.
 */
@Timeout(60)
class CompletenessCheckTest {

    private static final String CONTACTS = "helpdesk.public.contacts";
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final Duration BOUND = Duration.ofSeconds(60);

    @TempDir Path dir;

    private final AuditTestLogs log = new AuditTestLogs();
    private final List<AuditEntry> entries = new ArrayList<>();
    private final List<byte[][]> raw = new ArrayList<>();

    /** A change entry of contacts/{@code id} at {@code lsn}, committed {@code sec} after T0. */
    private void logged(long id, long lsn, long sec) {
        AuditEntry e = log.contactCreated(id, "c" + id + "@example.eu", AuditTestLogs.agent(1), 0);
        entries.add(
                AuditEntry.newBuilder(e)
                        .setLogIndex(entries.size())
                        .setLsn(lsn)
                        .setCommitTime(T0.plusSeconds(sec))
                        .build());
    }

    /** A non-change entry (a Lethe action): not a change to match. */
    private void action() {
        AuditEntry e = log.contactCreated(9, "x@example.eu", AuditTestLogs.agent(1), 0);
        entries.add(
                AuditEntry.newBuilder(e)
                        .setLogIndex(entries.size())
                        .setKind("purge")
                        .setEntityId("lethe/purge")
                        .setLsn(null)
                        .build());
    }

    /** Debezium's insert of contact {@code id} at {@code lsn}, committed {@code sec} after T0. */
    private void captured(long id, long lsn, long sec) {
        long ms = T0.plusSeconds(sec).toEpochMilli();
        String value =
                "{\"before\":null,\"after\":{\"id\":"
                        + id
                        + "},\"source\":{\"version\":\"3.6.1.Final\",\"connector\":\"postgresql\","
                        + "\"name\":\"helpdesk\",\"ts_ms\":"
                        + ms
                        + ",\"snapshot\":\"false\",\"db\":\"helpdesk\",\"schema\":\"public\","
                        + "\"table\":\"contacts\",\"txId\":771,\"lsn\":"
                        + lsn
                        + ",\"xmin\":null},\"transaction\":null,\"op\":\"c\",\"ts_ms\":"
                        + (ms + 200)
                        + "}";
        raw.add(
                new byte[][] {
                    ("{\"id\":" + id + "}").getBytes(StandardCharsets.UTF_8),
                    value.getBytes(StandardCharsets.UTF_8)
                });
    }

    private MockAuditTopics kafka() {
        return new MockAuditTopics()
                .topic(MockAuditTopics.ENTRIES, MockAuditTopics.encoded(entries))
                .keyedTopic(CONTACTS, raw);
    }

    private static CompletenessCheck check(MockAuditTopics kafka) {
        return new CompletenessCheck(
                kafka::newConsumer, MockAuditTopics.ENTRIES, List.of(CONTACTS, "helpdesk.none"));
    }

    @Test
    void theRawTopicsAreMatchedWithTheLogsChangeEntries() {
        logged(1, 100, 0);
        action();
        logged(2, 150, 1);
        captured(1, 100, 0);
        captured(2, 150, 1);
        MockAuditTopics kafka = kafka();
        CompletenessWatermark w = new CompletenessWatermark();

        CompletenessWatermark.Run run = check(kafka).run(w, BOUND, T0);

        assertThat(run.complete()).isTrue();
        assertThat(run.rawChanges()).isEqualTo(2);
        assertThat(run.entries()).isEqualTo(2);
        assertThat(run.checked()).isEqualTo(2);
        assertThat(run.logIndex()).isEqualTo(2);
        assertThat(w.entriesOffset()).isEqualTo(3);
        assertThat(w.rawOffsets().values()).containsExactly(2L);
        assertThat(kafka.made).allMatch(MockConsumer::closed);
    }

    @Test
    void aGapIsNamedWithItsRawPositionOnceTheLogHasMovedPastIt() {
        logged(2, 150, 1);
        captured(1858, 100, 0);
        captured(2, 150, 1);
        CompletenessWatermark w = new CompletenessWatermark();
        CompletenessWatermark.Run first = check(kafka()).run(w, BOUND, T0);
        assertThat(first.complete()).isTrue();
        assertThat(first.pending()).isEqualTo(1);

        logged(3, 300, 200);
        captured(3, 300, 200);
        CompletenessWatermark.Run later = check(kafka()).run(w, BOUND, T0.plusSeconds(120));

        assertThat(later.gaps())
                .extracting(p -> p.change().describe())
                .containsExactly("contacts/1858 at LSN 100 (helpdesk.public.contacts-0@0)");
        assertThat(CompletenessCheck.text(later, w))
                .startsWith("FAILED: 1 missing, 0 doubled")
                .contains("MISSING contacts/1858 at LSN 100 (helpdesk.public.contacts-0@0)");
        assertThat(CompletenessCheck.json(later, w).path("missing").get(0).path("offset").asLong())
                .isZero();
    }

    @Test
    void aRunFromTheSavedStateReadsOnlyNewRecords() throws Exception {
        logged(1, 100, 0);
        captured(1, 100, 0);
        CompletenessWatermark w = new CompletenessWatermark();
        check(kafka()).run(w, BOUND, T0);
        Path file = dir.resolve("completeness.json");
        CompletenessCheck.write(file, w, MockAuditTopics.ENTRIES);
        assertThat(Files.getPosixFilePermissions(file))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));

        logged(1, 100, 0); // a second entry of the same change: a double
        logged(2, 150, 1);
        captured(2, 150, 1);
        CompletenessWatermark kept =
                CompletenessCheck.read(file, MockAuditTopics.ENTRIES).orElseThrow();
        CompletenessWatermark.Run run = check(kafka()).run(kept, BOUND, T0.plusSeconds(10));

        assertThat(run.entries()).isEqualTo(2);
        assertThat(run.rawChanges()).isEqualTo(1);
        assertThat(run.redelivered()).isZero();
        assertThat(run.doubles())
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.entityId()).isEqualTo("contacts/1");
                            assertThat(d.logIndexes()).containsExactly(1L);
                        });
        assertThat(kept.checkedTotal()).isEqualTo(2);
    }

    @Test
    void rawRecordsDeletedBeforeTheyWereCheckedAreReported() {
        logged(1, 100, 0);
        captured(1, 100, 0);
        CompletenessWatermark w = new CompletenessWatermark();
        check(kafka()).run(w, BOUND, T0);

        captured(2, 150, 1);
        captured(3, 160, 1);
        captured(4, 170, 1);
        MockAuditTopics kafka = kafka();
        kafka.start.put(CONTACTS, 3L); // offsets 1 and 2 left by retention before a run read them
        CompletenessWatermark.Run run = check(kafka).run(w, BOUND, T0.plusSeconds(10));

        assertThat(run.complete()).isFalse();
        assertThat(run.problems())
                .singleElement()
                .asString()
                .contains("helpdesk.public.contacts-0: offsets 1 to 2 were deleted");
        assertThat(run.rawChanges()).isEqualTo(1);
        assertThat(w.rawOffsets().values()).containsExactly(4L);
    }

    @Test
    void aLogReadBackBelowTheWatermarkIsReported() {
        logged(1, 100, 0);
        logged(2, 150, 1);
        captured(1, 100, 0);
        captured(2, 150, 1);
        CompletenessWatermark w = new CompletenessWatermark();
        check(kafka()).run(w, BOUND, T0);

        entries.remove(1);
        CompletenessWatermark.Run run = check(kafka()).run(w, BOUND, T0.plusSeconds(10));

        assertThat(run.problems())
                .singleElement()
                .asString()
                .contains("lethe.audit ends at offset 1, before offset 2");
    }

    @Test
    void aStateForAnotherLogIsRefused() throws Exception {
        Path file = dir.resolve("completeness.json");
        CompletenessCheck.write(file, new CompletenessWatermark(), "other.audit");

        assertThatThrownBy(() -> CompletenessCheck.read(file, MockAuditTopics.ENTRIES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is for the log in other.audit");
    }

    @Test
    void aMissingLogIsNamed() {
        MockAuditTopics kafka = new MockAuditTopics().keyedTopic(CONTACTS, raw);

        assertThatThrownBy(() -> check(kafka).run(new CompletenessWatermark(), BOUND, T0))
                .hasMessageContaining("Kafka topic lethe.audit does not exist");
    }
}
