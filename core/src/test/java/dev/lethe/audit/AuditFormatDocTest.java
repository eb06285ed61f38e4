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
                new TreeHeadSigner(keys).next(null, 2, root, COMMITTED.plusSeconds(5));
        Annotated body = annotatedCheckpoint(checkpoint);
        assertThat(body.hex()).isEqualTo(Hex.of(CanonicalEncoding.encode(checkpoint)));
        assertThat(TreeHeadVerifier.trusting(keys.publicKey()).isValid(checkpoint)).isTrue();
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
                .append(Hex.of(TreeHeadSigner.hashOf(checkpoint)))
                .append('\n')
                .append("signature       = Ed25519(secret key, encoding above)\n")
                .append("                = ")
                .append(Hex.of(checkpoint.getSignature()).substring(0, 64))
                .append('\n')
                .append("                  ")
                .append(Hex.of(checkpoint.getSignature()).substring(64))
                .append('\n')
                .append("```\n");

        String records = recordsBlock(second, checkpoint);
        String block = md.toString();
        Path testClasses =
                Path.of(
                        AuditFormatDocTest.class
                                .getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .toURI());
        Path out = testClasses.resolveSibling("audit-format-example.md");
        Files.writeString(out, block + "\n" + records);
        assertThat(Files.readString(DOC))
                .as("docs/audit-format.md must contain the worked example written to %s", out)
                .contains(block)
                .contains(records)
                .contains(fingerprintRow(AuditEntry.getClassSchema()))
                .contains(fingerprintRow(AuditCheckpoint.getClassSchema()));
    }

    /**
     * The Kafka records of entry 1 and checkpoint 1, annotated field by field by a second Avro
     * binary encoder written from the document, checked against the generated classes' {@code
     * toByteBuffer} (what the audit job writes) and read back strictly.
     */
    private static String recordsBlock(AuditEntry entry, AuditCheckpoint checkpoint)
            throws Exception {
        Avro e = new Avro();
        e.header(AuditEntry.getClassSchema());
        e.zigzag(entry.getEncoding(), "encoding = " + entry.getEncoding() + " (int)");
        e.zigzag(entry.getLogIndex(), "logIndex = " + entry.getLogIndex());
        e.str(entry.getKind(), "kind");
        e.str(entry.getEntityId(), "entityId");
        e.str(entry.getTable(), "table");
        e.zigzag(entry.getKey().size(), "key: block of " + entry.getKey().size() + " entry");
        entry.getKey().forEach((k, v) -> e.str(k, "key name").str(v, "key value"));
        e.zigzag(0, "key: end (count 0)");
        e.zigzag(entry.getSeq(), "seq = " + entry.getSeq());
        e.str(entry.getOp(), "op");
        e.zigzag(entry.getChanges().size(), "changes: block of " + entry.getChanges().size());
        for (AuditFieldChange c : entry.getChanges()) {
            e.str(c.getColumn(), "column");
            e.raw(new byte[] {(byte) (c.getPersonal() ? 1 : 0)}, "personal = " + c.getPersonal());
            e.value(c.getBefore(), "before");
            e.value(c.getAfter(), "after");
        }
        e.zigzag(0, "changes: end");
        e.zigzag(entry.getSubjectIds().size(), "subjectIds: block of 1");
        entry.getSubjectIds().forEach(id -> e.str(id, "subject id"));
        e.zigzag(0, "subjectIds: end");
        e.str(entry.getActor().getType(), "actor.type");
        e.optStr(entry.getActor().getId(), "actor.id");
        e.optStr(entry.getActor().getReason(), "actor.reason");
        e.zigzag(
                entry.getCommitTime().toEpochMilli(),
                "commitTime = " + entry.getCommitTime() + " (ms)");
        e.zigzag(
                entry.getCaptureTime().toEpochMilli(),
                "captureTime = " + entry.getCaptureTime() + " (ms)");
        e.zigzag(1, "lsn: union branch 1 (long)").zigzag(entry.getLsn(), "lsn = " + entry.getLsn());
        e.zigzag(1, "txId: union branch 1 (long)")
                .zigzag(entry.getTxId(), "txId = " + entry.getTxId());
        e.optStr(entry.getSourceTopic(), "sourceTopic");
        e.zigzag(1, "sourcePartition: union branch 1 (int)")
                .zigzag(
                        entry.getSourcePartition(),
                        "sourcePartition = " + entry.getSourcePartition());
        e.zigzag(1, "sourceOffset: union branch 1 (long)")
                .zigzag(entry.getSourceOffset(), "sourceOffset = " + entry.getSourceOffset());
        e.zigzag(0, "attributes: empty (count 0)");
        e.bytes(Hex.toArray(entry.getPrevHash()), "prevHash (entry 0 hash)");
        e.bytes(Hex.toArray(entry.getHash()), "hash (entry 1 hash)");
        byte[] entryRecord = toBytes(entry.toByteBuffer());
        assertThat(e.hex()).isEqualTo(Hex.of(entryRecord));
        assertThat(AuditEntryBinary.fromSingleObject(entryRecord)).isEqualTo(entry);

        Avro c = new Avro();
        c.header(AuditCheckpoint.getClassSchema());
        c.zigzag(checkpoint.getEncoding(), "encoding = 1 (int)");
        c.zigzag(checkpoint.getCheckpointSeq(), "checkpointSeq = " + checkpoint.getCheckpointSeq());
        c.zigzag(checkpoint.getTreeSize(), "treeSize = " + checkpoint.getTreeSize());
        c.bytes(Hex.toArray(checkpoint.getMerkleRoot()), "merkleRoot");
        c.bytes(Hex.toArray(checkpoint.getPrevCheckpointHash()), "prevCheckpointHash");
        c.zigzag(
                checkpoint.getCreatedAt().toEpochMilli(),
                "createdAt = " + checkpoint.getCreatedAt() + " (ms)");
        c.str(checkpoint.getSigningKeyId(), "signingKeyId");
        c.zigzag(1, "publicKey: union branch 1 (bytes)");
        c.bytes(Hex.toArray(checkpoint.getPublicKey()), "publicKey (SPKI DER)");
        c.bytes(Hex.toArray(checkpoint.getSignature()), "signature");
        byte[] checkpointRecord = toBytes(checkpoint.toByteBuffer());
        assertThat(c.hex()).isEqualTo(Hex.of(checkpointRecord));

        return "Kafka record of entry 1: topic `lethe.audit`, partition 0, key `contacts/42` (UTF-8),"
                + " value ("
                + entryRecord.length
                + " bytes):\n\n```\n"
                + e.text()
                + "```\n\nKafka record of checkpoint 1: topic `lethe.audit.checkpoints`, partition 0,"
                + " key `1` (UTF-8), value ("
                + checkpointRecord.length
                + " bytes):\n\n```\n"
                + c.text()
                + "```\n";
    }

    /** The row of the table of current fingerprints ("Kafka records"). */
    private static String fingerprintRow(org.apache.avro.Schema schema) {
        long fingerprint = org.apache.avro.SchemaNormalization.parsingFingerprint64(schema);
        byte[] le =
                ByteBuffer.allocate(8)
                        .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                        .putLong(fingerprint)
                        .array();
        StringBuilder spaced = new StringBuilder();
        for (byte b : le) {
            spaced.append(spaced.length() == 0 ? "" : " ").append(String.format("%02x", b));
        }
        return String.format(
                "| `%s` | `0x%016x` | `%s` |", schema.getFullName(), fingerprint, spaced);
    }

    private static byte[] toBytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** Avro binary, written from the document, annotated line by line. */
    private static final class Avro {
        private final StringBuilder hex = new StringBuilder();
        private final StringBuilder text = new StringBuilder();

        Avro raw(byte[] bytes, String comment) {
            String h = Hex.of(bytes);
            hex.append(h);
            text.append(String.format("%-66s %s%n", h, comment));
            return this;
        }

        void header(org.apache.avro.Schema schema) {
            long fingerprint = org.apache.avro.SchemaNormalization.parsingFingerprint64(schema);
            raw(new byte[] {(byte) 0xC3, 0x01}, "single-object marker");
            raw(
                    ByteBuffer.allocate(8)
                            .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                            .putLong(fingerprint)
                            .array(),
                    String.format(
                            "%s schema fingerprint 0x%016x, little-endian",
                            schema.getName(), fingerprint));
        }

        /** A zig-zag varint (int and long alike). */
        Avro zigzag(long v, String comment) {
            long n = (v << 1) ^ (v >> 63);
            java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
            while ((n & ~0x7FL) != 0) {
                b.write((int) ((n & 0x7F) | 0x80));
                n >>>= 7;
            }
            b.write((int) n);
            return raw(b.toByteArray(), comment);
        }

        Avro str(String s, String field) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            zigzag(utf8.length, field + ": length " + utf8.length);
            return raw(utf8, "  \"" + s + "\"");
        }

        Avro bytes(byte[] b, String field) {
            zigzag(b.length, field + ": length " + b.length);
            return raw(b, "  bytes");
        }

        /** A change value: union ["null", "string", "bytes"]. */
        void value(Object v, String field) {
            if (v == null) {
                zigzag(0, field + ": union branch 0 (null)");
            } else if (v instanceof ByteBuffer b) {
                zigzag(2, field + ": union branch 2 (bytes, encrypted)");
                bytes(Hex.toArray(b), field);
            } else {
                zigzag(1, field + ": union branch 1 (string)");
                str(v.toString(), field);
            }
        }

        void optStr(String s, String field) {
            if (s == null) {
                zigzag(0, field + ": union branch 0 (null)");
            } else {
                zigzag(1, field + ": union branch 1 (string)");
                str(s, field);
            }
        }

        String hex() {
            return hex.toString();
        }

        String text() {
            return text.toString();
        }
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
