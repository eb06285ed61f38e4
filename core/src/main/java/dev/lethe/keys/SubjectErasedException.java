package dev.lethe.keys;

/**
 * The data subject was erased, so it has no key and never gets one again: nothing about it can be
 * encrypted (and so stored) any more. The caller decides what to do with the value it held, e.g.
 * redact it; it must never store it in plaintext instead.
 */
public final class SubjectErasedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final String subjectId;

    public SubjectErasedException(String subjectId) {
        super("data subject " + subjectId + " was erased; no key is created for it again");
        this.subjectId = subjectId;
    }

    /** The erased subject (a subject id holds no personal data, see {@link SubjectIds}). */
    public String subjectId() {
        return subjectId;
    }
}
