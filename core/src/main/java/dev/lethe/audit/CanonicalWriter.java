package dev.lethe.audit;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The primitives of Lethe's canonical encodings (docs/audit-format.md, "Canonical encoding"): a
 * growable byte buffer that is reused from one entry to the next, so encoding a million entries
 * allocates almost nothing. Not thread-safe.
 */
final class CanonicalWriter {

    private byte[] buf;
    private int len;

    CanonicalWriter() {
        this(512);
    }

    CanonicalWriter(int initialCapacity) {
        buf = new byte[initialCapacity];
    }

    void reset() {
        len = 0;
    }

    int length() {
        return len;
    }

    /** The internal buffer; bytes {@code [0, length())} are the encoding. */
    byte[] buffer() {
        return buf;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    void u8(int value) {
        ensure(1);
        buf[len++] = (byte) value;
    }

    void bool(boolean value) {
        u8(value ? 1 : 0);
    }

    void i32(int value) {
        ensure(4);
        buf[len] = (byte) (value >>> 24);
        buf[len + 1] = (byte) (value >>> 16);
        buf[len + 2] = (byte) (value >>> 8);
        buf[len + 3] = (byte) value;
        len += 4;
    }

    void i64(long value) {
        ensure(8);
        for (int shift = 56, i = len; shift >= 0; shift -= 8, i++) {
            buf[i] = (byte) (value >>> shift);
        }
        len += 8;
    }

    /** u32 length of the UTF-8 encoding, then the UTF-8 bytes (unpaired surrogates become '?'). */
    void str(CharSequence text) {
        int lengthAt = len;
        ensure(4 + text.length());
        len += 4;
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                ensure(1);
                buf[len++] = (byte) c;
            } else if (c < 0x800) {
                ensure(2);
                buf[len++] = (byte) (0xC0 | (c >> 6));
                buf[len++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < n
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, text.charAt(++i));
                ensure(4);
                buf[len++] = (byte) (0xF0 | (cp >> 18));
                buf[len++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                buf[len++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                ensure(1);
                buf[len++] = (byte) '?';
            } else {
                ensure(3);
                buf[len++] = (byte) (0xE0 | (c >> 12));
                buf[len++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buf[len++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        int utf8Length = len - lengthAt - 4;
        buf[lengthAt] = (byte) (utf8Length >>> 24);
        buf[lengthAt + 1] = (byte) (utf8Length >>> 16);
        buf[lengthAt + 2] = (byte) (utf8Length >>> 8);
        buf[lengthAt + 3] = (byte) utf8Length;
    }

    /** u32 length, then the bytes. */
    void bytes(byte[] bytes) {
        i32(bytes.length);
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, len, bytes.length);
        len += bytes.length;
    }

    /** u32 length, then the bytes from position to limit; the buffer's position is not moved. */
    void bytes(ByteBuffer bytes) {
        int n = bytes.remaining();
        i32(n);
        ensure(n);
        if (bytes.hasArray()) {
            System.arraycopy(bytes.array(), bytes.arrayOffset() + bytes.position(), buf, len, n);
        } else {
            bytes.duplicate().get(buf, len, n);
        }
        len += n;
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }
}
