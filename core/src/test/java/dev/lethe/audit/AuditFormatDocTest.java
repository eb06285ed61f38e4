package dev.lethe.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.events.AuditActor;
import dev.lethe.events.AuditCheckpoint;
import dev.lethe.events.AuditEntry;
import dev.lethe.events.AuditFieldChange;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Keeps the worked example of docs/audit-format.md true: the example's bytes are produced here by a
 * second, field-by-field encoder written from the document, checked against {@link
 * CanonicalEncoding}, and the document must contain them verbatim. The block is also written to
 * {@code <build dir>/audit-format-example.md} for copying into the document when the format
 * changes.
 */
class AuditFormatDocTest {

    private static final Path DOC = Path.of("..", "docs", "audit-format.md");
    private static final Instant COMMITTED = Instant.parse("2025-03-01T09:00:00Z");

    @Test
    void theWorkedExampleInTheDocumentIsTrue() throws Exception {
        StringBuilder md = new StringBuilder();
        EntryHasher hasher = new EntryHasher();

        AuditEntry first = exampleEntry(0, "open", "closed");
        HashChain.Head head = HashChain.append(null, first, hasher);
        AuditEntry second = exampleEntry(1, "closed", "open");
        HashChain.append(head, second, hasher);

        Annotated entry = annotatedEntry(first);
        assertThat(entry.hex()).isEqualTo(Hex.of(CanonicalEncoding.encode(first)));
        md.append("Canonical encoding of entry 0 (")
                .append(entry.length())
                .append(" bytes):\n\n```\n")
                .append(entry.text())
                .append("```\n\n");

        byte[] hash0 = Hex.toArray(first.getHash());
        byte[] hash1 = Hex.toArray(second.getHash());
        byte[] leaf0 = MerkleTree.leafHash(hash0);
        byte[] leaf1 = MerkleTree.leafHash(hash1);
        byte[] root = MerkleTree.nodeHash(leaf0, leaf1);
        MerkleFrontier tree = new MerkleFrontier();
        tree.appendEntryHash(hash0);
        tree.appendEntryHash(hash1);
        assertThat(tree.root()).isEqualTo(root);
        assertThat(Hex.toArray(second.getPrevHash())).isEqualTo(hash0);

        SigningKeys keys = AuditLogs.rfc8032Keys();
        AuditCheckpoint checkpoint =
                new CheckpointSigner(keys).next(null, 2, root, COMMITTED.plusSeconds(5));
        Annotated body = annotatedCheckpoint(checkpoint);
        assertThat(body.hex()).isEqualTo(Hex.of(CanonicalEncoding.encode(checkpoint)));
        assertThat(CheckpointVerifier.trusting(keys.publicKey()).isValid(checkpoint)).isTrue();
        List<byte[]> path =
                MerkleTree.inclusionProof(1, 2, MerkleTree.LeafHashes.of(List.of(leaf0, leaf1)));
        assertThat(path).hasSize(1);
        assertThat(path.get(0)).isEqualTo(leaf0);

        md.append("```\n")
                .append("entry 0 hash      = SHA-256(encoding above)\n")
                .append("                  = ")
                .append(Hex.of(hash0))
                .append('\n')
                .append(
                        "entry 1 prevHash  = entry 0 hash; entry 1 (seq 2, logIndex 1, status closed -> open) hash\n")
                .append("                  = ")
                .append(Hex.of(hash1))
                .append('\n')
                .append("leaf 0            = SHA-256(00 || entry 0 hash)\n")
                .append("                  = ")
                .append(Hex.of(leaf0))
                .append('\n')
                .append("leaf 1            = SHA-256(00 || entry 1 hash)\n")
                .append("                  = ")
                .append(Hex.of(leaf1))
                .append('\n')
                .append("root (treeSize 2) = SHA-256(01 || leaf 0 || leaf 1)\n")
                .append("                  = ")
                .append(Hex.of(root))
                .append('\n')
                .append("inclusion proof of logIndex 1 in treeSize 2: path = [leaf 0]\n")
                .append("```\n\n")
                .append(
                        "Checkpoint 1 over those two entries, signed with the RFC 8032 §7.1 TEST 1 key\n")
                .append("(secret ")
                .append(AuditLogs.RFC8032_SECRET)
                .append(", public\n")
                .append(AuditLogs.RFC8032_PUBLIC)
                .append("; SPKI DER ")
                .append(Hex.of(keys.publicKey().getEncoded()))
                .append("),\nkey id ")
                .append(keys.keyId())
                .append(". Canonical encoding (")
                .append(body.length())
                .append(" bytes):\n\n```\n")
                .append(body.text())
                .append("```\n\n```\n")
                .append("checkpoint hash = SHA-256(encoding above)\n")
                .append("                = ")
                .append(Hex.of(CheckpointSigner.hashOf(checkpoint)))
                .append('\n')
                .append("signature       = Ed25519(secret key, encoding above)\n")
                .append("                = ")
                .append(Hex.of(checkpoint.getSignature()).substring(0, 64))
                .append('\n')
                .append("                  ")
                .append(Hex.of(checkpoint.getSignature()).substring(64))
                .append('\n')
                .append("```\n");

        String block = md.toString();
        Path testClasses =
                Path.of(
                        AuditFormatDocTest.class
                                .getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .toURI());
        Path out = testClasses.resolveSibling("audit-format-example.md");
        Files.writeString(out, block);
        assertThat(Files.readString(DOC))
                .as("docs/audit-format.md must contain the worked example written to %s", out)
                .contains(block);
    }

    /** The first example entry: contact 42's email and status changed by agent 7. */
    static AuditEntry exampleEntry(long logIndex, String statusBefore, String statusAfter) {
        return AuditEntry.newBuilder()
                .setLogIndex(logIndex)
                .setEntityId("contacts/42")
                .setTable("contacts")
                .setKey(Map.of("id", "42"))
                .setSeq(0)
                .setOp("UPDATE")
                .setChanges(
                        List.of(
                                AuditFieldChange.newBuilder()
                                        .setColumn("email")
                                        .setPersonal(true)
                                        .setBefore(ByteBuffer.wrap(Hex.parse("01010a636f6e7461")))
                                        .setAfter(ByteBuffer.wrap(Hex.parse("01010a636f6e7462")))
                                        .build(),
                                AuditFieldChange.newBuilder()
                                        .setColumn("status")
                                        .setPersonal(false)
                                        .setBefore(statusBefore)
                                        .setAfter(statusAfter)
                                        .build()))
                .setSubjectIds(List.of("contact:42"))
                .setActor(
                        AuditActor.newBuilder().setType("agent").setId("7").setReason(null).build())
                .setCommitTime(COMMITTED.plusSeconds(logIndex))
                .setCaptureTime(COMMITTED.plusSeconds(logIndex).plusMillis(40))
                .setLsn(24_023_128L + logIndex)
                .setTxId(771L + logIndex)
                .setSourceTopic("helpdesk.public.contacts")
                .setSourcePartition(0)
                .setSourceOffset(9_001L + logIndex)
                .setPrevHash(ByteBuffer.allocate(0))
                .setHash(ByteBuffer.allocate(0))
                .build();
    }

    // ---- a second encoder, written from the document, that annotates every field --------------

    private record Annotated(String hex, int length, String text) {}

    private static final class Lines {
        private final StringBuilder hex = new StringBuilder();
        private final StringBuilder text = new StringBuilder();
        private int length;

        Lines raw(byte[] bytes, String comment) {
            String h = Hex.of(bytes);
            hex.append(h);
            length += bytes.length;
            text.append(String.format("%-66s %s%n", h.isEmpty() ? "(none)" : h, comment));
            return this;
        }

        Lines u8(int v, String comment) {
            return raw(new byte[] {(byte) v}, comment);
        }

        Lines u32(int v, String comment) {
            return raw(ByteBuffer.allocate(4).putInt(v).array(), comment);
        }

        Lines i64(long v, String comment) {
            return raw(ByteBuffer.allocate(8).putLong(v).array(), comment);
        }

        Lines str(String s, String field) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            u32(utf8.length, field + ": length " + utf8.length);
            return raw(utf8, "  \"" + s + "\"");
        }

        Lines bytes(byte[] b, String field) {
            u32(b.length, field + ": length " + b.length);
            return raw(b, "  bytes");
        }

        Annotated done() {
            return new Annotated(hex.toString(), length, text.toString());
        }
    }

    private static Annotated annotatedEntry(AuditEntry e) {
        Lines l = new Lines();
        l.str(CanonicalEncoding.ENTRY_DOMAIN, "domain");
        l.u32(e.getEncoding(), "encoding = " + e.getEncoding());
        l.i64(e.getLogIndex(), "logIndex = " + e.getLogIndex());
        l.str(e.getKind(), "kind");
        l.str(e.getEntityId(), "entityId");
        l.str(e.getTable(), "table");
        l.u32(e.getKey().size(), "key: " + e.getKey().size() + " entry");
        e.getKey().forEach((k, v) -> l.str(k, "key name").str(v, "key value"));
        l.i64(e.getSeq(), "seq = " + e.getSeq());
        l.str(e.getOp(), "op");
        l.u32(e.getChanges().size(), "changes: " + e.getChanges().size());
        for (AuditFieldChange c : e.getChanges()) {
            l.str(c.getColumn(), "column");
            l.u8(c.getPersonal() ? 1 : 0, "personal = " + c.getPersonal());
            value(l, c.getBefore(), "before");
            value(l, c.getAfter(), "after");
        }
        l.u32(e.getSubjectIds().size(), "subjectIds: " + e.getSubjectIds().size());
        e.getSubjectIds().forEach(s -> l.str(s, "subject id"));
        l.str(e.getActor().getType(), "actor.type");
        optStr(l, e.getActor().getId(), "actor.id");
        optStr(l, e.getActor().getReason(), "actor.reason");
        l.i64(e.getCommitTime().toEpochMilli(), "commitTime = " + e.getCommitTime() + " (ms)");
        l.i64(e.getCaptureTime().toEpochMilli(), "captureTime = " + e.getCaptureTime() + " (ms)");
        l.u8(1, "lsn present").i64(e.getLsn(), "lsn = " + e.getLsn());
        l.u8(1, "txId present").i64(e.getTxId(), "txId = " + e.getTxId());
        optStr(l, e.getSourceTopic(), "sourceTopic");
        l.u8(1, "sourcePartition present")
                .u32(e.getSourcePartition(), "sourcePartition = " + e.getSourcePartition());
        l.u8(1, "sourceOffset present")
                .i64(e.getSourceOffset(), "sourceOffset = " + e.getSourceOffset());
        l.u32(e.getAttributes().size(), "attributes: " + e.getAttributes().size());
        l.bytes(Hex.toArray(e.getPrevHash()), "prevHash (seq 1: zeros)");
        return l.done();
    }

    private static void value(Lines l, Object v, String field) {
        if (v == null) {
            l.u8(0, field + ": null");
        } else if (v instanceof ByteBuffer b) {
            l.u8(2, field + ": encrypted");
            l.bytes(Hex.toArray(b), field);
        } else {
            l.u8(1, field + ": text");
            l.str(v.toString(), field);
        }
    }

    private static void optStr(Lines l, String s, String field) {
        if (s == null) {
            l.u8(0, field + " absent");
        } else {
            l.u8(1, field + " present");
            l.str(s, field);
        }
    }

    private static Annotated annotatedCheckpoint(AuditCheckpoint c) {
        Lines l = new Lines();
        l.str(CanonicalEncoding.CHECKPOINT_DOMAIN, "domain");
        l.u32(c.getEncoding(), "encoding = " + c.getEncoding());
        l.i64(c.getCheckpointSeq(), "checkpointSeq = " + c.getCheckpointSeq());
        l.i64(c.getTreeSize(), "treeSize = " + c.getTreeSize());
        l.bytes(Hex.toArray(c.getMerkleRoot()), "merkleRoot");
        l.bytes(Hex.toArray(c.getPrevCheckpointHash()), "prevCheckpointHash (first: zeros)");
        l.i64(c.getCreatedAt().toEpochMilli(), "createdAt = " + c.getCreatedAt() + " (ms)");
        l.str(c.getSigningKeyId(), "signingKeyId");
        return l.done();
    }
}
