package dev.lethe.audit;

import java.nio.ByteBuffer;
import java.util.HexFormat;

/** Lower-case hex, and comparisons of Avro {@code bytes} with byte arrays. */
final class Hex {

    private static final HexFormat HEX = HexFormat.of();

    private Hex() {}

    static String of(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    static String of(ByteBuffer bytes) {
        return of(toArray(bytes));
    }

    static byte[] parse(String hex) {
        return HEX.parseHex(hex);
    }

    static byte[] toArray(ByteBuffer bytes) {
        byte[] out = new byte[bytes.remaining()];
        bytes.duplicate().get(out);
        return out;
    }

    /** Whether the buffer's remaining bytes equal {@code bytes}; the buffer is not moved. */
    static boolean equals(ByteBuffer buffer, byte[] bytes) {
        if (buffer == null || buffer.remaining() != bytes.length) {
            return false;
        }
        int at = buffer.position();
        for (int i = 0; i < bytes.length; i++) {
            if (buffer.get(at + i) != bytes[i]) {
                return false;
            }
        }
        return true;
    }
}
