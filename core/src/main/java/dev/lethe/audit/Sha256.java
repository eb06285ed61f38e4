package dev.lethe.audit;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 from the JDK (every Java platform must provide it). */
final class Sha256 {

    static final int LENGTH = 32;

    private Sha256() {}

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK provides no SHA-256", e);
        }
    }

    static byte[] of(byte[] data) {
        return newDigest().digest(data);
    }
}
