package dev.lethe.jobs.state;

import dev.lethe.keys.MasterKey;
import dev.lethe.keys.MasterKeySource;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals what an operator keeps in Flink state when it holds personal values, so checkpoints and
 * savepoints hold none in plaintext.
 *
 * <p>The state key is derived from the master key and the state's purpose (HKDF-SHA256 expand, RFC
 * 5869, with the uniformly random master key as the pseudorandom key and {@code
 * "lethe.flink-state.v1:" + purpose} as info); it exists only in the TaskManager's memory. A sealed
 * value is {@code 0x01 | length of the master key id (1 byte) | master key id (UTF-8) | IV (12
 * bytes) | AES-256-GCM ciphertext with its 16-byte tag}, the purpose as additional data: a value of
 * one state does not open as another's. It names the master key it was sealed under, so state
 * written before a master key rotation still opens with a source that knows the older key ({@link
 * MasterKeySource#byId}). Without the master key, state is unreadable.
 */
public final class StateCipher {

    private static final byte VERSION = 1;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final MasterKeySource masterKeys;
    private final String purpose;
    private final byte[] aad;
    private final Map<String, SecretKey> stateKeys = new ConcurrentHashMap<>();

    /**
     * @param purpose names the state (e.g. {@code "discovery/pending-changes"}); values sealed for
     *     one purpose do not open for another
     */
    public StateCipher(MasterKeySource masterKeys, String purpose) {
        this.masterKeys = masterKeys;
        this.purpose = purpose;
        this.aad = ("lethe.flink-state.v1:" + purpose).getBytes(StandardCharsets.UTF_8);
    }

    /** Encrypts {@code plain} under the current master key's state key. */
    public byte[] seal(byte[] plain) {
        MasterKey master = masterKeys.current();
        byte[] id = master.id().getBytes(StandardCharsets.UTF_8);
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, stateKey(master), new GCMParameterSpec(TAG_BITS, iv));
            gcm.updateAAD(aad);
            byte[] sealed = gcm.doFinal(plain);
            return ByteBuffer.allocate(2 + id.length + IV_BYTES + sealed.length)
                    .put(VERSION)
                    .put((byte) id.length)
                    .put(id)
                    .put(iv)
                    .put(sealed)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal state of " + purpose, e);
        }
    }

    /**
     * Decrypts a value {@link #seal sealed} for this purpose.
     *
     * @throws IllegalStateException if it is not a sealed value, its master key is unknown, or it
     *     was altered (the message names the purpose and key id, never content)
     */
    public byte[] open(byte[] sealed) {
        if (sealed.length < 2 || sealed[0] != VERSION) {
            throw new IllegalStateException("state of " + purpose + " is not a sealed value");
        }
        int idLength = sealed[1] & 0xff;
        int ivAt = 2 + idLength;
        if (sealed.length < ivAt + IV_BYTES + TAG_BITS / 8) {
            throw new IllegalStateException("state of " + purpose + " is truncated");
        }
        String keyId = new String(sealed, 2, idLength, StandardCharsets.UTF_8);
        MasterKey master =
                masterKeys
                        .byId(keyId)
                        .orElseThrow(
                                () ->
                                        new IllegalStateException(
                                                "state of "
                                                        + purpose
                                                        + " was sealed under master key "
                                                        + keyId
                                                        + ", which this master key source does"
                                                        + " not have"));
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(
                    Cipher.DECRYPT_MODE,
                    stateKey(master),
                    new GCMParameterSpec(TAG_BITS, sealed, ivAt, IV_BYTES));
            gcm.updateAAD(aad);
            int at = ivAt + IV_BYTES;
            return gcm.doFinal(sealed, at, sealed.length - at);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "state of "
                            + purpose
                            + " does not open with master key "
                            + keyId
                            + " (altered, or sealed for another purpose)",
                    e);
        }
    }

    private SecretKey stateKey(MasterKey master) {
        return stateKeys.computeIfAbsent(master.id(), id -> derive(master));
    }

    private SecretKey derive(MasterKey master) {
        return new SecretKeySpec(expand(master, aad), "AES");
    }

    /** HKDF-Expand(PRK = master key, info, L = 32): one HMAC-SHA256 block. */
    static byte[] expand(MasterKey master, byte[] info) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(master.key().getEncoded(), "HmacSHA256"));
            hmac.update(info);
            hmac.update((byte) 1);
            return hmac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is missing from this JDK", e);
        }
    }
}
