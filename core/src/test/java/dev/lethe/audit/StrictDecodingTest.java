package dev.lethe.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.events.AuditCheckpoint;
import dev.lethe.events.AuditEntry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * Strict decoding of the log's records (docs/audit-format.md, "Strict decoding"): every
 * non-canonical encoding of an entry is refused, by this codec and by the path for other writer
 * schemas ({@link StrictAvro} then Avro's decoder), and every canonical one is read.
 */
class StrictDecodingTest {

    private static final Schema SCHEMA = AuditEntry.getClassSchema();

    /** A hashed entry with one key column, two changes and two subjects. */
    static AuditEntry entry() {
        AuditEntry e =
                AuditLogs.contactUpdate(42, "open", "closed")
                        .setLogIndex(5)
                        .setSeq(1)
                        .setSubjectIds(java.util.List.of("contact:42", "contact:43"))
                        .setPrevHash(ByteBuffer.wrap(HashChain.genesis()))
                        .build();
        AuditLogs.rehash(e);
        return e;
    }

    static byte[] bytes(AuditEntry e) throws IOException {
        ByteBuffer b = e.toByteBuffer();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    // ---- corruptions, each of valid bytes (located by encoding a variant and comparing) --------

    /** The first change's {@code personal} byte set to 0x02. */
    static byte[] booleanTwo(AuditEntry e) throws IOException {
        byte[] valid = bytes(e);
        AuditEntry flipped = AuditEntry.newBuilder(e).build();
        flipped.getChanges().get(0).setPersonal(!e.getChanges().get(0).getPersonal());
        int at = onlyDifference(valid, bytes(flipped));
        byte[] bad = valid.clone();
        bad[at] = 0x02;
        return bad;
    }

    /** logIndex (offset 11, one byte for a logIndex below 64) with a redundant 0x00 byte. */
    static byte[] overlongVarint(AuditEntry e) throws IOException {
        byte[] valid = bytes(e);
        int at = 11;
        return splice(valid, at, 1, new byte[] {(byte) (valid[at] | 0x80), 0x00});
    }

    /** An int (encoding, offset 10) as a 6-byte varint. */
    static byte[] sixByteInt(AuditEntry e) throws IOException {
        byte[] valid = bytes(e);
        int at = 10;
        return splice(
                valid,
                at,
                1,
                new byte[] {
                    (byte) (valid[at] | 0x80),
                    (byte) 0x80,
                    (byte) 0x80,
                    (byte) 0x80,
                    (byte) 0x80,
                    0x01
                });
    }

    static byte[] trailingByte(AuditEntry e) throws IOException {
        byte[] valid = bytes(e);
        return Arrays.copyOf(valid, valid.length + 1);
    }

    /** The entity id's first byte replaced with 0xFF (never in UTF-8). */
    static byte[] invalidUtf8(AuditEntry e) throws IOException {
        byte[] valid = bytes(e);
        int at = indexOf(valid, e.getEntityId().getBytes(StandardCharsets.UTF_8));
        byte[] bad = valid.clone();
        bad[at] = (byte) 0xFF;
        return bad;
    }

    /** The entity id's first byte replaced with C0 (an overlong form of a one-byte character). */
    static byte[] overlongUtf8(AuditEntry e) throws IOException {
        byte[] valid = bytes(e);
        int at = indexOf(valid, e.getEntityId().getBytes(StandardCharsets.UTF_8));
        byte[] bad = valid.clone();
        bad[at] = (byte) 0xC0;
        bad[at + 1] = (byte) 0xAF;
        return bad;
    }

    /** The key map {@code {id: 42}} with its one pair written twice (count 2). */
    static byte[] duplicateMapKey(AuditEntry e) throws IOException {
        byte[] valid = bytes(e);
        byte[] pair = {4, 'i', 'd', 4, '4', '2'};
        byte[] block = concat(new byte[] {2}, pair, new byte[] {0});
        int at = indexOf(valid, block);
        return splice(valid, at, block.length, concat(new byte[] {4}, pair, pair, new byte[] {0}));
    }

    /** The subject ids (two, one block) as two blocks of one. */
    static byte[] secondBlock(AuditEntry e) throws IOException {
        byte[] valid = bytes(e);
        byte[] first = concat(new byte[] {20}, "contact:42".getBytes(StandardCharsets.UTF_8));
        byte[] second = concat(new byte[] {20}, "contact:43".getBytes(StandardCharsets.UTF_8));
        byte[] block = concat(new byte[] {4}, first, second, new byte[] {0});
        int at = indexOf(valid, block);
        return splice(
                valid,
                at,
                block.length,
                concat(new byte[] {2}, first, new byte[] {2}, second, new byte[] {0}));
    }

    /** The subject ids' block with a negative count and its byte size. */
    static byte[] negativeCount(AuditEntry e) throws IOException {
        byte[] valid = bytes(e);
        byte[] items =
                concat(
                        new byte[] {20},
                        "contact:42".getBytes(StandardCharsets.UTF_8),
                        new byte[] {20},
                        "contact:43".getBytes(StandardCharsets.UTF_8));
        int at = indexOf(valid, concat(new byte[] {4}, items, new byte[] {0}));
        // count -2 (zig-zag 3), byte size 22 (zig-zag 44)
        return splice(valid, at, 1, new byte[] {3, 44});
    }

    /** The entity id's length (11) made negative. */
    static byte[] negativeLength(AuditEntry e) throws IOException {
        byte[] valid = bytes(e);
        int at = indexOf(valid, e.getEntityId().getBytes(StandardCharsets.UTF_8)) - 1;
        byte[] bad = valid.clone();
        bad[at] = 21; // zig-zag -11
        return bad;
    }

    /** The hash's length (the last field) beyond the end. */
    static byte[] lengthBeyondEnd(AuditEntry e) throws IOException {
        byte[] valid = bytes(e);
        byte[] bad = valid.clone();
        bad[valid.length - 33] = 66; // 33 instead of 32
        return bad;
    }

    static byte[] truncated(AuditEntry e) throws IOException {
        byte[] valid = bytes(e);
        return Arrays.copyOf(valid, valid.length - 1);
    }

    // ---- the tests -----------------------------------------------------------------------------

    @Test
    void theCorruptionsStillDecodeWithAvrosLenientDecoderWhereTheyAreWellFormedAvro()
            throws IOException {
        // what makes strictness necessary: Avro reads these as an entry (and several as the same
        // entry, whose hash is the same)
        AuditEntry e = entry();
        assertThat(AuditEntry.fromByteBuffer(ByteBuffer.wrap(overlongVarint(e)))).isEqualTo(e);
        assertThat(AuditEntry.fromByteBuffer(ByteBuffer.wrap(trailingByte(e)))).isEqualTo(e);
        assertThat(AuditEntry.fromByteBuffer(ByteBuffer.wrap(duplicateMapKey(e)))).isEqualTo(e);
        assertThat(AuditEntry.fromByteBuffer(ByteBuffer.wrap(secondBlock(e)))).isEqualTo(e);
        assertThat(AuditEntry.fromByteBuffer(ByteBuffer.wrap(negativeCount(e)))).isEqualTo(e);
    }

    @Test
    void aBooleanByteOtherThanZeroOrOneIsMalformed() throws IOException {
        assertRefused(booleanTwo(entry()), "a boolean byte other than 0 or 1");
    }

    @Test
    void anOverlongVarintIsMalformed() throws IOException {
        assertRefused(overlongVarint(entry()), "overlong");
    }

    @Test
    void anIntVarintOfMoreThanFiveBytesIsMalformed() throws IOException {
        assertRefused(sixByteInt(entry()), "int");
    }

    @Test
    void aByteAfterTheRecordIsMalformed() throws IOException {
        assertRefused(trailingByte(entry()), "1 bytes after the end of the record");
    }

    @Test
    void invalidUtf8IsMalformed() throws IOException {
        assertRefused(invalidUtf8(entry()), "not valid UTF-8");
        assertRefused(overlongUtf8(entry()), "not valid UTF-8");
    }

    @Test
    void aDuplicateMapKeyIsMalformed() throws IOException {
        assertRefused(duplicateMapKey(entry()), "a map key that occurs twice");
    }

    @Test
    void aSecondBlockOrANegativeBlockCountIsMalformed() throws IOException {
        assertRefused(secondBlock(entry()), "a second");
        assertRefused(negativeCount(entry()), "negative count");
    }

    @Test
    void aNegativeLengthOrALengthBeyondTheEndIsMalformed() throws IOException {
        assertRefused(negativeLength(entry()), "negative");
        assertRefused(lengthBeyondEnd(entry()), "beyond the end");
        assertRefused(truncated(entry()), "end");
    }

    @Test
    void aRecordWithoutTheSingleObjectHeaderOrOfAnUnknownSchemaIsMalformed() throws IOException {
        byte[] valid = bytes(entry());
        byte[] marker = valid.clone();
        marker[0] = 0x00;
        assertThatThrownBy(() -> AuditEntryBinary.fromSingleObject(marker))
                .isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining("C3 01");
        assertThatThrownBy(() -> AuditEntryBinary.fromSingleObject(new byte[] {(byte) 0xC3}))
                .isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining("header");
        byte[] unknown = valid.clone();
        unknown[2] ^= 1;
        assertThatThrownBy(() -> AuditEntryBinary.fromSingleObject(unknown))
                .isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining("which this reader does not know");
    }

    @Test
    void theMessageNamesTheRuleAndOffsetNeverAValue() throws IOException {
        AuditEntry e = entry();
        assertThatThrownBy(() -> AuditEntryBinary.fromSingleObject(invalidUtf8(e)))
                .hasMessageContaining("offset")
                .hasMessageNotContaining("contacts")
                .hasMessageNotContaining("42");
    }

    @Test
    void checkpointsAreDecodedStrictlyToo() throws Exception {
        AuditCheckpoint checkpoint =
                AuditLogs.signedLog(3, 2, 3, AuditLogs.rfc8032Keys(), 1).checkpoints().get(0);
        ByteBuffer b = checkpoint.toByteBuffer();
        byte[] valid = new byte[b.remaining()];
        b.get(valid);
        assertThat(TreeHeadRecord.decode(valid).checkpoint()).isEqualTo(checkpoint);

        byte[] trailing = Arrays.copyOf(valid, valid.length + 1);
        assertThat(TreeHeadRecord.decode(trailing).malformed())
                .startsWith("1 bytes after the end of the record");
        // checkpointSeq (offset 11, the varint 02) with a redundant 0x00 byte
        byte[] overlong = splice(valid, 11, 1, new byte[] {(byte) 0x82, 0x00});
        assertThat(AuditCheckpoint.fromByteBuffer(ByteBuffer.wrap(overlong))).isEqualTo(checkpoint);
        assertThat(TreeHeadRecord.decode(overlong).malformed()).contains("overlong");
        byte[] unknown = valid.clone();
        unknown[9] ^= 1;
        assertThat(TreeHeadRecord.decode(unknown).malformed())
                .contains("which this reader does not know");
    }

    /** Valid entries, random: read by both paths, as Avro reads them. */
    @Property(tries = 200)
    void everyCanonicalEncodingIsRead(@ForAll long seed) throws IOException {
        AuditEntry e = AuditEntryBinaryTest.randomEntry(new Random(seed));
        byte[] valid = bytes(e);
        assertThat(AuditEntryBinary.fromSingleObject(valid)).isEqualTo(e);
        assertThat(AuditEntryBinary.fromSingleObject(valid, SCHEMA)).isEqualTo(e);
    }

    /**
     * Random one-byte changes, insertions and deletions of valid bytes: the codec and {@link
     * StrictAvro} (two implementations of the rules) agree, and whatever they accept is canonical:
     * Avro's writer writes the decoded entry back to exactly those bytes.
     */
    @Property(tries = 1000)
    void whatIsAcceptedIsCanonicalAndBothPathsAgree(@ForAll long seed) throws IOException {
        Random r = new Random(seed);
        AuditEntry e = AuditEntryBinaryTest.randomEntry(r);
        byte[] valid = bytes(e);
        int at = 10 + r.nextInt(valid.length - 10);
        byte[] mutated =
                switch (r.nextInt(3)) {
                    case 0 -> {
                        byte[] m = valid.clone();
                        m[at] = (byte) r.nextInt(256);
                        yield m;
                    }
                    case 1 -> splice(valid, at, 0, new byte[] {(byte) r.nextInt(256)});
                    default -> splice(valid, at, 1, new byte[0]);
                };
        AuditEntry byCodec = decodeOrNull(() -> AuditEntryBinary.fromSingleObject(mutated));
        AuditEntry byStrictAvro =
                decodeOrNull(() -> AuditEntryBinary.fromSingleObject(mutated, SCHEMA));
        assertThat(byCodec).isEqualTo(byStrictAvro);
        if (byCodec != null) {
            assertThat(bytes(byCodec)).isEqualTo(mutated);
        }
    }

    /** Each corruption is refused by the codec and by the other-schema path alike. */
    private static void assertRefused(byte[] bad, String reason) {
        assertThatThrownBy(() -> AuditEntryBinary.fromSingleObject(bad))
                .isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining(reason);
        assertThatThrownBy(() -> AuditEntryBinary.fromSingleObject(bad, SCHEMA))
                .isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining(reason);
        assertThat(EntryRecord.decode(bad).isMalformed()).isTrue();
    }

    private interface Decoding {
        AuditEntry decode() throws IOException;
    }

    private static AuditEntry decodeOrNull(Decoding d) {
        try {
            return d.decode();
        } catch (MalformedRecordException e) {
            return null;
        } catch (IOException e) {
            throw new AssertionError("not a MalformedRecordException", e);
        }
    }

    // ---- bytes ---------------------------------------------------------------------------------

    private static int onlyDifference(byte[] a, byte[] b) {
        assertThat(a).hasSameSizeAs(b);
        int at = -1;
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                assertThat(at).as("one differing byte").isEqualTo(-1);
                at = i;
            }
        }
        assertThat(at).isPositive();
        return at;
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

    private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b, 0, at);
        out.writeBytes(insert);
        out.write(b, at + remove, b.length - at - remove);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
