package dev.lethe.keys;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Making data keys and wrapping them under the master key.
 *
 * <p>A wrapped data key is {@code 0x01 | IV (12 bytes) | AES-256-GCM(master key, data key) with its
 * 16-byte tag}, 61 bytes; the GCM additional data is {@code "lethe.dek.v1:" + subject id + ":" +
 * master key id}, so a wrapped key copied onto another subject's row does not unwrap.
 */
final class DataKeys {

    static final int DATA_KEY_BYTES = 32;
    private static final byte WRAP_VERSION = 1;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private DataKeys() {}

    /** One AES-GCM cipher per thread, initialised for every key (a JCE lookup per key is slow). */
    private static final ThreadLocal<Cipher> GCM =
            ThreadLocal.withInitial(
                    () -> {
                        try {
                            return Cipher.getInstance("AES/GCM/NoPadding");
                        } catch (GeneralSecurityException e) {
                            throw new IllegalStateException("AES-GCM is missing from this JDK", e);
                        }
                    });

    /** A random AES-256 key (what the JDK's AES KeyGenerator makes: 32 random bytes). */
    static SecretKey newDataKey() {
        byte[] key = new byte[DATA_KEY_BYTES];
        RANDOM.nextBytes(key);
        return new SecretKeySpec(key, "AES");
    }

    static byte[] wrap(MasterKey master, String subjectId, SecretKey dataKey) {
        try {
            byte[] iv = new byte[IV_BYTES];
            RANDOM.nextBytes(iv);
            Cipher gcm = GCM.get();
            gcm.init(Cipher.ENCRYPT_MODE, master.key(), new GCMParameterSpec(TAG_BITS, iv));
            gcm.updateAAD(aad(master, subjectId));
            byte[] sealed = gcm.doFinal(dataKey.getEncoded());
            return ByteBuffer.allocate(1 + IV_BYTES + sealed.length)
                    .put(WRAP_VERSION)
                    .put(iv)
                    .put(sealed)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot wrap the data key of " + subjectId, e);
        }
    }

    static SecretKey unwrap(MasterKey master, String subjectId, byte[] wrapped) {
        if (wrapped.length != 1 + IV_BYTES + DATA_KEY_BYTES + TAG_BITS / 8
                || wrapped[0] != WRAP_VERSION) {
            throw new SubjectKeyStoreException(
                    "the stored data key of " + subjectId + " is not a version-1 wrapped key");
        }
        try {
            Cipher gcm = GCM.get();
            gcm.init(
                    Cipher.DECRYPT_MODE,
                    master.key(),
                    new GCMParameterSpec(TAG_BITS, wrapped, 1, IV_BYTES));
            gcm.updateAAD(aad(master, subjectId));
            byte[] key = gcm.doFinal(wrapped, 1 + IV_BYTES, wrapped.length - 1 - IV_BYTES);
            return new SecretKeySpec(key, "AES");
        } catch (GeneralSecurityException e) {
            throw new SubjectKeyStoreException(
                    "the stored data key of "
                            + subjectId
                            + " does not unwrap with master key "
                            + master.id()
                            + " (wrong master key, or the row was altered)",
                    e);
        }
    }

    private static byte[] aad(MasterKey master, String subjectId) {
        return ("lethe.dek.v1:" + subjectId + ":" + master.id()).getBytes(StandardCharsets.UTF_8);
    }
}
