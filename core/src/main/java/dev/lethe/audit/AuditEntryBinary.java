package dev.lethe.audit;

import dev.lethe.events.AuditActor;
import dev.lethe.events.AuditEntry;
import dev.lethe.events.AuditFieldChange;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * An {@link AuditEntry} in Avro's binary encoding, written and read field by field: the same bytes
 * as Avro's {@code SpecificDatumWriter} (and read back the same), without its per-field reflection
 * and union resolution, which were a fifth of the audit job's CPU (every entry crosses several task
 * boundaries and is written to the log of record).
 *
 * <p>Written for one schema, named by its fingerprint ({@link #SCHEMA_FINGERPRINT}); writers use it
 * only for that schema ({@link #handles}), and a unit test fails when the schema changes (then this
 * class must change with it).
 */
public final class AuditEntryBinary {

    /**
     * The longest string, byte array or collection read (a corrupt length fails, not allocates).
     */
    static final int MAX_LENGTH = StrictAvro.MAX_LENGTH;

    /** Avro's single-object marker (2 bytes) and the writer schema's fingerprint (8 bytes). */
    private static final int SINGLE_OBJECT_HEADER = StrictAvro.SINGLE_OBJECT_HEADER;

    private AuditEntryBinary() {}

    /**
     * The Avro parsing fingerprint (CRC-64-AVRO of the parsing canonical form: names, types, union
     * branch order) of the schema this codec was written for. A schema change fails {@code
     * AuditEntryBinaryTest}: change the codec with it, then this value.
     */
    public static final long SCHEMA_FINGERPRINT = 8814469742213137649L;

    /** Whether {@code schema} is the one this codec was written for (by its fingerprint). */
    public static boolean handles(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema) == SCHEMA_FINGERPRINT;
    }

    /**
     * Writes {@code e} as Avro binary (no header), exactly as {@code SpecificDatumWriter} would.
     */
    public static void write(AuditEntry e, DataOutput out) throws IOException {
        writeLong(out, e.getEncoding());
        writeLong(out, e.getLogIndex());
        writeString(out, e.getKind());
        writeString(out, e.getEntityId());
        writeString(out, e.getTable());
        writeMap(out, e.getKey());
        writeLong(out, e.getSeq());
        writeString(out, e.getOp());
        List<AuditFieldChange> changes = e.getChanges();
        if (!changes.isEmpty()) {
            writeLong(out, changes.size());
            for (AuditFieldChange c : changes) {
                writeString(out, c.getColumn());
                out.writeByte(c.getPersonal() ? 1 : 0);
                writeValue(out, c.getBefore());
                writeValue(out, c.getAfter());
            }
        }
        out.writeByte(0);
        List<String> subjects = e.getSubjectIds();
        if (!subjects.isEmpty()) {
            writeLong(out, subjects.size());
            for (String s : subjects) {
                writeString(out, s);
            }
        }
        out.writeByte(0);
        AuditActor actor = e.getActor();
        writeString(out, actor.getType());
        writeNullableString(out, actor.getId());
        writeNullableString(out, actor.getReason());
        writeLong(out, e.getCommitTime().toEpochMilli());
        writeLong(out, e.getCaptureTime().toEpochMilli());
        writeNullableLong(out, e.getLsn());
        writeNullableLong(out, e.getTxId());
        writeNullableString(out, e.getSourceTopic());
        if (e.getSourcePartition() == null) {
            out.writeByte(0);
        } else {
            out.writeByte(2); // union index 1, zig-zag
            writeLong(out, e.getSourcePartition());
        }
        writeNullableLong(out, e.getSourceOffset());
        writeMap(out, e.getAttributes());
        writeBytes(out, e.getPrevHash());
        writeBytes(out, e.getHash());
    }

    /**
     * Decodes an entry of the log of record, in Avro's single-object encoding ({@code C3 01}, the
     * writer schema's fingerprint little endian, the binary datum; what {@code
     * AuditEntry.toByteBuffer} writes), strictly: the datum must be exactly the bytes Avro's writer
     * produces for the entry it decodes to ({@link StrictAvro}: booleans 0 or 1, shortest varints,
     * valid UTF-8, distinct map keys, one block per array or map, nothing after the record). With
     * this codec when the fingerprint is its schema's; otherwise the writer schema must be one this
     * reader knows ({@link #writerSchema}), the bytes are checked against it by {@link StrictAvro}
     * and decoded by Avro's resolving decoder.
     *
     * @throws MalformedRecordException when the bytes are not one strictly encoded entry of a known
     *     schema (the message names the rule and the byte offset, never a value)
     */
    public static AuditEntry fromSingleObject(byte[] bytes) throws MalformedRecordException {
        long fingerprint = StrictAvro.singleObjectFingerprint(bytes);
        if (fingerprint == SCHEMA_FINGERPRINT) {
            ByteBuffer buffer =
                    ByteBuffer.wrap(
                            bytes, SINGLE_OBJECT_HEADER, bytes.length - SINGLE_OBJECT_HEADER);
            AuditEntry entry;
            try {
                entry = read(new BufferInput(buffer));
            } catch (IOException | RuntimeException e) {
                String why = String.valueOf(e.getMessage());
                throw new MalformedRecordException(
                        (why.startsWith("corrupt audit entry")
                                        ? why
                                        : "corrupt audit entry: " + why)
                                + " (offset "
                                + buffer.position()
                                + ")",
                        e);
            }
            if (buffer.hasRemaining()) {
                throw new MalformedRecordException(
                        buffer.remaining()
                                + " bytes after the end of the record (offset "
                                + buffer.position()
                                + ")");
            }
            return entry;
        }
        Schema writer = writerSchema(fingerprint);
        if (writer == null) {
            throw new MalformedRecordException(
                    String.format(
                            "written with the schema of fingerprint %016x (little-endian bytes"
                                    + " %s), which this reader does not know",
                            fingerprint, Hex.of(Arrays.copyOfRange(bytes, 2, 10))));
        }
        return fromSingleObject(bytes, writer);
    }

    /**
     * Decodes an entry written with {@code writer} with Avro's resolving decoder after {@link
     * StrictAvro} checked it: the path for every writer schema but this codec's.
     */
    static AuditEntry fromSingleObject(byte[] bytes, Schema writer)
            throws MalformedRecordException {
        int length = bytes.length - SINGLE_OBJECT_HEADER;
        StrictAvro.check(writer, bytes, SINGLE_OBJECT_HEADER, length);
        try {
            return new SpecificDatumReader<AuditEntry>(writer, AuditEntry.getClassSchema())
                    .read(
                            null,
                            DecoderFactory.get()
                                    .binaryDecoder(bytes, SINGLE_OBJECT_HEADER, length, null));
        } catch (IOException | RuntimeException e) {
            throw new MalformedRecordException("not an audit entry: " + e.getMessage(), e);
        }
    }

    /**
     * The writer schema of an entry by its fingerprint, or null if unknown: the schema of the
     * generated class (the released schemas of schemas/released/ are added here once an entry
     * schema is released and changed).
     */
    static Schema writerSchema(long fingerprint) {
        Schema current = AuditEntry.getClassSchema();
        return SchemaNormalization.parsingFingerprint64(current) == fingerprint ? current : null;
    }

    /**
     * Reads what {@link #write} wrote, from exactly {@code length} bytes of {@code bytes} (one copy
     * of an entry read in a piece decodes without a bounds-checked copy per field).
     *
     * @throws IOException when the entry is corrupt or does not end where the bytes do
     */
    public static AuditEntry read(byte[] bytes, int offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
        AuditEntry entry = read(new BufferInput(buffer));
        if (buffer.hasRemaining()) {
            throw new IOException(
                    "corrupt audit entry: " + buffer.remaining() + " bytes after its end");
        }
        return entry;
    }

    /**
     * Reads what {@link #write} (or Avro's plain binary writer, with this schema) wrote, and
     * nothing else: the rules of {@link StrictAvro} (booleans 0 or 1, shortest varints, valid
     * UTF-8, distinct map keys, one block per array or map), so that one entry has one encoding.
     * Map entries keep the order read.
     */
    public static AuditEntry read(DataInput in) throws IOException {
        int encoding = readInt(in);
        long logIndex = readLong(in);
        String kind = readString(in);
        String entityId = readString(in);
        String table = readString(in);
        Map<String, String> key = readMap(in);
        long seq = readLong(in);
        String op = readString(in);
        List<AuditFieldChange> changes = new ArrayList<>();
        for (long i = 0, n = readBlockCount(in); i < n; i++) {
            String column = readString(in);
            boolean personal = readBoolean(in);
            Object before = readValue(in);
            Object after = readValue(in);
            changes.add(new AuditFieldChange(column, personal, before, after));
            if (i == n - 1) {
                readLastBlock(in);
            }
        }
        List<String> subjects = new ArrayList<>();
        for (long i = 0, n = readBlockCount(in); i < n; i++) {
            subjects.add(readString(in));
            if (i == n - 1) {
                readLastBlock(in);
            }
        }
        AuditActor actor =
                new AuditActor(readString(in), readNullableString(in), readNullableString(in));
        Instant commitTime = Instant.ofEpochMilli(readLong(in));
        Instant captureTime = Instant.ofEpochMilli(readLong(in));
        Long lsn = readNullableLong(in);
        Long txId = readNullableLong(in);
        String sourceTopic = readNullableString(in);
        Integer sourcePartition = unionIndex(in, 1) == 0 ? null : readInt(in);
        Long sourceOffset = readNullableLong(in);
        Map<String, String> attributes = readMap(in);
        ByteBuffer prevHash = ByteBuffer.wrap(readByteArray(in));
        ByteBuffer hash = ByteBuffer.wrap(readByteArray(in));
        return new AuditEntry(
                encoding,
                logIndex,
                kind,
                entityId,
                table,
                key,
                seq,
                op,
                changes,
                subjects,
                actor,
                commitTime,
                captureTime,
                lsn,
                txId,
                sourceTopic,
                sourcePartition,
                sourceOffset,
                attributes,
                prevHash,
                hash);
    }

    // ---- writing

    private static void writeValue(DataOutput out, Object value) throws IOException {
        // union ["null", "string", "bytes"]: index 0, 1, 2 as zig-zag varints 0, 2, 4
        if (value == null) {
            out.writeByte(0);
        } else if (value instanceof CharSequence s) {
            out.writeByte(2);
            writeString(out, s.toString());
        } else if (value instanceof ByteBuffer b) {
            out.writeByte(4);
            writeBytes(out, b);
        } else {
            throw new IllegalArgumentException(
                    "a change value is a string, bytes or null, got " + value.getClass().getName());
        }
    }

    private static void writeMap(DataOutput out, Map<String, String> map) throws IOException {
        if (!map.isEmpty()) {
            writeLong(out, map.size());
            for (Map.Entry<String, String> entry : map.entrySet()) {
                writeString(out, entry.getKey());
                writeString(out, entry.getValue());
            }
        }
        out.writeByte(0);
    }

    private static void writeNullableString(DataOutput out, String s) throws IOException {
        if (s == null) {
            out.writeByte(0);
        } else {
            out.writeByte(2);
            writeString(out, s);
        }
    }

    private static void writeNullableLong(DataOutput out, Long v) throws IOException {
        if (v == null) {
            out.writeByte(0);
        } else {
            out.writeByte(2);
            writeLong(out, v);
        }
    }

    private static void writeString(DataOutput out, String s) throws IOException {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        writeLong(out, utf8.length);
        out.write(utf8);
    }

    private static void writeBytes(DataOutput out, ByteBuffer b) throws IOException {
        int position = b.position();
        int length = b.limit() - position;
        writeLong(out, length);
        if (b.hasArray()) {
            out.write(b.array(), b.arrayOffset() + position, length);
        } else {
            byte[] copy = new byte[length];
            b.duplicate().get(copy);
            out.write(copy);
        }
    }

    /** A zig-zag varint, as Avro writes int and long. */
    static void writeLong(DataOutput out, long value) throws IOException {
        long n = (value << 1) ^ (value >> 63);
        while ((n & ~0x7FL) != 0) {
            out.writeByte((int) ((n & 0x7F) | 0x80));
            n >>>= 7;
        }
        out.writeByte((int) n);
    }

    // ---- reading

    private static Object readValue(DataInput in) throws IOException {
        return switch (unionIndex(in, 2)) {
            case 0 -> null;
            case 1 -> readString(in);
            default -> ByteBuffer.wrap(readByteArray(in));
        };
    }

    private static Map<String, String> readMap(DataInput in) throws IOException {
        // in the order read: written back, the entry is the same bytes
        Map<String, String> map = new LinkedHashMap<>();
        for (long i = 0, n = readBlockCount(in); i < n; i++) {
            String k = readString(in);
            if (map.put(k, readString(in)) != null) {
                throw new IOException("corrupt audit entry: a map key that occurs twice");
            }
            if (i == n - 1) {
                readLastBlock(in);
            }
        }
        return map;
    }

    /**
     * The item count of an array or map: Avro's writer writes one block (a positive count, the
     * items, then {@link #readLastBlock the count 0}) or the count 0 alone; a negative count (a
     * block with its byte size) is not what it writes.
     */
    private static long readBlockCount(DataInput in) throws IOException {
        long n = readLong(in);
        if (n < 0) {
            throw new IOException("corrupt audit entry: a block with a byte size (negative count)");
        }
        if (n > MAX_LENGTH) {
            throw new IOException(
                    "corrupt audit entry: a block of more than " + MAX_LENGTH + " items");
        }
        return n;
    }

    /** The count 0 that ends an array or map after its one block. */
    private static void readLastBlock(DataInput in) throws IOException {
        if (readLong(in) != 0) {
            throw new IOException("corrupt audit entry: a second block");
        }
    }

    private static String readNullableString(DataInput in) throws IOException {
        return unionIndex(in, 1) == 0 ? null : readString(in);
    }

    private static Long readNullableLong(DataInput in) throws IOException {
        return unionIndex(in, 1) == 0 ? null : readLong(in);
    }

    private static int unionIndex(DataInput in, int max) throws IOException {
        long index = readLong(in);
        if (index < 0 || index > max) {
            throw new IOException("corrupt audit entry: a union branch out of range");
        }
        return (int) index;
    }

    /** The byte 0 or 1. */
    private static boolean readBoolean(DataInput in) throws IOException {
        byte b = in.readByte();
        if (b != 0 && b != 1) {
            throw new IOException("corrupt audit entry: a boolean byte other than 0 or 1");
        }
        return b == 1;
    }

    /** Valid UTF-8 only (as {@link StrictAvro#isValidUtf8}). */
    private static String readString(DataInput in) throws IOException {
        byte[] utf8 = readByteArray(in);
        if (!StrictAvro.isValidUtf8(utf8, 0, utf8.length)) {
            throw new IOException("corrupt audit entry: a string that is not valid UTF-8");
        }
        return new String(utf8, StandardCharsets.UTF_8);
    }

    private static byte[] readByteArray(DataInput in) throws IOException {
        long length = readLong(in);
        if (length < 0) {
            throw new IOException("corrupt audit entry: a negative length");
        }
        if (length > MAX_LENGTH || (in instanceof BufferInput b && length > b.buffer.remaining())) {
            throw new IOException("corrupt audit entry: a length beyond the end of the entry");
        }
        byte[] bytes = new byte[(int) length];
        in.readFully(bytes);
        return bytes;
    }

    /** An int: a varint whose value fits 32 bits (so at most 5 bytes, being shortest). */
    private static int readInt(DataInput in) throws IOException {
        long v = readLong(in);
        if (v != (int) v) {
            throw new IOException("corrupt audit entry: an int varint beyond int range");
        }
        return (int) v;
    }

    /**
     * A zig-zag varint in its shortest form (no final 0x00 byte after a continuation byte), at most
     * 10 bytes, the tenth at most 0x01.
     */
    static long readLong(DataInput in) throws IOException {
        long n = 0;
        for (int i = 0; i < 10; i++) {
            int b = in.readByte() & 0xFF;
            n |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (i > 0 && b == 0) {
                    throw new IOException("corrupt audit entry: an overlong varint");
                }
                if (i == 9 && b > 1) {
                    throw new IOException("corrupt audit entry: a varint beyond long range");
                }
                return (n >>> 1) ^ -(n & 1);
            }
        }
        throw new IOException("corrupt audit entry: a varint longer than 10 bytes");
    }

    /**
     * {@link DataInput} over a byte buffer, without the locking of {@code DataInputStream} on a
     * {@code ByteArrayInputStream}; reading past the end is an {@link EOFException}.
     */
    private static final class BufferInput implements DataInput {
        private final ByteBuffer buffer;

        BufferInput(ByteBuffer buffer) {
            this.buffer = buffer;
        }

        private EOFException truncated() {
            return new EOFException("corrupt audit entry: it ends early");
        }

        @Override
        public void readFully(byte[] b) throws IOException {
            readFully(b, 0, b.length);
        }

        @Override
        public void readFully(byte[] b, int off, int len) throws IOException {
            need(len);
            buffer.get(b, off, len);
        }

        /** Fails as a truncated entry unless {@code n} more bytes are there. */
        private void need(int n) throws EOFException {
            if (buffer.remaining() < n) {
                throw truncated();
            }
        }

        @Override
        public int skipBytes(int n) {
            int skipped = Math.max(0, Math.min(n, buffer.remaining()));
            buffer.position(buffer.position() + skipped);
            return skipped;
        }

        @Override
        public boolean readBoolean() throws IOException {
            return readByte() != 0;
        }

        @Override
        public byte readByte() throws IOException {
            need(1);
            return buffer.get();
        }

        @Override
        public int readUnsignedByte() throws IOException {
            return readByte() & 0xFF;
        }

        @Override
        public short readShort() throws IOException {
            need(Short.BYTES);
            return buffer.getShort();
        }

        @Override
        public int readUnsignedShort() throws IOException {
            return readShort() & 0xFFFF;
        }

        @Override
        public char readChar() throws IOException {
            return (char) readShort();
        }

        @Override
        public int readInt() throws IOException {
            need(Integer.BYTES);
            return buffer.getInt();
        }

        @Override
        public long readLong() throws IOException {
            need(Long.BYTES);
            return buffer.getLong();
        }

        @Override
        public float readFloat() throws IOException {
            return Float.intBitsToFloat(readInt());
        }

        @Override
        public double readDouble() throws IOException {
            return Double.longBitsToDouble(readLong());
        }

        @Override
        public String readLine() {
            throw new UnsupportedOperationException("an audit entry has no lines");
        }

        @Override
        public String readUTF() throws IOException {
            return DataInputStream.readUTF(this);
        }
    }
}
