package dev.lethe.bench;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * An output that keeps nothing: counts the bytes written and the occurrences of a marker across
 * writes of any size (e.g. {@code "logIndex"}, once per entry of {@code audit log --json}), so that
 * a benchmark can check what a command printed without holding it.
 */
final class CountingNullOutput extends OutputStream {

    private final byte[] pattern;
    private final int[] failure;
    private int matched;
    private volatile long bytes;
    private volatile long markers;

    CountingNullOutput(String marker) {
        this.pattern = marker.getBytes(StandardCharsets.UTF_8);
        if (pattern.length == 0) {
            throw new IllegalArgumentException("an empty marker");
        }
        this.failure = new int[pattern.length];
        for (int i = 1, k = 0; i < pattern.length; i++) {
            while (k > 0 && pattern[i] != pattern[k]) {
                k = failure[k - 1];
            }
            if (pattern[i] == pattern[k]) {
                k++;
            }
            failure[i] = k;
        }
    }

    @Override
    public void write(int b) {
        bytes++;
        see((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        bytes += len;
        for (int i = off; i < off + len; i++) {
            see(b[i]);
        }
    }

    private void see(byte c) {
        while (matched > 0 && c != pattern[matched]) {
            matched = failure[matched - 1];
        }
        if (c == pattern[matched]) {
            matched++;
        }
        if (matched == pattern.length) {
            markers++;
            matched = failure[matched - 1];
        }
    }

    /** The bytes written so far. */
    long bytes() {
        return bytes;
    }

    /** The markers written so far. */
    long markers() {
        return markers;
    }
}
