package dev.lethe.audit;

import dev.lethe.events.AuditActor;
import dev.lethe.events.AuditCheckpoint;
import dev.lethe.events.AuditEntry;
import dev.lethe.events.AuditFieldChange;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Builders of audit entries and whole signed logs, the way the audit job writes them. */
final class AuditLogs {

    static final Instant T0 = Instant.parse("2025-03-01T09:00:00Z");

    /** RFC 8032 §7.1 test 1 secret key and public key. */
    static final String RFC8032_SECRET =
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

    static final String RFC8032_PUBLIC =
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

    private AuditLogs() {}

    /** The deterministic RFC 8032 test key, so signatures in tests and docs are reproducible. */
    static SigningKeys rfc8032Keys() {
        try {
            KeyFactory ed25519 = KeyFactory.getInstance("Ed25519");
            return SigningKeys.of(
                    ed25519.generatePrivate(
                            new PKCS8EncodedKeySpec(
                                    Hex.parse(
                                            "302e020100300506032b657004220420" + RFC8032_SECRET))),
                    ed25519.generatePublic(
                            new X509EncodedKeySpec(
                                    Hex.parse("302a300506032b6570032100" + RFC8032_PUBLIC))));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An UPDATE of contact {@code id}: email (personal, encrypted) and status (plain). */
    static AuditEntry.Builder contactUpdate(long id, String statusBefore, String statusAfter) {
        return AuditEntry.newBuilder()
                .setLogIndex(0)
                .setEntityId("contacts/" + id)
                .setTable("contacts")
                .setKey(Map.of("id", Long.toString(id)))
                .setOp("UPDATE")
                .setChanges(
                        List.of(
                                AuditFieldChange.newBuilder()
                                        .setColumn("email")
                                        .setPersonal(true)
                                        .setBefore(envelope("old-" + id))
                                        .setAfter(envelope("new-" + id))
                                        .build(),
                                AuditFieldChange.newBuilder()
                                        .setColumn("status")
                                        .setPersonal(false)
                                        .setBefore(statusBefore)
                                        .setAfter(statusAfter)
                                        .build()))
                .setSubjectIds(List.of("subject-" + id))
                .setActor(
                        AuditActor.newBuilder()
                                .setType("agent")
                                .setId("agent-7")
                                .setReason("ticket 4711")
                                .build())
                .setCommitTime(T0)
                .setCaptureTime(T0.plusMillis(40))
                .setLsn(24_023_128L)
                .setTxId(771L)
                .setSourceTopic("helpdesk.public.contacts")
                .setSourcePartition(0)
                .setSourceOffset(9_001L)
                .setSeq(0)
                .setPrevHash(ByteBuffer.allocate(0))
                .setHash(ByteBuffer.allocate(0));
    }

    /** Stand-in ciphertext: what matters here is that it is bytes, not what it decrypts to. */
    static ByteBuffer envelope(String seed) {
        byte[] bytes = ("env1:" + seed).getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] ^= (byte) 0x5A;
        }
        return ByteBuffer.wrap(bytes);
    }

    /** A log as the audit job writes it, with a signed checkpoint every {@code every} entries. */
    record SignedLog(List<AuditEntry> entries, List<AuditCheckpoint> checkpoints) {

        /** A deep copy whose entries and checkpoints can be tampered with. */
        SignedLog copy() {
            List<AuditEntry> entryCopies = new ArrayList<>();
            entries.forEach(e -> entryCopies.add(AuditEntry.newBuilder(e).build()));
            List<AuditCheckpoint> checkpointCopies = new ArrayList<>();
            checkpoints.forEach(c -> checkpointCopies.add(AuditCheckpoint.newBuilder(c).build()));
            return new SignedLog(entryCopies, checkpointCopies);
        }

        /** Position of the entry with this entity and seq. */
        int positionOf(String entityId, long seq) {
            for (int i = 0; i < entries.size(); i++) {
                if (entries.get(i).getEntityId().equals(entityId)
                        && entries.get(i).getSeq() == seq) {
                    return i;
                }
            }
            throw new IllegalArgumentException("no " + entityId + " seq " + seq);
        }
    }

    /**
     * {@code size} entries over {@code entities} contacts (random but seeded), hash-chained, with a
     * checkpoint after every {@code every} entries and one at the end.
     */
    static SignedLog signedLog(int size, int entities, int every, SigningKeys keys, long seed) {
        Random random = new Random(seed);
        EntryHasher hasher = new EntryHasher();
        TreeHeadSigner signer = new TreeHeadSigner(keys);
        MerkleFrontier tree = new MerkleFrontier();
        Map<String, HashChain.Head> heads = new HashMap<>();
        List<AuditEntry> entries = new ArrayList<>();
        List<AuditCheckpoint> checkpoints = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            long contact = 1 + random.nextInt(entities);
            AuditEntry entry =
                    contactUpdate(contact, "open", random.nextBoolean() ? "closed" : "pending")
                            .setLogIndex(i)
                            .setCommitTime(T0.plusSeconds(i))
                            .setCaptureTime(T0.plusSeconds(i).plusMillis(35))
                            .setSourceOffset(9_000L + i)
                            .build();
            HashChain.Head head = HashChain.append(heads.get(entry.getEntityId()), entry, hasher);
            heads.put(entry.getEntityId(), head);
            tree.appendEntryHash(head.hash());
            entries.add(entry);
            if ((i + 1) % every == 0 || i == size - 1) {
                AuditCheckpoint previous =
                        checkpoints.isEmpty() ? null : checkpoints.get(checkpoints.size() - 1);
                checkpoints.add(
                        signer.next(previous, tree.size(), tree.root(), T0.plusSeconds(i + 1)));
            }
        }
        return new SignedLog(entries, checkpoints);
    }

    /** Recomputes an entry's hash after a test changed it (what a careful forger does). */
    static void rehash(AuditEntry entry) {
        entry.setHash(ByteBuffer.wrap(new EntryHasher().hash(entry)));
    }
}
