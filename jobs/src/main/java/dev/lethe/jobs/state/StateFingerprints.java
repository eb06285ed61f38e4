package dev.lethe.jobs.state;

import dev.lethe.keys.MasterKey;
import dev.lethe.keys.MasterKeySource;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed fingerprints for Flink state: lets an operator remember whether something it wrote has
 * changed without keeping it, not even as a plain hash (a plain hash of an email address is found
 * again by hashing candidate addresses).
 *
 * <p>A fingerprint is the first 8 bytes, big-endian, of HMAC-SHA256 over the bytes, under a key
 * derived from the current master key like {@link StateCipher}'s (HKDF-SHA256 expand with {@code
 * "lethe.flink-state-fingerprint.v1:" + purpose} as info). It depends on the master key: after a
 * rotation every fingerprint differs from the remembered ones, so an operator that compares them
 * treats everything as changed once. Never 0, so that 0 can stand for "unknown".
 */
public final class StateFingerprints {

    private final String purpose;
    private final byte[] info;
    private final MasterKeySource masterKeys;
    private String keyId;
    private Mac mac;

    /**
     * @param purpose names what is fingerprinted (e.g. {@code "discovery/location-documents"})
     */
    public StateFingerprints(MasterKeySource masterKeys, String purpose) {
        this.masterKeys = masterKeys;
        this.purpose = purpose;
        this.info =
                ("lethe.flink-state-fingerprint.v1:" + purpose).getBytes(StandardCharsets.UTF_8);
    }

    /** The fingerprint of {@code bytes}: never 0. Not thread-safe (one per operator instance). */
    public long of(byte[] bytes) {
        Mac m = mac();
        long f = ByteBuffer.wrap(m.doFinal(bytes)).getLong();
        return f == 0 ? 1 : f;
    }

    private Mac mac() {
        MasterKey master = masterKeys.current();
        if (mac == null || !master.id().equals(keyId)) {
            try {
                Mac m = Mac.getInstance("HmacSHA256");
                m.init(new SecretKeySpec(StateCipher.expand(master, info), "HmacSHA256"));
                mac = m;
                keyId = master.id();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(
                        "cannot derive the fingerprint key of " + purpose, e);
            }
        }
        return mac;
    }
}
