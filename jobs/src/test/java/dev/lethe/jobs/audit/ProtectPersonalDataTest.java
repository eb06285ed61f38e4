package dev.lethe.jobs.audit;

import static dev.lethe.jobs.audit.AuditTestData.T0;
import static dev.lethe.jobs.audit.AuditTestData.contactInserted;
import static dev.lethe.jobs.audit.AuditTestData.ticketInserted;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.events.AuditEntry;
import dev.lethe.events.AuditFieldChange;
import dev.lethe.events.ChangeEvent;
import dev.lethe.keys.InMemorySubjectKeyStore;
import dev.lethe.keys.SubjectKeyStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProtectPersonalDataTest {

    /** What the operator asked the key store, in order ("prefetch [..]" or "key ..."). */
    private static final List<String> KEY_STORE_CALLS = new CopyOnWriteArrayList<>();

    @BeforeEach
    void forgetCalls() {
        KEY_STORE_CALLS.clear();
    }

    @Test
    void aFullBatchFetchesItsSubjectsKeysInOneGoThenLeavesInArrivalOrderWithItsTimestamps()
            throws Exception {
        try (var h = harness(3, Duration.ofMinutes(1))) {
            h.open();
            h.processElement(contactInserted(1, "ana@example.org", null), T0);
            h.processElement(ticketInserted(7, 2, "Refund", "no"), T0 + 1);
            assertThat(h.getOutput()).isEmpty();
            h.processElement(contactInserted(3, "bo@example.org", null), T0 + 2);

            assertThat(records(h))
                    .extracting(r -> r.getValue().getEntityId(), StreamRecord::getTimestamp)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("contacts/1", T0),
                            org.assertj.core.groups.Tuple.tuple("tickets/7", T0 + 1),
                            org.assertj.core.groups.Tuple.tuple("contacts/3", T0 + 2));
            assertThat(KEY_STORE_CALLS.get(0))
                    .isEqualTo("prefetch [contact:1, contact:2, contact:3]");
            assertThat(KEY_STORE_CALLS).filteredOn(c -> c.startsWith("prefetch")).hasSize(1);
        }
    }

    @Test
    void personalValuesLeaveEncrypted() throws Exception {
        try (var h = harness(1, Duration.ofMinutes(1))) {
            h.open();
            h.processElement(contactInserted(1, "ana@example.org", null), T0);

            AuditFieldChange email =
                    records(h).get(0).getValue().getChanges().stream()
                            .filter(c -> c.getColumn().equals("email"))
                            .findFirst()
                            .orElseThrow();
            assertThat(email.getPersonal()).isTrue();
            assertThat(email.getAfter()).isInstanceOf(java.nio.ByteBuffer.class);
            assertThat(new String(bytes(email.getAfter()), StandardCharsets.ISO_8859_1))
                    .doesNotContain("ana@example.org");
        }
    }

    @Test
    void anUnfullBatchLeavesWhenItsFirstChangeHasWaitedTheMaximumDelay() throws Exception {
        try (var h = harness(100, Duration.ofMillis(5))) {
            h.open();
            h.setProcessingTime(1_000);
            h.processElement(contactInserted(1, "ana@example.org", null), T0);
            h.processElement(contactInserted(2, "bo@example.org", null), T0);
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
            h.processElement(contactInserted(1, "ana@example.org", null), T0);
            h.processElement(contactInserted(2, "bo@example.org", null), T0 + 1);

            h.processWatermark(new Watermark(T0 + 1));

            List<Object> out = new ArrayList<>(h.getOutput());
            assertThat(out).hasSize(3);
            assertThat(out.get(0)).isInstanceOf(StreamRecord.class);
            assertThat(out.get(1)).isInstanceOf(StreamRecord.class);
            assertThat(out.get(2)).isEqualTo(new Watermark(T0 + 1));
        }
    }

    @Test
    void theBatchIsDraftedBeforeACheckpointBarrierSoNothingIsHeldAcrossIt() throws Exception {
        try (var h = harness(100, Duration.ofMinutes(1))) {
            h.open();
            h.processElement(contactInserted(1, "ana@example.org", null), T0);

            h.prepareSnapshotPreBarrier(1);

            assertThat(records(h)).hasSize(1);
            assertThat(h.snapshot(1, T0).getManagedOperatorState()).isEmpty();
        }
    }

    @Test
    void theEndOfInputDraftsTheRest() throws Exception {
        try (var h = harness(100, Duration.ofMinutes(1))) {
            h.open();
            h.processElement(contactInserted(1, "ana@example.org", null), T0);

            h.endInput();

            assertThat(records(h)).hasSize(1);
        }
    }

    private static OneInputStreamOperatorTestHarness<ChangeEvent, AuditEntry> harness(
            int batchSize, Duration maxDelay) throws Exception {
        AuditResources resources =
                new AuditResources(
                        null,
                        () -> new RecordingKeyStore(new InMemorySubjectKeyStore()),
                        () -> new FakeHelpdesk().ticket(7, 2),
                        () -> null);
        return new OneInputStreamOperatorTestHarness<>(
                new ProtectPersonalData(resources, batchSize, maxDelay));
    }

    @SuppressWarnings("unchecked")
    private static List<StreamRecord<AuditEntry>> records(
            OneInputStreamOperatorTestHarness<ChangeEvent, AuditEntry> h) {
        List<StreamRecord<AuditEntry>> records = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                records.add((StreamRecord<AuditEntry>) r);
            }
        }
        return records;
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
