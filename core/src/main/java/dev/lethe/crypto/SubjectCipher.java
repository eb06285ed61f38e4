package dev.lethe.crypto;

import dev.lethe.keys.SubjectErasedException;
import dev.lethe.keys.SubjectIds;
import dev.lethe.keys.SubjectKeyStore;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts a value so that it can be read only while every data subject it is about still has its
 * data key (crypto-shredding), with JDK crypto only.
 *
 * <p>Each value is encrypted with AES-256-GCM under a random AES-256 value key and an IV unique
 * under that key (counted, see {@code ValueKey}). A value key belongs to one change and one set of
 * subjects: {@link #encrypt} makes one per value, a {@link #sealer()} one per set of subjects among
 * the values of a change. The value key is split n-of-n into XOR shares, one per subject the value
 * is about, and each share is key-wrapped (AES-KW, RFC 3394) under that subject's data key from the
 * {@link SubjectKeyStore}. Reading needs every share, so shredding the key of <em>any one</em>
 * subject of a value makes it unreadable; a value about one subject reads as long as that subject's
 * key exists. The envelope format is {@link Envelope} (docs/audit-format.md, "Encrypted values").
 *
 * <p>The context {@code aad} (e.g. {@code tickets/42#description}: the entity id and the column) is
 * authenticated, not stored: a value decrypts only with the aad it was encrypted with, so it cannot
 * be moved to another row or field unnoticed.
 *
 * <p>Thread-safe.
 */
public final class SubjectCipher {

    /** The most subjects one value can be encrypted for (the envelope's one-byte count). */
    public static final int MAX_SUBJECTS = Envelope.MAX_SUBJECTS;

    private static final int VALUE_KEY_BYTES = 32;
    private static final int TAG_BITS = Envelope.TAG_BYTES * 8;
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * One cipher of each kind per thread, initialised again for every value: looking a
     * transformation up in the JCE providers cost about a quarter of the encryption time.
     */
    private static final ThreadLocal<Cipher> GCM =
            ThreadLocal.withInitial(() -> newCipher("AES/GCM/NoPadding"));

    private static final ThreadLocal<Cipher> KEY_WRAP =
            ThreadLocal.withInitial(() -> newCipher("AESWrap"));

    private final SubjectKeyStore keys;

    public SubjectCipher(SubjectKeyStore keys) {
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    /**
     * Encrypts {@code plaintext} for the subjects it is about.
     *
     * @param subjectIds the data subjects (duplicates are dropped; 1 to 255 of them)
     * @param aad the context the value belongs to, e.g. {@code tickets/42#description}
     * @return the envelope
     * @throws SubjectErasedException if one of the subjects was erased: no key is created for it,
     *     and the value must not be stored (redact it instead)
     * @throws IllegalArgumentException if there is no subject, more than 255, or an invalid id
     */
    public byte[] encrypt(byte[] plaintext, List<String> subjectIds, String aad) {
        try (Sealer sealer = sealer()) {
            return sealer.encrypt(plaintext, subjectIds, aad);
        }
    }

    /**
     * A sealer for the values of one change (one row's before and after): values about the same
     * subjects share one value key, wrapped once per subject, and each has its own IV (counted
     * under the key). The envelopes are exactly those of {@link #encrypt(byte[], List, String)}
     * (each carries the wrapped shares and decrypts on its own); only the key schedules and key
     * wraps of the values after the first are saved. Close it when the change is sealed: its value
     * keys are zeroed.
     *
     * <p>Not thread-safe; one per change.
     */
    public Sealer sealer() {
        return new Sealer();
    }

    /** Seals the values of one change; see {@link #sealer()}. */
    public final class Sealer implements AutoCloseable {

        private final Map<List<String>, ValueKey> valueKeys = new HashMap<>(4);

        private Sealer() {}

        /**
         * Encrypts {@code plaintext} for the subjects it is about, under this change's value key
         * for them (created at the first value).
         *
         * @see SubjectCipher#encrypt(byte[], List, String)
         */
        public byte[] encrypt(byte[] plaintext, List<String> subjectIds, String aad) {
            Objects.requireNonNull(plaintext, "plaintext");
            Objects.requireNonNull(aad, "aad");
            // a list seen before (as given) was checked then
            ValueKey valueKey = valueKeys.get(Objects.requireNonNull(subjectIds, "subjectIds"));
            if (valueKey == null) {
                List<String> subjects = distinctSubjects(subjectIds);
                valueKey = valueKeys.get(subjects);
                if (valueKey == null) {
                    valueKey = newValueKey(subjects);
                    valueKeys.put(subjects, valueKey);
                }
                if (!subjects.equals(subjectIds)) {
                    valueKeys.put(List.copyOf(subjectIds), valueKey);
                }
            }
            try {
                byte[] iv = valueKey.nextIv();
                Cipher gcm = GCM.get();
                gcm.init(
                        Cipher.ENCRYPT_MODE,
                        new SecretKeySpec(valueKey.key(), "AES"),
                        new GCMParameterSpec(TAG_BITS, iv));
                gcm.updateAAD(valueKey.header());
                gcm.updateAAD(aad.getBytes(StandardCharsets.UTF_8));
                return Envelope.assemble(valueKey.header(), iv, gcm.doFinal(plaintext));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM failed to encrypt", e);
            }
        }

        /** Zeroes the value keys. */
        @Override
        public void close() {
            // a key may be listed under several lists; zeroing it twice does no harm
            for (ValueKey valueKey : valueKeys.values()) {
                valueKey.destroy();
            }
            valueKeys.clear();
        }
    }

    /**
     * A value key and the envelope header that carries its wrapped shares. Its values' IVs count
     * from 0 (NIST SP 800-38D §8.2.1, deterministic construction: 4 zero bytes, then the 64-bit
     * big-endian number of values sealed before): a value key is fresh and random for one change
     * and never used past it, so no IV repeats under it, without a random draw per value.
     */
    private static final class ValueKey {
        private final byte[] key;
        private final byte[] header;
        private long sealed;

        ValueKey(byte[] key, byte[] header) {
            this.key = key;
            this.header = header;
        }

        byte[] key() {
            return key;
        }

        byte[] header() {
            return header;
        }

        byte[] nextIv() {
            byte[] iv = new byte[Envelope.IV_BYTES];
            long n = sealed++;
            for (int i = Envelope.IV_BYTES - 1; i >= Envelope.IV_BYTES - 8; i--) {
                iv[i] = (byte) n;
                n >>>= 8;
            }
            return iv;
        }

        void destroy() {
            Arrays.fill(key, (byte) 0);
        }
    }

    /**
     * A fresh random value key for {@code subjects}, split into one share per subject, each share
     * wrapped under that subject's data key.
     *
     * @throws SubjectErasedException if one of the subjects was erased (no key is created for it)
     */
    private ValueKey newValueKey(List<String> subjects) {
        List<SecretKey> dataKeys = new ArrayList<>(subjects.size());
        for (String subject : subjects) {
            dataKeys.add(keys.getOrCreate(subject));
        }
        byte[] valueKey = randomBytes(VALUE_KEY_BYTES);
        byte[][] shares = split(valueKey, subjects.size());
        List<byte[]> wrappedShares = new ArrayList<>(subjects.size());
        try {
            for (int i = 0; i < subjects.size(); i++) {
                Cipher wrap = KEY_WRAP.get();
                wrap.init(Cipher.WRAP_MODE, dataKeys.get(i));
                wrappedShares.add(wrap.wrap(new SecretKeySpec(shares[i], "AES")));
            }
            return new ValueKey(valueKey, Envelope.header(subjects, wrappedShares));
        } catch (GeneralSecurityException e) {
            Arrays.fill(valueKey, (byte) 0);
            throw new IllegalStateException("AES-KW failed to wrap a value key", e);
        } finally {
            for (byte[] share : shares) {
                Arrays.fill(share, (byte) 0);
            }
        }
    }

    /**
     * Encrypts UTF-8 text; returns the envelope in Base64 (RFC 4648, standard alphabet, padded).
     *
     * @see #encrypt(byte[], List, String)
     */
    public String encrypt(String plaintext, List<String> subjectIds, String aad) {
        Objects.requireNonNull(plaintext, "plaintext");
        return Base64.getEncoder()
                .encodeToString(
                        encrypt(plaintext.getBytes(StandardCharsets.UTF_8), subjectIds, aad));
    }

    /**
     * Decrypts an envelope.
     *
     * @param aad the context it was encrypted with
     * @return the plaintext, or {@link Decrypted.Erased} naming the subjects whose keys are gone
     * @throws InvalidEnvelopeException if it is not an envelope, was tampered with, or {@code aad}
     *     is not the one it was encrypted with
     */
    public Decrypted decrypt(byte[] envelope, String aad) {
        Objects.requireNonNull(aad, "aad");
        Envelope parsed = Envelope.parse(envelope);
        List<SecretKey> dataKeys = new ArrayList<>(parsed.subjectIds().size());
        List<String> gone = new ArrayList<>();
        for (String subject : parsed.subjectIds()) {
            Optional<SecretKey> key = keys.find(subject);
            if (key.isPresent()) {
                dataKeys.add(key.get());
            } else {
                gone.add(subject);
            }
        }
        if (!gone.isEmpty()) {
            return new Decrypted.Erased(gone);
        }
        byte[] valueKey = new byte[VALUE_KEY_BYTES];
        try {
            for (int i = 0; i < dataKeys.size(); i++) {
                byte[] share = unwrapShare(dataKeys.get(i), parsed.wrappedShares().get(i), i);
                xorInto(valueKey, share);
                Arrays.fill(share, (byte) 0);
            }
            Cipher gcm = GCM.get();
            gcm.init(
                    Cipher.DECRYPT_MODE,
                    new SecretKeySpec(valueKey, "AES"),
                    new GCMParameterSpec(TAG_BITS, parsed.iv()));
            gcm.updateAAD(envelope, 0, parsed.headerLength());
            gcm.updateAAD(aad.getBytes(StandardCharsets.UTF_8));
            return new Decrypted.Plaintext(gcm.doFinal(parsed.sealed()));
        } catch (AEADBadTagException e) {
            throw new InvalidEnvelopeException(
                    "encrypted value fails authentication: tampered with, or not encrypted for"
                            + " this context",
                    e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed to decrypt", e);
        } finally {
            Arrays.fill(valueKey, (byte) 0);
        }
    }

    /**
     * Decrypts an envelope in Base64 (as {@link #encrypt(String, List, String)} returns it).
     *
     * @see #decrypt(byte[], String)
     */
    public Decrypted decrypt(String base64Envelope, String aad) {
        return decrypt(decodeBase64(base64Envelope), aad);
    }

    /** The subjects an envelope is about, in order, read without any key. */
    public static List<String> subjectIds(byte[] envelope) {
        return Envelope.parse(envelope).subjectIds();
    }

    /** The subjects a Base64 envelope is about, in order, read without any key. */
    public static List<String> subjectIds(String base64Envelope) {
        return subjectIds(decodeBase64(base64Envelope));
    }

    private static Cipher newCipher(String transformation) {
        try {
            return Cipher.getInstance(transformation);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(transformation + " is not available in this JVM", e);
        }
    }

    private static byte[] decodeBase64(String base64Envelope) {
        Objects.requireNonNull(base64Envelope, "base64Envelope");
        try {
            return Base64.getDecoder().decode(base64Envelope);
        } catch (IllegalArgumentException e) {
            throw new InvalidEnvelopeException("encrypted value is not valid Base64");
        }
    }

    private static byte[] unwrapShare(SecretKey dataKey, byte[] wrappedShare, int index)
            throws GeneralSecurityException {
        Cipher unwrap = KEY_WRAP.get();
        unwrap.init(Cipher.UNWRAP_MODE, dataKey);
        try {
            return unwrap.unwrap(wrappedShare, "AES", Cipher.SECRET_KEY).getEncoded();
        } catch (InvalidKeyException e) {
            // AES-KW's integrity check failed: the share was altered or wrapped with another key
            throw new InvalidEnvelopeException(
                    "encrypted value fails authentication: the share of subject "
                            + index
                            + " does not unwrap with its key",
                    e);
        }
    }

    private static List<String> distinctSubjects(List<String> subjectIds) {
        Objects.requireNonNull(subjectIds, "subjectIds");
        LinkedHashSet<String> distinct = new LinkedHashSet<>();
        for (String subject : subjectIds) {
            distinct.add(SubjectIds.requireValid(subject));
        }
        if (distinct.isEmpty() || distinct.size() > Envelope.MAX_SUBJECTS) {
            throw new IllegalArgumentException(
                    "a value is encrypted for 1 to "
                            + Envelope.MAX_SUBJECTS
                            + " subjects, got "
                            + distinct.size());
        }
        return List.copyOf(distinct);
    }

    /** n random shares whose XOR is {@code secret} (copies: none is {@code secret} itself). */
    private static byte[][] split(byte[] secret, int n) {
        byte[][] shares = new byte[n][];
        byte[] last = secret.clone();
        for (int i = 0; i < n - 1; i++) {
            shares[i] = randomBytes(secret.length);
            xorInto(last, shares[i]);
        }
        shares[n - 1] = last;
        return shares;
    }

    private static void xorInto(byte[] target, byte[] other) {
        for (int i = 0; i < target.length; i++) {
            target[i] ^= other[i];
        }
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
