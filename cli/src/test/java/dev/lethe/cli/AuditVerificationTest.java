package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.audit.AuditVerifier.IndexDiscrepancy;
import dev.lethe.audit.AuditVerifier.IndexedCopy;
import dev.lethe.audit.CheckpointVerifier;
import dev.lethe.audit.ProblemKind;
import dev.lethe.events.AuditEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code audit verify}: the log of record, a kept checkpoint, and the index copy. */
class AuditVerificationTest {

    private final AuditTestLogs log = new AuditTestLogs().ticketTraffic(25, 4, 10);
    private final AuditVerification verification =
            new AuditVerification(
                    CheckpointVerifier.trusting(log.signing.publicKey()), Duration.ZERO);

    /** The index copies the audit job's ES sink writes: id entityId#seq, logIndex, hash. */
    private List<IndexedCopy> indexOf(List<AuditEntry> entries) {
        List<IndexedCopy> copies = new ArrayList<>();
        for (AuditEntry e : entries) {
            copies.add(
                    new IndexedCopy(
                            e.getEntityId() + "#" + e.getSeq(),
                            e.getLogIndex(),
                            AuditEntryText.bytes(e.getHash())));
        }
        return copies;
    }

    @Test
    void anIntactLogAndIndexVerifyAndTheLatestCheckpointHashIsShown() throws Exception {
        AuditVerification.Result r =
                verification.verify(log.entries, log.checkpoints, null, () -> indexOf(log.entries));
        assertThat(r.ok()).as(r.text()).isTrue();
        String latest = AuditVerification.hashOf(log.checkpoints.get(1));
        assertThat(r.text())
                .startsWith("OK: 25 entries, 2 signed checkpoints (2 verified)")
                .contains("latest checkpoint 2 (treeSize 20), hash " + latest)
                .contains("index: 25 documents, all match the log");
        JsonNode json = r.json();
        assertThat(json.path("ok").asBoolean()).isTrue();
        assertThat(json.path("latestCheckpoint").path("hash").asText()).isEqualTo(latest);
    }

    @Test
    void aChangedHashInTheIndexIsNamedByDocumentAndLogIndex() throws Exception {
        List<IndexedCopy> index = indexOf(log.entries);
        IndexedCopy seven = index.get(7);
        byte[] wrong = seven.hash().clone();
        wrong[0] ^= 1;
        index.set(7, new IndexedCopy(seven.docId(), 7, wrong));
        AuditVerification.Result r =
                verification.verify(log.entries, log.checkpoints, null, () -> index);
        assertThat(r.ok()).isFalse();
        assertThat(r.report().ok()).isTrue();
        assertThat(r.index())
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.kind()).isEqualTo(IndexDiscrepancy.Kind.MODIFIED);
                            assertThat(d.docId()).isEqualTo(seven.docId());
                            assertThat(d.logIndex()).isEqualTo(7);
                        });
        assertThat(r.text())
                .startsWith("FAILED")
                .contains("index: MODIFIED document " + seven.docId() + " logIndex 7");
        assertThat(r.json().path("index").path("problems").get(0).path("docId").asText())
                .isEqualTo(seven.docId());
    }

    @Test
    void aTamperedEntryOfRecordIsNamedWithHowItIsWrong() throws Exception {
        AuditEntry victim = log.entries.get(12);
        victim.getChanges().get(0).setAfter("forged");
        AuditVerification.Result r = verification.verify(log.entries, log.checkpoints, null, null);
        assertThat(r.ok()).isFalse();
        assertThat(r.report().problems())
                .anySatisfy(
                        p -> {
                            assertThat(p.kind()).isEqualTo(ProblemKind.MODIFIED);
                            assertThat(p.logIndex()).isEqualTo(12);
                            assertThat(p.entityId()).isEqualTo(victim.getEntityId());
                        })
                .anySatisfy(p -> assertThat(p.kind()).isEqualTo(ProblemKind.CHECKPOINT_MISMATCH));
        assertThat(r.text())
                .contains(
                        "log: MODIFIED at position 12 logIndex 12 entity " + victim.getEntityId());
        assertThat(r.index()).isNull();
    }

    @Test
    void aKeptCheckpointMissingFromATruncatedLogIsReported() throws Exception {
        String kept = AuditVerification.hashOf(log.checkpoints.get(1));
        // the tail cut together with its checkpoint: the log alone looks intact
        List<AuditEntry> cut = log.entries.subList(0, 10);
        AuditVerification.Result alone =
                verification.verify(cut, log.checkpoints.subList(0, 1), null, null);
        assertThat(alone.ok()).isTrue();
        AuditVerification.Result withKept =
                verification.verify(cut, log.checkpoints.subList(0, 1), kept.toUpperCase(), null);
        assertThat(withKept.ok()).isFalse();
        assertThat(withKept.text()).contains("TRUNCATED: the checkpoint " + kept + " you kept");
        assertThat(verification.verify(log.entries, log.checkpoints, kept, null).ok()).isTrue();
    }

    @Test
    void anEntryMissingFromTheIndexAndADocumentNotInTheLogAreBothReported() throws Exception {
        List<IndexedCopy> index = indexOf(log.entries);
        index.remove(3);
        index.add(new IndexedCopy("tickets/999#1", 99, new byte[32]));
        AuditVerification.Result r =
                verification.verify(log.entries, log.checkpoints, null, () -> index);
        assertThat(r.index())
                .extracting(IndexDiscrepancy::kind, IndexDiscrepancy::logIndex)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                IndexDiscrepancy.Kind.MISSING_FROM_INDEX, 3L),
                        org.assertj.core.groups.Tuple.tuple(IndexDiscrepancy.Kind.NOT_IN_LOG, 99L));
    }
}
