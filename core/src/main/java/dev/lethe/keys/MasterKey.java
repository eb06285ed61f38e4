package dev.lethe.keys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key that wraps (encrypts) the subjects' data keys at rest, with an id stored next to each
 * wrapped key so master keys can be rotated: a store can unwrap with an older key and wrap new data
 * keys with the current one.
 *
 * <p>{@link #toString()} shows the id only.
 *
 * @param id the key's id
 * @param key an AES-256 key
 */
public record MasterKey(String id, SecretKey key) {

    /** Master keys are AES-256: this many bytes. */
    public static final int LENGTH_BYTES = 32;

    public MasterKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(key, "key");
        if (id.isBlank() || id.length() > 64) {
            throw new IllegalArgumentException("master key id must have 1 to 64 characters");
        }
        byte[] encoded = key.getEncoded();
        if (!"AES".equals(key.getAlgorithm())
                || encoded == null
                || encoded.length != LENGTH_BYTES) {
            throw new IllegalArgumentException("master key must be an AES-256 key");
        }
    }

    /**
     * A master key from its 32 bytes; its id is the key's fingerprint, {@code sha256:<first 8 bytes
     * of SHA-256 over "lethe-master-key" and the key, hex>}, which names it without revealing it.
     */
    public static MasterKey of(byte[] keyBytes) {
        return of(fingerprint(keyBytes), keyBytes);
    }

    /** A master key from its 32 bytes and an explicit id. */
    public static MasterKey of(String id, byte[] keyBytes) {
        if (keyBytes == null || keyBytes.length != LENGTH_BYTES) {
            throw new IllegalArgumentException(
                    "master key must be "
                            + LENGTH_BYTES
                            + " bytes, got "
                            + (keyBytes == null ? "none" : keyBytes.length));
        }
        return new MasterKey(id, new SecretKeySpec(keyBytes, "AES"));
    }

    static String fingerprint(byte[] keyBytes) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update("lethe-master-key".getBytes(StandardCharsets.US_ASCII));
            byte[] digest = sha256.digest(keyBytes);
            return "sha256:" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    @Override
    public String toString() {
        return "MasterKey[" + id + "]";
    }
}
