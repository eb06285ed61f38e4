package dev.lethe.crypto;

/**
 * The bytes are not a readable envelope: not an envelope at all, a version this code does not know,
 * truncated, or failing authentication (tampered with, or decrypted with a different context {@code
 * aad} than it was encrypted with, i.e. moved to another field).
 */
public final class InvalidEnvelopeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    InvalidEnvelopeException(String message) {
        super(message);
    }

    InvalidEnvelopeException(String message, Throwable cause) {
        super(message, cause);
    }
}
