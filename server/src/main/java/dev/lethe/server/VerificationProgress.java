package dev.lethe.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How far a running verification is: its phase, the entries verified so far and, when known, how
 * many there are. Written by the verifier's thread, read by requests for the verification.
 */
public final class VerificationProgress {

    private static final ObjectMapper JSON = new ObjectMapper();

    private volatile String phase = "starting";
    private final AtomicLong verified = new AtomicLong();
    private volatile long total = -1;

    /** What the verifier does now ({@code reading checkpoints}, {@code verifying entries}, …). */
    public void phase(String phase) {
        this.phase = phase;
    }

    /** Entries verified so far. */
    public void verified(long entries) {
        verified.set(entries);
    }

    /** How many entries the verification covers (unknown until set). */
    public void total(long entries) {
        this.total = entries;
    }

    public String phase() {
        return phase;
    }

    public long verified() {
        return verified.get();
    }

    /** {@code {phase, verified, total}} ({@code total} null while unknown). */
    public ObjectNode toJson() {
        ObjectNode n = JSON.createObjectNode().put("phase", phase).put("verified", verified.get());
        long t = total;
        if (t < 0) {
            n.putNull("total");
        } else {
            n.put("total", t);
        }
        return n;
    }
}
