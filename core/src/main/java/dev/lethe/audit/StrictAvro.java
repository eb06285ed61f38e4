package dev.lethe.audit;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.Set;
import org.apache.avro.Schema;

/**
 * Checks that bytes are exactly the Avro binary encoding that Avro's Java writer ({@code
 * BinaryEncoder}) produces for some datum of a schema, and nothing else (docs/audit-format.md,
 * "Strict decoding"). Avro's own decoder is lenient: it reads several byte strings as the same
 * datum (a boolean byte 2 as true, a varint with redundant continuation bytes, a map with a key
 * twice, bytes after the datum), and an entry's hash covers the decoded fields, not the bytes. The
 * rules, each a {@link MalformedRecordException} naming its byte offset:
 *
 * <ul>
 *   <li>a boolean is the byte 0 or 1;
 *   <li>an int or long is a zig-zag varint in its shortest form (no final 0x00 after a continuation
 *       byte), at most 5 bytes for an int (the fifth at most 0x0F) and 10 for a long (the tenth at
 *       most 0x01);
 *   <li>a string, bytes or fixed length is not negative and not beyond the end; a string is valid
 *       UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF);
 *   <li>an array or map is one block with a positive count followed by the count 0, or the count 0
 *       alone (no negative counts with byte sizes, no second block); map keys are distinct;
 *   <li>a union or enum index is within the schema's branches or symbols;
 *   <li>the datum ends where the bytes end.
 * </ul>
 *
 * Doubles and floats are taken as written (any 8 or 4 bytes).
 */
public final class StrictAvro {

    /** Avro's single-object marker, then the writer schema's fingerprint (8 bytes). */
    public static final int SINGLE_OBJECT_HEADER = 10;

    /** The longest string, byte array or block read. */
    static final int MAX_LENGTH = 64 * 1024 * 1024;

    private StrictAvro() {}

    /**
     * The writer schema fingerprint (CRC-64-AVRO of its parsing canonical form) of an Avro
     * single-object encoding: {@code C3 01}, then the fingerprint, 8 bytes little-endian.
     *
     * @throws MalformedRecordException if the bytes do not start with that header
     */
    public static long singleObjectFingerprint(byte[] bytes) throws MalformedRecordException {
        if (bytes == null || bytes.length < SINGLE_OBJECT_HEADER) {
            throw new MalformedRecordException(
                    "not an Avro single-object encoding: "
                            + (bytes == null ? "no value" : bytes.length + " bytes")
                            + ", shorter than its 10-byte header");
        }
        if (bytes[0] != (byte) 0xC3 || bytes[1] != 0x01) {
            throw new MalformedRecordException(
                    "not an Avro single-object encoding: it does not start with C3 01");
        }
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(2);
    }

    /**
     * Checks that {@code length} bytes of {@code bytes} from {@code offset} are exactly one datum
     * of {@code schema}, strictly encoded.
     *
     * @throws MalformedRecordException naming the first rule broken and its offset
     */
    public static void check(Schema schema, byte[] bytes, int offset, int length)
            throws MalformedRecordException {
        Reader r = new Reader(bytes, offset, offset + length);
        r.datum(schema);
        if (r.pos != r.end) {
            throw new MalformedRecordException(
                    (r.end - r.pos) + " bytes after the end of the record (offset " + r.pos + ")");
        }
    }

    /**
     * Whether {@code length} bytes from {@code offset} are valid UTF-8 as Java decodes it (RFC
     * 3629: shortest forms only, no surrogates, at most U+10FFFF).
     */
    public static boolean isValidUtf8(byte[] b, int offset, int length) {
        int i = offset;
        int end = offset + length;
        while (i < end) {
            int c = b[i];
            if (c >= 0) {
                i++;
                continue;
            }
            c &= 0xFF;
            int more;
            int min2 = 0x80;
            int max2 = 0xBF;
            if (c >= 0xC2 && c <= 0xDF) {
                more = 1;
            } else if (c >= 0xE0 && c <= 0xEF) {
                more = 2;
                if (c == 0xE0) {
                    min2 = 0xA0; // shorter forms are overlong
                } else if (c == 0xED) {
                    max2 = 0x9F; // ED A0..BF are UTF-16 surrogates
                }
            } else if (c >= 0xF0 && c <= 0xF4) {
                more = 3;
                if (c == 0xF0) {
                    min2 = 0x90;
                } else if (c == 0xF4) {
                    max2 = 0x8F; // above U+10FFFF
                }
            } else {
                return false;
            }
            if (end - i <= more) {
                return false;
            }
            int second = b[i + 1] & 0xFF;
            if (second < min2 || second > max2) {
                return false;
            }
            for (int k = 2; k <= more; k++) {
                if ((b[i + k] & 0xC0) != 0x80) {
                    return false;
                }
            }
            i += more + 1;
        }
        return true;
    }

    /** A cursor over the datum. */
    private static final class Reader {
        private final byte[] b;
        private int pos;
        private final int end;

        Reader(byte[] b, int pos, int end) {
            this.b = b;
            this.pos = pos;
            this.end = end;
        }

        private MalformedRecordException malformed(String what, int at) {
            return new MalformedRecordException(what + " (offset " + at + ")");
        }

        private int next(int at) throws MalformedRecordException {
            if (pos >= end) {
                throw malformed("the record ends early", at);
            }
            return b[pos++] & 0xFF;
        }

        /**
         * A zig-zag varint of at most {@code maxBytes} bytes, whose last byte has at most {@code
         * lastMax}: the raw (unsigned, not yet zig-zag decoded) value.
         */
        private long varint(int maxBytes, int lastMax, String type)
                throws MalformedRecordException {
            int start = pos;
            long raw = 0;
            for (int i = 0; i < maxBytes; i++) {
                int v = next(start);
                raw |= (long) (v & 0x7F) << (7 * i);
                if ((v & 0x80) == 0) {
                    if (i > 0 && v == 0) {
                        throw malformed("an overlong " + type + " varint", start);
                    }
                    if (i == maxBytes - 1 && v > lastMax) {
                        throw malformed("a " + type + " varint beyond " + type + " range", start);
                    }
                    return raw;
                }
            }
            throw malformed("a " + type + " varint longer than " + maxBytes + " bytes", start);
        }

        long readLong() throws MalformedRecordException {
            long raw = varint(10, 0x01, "long");
            return (raw >>> 1) ^ -(raw & 1);
        }

        int readInt() throws MalformedRecordException {
            long raw = varint(5, 0x0F, "int");
            return (int) ((raw >>> 1) ^ -(raw & 1));
        }

        private int length(String what) throws MalformedRecordException {
            int at = pos;
            long n = readLong();
            if (n < 0) {
                throw malformed("a negative " + what + " length", at);
            }
            if (n > end - pos) {
                throw malformed("a " + what + " length beyond the end of the record", at);
            }
            return (int) n;
        }

        private String string() throws MalformedRecordException {
            int at = pos;
            int n = length("string");
            if (!isValidUtf8(b, pos, n)) {
                throw malformed("a string that is not valid UTF-8", at);
            }
            String s = new String(b, pos, n, java.nio.charset.StandardCharsets.UTF_8);
            pos += n;
            return s;
        }

        /** The item count of an array or map: one block, then 0. */
        private long firstBlock(String what) throws MalformedRecordException {
            int at = pos;
            long n = readLong();
            if (n < 0) {
                throw malformed("an " + what + " block with a byte size (negative count)", at);
            }
            if (n > MAX_LENGTH) {
                throw malformed("an " + what + " block of more than " + MAX_LENGTH + " items", at);
            }
            return n;
        }

        private void lastBlock(String what) throws MalformedRecordException {
            int at = pos;
            if (readLong() != 0) {
                throw malformed("a second " + what + " block", at);
            }
        }

        void datum(Schema s) throws MalformedRecordException {
            int at = pos;
            switch (s.getType()) {
                case NULL -> {}
                case BOOLEAN -> {
                    int v = next(at);
                    if (v > 1) {
                        throw malformed("a boolean byte other than 0 or 1", at);
                    }
                }
                case INT -> readInt();
                case LONG -> readLong();
                case FLOAT -> skip(4, at);
                case DOUBLE -> skip(8, at);
                case BYTES -> {
                    int n = length("bytes");
                    pos += n;
                }
                case STRING -> string();
                case FIXED -> skip(s.getFixedSize(), at);
                case ENUM -> {
                    int i = readInt();
                    if (i < 0 || i >= s.getEnumSymbols().size()) {
                        throw malformed("an enum index out of range", at);
                    }
                }
                case UNION -> {
                    int i = readInt();
                    if (i < 0 || i >= s.getTypes().size()) {
                        throw malformed("a union branch out of range", at);
                    }
                    datum(s.getTypes().get(i));
                }
                case RECORD -> {
                    for (Schema.Field f : s.getFields()) {
                        datum(f.schema());
                    }
                }
                case ARRAY -> {
                    long n = firstBlock("array");
                    if (n > 0) {
                        for (long i = 0; i < n; i++) {
                            datum(s.getElementType());
                        }
                        lastBlock("array");
                    }
                }
                case MAP -> {
                    long n = firstBlock("map");
                    if (n > 0) {
                        Set<String> keys = new HashSet<>();
                        for (long i = 0; i < n; i++) {
                            int keyAt = pos;
                            if (!keys.add(string())) {
                                throw malformed("a map key that occurs twice", keyAt);
                            }
                            datum(s.getValueType());
                        }
                        lastBlock("map");
                    }
                }
            }
        }

        private void skip(int n, int at) throws MalformedRecordException {
            if (n > end - pos) {
                throw malformed("the record ends early", at);
            }
            pos += n;
        }
    }
}
