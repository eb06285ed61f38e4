package dev.lethe.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.events.AuditActor;
import dev.lethe.events.AuditEntry;
import dev.lethe.events.AuditFieldChange;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/** The hand-written codec against Avro's own writer and reader, on random entries. */
class AuditEntryBinaryTest {

    @Test
    void isWrittenForTheSchemaOfTheGeneratedClass() {
        // fails when AuditEntry.avsc changes: change the codec with it, then the fingerprint
        assertThat(AuditEntryBinary.handles(AuditEntry.getClassSchema()))
                .as(
                        "the schema's fingerprint is %s",
                        SchemaNormalization.parsingFingerprint64(AuditEntry.getClassSchema()))
                .isTrue();
    }

    @Test
    void aSchemaWithTheUnionBranchesOfAChangeValueSwappedIsNotItsSchema() throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode schema = (ObjectNode) json.readTree(AuditEntry.getClassSchema().toString());
        for (JsonNode field : schema.get("fields")) {
            if (field.get("name").asText().equals("changes")) {
                for (JsonNode change : field.get("type").get("items").get("fields")) {
                    if (change.get("name").asText().equals("before")) {
                        ArrayNode union = (ArrayNode) change.get("type");
                        JsonNode second = union.get(1);
                        union.set(1, union.get(2));
                        union.set(2, second);
                    }
                }
            }
        }
        Schema swapped = new Schema.Parser().parse(schema.toString());
        assertThat(swapped.toString()).isNotEqualTo(AuditEntry.getClassSchema().toString());
        assertThat(AuditEntryBinary.handles(swapped)).isFalse();
    }

    @Test
    void aCorruptBlockCountFailsInsteadOfBeingSkipped() throws IOException {
        AuditEntry entry = randomEntry(new Random(3));
        entry.setEncoding(2);
        entry.setLogIndex(5L);
        entry.setKind("k");
        entry.setEntityId("e");
        entry.setTable("t");
        byte[] bytes = codecBytes(entry);
        // encoding, logIndex, then kind, entityId, table (2 bytes each): the key map's count at 8
        ByteArrayOutputStream corrupt = new ByteArrayOutputStream();
        corrupt.write(bytes, 0, 8);
        // Long.MIN_VALUE as a zig-zag varint (2^64 - 1): a count still negative when negated
        for (int i = 0; i < 9; i++) {
            corrupt.write(0xFF);
        }
        corrupt.write(0x01);
        corrupt.write(0); // a block size, read after a negative count
        corrupt.write(bytes, 9, bytes.length - 9);
        assertThatThrownBy(() -> AuditEntryBinary.read(input(corrupt.toByteArray())))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("corrupt audit entry: a block with a byte size");
    }

    @Test
    void aSchemaWithAnotherFieldIsNotItsSchema() {
        Schema grown =
                new Schema.Parser()
                        .parse(
                                AuditEntry.getClassSchema()
                                        .toString()
                                        .replace(
                                                "{\"name\":\"hash\"",
                                                "{\"name\":\"extra\",\"type\":\"int\"},{\"name\":\"hash\""));
        assertThat(grown.getField("extra")).isNotNull();
        assertThat(AuditEntryBinary.handles(grown)).isFalse();
        Schema other =
                SchemaBuilder.record("AuditEntry").fields().requiredInt("encoding").endRecord();
        assertThat(AuditEntryBinary.handles(other)).isFalse();
    }

    @Property(tries = 300)
    void writesAvrosBytesAndReadsThemBack(@ForAll long seed) throws IOException {
        AuditEntry entry = randomEntry(new Random(seed));
        byte[] avro = avroBytes(entry);
        byte[] ours = codecBytes(entry);

        assertThat(ours).isEqualTo(avro);
        assertThat(AuditEntryBinary.read(input(avro))).isEqualTo(entry);
        assertThat(avroRead(ours)).isEqualTo(entry);
    }

    /**
     * Strict decoding: the log is written with Avro's plain binary encoder (one block per array or
     * map); the same entry in blocks with byte sizes is another byte string for it, refused.
     */
    @Property(tries = 50)
    void refusesAvrosBlockedEncodingWithNegativeCounts(@ForAll long seed) throws IOException {
        AuditEntry entry = randomEntry(new Random(seed));
        entry.getChanges().add(new AuditFieldChange("c", true, null, "x"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // a blocking encoder writes arrays and maps as blocks of -count, byte size, items
        BinaryEncoder encoder = EncoderFactory.get().blockingBinaryEncoder(out, null);
        new SpecificDatumWriter<>(AuditEntry.class).write(entry, encoder);
        encoder.flush();

        assertThat(out.toByteArray()).isNotEqualTo(avroBytes(entry));
        assertThatThrownBy(() -> AuditEntryBinary.read(input(out.toByteArray())))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("a block with a byte size");
    }

    @Test
    void aByteBufferIsWrittenFromItsPositionWithoutBeingConsumed() throws IOException {
        AuditEntry entry = randomEntry(new Random(7));
        ByteBuffer hash = ByteBuffer.wrap(new byte[] {9, 9, 1, 2, 3});
        hash.position(2);
        entry.setHash(hash);

        byte[] ours = codecBytes(entry);

        assertThat(ours).isEqualTo(avroBytes(entry));
        assertThat(hash.position()).isEqualTo(2);
        assertThat(AuditEntryBinary.read(input(ours)).getHash())
                .isEqualTo(ByteBuffer.wrap(new byte[] {1, 2, 3}));
    }

    @Test
    void aCorruptLengthFailsInsteadOfAllocating() throws IOException {
        AuditEntry entry = randomEntry(new Random(3));
        entry.setEncoding(2);
        entry.setLogIndex(5L);
        byte[] bytes = codecBytes(entry);
        // the varint of "kind"'s length follows encoding and logIndex (one byte each here)
        byte[] corrupt = Arrays.copyOf(bytes, bytes.length);
        corrupt[2] = 0x01; // zig-zag -1: a negative length
        assertThatThrownBy(() -> AuditEntryBinary.read(input(corrupt)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("corrupt audit entry");
    }

    @Property(tries = 100)
    void readsTheLogsSingleObjectEncodingAsAvroDoes(@ForAll long seed) throws IOException {
        AuditEntry entry = randomEntry(new Random(seed));
        byte[] bytes = entryBytes(entry);

        assertThat(AuditEntryBinary.fromSingleObject(bytes))
                .isEqualTo(AuditEntry.fromByteBuffer(ByteBuffer.wrap(bytes)))
                .isEqualTo(entry);
    }

    @Test
    void aSingleObjectOfASchemaNoOneKnowsIsMalformed() throws IOException {
        byte[] bytes = entryBytes(randomEntry(new Random(11)));
        bytes[2] ^= 0x01; // another fingerprint: a schema neither knows

        assertThatThrownBy(() -> AuditEntryBinary.fromSingleObject(bytes))
                .isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining("which this reader does not know");
    }

    @Test
    void aTruncatedSingleObjectFailsAsMalformed() throws IOException {
        byte[] bytes = entryBytes(randomEntry(new Random(13)));
        byte[] truncated = Arrays.copyOf(bytes, bytes.length - 1);

        assertThatThrownBy(() -> AuditEntryBinary.fromSingleObject(truncated))
                .isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining("corrupt audit entry: a length beyond the end");
        assertThatThrownBy(() -> AuditEntryBinary.fromSingleObject(new byte[] {(byte) 0xC3}))
                .isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining("shorter than its 10-byte header");
    }

    private static byte[] entryBytes(AuditEntry entry) throws IOException {
        ByteBuffer encoded = entry.toByteBuffer();
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        return bytes;
    }

    @Test
    void aChangeValueOfAnotherTypeIsRefused() {
        AuditEntry entry = randomEntry(new Random(5));
        entry.getChanges().add(new AuditFieldChange("n", false, 42, null));
        assertThatThrownBy(() -> codecBytes(entry))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.Integer");
    }

    static AuditEntry randomEntry(Random r) {
        List<AuditFieldChange> changes = new ArrayList<>();
        for (int i = r.nextInt(6); i > 0; i--) {
            changes.add(
                    new AuditFieldChange(text(r), r.nextBoolean(), changeValue(r), changeValue(r)));
        }
        List<String> subjects = new ArrayList<>();
        for (int i = r.nextInt(4); i > 0; i--) {
            subjects.add(text(r));
        }
        return AuditEntry.newBuilder()
                .setEncoding(r.nextInt(4) == 0 ? r.nextInt() : 2)
                .setLogIndex(r.nextBoolean() ? r.nextLong() : r.nextInt(1000))
                .setKind(r.nextBoolean() ? "change" : text(r))
                .setEntityId(text(r))
                .setTable(text(r))
                .setKey(map(r))
                .setSeq(r.nextInt(3) == 0 ? Long.MIN_VALUE : r.nextInt(100))
                .setOp(text(r))
                .setChanges(changes)
                .setSubjectIds(subjects)
                .setActor(new AuditActor(text(r), nullable(r), nullable(r)))
                .setCommitTime(Instant.ofEpochMilli(r.nextLong() >> 20))
                .setCaptureTime(Instant.ofEpochMilli(r.nextInt()))
                .setLsn(r.nextBoolean() ? null : r.nextLong())
                .setTxId(r.nextBoolean() ? null : (long) r.nextInt(100_000))
                .setSourceTopic(nullable(r))
                .setSourcePartition(r.nextBoolean() ? null : r.nextInt())
                .setSourceOffset(r.nextBoolean() ? null : r.nextLong())
                .setAttributes(map(r))
                .setPrevHash(ByteBuffer.wrap(bytes(r, r.nextInt(40))))
                .setHash(ByteBuffer.wrap(bytes(r, 32)))
                .build();
    }

    private static Object changeValue(Random r) {
        return switch (r.nextInt(3)) {
            case 0 -> null;
            case 1 -> text(r);
            default -> ByteBuffer.wrap(bytes(r, r.nextInt(300)));
        };
    }

    private static Map<String, String> map(Random r) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = r.nextInt(4); i > 0; i--) {
            m.put(text(r), text(r));
        }
        return m;
    }

    private static String nullable(Random r) {
        return r.nextInt(3) == 0 ? null : text(r);
    }

    /** ASCII, Latin-1, CJK, emoji (surrogate pairs) and long strings (multi-byte varints). */
    private static String text(Random r) {
        StringBuilder s = new StringBuilder();
        int length = r.nextInt(10) == 0 ? 100 + r.nextInt(400) : r.nextInt(12);
        for (int i = 0; i < length; i++) {
            switch (r.nextInt(4)) {
                case 0 -> s.append((char) ('a' + r.nextInt(26)));
                case 1 -> s.append((char) (0xC0 + r.nextInt(0x40)));
                case 2 -> s.append((char) (0x4E00 + r.nextInt(0x100)));
                default -> s.appendCodePoint(0x1F600 + r.nextInt(0x40));
            }
        }
        return s.toString();
    }

    private static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    private static byte[] avroBytes(AuditEntry entry) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(AuditEntry.class).write(entry, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static byte[] codecBytes(AuditEntry entry) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataOutputStream data = new DataOutputStream(out)) {
            AuditEntryBinary.write(entry, data);
        }
        return out.toByteArray();
    }

    private static AuditEntry avroRead(byte[] bytes) throws IOException {
        return new SpecificDatumReader<>(AuditEntry.class)
                .read(null, DecoderFactory.get().binaryDecoder(bytes, null));
    }

    private static DataInputStream input(byte[] bytes) {
        return new DataInputStream(new ByteArrayInputStream(bytes));
    }
}
