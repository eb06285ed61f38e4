package dev.lethe.jobs.audit;

import static dev.lethe.jobs.audit.AuditTestData.STATE_KEYS;
import static dev.lethe.jobs.audit.AuditTestData.T0;
import static dev.lethe.jobs.audit.AuditTestData.at;
import static dev.lethe.jobs.audit.AuditTestData.contactInserted;
import static dev.lethe.jobs.audit.AuditTestData.ticketInserted;
import static dev.lethe.jobs.testing.Utf8.containsUtf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.catalog.ColumnClassification;
import dev.lethe.catalog.DataCategory;
import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.crypto.SubjectCipher;
import dev.lethe.events.AuditEntry;
import dev.lethe.events.AuditFieldChange;
import dev.lethe.events.ChangeEvent;
import dev.lethe.jobs.config.ClassifiedColumns;
import dev.lethe.jobs.config.TestClassifications;
import dev.lethe.keys.InMemorySubjectKeyStore;
import dev.lethe.keys.SubjectKeyStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProtectPersonalDataTest {

    private static final RowSubjectPaths PATHS =
            RowSubjectPaths.of(PersonalDataCatalog.loadDefault());

    /** What the operator asked the key store, in order ("prefetch [..]" or "key ..."). */
    private static final List<String> KEY_STORE_CALLS = new CopyOnWriteArrayList<>();

    /** The key store of the current test, to decrypt what the operator wrote. */
    private static final InMemorySubjectKeyStore KEYS = new InMemorySubjectKeyStore();

    private static final String BOB_EMAIL = "bob.berger@example.com";

    @BeforeEach
    void forgetCalls() {
        KEY_STORE_CALLS.clear();
    }

    @Test
    void aFullBatchFetchesItsSubjectsKeysInOneGoThenLeavesInArrivalOrderWithItsTimestamps()
            throws Exception {
        try (var h = harness(3, Duration.ofMinutes(1))) {
            h.open();
            h.processElement1(subjected(contactInserted(1, "ana@example.org", null)), T0);
            h.processElement1(subjected(ticketInserted(7, 2, "Refund", "no")), T0 + 1);
            assertThat(h.getOutput()).isEmpty();
            h.processElement1(subjected(contactInserted(3, "bo@example.org", null)), T0 + 2);

            assertThat(records(h))
                    .extracting(r -> r.getValue().getEntityId(), StreamRecord::getTimestamp)
                    .containsExactly(
                            Tuple.tuple("contacts/1", T0),
                            Tuple.tuple("tickets/7", T0 + 1),
                            Tuple.tuple("contacts/3", T0 + 2));
            assertThat(KEY_STORE_CALLS.get(0))
                    .isEqualTo("prefetch [contact:1, contact:2, contact:3]");
            assertThat(KEY_STORE_CALLS).filteredOn(c -> c.startsWith("prefetch")).hasSize(1);
        }
    }

    @Test
    void personalValuesLeaveEncrypted() throws Exception {
        try (var h = harness(1, Duration.ofMinutes(1))) {
            h.open();
            h.processElement1(subjected(contactInserted(1, "ana@example.org", null)), T0);

            AuditFieldChange email = column(records(h).get(0).getValue(), "email");
            assertThat(email.getPersonal()).isTrue();
            assertThat(email.getAfter()).isInstanceOf(java.nio.ByteBuffer.class);
            assertThat(new String(bytes(email.getAfter()), StandardCharsets.ISO_8859_1))
                    .doesNotContain("ana@example.org");
        }
    }

    @Test
    void theRowSubjectIsTheOneGivenNotLookedUp() throws Exception {
        try (var h = harness(1, Duration.ofMinutes(1))) {
            h.open();
            ChangeEvent thread = AuditTestData.threadInserted(9, 3, "Hello");
            h.processElement1(new SubjectedChange(thread, "contact:5"), T0);
            h.processElement1(
                    new SubjectedChange(AuditTestData.threadInserted(10, 3, "Hi"), null), T0);

            List<AuditEntry> out = values(h);
            assertThat(out.get(0).getSubjectIds()).containsExactly("contact:5");
            assertThat(out.get(1).getSubjectIds()).isEmpty();
            assertThat(out.get(1).getAttributes()).containsEntry("redacted", "subject-unresolved");
        }
    }

    @Test
    void anUnfullBatchLeavesWhenItsFirstChangeHasWaitedTheMaximumDelay() throws Exception {
        try (var h = harness(100, Duration.ofMillis(5))) {
            h.open();
            h.setProcessingTime(1_000);
            h.processElement1(subjected(contactInserted(1, "ana@example.org", null)), T0);
            h.processElement1(subjected(contactInserted(2, "bo@example.org", null)), T0);
            h.setProcessingTime(1_004);
            assertThat(h.getOutput()).isEmpty();

            h.setProcessingTime(1_005);

            assertThat(records(h)).hasSize(2);
        }
    }

    @Test
    void aWatermarkNeverOvertakesTheChangesWaitingInTheBatch() throws Exception {
        try (var h = harness(100, Duration.ofMinutes(1))) {
            h.open();
            h.processElement1(subjected(contactInserted(1, "ana@example.org", null)), T0);
            h.processElement1(subjected(contactInserted(2, "bo@example.org", null)), T0 + 1);

            h.processBothWatermarks(new Watermark(T0 + 1));

            List<Object> out = new ArrayList<>(h.getOutput());
            assertThat(out).hasSize(3);
            assertThat(out.get(0)).isInstanceOf(StreamRecord.class);
            assertThat(out.get(1)).isInstanceOf(StreamRecord.class);
            assertThat(out.get(2)).isEqualTo(new Watermark(T0 + 1));
        }
    }

    @Test
    void theBatchIsDraftedBeforeACheckpointBarrierSoNothingIsHeldAcrossIt() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(100, Duration.ofMinutes(1))) {
            h.open();
            h.processElement1(subjected(contactInserted(1, "ana@example.org", null)), T0);

            h.prepareSnapshotPreBarrier(1);

            assertThat(records(h)).hasSize(1);
            snapshot = h.snapshot(1, T0);
        }
        try (var h = harness(100, Duration.ofMinutes(1))) {
            h.initializeState(snapshot);
            h.open();
            h.processBothWatermarks(new Watermark(Long.MAX_VALUE));
            h.endInput1();
            assertThat(records(h)).isEmpty();
        }
    }

    @Test
    void theEndOfInputDraftsTheRest() throws Exception {
        try (var h = harness(100, Duration.ofMinutes(1))) {
            h.open();
            h.processElement1(subjected(contactInserted(1, "ana@example.org", null)), T0);

            h.endInput1();

            assertThat(records(h)).hasSize(1);
        }
    }

    @Test
    void aMentionWaitsForEventTimeSoAContactCommittedBeforeButReadAfterItIsNamed()
            throws Exception {
        try (var h = harness(1, Duration.ofMinutes(1))) {
            h.open();
            ChangeEvent ticket =
                    at(ticketInserted(7, 2, "Invoice", "copy " + BOB_EMAIL), 20, T0 + 20);
            h.processElement1(subjected(ticket), T0 + 20);
            // a change naming nobody leaves at once
            h.processElement1(
                    subjected(at(ticketInserted(8, 2, "Hi", "no one"), 21, T0 + 21)), T0 + 21);
            assertThat(values(h)).extracting(AuditEntry::getEntityId).containsExactly("tickets/8");

            h.processElement2(at(contactInserted(17, BOB_EMAIL, null), 10, T0 + 10), T0 + 10);
            h.processWatermark1(new Watermark(T0 + 20));
            assertThat(values(h)).hasSize(1); // the contacts input is still behind
            h.processWatermark2(new Watermark(T0 + 20));

            AuditEntry drafted = values(h).get(1);
            assertThat(drafted.getEntityId()).isEqualTo("tickets/7");
            assertThat(drafted.getSubjectIds()).containsExactly("contact:17", "contact:2");
            assertThat(records(h).get(1).getTimestamp()).isEqualTo(T0 + 20);
            assertThat(SubjectCipher.subjectIds(bytes(column(drafted, "description").getAfter())))
                    .containsExactly("contact:17", "contact:2");
        }
    }

    @Test
    void heldMentionsLeaveOnlyWhenDueAndThenInLsnOrderWhateverOrderTheyCameIn() throws Exception {
        try (var h = harness(1, Duration.ofMinutes(1))) {
            h.open();
            // arrival order: committed at +30, +10, +20 (three topics read at different speeds)
            h.processElement1(
                    subjected(at(ticketInserted(3, 2, "c", "copy " + BOB_EMAIL), 300, T0 + 30)),
                    T0 + 30);
            h.processElement1(
                    subjected(at(ticketInserted(1, 2, "a", "copy " + BOB_EMAIL), 100, T0 + 10)),
                    T0 + 10);
            h.processElement1(
                    subjected(at(ticketInserted(2, 2, "b", "copy " + BOB_EMAIL), 200, T0 + 20)),
                    T0 + 20);
            assertThat(values(h)).isEmpty();

            h.processBothWatermarks(new Watermark(T0 + 20));
            assertThat(values(h))
                    .extracting(AuditEntry::getEntityId)
                    .containsExactly("tickets/1", "tickets/2");

            h.processBothWatermarks(new Watermark(T0 + 30));
            assertThat(values(h))
                    .extracting(AuditEntry::getEntityId)
                    .containsExactly("tickets/1", "tickets/2", "tickets/3");
        }
    }

    @Test
    void aContactCreatedLaterInTheLogIsNotNamedByAnEarlierChange() throws Exception {
        try (var h = harness(1, Duration.ofMinutes(1))) {
            h.open();
            h.processElement2(at(contactInserted(17, BOB_EMAIL, null), 30, T0 + 30), T0 + 30);
            h.processElement1(
                    subjected(
                            at(ticketInserted(7, 2, "Invoice", "copy " + BOB_EMAIL), 20, T0 + 20)),
                    T0 + 20);
            h.processBothWatermarks(new Watermark(T0 + 30));
            h.processElement1(
                    subjected(
                            at(ticketInserted(8, 2, "Invoice", "copy " + BOB_EMAIL), 40, T0 + 40)),
                    T0 + 40);
            h.processBothWatermarks(new Watermark(T0 + 40));

            assertThat(values(h))
                    .extracting(e -> e.getEntityId() + " " + e.getSubjectIds())
                    .containsExactly("tickets/7 [contact:2]", "tickets/8 [contact:17, contact:2]");
        }
    }

    @Test
    void heldChangesAndIdentifiersSurviveARestoreAndTheSnapshotHoldsNoPlaintext(@TempDir Path dir)
            throws Exception {
        String description = "Bitte Zelda anrufen oder zelda.q@lethe-probe.example schreiben";
        OperatorSubtaskState snapshot;
        try (var h = harness(1, Duration.ofMinutes(1))) {
            h.open();
            h.processElement2(
                    at(
                            contactInserted(4, "zelda.q@lethe-probe.example", "+33 6 98 76 54 32"),
                            1,
                            T0),
                    T0);
            h.processElement1(
                    subjected(at(ticketInserted(9, 2, "Rückruf", description), 2, T0 + 2)), T0 + 2);
            h.prepareSnapshotPreBarrier(1);
            assertThat(values(h)).isEmpty();
            snapshot = h.snapshot(1, T0 + 5);
        }
        Path file = dir.resolve("protect.snapshot");
        OperatorSnapshotUtil.writeStateHandle(snapshot, file.toString());
        byte[] bytes = Files.readAllBytes(file);
        assertThat(containsUtf8(bytes, "contact:4")).as("the identifiers' key").isTrue();
        for (String plain :
                List.of("zelda.q@lethe-probe.example", "+33698765432", "98 76 54 32", "anrufen")) {
            assertThat(containsUtf8(bytes, plain)).as("plaintext %s", plain).isFalse();
        }

        try (var h = harness(1, Duration.ofMinutes(1))) {
            h.initializeState(snapshot);
            h.open();
            h.processBothWatermarks(new Watermark(T0 + 2));
            assertThat(values(h))
                    .singleElement()
                    .satisfies(
                            e ->
                                    assertThat(e.getSubjectIds())
                                            .containsExactly("contact:2", "contact:4"));
            // the restored directory names the contact in new changes too, by phone
            h.processElement1(
                    subjected(
                            at(ticketInserted(10, 2, "Call", "ring +33 6 98 76 54 32"), 3, T0 + 3)),
                    T0 + 3);
            h.processBothWatermarks(new Watermark(T0 + 3));
            assertThat(values(h).get(1).getSubjectIds()).containsExactly("contact:2", "contact:4");
        }
    }

    @Test
    void aColumnClassifiedWhileTheJobRunsAppliesFromTheNextChangeOn() throws Exception {
        List<ColumnClassification> classified = new CopyOnWriteArrayList<>();
        ClassifiedColumns.Source source = TestClassifications.of(classified);
        AuditResources resources =
                new AuditResources(
                        null, () -> new RecordingKeyStore(KEYS), STATE_KEYS, () -> null, source);
        try (var h =
                new TwoInputStreamOperatorTestHarness<>(
                        new ProtectPersonalData(resources, 1, Duration.ofMinutes(1)))) {
            h.open();
            h.processElement1(
                    subjected(withNickname(contactInserted(1, "a@example.org", null))), T0);
            // unclassified: personal data of the row's subject, encrypted
            AuditFieldChange before = column(values(h).get(0), "nickname");
            assertThat(before.getPersonal()).isTrue();
            assertThat(new String(bytes(before.getAfter()), StandardCharsets.ISO_8859_1))
                    .doesNotContain("Bibi");

            classified.add(TestClassifications.nickname(DataCategory.TECHNICAL, false));
            h.processElement1(
                    subjected(withNickname(contactInserted(2, "b@example.org", null))), T0);

            AuditFieldChange after = column(values(h).get(1), "nickname");
            assertThat(after.getPersonal()).isFalse();
            assertThat(after.getAfter()).isEqualTo("Bibi");
            // the other columns as before
            assertThat(column(values(h).get(1), "email").getPersonal()).isTrue();
        }
    }

    private static ChangeEvent withNickname(ChangeEvent change) {
        java.util.Map<String, String> after = new java.util.LinkedHashMap<>(change.getAfter());
        after.put("nickname", "Bibi");
        change.setAfter(after);
        return change;
    }

    /** The change with its row's subject as the resolving operator would give it. */
    private static SubjectedChange subjected(ChangeEvent change) {
        return SubjectedChange.of(change, PATHS.subjectOfRow(change));
    }

    private static TwoInputStreamOperatorTestHarness<SubjectedChange, ChangeEvent, AuditEntry>
            harness(int batchSize, Duration maxDelay) throws Exception {
        AuditResources resources =
                new AuditResources(null, () -> new RecordingKeyStore(KEYS), STATE_KEYS, () -> null);
        return new TwoInputStreamOperatorTestHarness<>(
                new ProtectPersonalData(resources, batchSize, maxDelay));
    }

    @SuppressWarnings("unchecked")
    private static List<StreamRecord<AuditEntry>> records(
            TwoInputStreamOperatorTestHarness<SubjectedChange, ChangeEvent, AuditEntry> h) {
        List<StreamRecord<AuditEntry>> records = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                records.add((StreamRecord<AuditEntry>) r);
            }
        }
        return records;
    }

    private static List<AuditEntry> values(
            TwoInputStreamOperatorTestHarness<SubjectedChange, ChangeEvent, AuditEntry> h) {
        return records(h).stream().map(StreamRecord::getValue).toList();
    }

    private static AuditFieldChange column(AuditEntry entry, String column) {
        return entry.getChanges().stream()
                .filter(c -> c.getColumn().equals(column))
                .findFirst()
                .orElseThrow();
    }

    private static byte[] bytes(Object value) {
        java.nio.ByteBuffer buffer = (java.nio.ByteBuffer) value;
        byte[] b = new byte[buffer.remaining()];
        buffer.duplicate().get(b);
        return b;
    }

    /** A key store that records what it was asked. */
    private record RecordingKeyStore(SubjectKeyStore delegate) implements SubjectKeyStore {

        @Override
        public void prefetch(Collection<String> subjectIds) {
            KEY_STORE_CALLS.add("prefetch " + new TreeSet<>(subjectIds));
            delegate.prefetch(subjectIds);
        }

        @Override
        public javax.crypto.SecretKey getOrCreate(String subjectId) {
            KEY_STORE_CALLS.add("key " + subjectId);
            return delegate.getOrCreate(subjectId);
        }

        @Override
        public java.util.Optional<javax.crypto.SecretKey> find(String subjectId) {
            return delegate.find(subjectId);
        }

        @Override
        public boolean shred(String subjectId, String requestId, String reason) {
            return delegate.shred(subjectId, requestId, reason);
        }

        @Override
        public boolean isErased(String subjectId) {
            return delegate.isErased(subjectId);
        }

        @Override
        public java.util.Optional<dev.lethe.keys.Erasure> erasure(String subjectId) {
            return delegate.erasure(subjectId);
        }
    }
}
