package dev.lethe.keys;

/**
 * The key store cannot be reached or holds something it cannot use (e.g. an unknown master key).
 */
public final class SubjectKeyStoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SubjectKeyStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public SubjectKeyStoreException(String message) {
        super(message);
    }
}
