package dev.lethe.audit;

/** An audit entry or checkpoint declares a canonical encoding version this code does not know. */
public final class UnsupportedEncodingVersionException extends IllegalArgumentException {

    private final int version;

    UnsupportedEncodingVersionException(String what, int version) {
        super(
                "audit "
                        + what
                        + " uses canonical encoding version "
                        + version
                        + "; this verifier knows version "
                        + CanonicalEncoding.VERSION);
        this.version = version;
    }

    public int version() {
        return version;
    }
}
