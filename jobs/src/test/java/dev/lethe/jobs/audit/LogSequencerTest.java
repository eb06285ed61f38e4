package dev.lethe.jobs.audit;

import static dev.lethe.jobs.audit.AuditTestData.T0;
import static dev.lethe.jobs.audit.AuditTestData.draft;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.audit.EntryHasher;
import dev.lethe.audit.HashChain;
import dev.lethe.audit.MerkleFrontier;
import dev.lethe.audit.SigningKeys;
import dev.lethe.audit.TreeHeadSigner;
import dev.lethe.audit.TreeHeadVerifier;
import dev.lethe.events.AuditCheckpoint;
import dev.lethe.events.AuditEntry;
import dev.lethe.jobs.state.EntityKeys;
import dev.lethe.jobs.testing.SideOutputs;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogSequencerTest {

    private static final SigningKeys KEYS = SigningKeys.generate();

    @Test
    void assignsGaplessLogIndicesAndLinksEachEntityChain() throws Exception {
        try (var h = harness(100)) {
            h.open();
            send(h, draft("contacts/1", 10, T0, 1L));
            send(h, draft("tickets/5", 11, T0, 1L));
            send(h, draft("contacts/1", 12, T0, 2L));

            List<AuditEntry> out = h.extractOutputValues();
            assertThat(out).extracting(AuditEntry::getLogIndex).containsExactly(0L, 1L, 2L);
            assertThat(out).extracting(AuditEntry::getSeq).containsExactly(1L, 1L, 2L);
            assertChainsVerify(out);
            assertThat(h.getSideOutput(LogSequencer.CHECKPOINTS)).isNull();
        }
    }

    @Test
    void signsACheckpointEveryNEntriesOverTheMerkleRootOfAllEntries() throws Exception {
        try (var h = harness(2)) {
            h.open();
            for (int i = 0; i < 5; i++) {
                send(h, draft("contacts/" + i, 10 + i, T0, (long) i));
            }
            List<AuditCheckpoint> checkpoints = checkpoints(h);
            assertThat(checkpoints)
                    .extracting(AuditCheckpoint::getTreeSize)
                    .containsExactly(2L, 4L);
            assertThat(checkpoints.get(1).getPrevCheckpointHash())
                    .isEqualTo(ByteBuffer.wrap(TreeHeadSigner.hashOf(checkpoints.get(0))));
            assertThat(bytes(checkpoints.get(1).getMerkleRoot()))
                    .isEqualTo(rootOf(h.extractOutputValues().subList(0, 4)));
            assertThat(TreeHeadVerifier.trusting(KEYS.publicKey()).isValid(checkpoints.get(1)))
                    .isTrue();
        }
    }

    @Test
    void signsACheckpointWhenTheIntervalPassesWithEntriesUncovered() throws Exception {
        try (var h = harness(100)) {
            h.open();
            h.setProcessingTime(1_000);
            send(h, draft("contacts/1", 10, T0, 1L));
            h.setProcessingTime(1_000 + 59_999);
            assertThat(checkpoints(h)).isEmpty();
            h.setProcessingTime(1_000 + 60_000);
            assertThat(checkpoints(h)).extracting(AuditCheckpoint::getTreeSize).containsExactly(1L);
            h.setProcessingTime(1_000 + 200_000); // nothing new: no further checkpoint
            assertThat(checkpoints(h)).hasSize(1);
        }
    }

    @Test
    void afterRestoreTheLogChainsAndCheckpointsContinueAsIfNeverInterrupted() throws Exception {
        List<AuditEntry> uninterrupted;
        List<AuditCheckpoint> uninterruptedCheckpoints;
        try (var h = harness(2)) {
            h.open();
            for (AuditEntry e : fiveChanges()) {
                send(h, e);
            }
            uninterrupted = h.extractOutputValues();
            uninterruptedCheckpoints = checkpoints(h);
        }

        List<AuditEntry> drafts = fiveChanges();
        List<AuditEntry> out = new ArrayList<>();
        List<AuditCheckpoint> checkpoints = new ArrayList<>();
        OperatorSubtaskState snapshot;
        try (var h = harness(2)) {
            h.open();
            for (AuditEntry e : drafts.subList(0, 3)) {
                send(h, e);
            }
            out.addAll(h.extractOutputValues());
            checkpoints.addAll(checkpoints(h));
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness(2)) {
            h.initializeState(snapshot);
            h.open();
            for (AuditEntry e : drafts.subList(3, 5)) {
                send(h, e);
            }
            out.addAll(h.extractOutputValues());
            checkpoints.addAll(checkpoints(h));
        }

        assertThat(out).extracting(AuditEntry::getLogIndex).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(out)
                .extracting(AuditEntry::getHash)
                .containsExactlyElementsOf(
                        uninterrupted.stream().map(AuditEntry::getHash).toList());
        assertChainsVerify(out);
        assertThat(checkpoints)
                .extracting(AuditCheckpoint::getMerkleRoot)
                .containsExactlyElementsOf(
                        uninterruptedCheckpoints.stream()
                                .map(AuditCheckpoint::getMerkleRoot)
                                .toList());
        assertThat(checkpoints.get(1).getPrevCheckpointHash())
                .isEqualTo(ByteBuffer.wrap(TreeHeadSigner.hashOf(checkpoints.get(0))));
    }

    @Test
    void stateKeyedWithFlinksStringSerializerRestoresUnderTheEntityKeySerializer()
            throws Exception {
        List<AuditEntry> uninterrupted;
        try (var h = harness(2)) {
            h.open();
            for (AuditEntry e : fiveChanges()) {
                send(h, e);
            }
            uninterrupted = h.extractOutputValues();
        }
        List<AuditEntry> drafts = fiveChanges();
        List<AuditEntry> out = new ArrayList<>();
        OperatorSubtaskState snapshot;
        try (var h = harness(2, Types.STRING)) { // a checkpoint of a version keyed by String
            h.open();
            for (AuditEntry e : drafts.subList(0, 3)) {
                send(h, e);
            }
            out.addAll(h.extractOutputValues());
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness(2, EntityKeys.TYPE)) {
            h.initializeState(snapshot);
            h.open();
            for (AuditEntry e : drafts.subList(3, 5)) {
                send(h, e);
            }
            out.addAll(h.extractOutputValues());
        }

        assertThat(out)
                .extracting(AuditEntry::getHash)
                .containsExactlyElementsOf(
                        uninterrupted.stream().map(AuditEntry::getHash).toList());
        assertThat(out).extracting(AuditEntry::getSeq).containsExactly(1L, 1L, 2L, 2L, 3L);
        assertChainsVerify(out);
    }

    @Test
    void aMissingSigningKeyIsNeverCreatedTheJobFailsSayingHowToCreateIt(@TempDir Path home)
            throws Exception {
        String dir = home.resolve("secrets").toString();
        try (var h = harness(2, () -> SigningKeys.load(Path.of(dir)))) {
            assertThatThrownBy(h::open)
                    .hasMessageContaining("no audit signing key at " + dir)
                    .hasMessageContaining("./lethe audit keys init");
        }
        assertThat(home.resolve("secrets")).doesNotExist();
    }

    @Test
    void aSigningKeyMissingAfterCheckpointsFailsTheJobInsteadOfSigningWithANewKey(
            @TempDir Path home) throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(2)) {
            h.open();
            for (AuditEntry e : fiveChanges()) {
                send(h, e);
            }
            assertThat(checkpoints(h)).hasSize(2);
            snapshot = h.snapshot(1, 1);
        }
        String dir = home.resolve("moved").toString();
        try (var h = harness(2, () -> SigningKeys.load(Path.of(dir)))) {
            h.initializeState(snapshot);
            assertThatThrownBy(h::open)
                    .hasMessageContaining(
                            "is missing, and the log already has 2 signed checkpoints")
                    .hasMessageContaining("the latest signed with key " + KEYS.keyId())
                    .hasMessageContaining("Restore that key from its backup");
        }
        assertThat(home.resolve("moved")).doesNotExist();
    }

    @Test
    void theProductionKeysAreReadFromTheDirectoryTheTaskManagerNames(@TempDir Path home)
            throws Exception {
        Path dir = home.resolve("audit-key");
        SigningKeys created = SigningKeys.create(dir);
        System.setProperty(AuditResources.SIGNING_KEY_DIR, dir.toString());
        try {
            AuditResources resources =
                    AuditResources.production(null, "jdbc:none", "u", "master.key", "secrets");
            assertThat(resources.signingKeys().open().keyId()).isEqualTo(created.keyId());
        } finally {
            System.clearProperty(AuditResources.SIGNING_KEY_DIR);
        }
    }

    private static List<AuditEntry> fiveChanges() {
        return List.of(
                draft("contacts/1", 10, T0, 1L),
                draft("tickets/5", 11, T0, 1L),
                draft("contacts/1", 12, T0 + 1, 2L),
                draft("tickets/5", 13, T0 + 2, 3L),
                draft("contacts/1", 14, T0 + 3, 4L));
    }

    private static void assertChainsVerify(List<AuditEntry> entries) {
        Map<String, HashChain.Head> heads = new HashMap<>();
        EntryHasher hasher = new EntryHasher();
        for (AuditEntry e : entries) {
            HashChain.Head head = heads.get(e.getEntityId());
            assertThat(HashChain.check(head, e)).isEqualTo(HashChain.Link.NEXT);
            assertThat(bytes(e.getHash())).isEqualTo(hasher.hash(e));
            heads.put(e.getEntityId(), new HashChain.Head(e.getSeq(), bytes(e.getHash())));
        }
    }

    private static byte[] rootOf(List<AuditEntry> entries) {
        MerkleFrontier f = new MerkleFrontier();
        entries.forEach(e -> f.appendEntryHash(bytes(e.getHash())));
        return f.root();
    }

    private static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }

    private static List<AuditCheckpoint> checkpoints(
            KeyedOneInputStreamOperatorTestHarness<String, AuditEntry, AuditEntry> h) {
        return SideOutputs.of(h, LogSequencer.CHECKPOINTS);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, AuditEntry, AuditEntry> harness(
            int every) throws Exception {
        return harness(every, EntityKeys.TYPE); // as the job keys it
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, AuditEntry, AuditEntry> harness(
            int every, TypeInformation<String> keyType) throws Exception {
        return harness(every, keyType, () -> KEYS);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, AuditEntry, AuditEntry> harness(
            int every, AuditResources.SigningKeysFactory keys) throws Exception {
        return harness(every, EntityKeys.TYPE, keys);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, AuditEntry, AuditEntry> harness(
            int every, TypeInformation<String> keyType, AuditResources.SigningKeysFactory keys)
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new LogSequencer(every, 60_000, keys)),
                AuditEntry::getEntityId,
                keyType,
                1,
                1,
                0);
    }

    private static void send(
            KeyedOneInputStreamOperatorTestHarness<String, AuditEntry, AuditEntry> h, AuditEntry e)
            throws Exception {
        h.processElement(new StreamRecord<>(e, e.getCommitTime().toEpochMilli()));
    }
}
