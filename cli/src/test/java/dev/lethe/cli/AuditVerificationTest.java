package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.audit.AuditVerifier.IndexDiscrepancy;
import dev.lethe.audit.AuditVerifier.IndexedCopy;
import dev.lethe.audit.EntryRecord;
import dev.lethe.audit.ProblemKind;
import dev.lethe.audit.TreeHeadRecord;
import dev.lethe.audit.TreeHeadVerifier;
import dev.lethe.audit.TreeHeadWitness;
import dev.lethe.events.AuditCheckpoint;
import dev.lethe.events.AuditEntry;
import dev.lethe.jobs.kafka.AvroRecords;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code audit verify}: the log of record, a kept checkpoint, and the index copy. */
class AuditVerificationTest {

    private final AuditTestLogs log = new AuditTestLogs().ticketTraffic(25, 4, 10);
    private final AuditVerification verification =
            new AuditVerification(
                    TreeHeadVerifier.trusting(log.signing.publicKey()), Duration.ZERO);

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
    void aLogThatFailsIsReportedWithoutWaitingForTheIndexToCatchUp() throws Exception {
        // a record forged into the log has no index copy: MISSING_FROM_INDEX alone would mean
        // "the index lags, wait"; with the log itself failing there is nothing to wait for
        List<AuditEntry> forged = new ArrayList<>(log.entries);
        forged.add(AuditEntry.newBuilder(log.entries.get(log.entries.size() - 1)).build());
        List<IndexedCopy> index = indexOf(log.entries);
        AuditVerification patient =
                new AuditVerification(
                        TreeHeadVerifier.trusting(log.signing.publicKey()), Duration.ofSeconds(30));

        java.util.concurrent.atomic.AtomicInteger reads =
                new java.util.concurrent.atomic.AtomicInteger();

        AuditVerification.Result r =
                patient.verify(
                        forged,
                        log.checkpoints,
                        null,
                        () -> {
                            reads.incrementAndGet();
                            return index;
                        });

        assertThat(r.ok()).isFalse();
        assertThat(r.report().problems()).isNotEmpty();
        assertThat(reads.get()).as("the index is read once, not again to let it catch up").isOne();
    }

    /** The Kafka record values of the log, as the audit job writes them. */
    private List<byte[]> recordValues() {
        List<byte[]> values = new ArrayList<>();
        log.entries.forEach(e -> values.add(AvroRecords.bytes(e)));
        return values;
    }

    /** What {@code audit verify} reads: each record value decoded strictly. */
    private AuditVerification.Result verifyValues(List<byte[]> values) throws Exception {
        List<byte[]> checkpoints = new ArrayList<>();
        log.checkpoints.forEach(c -> checkpoints.add(AvroRecords.bytes(c)));
        return verifyValues(values, checkpoints);
    }

    private AuditVerification.Result verifyValues(List<byte[]> values, List<byte[]> checkpoints)
            throws Exception {
        List<EntryRecord> records = new ArrayList<>();
        values.forEach(v -> records.add(EntryRecord.decode(v)));
        List<TreeHeadRecord> checkpointRecords = new ArrayList<>();
        checkpoints.forEach(v -> checkpointRecords.add(TreeHeadRecord.decode(v)));
        return verification.verifyTopics(
                records, checkpointRecords, null, () -> indexOf(log.entries));
    }

    @Test
    void aCheckpointRecordNotStrictlyEncodedIsMalformedAndBreaksTheChain() throws Exception {
        List<byte[]> checkpoints = new ArrayList<>();
        log.checkpoints.forEach(c -> checkpoints.add(AvroRecords.bytes(c)));
        byte[] first = checkpoints.get(0);
        checkpoints.set(0, Arrays.copyOf(first, first.length + 1));

        AuditVerification.Result r = verifyValues(recordValues(), checkpoints);

        assertThat(r.ok()).isFalse();
        assertThat(r.report().problems())
                .anySatisfy(
                        p -> {
                            assertThat(p.kind()).isEqualTo(ProblemKind.MALFORMED);
                            assertThat(p.detail())
                                    .startsWith("the checkpoint record at position 0")
                                    .contains("1 bytes after the end of the record");
                        })
                .anySatisfy(
                        p -> assertThat(p.kind()).isEqualTo(ProblemKind.CHECKPOINT_CHAIN_BROKEN));
        assertThat(r.text()).contains("log: MALFORMED: the checkpoint record at position 0");
    }

    @Test
    void theRecordsAsTheJobWritesThemVerify() throws Exception {
        AuditVerification.Result r = verifyValues(recordValues());
        assertThat(r.ok()).as(r.text()).isTrue();
    }

    @Test
    void eachNonCanonicalEncodingOfAnEntryIsMalformedAtItsPosition() throws Exception {
        AuditEntry victim = log.entries.get(12);
        byte[] valid = AvroRecords.bytes(victim);
        Map<String, byte[]> corruptions = new LinkedHashMap<>();
        corruptions.put("a boolean byte other than 0 or 1", booleanTwo(victim));
        corruptions.put("overlong", splice(valid, 11, 1, (byte) (valid[11] | 0x80), (byte) 0));
        corruptions.put("1 bytes after the end", splice(valid, valid.length, 0, (byte) 0));
        int entity = indexOf(valid, victim.getEntityId().getBytes(StandardCharsets.UTF_8));
        corruptions.put("not valid UTF-8", splice(valid, entity, 1, (byte) 0xFF));
        // the key map {id: 10xx}: one pair in one block, written twice with count 2
        byte[] pair = concat(new byte[] {4, 'i', 'd', 8}, victim.getKey().get("id").getBytes());
        int map = indexOf(valid, concat(new byte[] {2}, pair, new byte[] {0}));
        corruptions.put(
                "a map key that occurs twice",
                concat(
                        Arrays.copyOfRange(valid, 0, map),
                        new byte[] {4},
                        pair,
                        pair,
                        Arrays.copyOfRange(valid, map + 1 + pair.length, valid.length)));
        for (Map.Entry<String, byte[]> c : corruptions.entrySet()) {
            // Avro's own decoder reads all but the invalid boolean and UTF-8 as an entry
            List<byte[]> values = recordValues();
            values.set(12, c.getValue());

            AuditVerification.Result r = verifyValues(values);

            assertThat(r.ok()).as(c.getKey()).isFalse();
            assertThat(r.report().problems())
                    .as(c.getKey())
                    .filteredOn(p -> p.kind() == ProblemKind.MALFORMED)
                    .singleElement()
                    .satisfies(
                            p -> {
                                assertThat(p.position()).isEqualTo(12);
                                assertThat(p.detail()).contains(c.getKey());
                            });
            assertThat(r.text())
                    .as(c.getKey())
                    .contains("log: MALFORMED at position 12: the record is not a strictly")
                    .doesNotContain("MALFORMED at position 12 logIndex");
            JsonNode malformed = r.json().path("problems").get(0);
            assertThat(malformed.path("kind").asText()).isEqualTo("MALFORMED");
            assertThat(malformed.path("position").asLong()).isEqualTo(12);
            assertThat(malformed.has("entityId")).isFalse();
            assertThat(malformed.path("detail").asText()).doesNotContain(victim.getEntityId());
        }
    }

    private static byte[] booleanTwo(AuditEntry e) {
        byte[] valid = AvroRecords.bytes(e);
        AuditEntry flipped = AuditEntry.newBuilder(e).build();
        flipped.getChanges().get(0).setPersonal(!e.getChanges().get(0).getPersonal());
        byte[] other = AvroRecords.bytes(flipped);
        byte[] bad = valid.clone();
        for (int i = 0; i < valid.length; i++) {
            if (valid[i] != other[i]) {
                bad[i] = 2;
            }
        }
        return bad;
    }

    private static byte[] splice(byte[] b, int at, int remove, byte... insert) {
        return concat(
                Arrays.copyOfRange(b, 0, at), insert, Arrays.copyOfRange(b, at + remove, b.length));
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 10; i <= haystack.length - needle.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (haystack[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
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
    void aLogRolledBackWithItsCheckpointsPassesAloneButFailsAgainstTheWitness(@TempDir Path dir)
            throws Exception {
        TreeHeadWitness witness = new TreeHeadWitness(dir.resolve("witness.jsonl"));
        witness.append(log.checkpoints.get(1), Instant.now()); // checkpoint 2, treeSize 20
        List<AuditEntry> cut = log.entries.subList(0, 10);
        List<AuditCheckpoint> cutCheckpoints = log.checkpoints.subList(0, 1);
        assertThat(verification.verify(cut, cutCheckpoints, null, null).ok()).isTrue();

        AuditVerification.Result r =
                trusting().withWitness(witness, true).verify(cut, cutCheckpoints, null, null);

        assertThat(r.ok()).isFalse();
        assertThat(r.text())
                .startsWith("FAILED: 10 entries")
                .contains(
                        "witness "
                                + witness.file()
                                + ": ROLLED BACK: the log's latest signed tree head is checkpoint 1"
                                + " (treeSize 10), behind the witnessed checkpoint 2 (treeSize 20");
        assertThat(r.json().path("witness").path("status").asText()).isEqualTo("ROLLED_BACK");
        assertThat(witness.read()).hasSize(1); // a failed verification records nothing
    }

    @Test
    void aHistoryWrittenAgainWithTheSameKeyIsForkedAgainstTheWitness(@TempDir Path dir)
            throws Exception {
        TreeHeadWitness witness = new TreeHeadWitness(dir.resolve("witness.jsonl"));
        witness.append(log.checkpoints.get(1), Instant.now());
        AuditTestLogs rewritten = new AuditTestLogs(log.signing).ticketTraffic(30, 3, 10);
        assertThat(verification.verify(rewritten.entries, rewritten.checkpoints, null, null).ok())
                .isTrue();

        AuditVerification.Result r =
                trusting()
                        .withWitness(witness, true)
                        .verify(rewritten.entries, rewritten.checkpoints, null, null);

        assertThat(r.ok()).isFalse();
        assertThat(r.text()).contains(": FORKED: the log's checkpoint 2 (treeSize 20)");
    }

    @Test
    void aPassingVerificationRecordsTheLatestTreeHeadAndTheNextExtendsIt(@TempDir Path dir)
            throws Exception {
        TreeHeadWitness witness = new TreeHeadWitness(dir.resolve("trust/witness.jsonl"));
        List<AuditEntry> first = log.entries.subList(0, 10);

        AuditVerification.Result r1 =
                trusting()
                        .withWitness(witness, true)
                        .verify(first, log.checkpoints.subList(0, 1), null, null);
        assertThat(r1.ok()).as(r1.text()).isTrue();
        assertThat(r1.text())
                .contains("witness " + witness.file() + ": no tree head witnessed yet")
                .contains("witness: recorded tree head 1 (treeSize 10)");

        AuditVerification.Result r2 =
                trusting()
                        .withWitness(witness, true)
                        .verify(log.entries, log.checkpoints, null, null);
        assertThat(r2.ok()).as(r2.text()).isTrue();
        assertThat(r2.text())
                .contains(
                        "the log's latest tree head, checkpoint 2 (treeSize 20), extends the"
                                + " witnessed checkpoint 1 (treeSize 10")
                .contains("witness: recorded tree head 2 (treeSize 20)");
        assertThat(witness.read())
                .extracting(AuditCheckpoint::getCheckpointSeq)
                .containsExactly(1L, 2L);

        AuditVerification.Result again =
                trusting()
                        .withWitness(witness, false)
                        .verify(log.entries, log.checkpoints, null, null);
        assertThat(again.ok()).isTrue();
        assertThat(again.text()).doesNotContain("recorded tree head");
    }

    @Test
    void theOutputNamesTheTrustedKeysUsed() throws Exception {
        AuditVerification.Result r =
                trusting()
                        .withTrustedKeys(log.signing.keyId() + " (/pinned/k.pem)")
                        .verify(log.entries, log.checkpoints, null, null);

        assertThat(r.text()).contains("trusted keys: " + log.signing.keyId() + " (/pinned/k.pem)");
        assertThat(r.json().path("trustedKeys").asText()).contains(log.signing.keyId());
    }

    private AuditVerification trusting() {
        return new AuditVerification(
                TreeHeadVerifier.trusting(log.signing.publicKey()), Duration.ZERO);
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

    /** A verification of a live log whose tail, read after the horizon, is {@code tail}. */
    private AuditVerification live(List<AuditEntry> tail) {
        return new AuditVerification(
                        TreeHeadVerifier.trusting(log.signing.publicKey()), Duration.ZERO)
                .withPendingCheck((through, bound) -> tail, Duration.ofSeconds(30));
    }

    // ---- a live log: the index is ahead of the log of record ------------------------------

    @Test
    void indexDocumentsAheadOfTheHorizonArePendingNotProblemsOnceTheLogReachesThem()
            throws Exception {
        List<AuditEntry> committed = log.entries.subList(0, 20); // the log at the horizon
        List<AuditEntry> later = log.entries.subList(20, 25); // committed with the next checkpoint
        AuditVerification live = live(later);

        AuditVerification.Result r =
                live.verify(committed, log.checkpoints, null, () -> indexOf(log.entries));

        assertThat(r.ok()).as(r.text()).isTrue();
        assertThat(r.horizon().logIndex()).isEqualTo(19);
        assertThat(r.horizon().pending()).isEqualTo(5);
        assertThat(r.text())
                .contains("horizon: logIndex 19")
                .contains("index: ahead of the log: 5 (pending; 5 reached the log");
        assertThat(r.json().path("index").path("pending").asLong()).isEqualTo(5);
    }

    @Test
    void aDocumentAheadOfTheHorizonThatNeverReachesTheLogIsNotInLog() throws Exception {
        List<AuditEntry> committed = log.entries.subList(0, 20);
        List<IndexedCopy> index = indexOf(committed);
        index.add(new IndexedCopy("tickets/999#1", 20, new byte[32])); // forged, or lost
        AuditVerification live = live(List.of());

        AuditVerification.Result r = live.verify(committed, log.checkpoints, null, () -> index);

        assertThat(r.ok()).isFalse();
        assertThat(r.index())
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.kind()).isEqualTo(IndexDiscrepancy.Kind.NOT_IN_LOG);
                            assertThat(d.docId()).isEqualTo("tickets/999#1");
                            assertThat(d.detail()).contains("ahead of the log");
                        });
    }

    @Test
    void aPendingDocumentWhoseEntryReachesTheLogWithAnotherHashIsModified() throws Exception {
        List<AuditEntry> committed = log.entries.subList(0, 20);
        List<AuditEntry> later = log.entries.subList(20, 25);
        List<IndexedCopy> index = indexOf(log.entries);
        IndexedCopy pending = index.get(22);
        byte[] wrong = pending.hash().clone();
        wrong[0] ^= 1;
        index.set(22, new IndexedCopy(pending.docId(), 22, wrong));
        AuditVerification live = live(later);

        AuditVerification.Result r = live.verify(committed, log.checkpoints, null, () -> index);

        assertThat(r.ok()).isFalse();
        assertThat(r.index())
                .extracting(IndexDiscrepancy::kind, IndexDiscrepancy::logIndex)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(IndexDiscrepancy.Kind.MODIFIED, 22L));
    }

    /** The latest capture time among {@code entries}. */
    private static java.time.Instant latestCapture(List<AuditEntry> entries) {
        return entries.stream()
                .map(AuditEntry::getCaptureTime)
                .max(java.util.Comparator.naturalOrder())
                .orElseThrow();
    }

    private AuditVerification.Result withOneDocumentAhead(java.time.Instant capturedAt)
            throws Exception {
        List<AuditEntry> committed = log.entries.subList(0, 20);
        List<IndexedCopy> index = indexOf(committed);
        index.add(new IndexedCopy("tickets/999#1", 20, new byte[32], null, capturedAt));
        AuditVerification live = live(List.of());
        return live.verify(committed, log.checkpoints, null, () -> index);
    }

    @Test
    void aDocumentAheadOfALogThatHasNotReachedItsCaptureTimeIsStillPending() throws Exception {
        // the log is catching up (a backlog, or a restored job's slow first checkpoints): its
        // latest committed entry was captured before the document
        java.time.Instant capturedAt =
                latestCapture(log.entries.subList(0, 20)).plus(Duration.ofMinutes(5));

        AuditVerification.Result r = withOneDocumentAhead(capturedAt);

        assertThat(r.ok()).as(r.text()).isTrue();
        assertThat(r.horizon().stillPending()).isEqualTo(1);
        assertThat(r.text()).contains("1 still on their way");
    }

    @Test
    void aDocumentTheLogHasMovedPastByMoreThanTheBoundIsNotInLog() throws Exception {
        java.time.Instant capturedAt =
                latestCapture(log.entries.subList(0, 20)).minus(Duration.ofSeconds(31));

        AuditVerification.Result r = withOneDocumentAhead(capturedAt);

        assertThat(r.ok()).isFalse();
        assertThat(r.index())
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.kind()).isEqualTo(IndexDiscrepancy.Kind.NOT_IN_LOG);
                            assertThat(d.detail())
                                    .contains("committed nothing meanwhile")
                                    .contains("more than 30 s after it");
                        });
    }

    @Test
    void aDocumentAheadOfALogStillCommittingIsOnItsWayWhateverItsCaptureTime() throws Exception {
        // catching up a backlog: entries of several topics are sequenced out of capture order,
        // so the log may hold later captures than a document sequenced after them
        List<AuditEntry> committed = log.entries.subList(0, 20);
        List<AuditEntry> moving = log.entries.subList(20, 22); // committed during the wait
        List<IndexedCopy> index = indexOf(log.entries.subList(0, 22));
        java.time.Instant capturedAt = latestCapture(committed).minus(Duration.ofMinutes(10));
        index.add(new IndexedCopy("tickets/998#4", 22, new byte[32], null, capturedAt));
        AuditVerification live = live(moving);

        AuditVerification.Result r = live.verify(committed, log.checkpoints, null, () -> index);

        assertThat(r.ok()).as(r.text()).isTrue();
        assertThat(r.horizon().stillPending()).isEqualTo(1);
    }

    @Test
    void aDocumentCapturedInTheFutureIsNotInLogAtOnce() throws Exception {
        AuditVerification.Result r =
                withOneDocumentAhead(java.time.Instant.now().plus(Duration.ofDays(1)));

        assertThat(r.ok()).isFalse();
        assertThat(r.index().get(0).detail()).contains("captured in the future");
    }

    @Test
    void aDocumentFarAheadBeyondAGapIsNotInLogEvenWhileTheLogIsBehindItsTime() throws Exception {
        // a forged document: logIndex far beyond anything sequenced, a plausible capture time
        List<AuditEntry> committed = log.entries.subList(0, 20);
        List<IndexedCopy> index = indexOf(committed);
        for (AuditEntry onTheirWay : log.entries.subList(20, 22)) {
            index.add(
                    new IndexedCopy(
                            onTheirWay.getEntityId() + "#" + onTheirWay.getSeq(),
                            onTheirWay.getLogIndex(),
                            AuditEntryText.bytes(onTheirWay.getHash()),
                            null,
                            onTheirWay.getCaptureTime()));
        }
        java.time.Instant capturedAt = latestCapture(committed).plus(Duration.ofMinutes(5));
        index.add(new IndexedCopy("tickets/999#1", 1_000_000, new byte[32], null, capturedAt));
        AuditVerification live = live(List.of());

        AuditVerification.Result r = live.verify(committed, log.checkpoints, null, () -> index);

        assertThat(r.ok()).isFalse();
        assertThat(r.index())
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.docId()).isEqualTo("tickets/999#1");
                            assertThat(d.detail()).contains("beyond a gap: logIndex 22");
                        });
        assertThat(r.horizon().stillPending())
                .as("the two documents right after the horizon are on their way")
                .isEqualTo(2);
    }
}
