package dev.lethe.jobs.testing;

import java.nio.charset.StandardCharsets;

/** Looking for text in bytes (an operator's snapshot, say). */
public final class Utf8 {

    private Utf8() {}

    /** Whether {@code needle} is in {@code haystack} as UTF-8. */
    public static boolean containsUtf8(byte[] haystack, String needle) {
        byte[] n = needle.getBytes(StandardCharsets.UTF_8);
        outer:
        for (int i = 0; i + n.length <= haystack.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (haystack[i + j] != n[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
