package dev.lethe.crypto;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** The result of decrypting an envelope: the plaintext, or which subjects' erasure hides it. */
public sealed interface Decrypted permits Decrypted.Plaintext, Decrypted.Erased {

    /**
     * The value could be read.
     *
     * @param bytes the plaintext (the caller owns the array)
     */
    record Plaintext(byte[] bytes) implements Decrypted {
        /**
         * The plaintext as UTF-8 text (what {@link SubjectCipher#encrypt(String, List, String)}
         * took).
         */
        public String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "Plaintext[" + bytes.length + " bytes]";
        }
    }

    /**
     * The value can never be read again: the keys of these subjects are gone (erased, or never
     * existed in this key store).
     *
     * @param subjectIds the subjects of the envelope whose keys are gone, in envelope order
     */
    record Erased(List<String> subjectIds) implements Decrypted {
        public Erased {
            subjectIds = List.copyOf(subjectIds);
        }
    }
}
