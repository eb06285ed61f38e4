package dev.lethe.keys;

/**
 * Data subject ids: {@code <kind>:<id>}, e.g. {@code contact:42} for the contact row 42 and {@code
 * agent:7} for the agent row 7.
 *
 * <p>A subject id is stored in clear wherever a key or an encrypted value is (the key store, the
 * erasure tombstones, every encrypted envelope), so it must never carry personal data itself: it is
 * always a kind and the helpdesk's own row id, never an email or a name. {@link #of} enforces this
 * with a strict alphabet: kind {@code [a-z][a-z0-9_]*}, id {@code [A-Za-z0-9_-]+} (so no {@code @},
 * no spaces, no dots), at most {@value #MAX_LENGTH} characters in all.
 */
public final class SubjectIds {

    /** The longest subject id accepted. */
    public static final int MAX_LENGTH = 128;

    /** Kind of a helpdesk contact (the customer): {@code contact:<contacts.id>}. */
    public static final String CONTACT = "contact";

    /** Kind of a helpdesk agent (an employee): {@code agent:<agents.id>}. */
    public static final String AGENT = "agent";

    private SubjectIds() {}

    /** {@code contact:<contactId>}. */
    public static String contact(long contactId) {
        return of(CONTACT, Long.toString(contactId));
    }

    /** {@code agent:<agentId>}. */
    public static String agent(long agentId) {
        return of(AGENT, Long.toString(agentId));
    }

    /**
     * {@code <kind>:<id>}.
     *
     * @throws IllegalArgumentException if kind or id is outside the alphabet (the message does not
     *     repeat the id, which could be a mistakenly passed personal value)
     */
    public static String of(String kind, String id) {
        if (kind == null || !isKind(kind, 0, kind.length())) {
            throw new IllegalArgumentException(
                    "subject kind must match [a-z][a-z0-9_]*, got '" + kind + "'");
        }
        if (id == null || !isRowId(id, 0, id.length())) {
            throw new IllegalArgumentException(
                    "subject id of kind " + kind + " must be a row id matching [A-Za-z0-9_-]+");
        }
        return requireValid(kind + ":" + id);
    }

    /** Whether {@code subjectId} is a well-formed subject id. */
    public static boolean isValid(String subjectId) {
        if (subjectId == null || subjectId.length() > MAX_LENGTH) {
            return false;
        }
        int colon = subjectId.indexOf(':');
        return colon > 0
                && isKind(subjectId, 0, colon)
                && isRowId(subjectId, colon + 1, subjectId.length());
    }

    // the alphabets checked by hand, not by regular expressions: every encrypted value checks its
    // subjects, and a Matcher per check was a noticeable part of the audit job's drafting

    /** {@code [a-z][a-z0-9_]*} on {@code s[from, to)}. */
    private static boolean isKind(String s, int from, int to) {
        if (to <= from || !isLower(s.charAt(from))) {
            return false;
        }
        for (int i = from + 1; i < to; i++) {
            char c = s.charAt(i);
            if (!isLower(c) && !isDigit(c) && c != '_') {
                return false;
            }
        }
        return true;
    }

    /** {@code [A-Za-z0-9_-]+} on {@code s[from, to)}. */
    private static boolean isRowId(String s, int from, int to) {
        if (to <= from) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!isLower(c) && !(c >= 'A' && c <= 'Z') && !isDigit(c) && c != '_' && c != '-') {
                return false;
            }
        }
        return true;
    }

    private static boolean isLower(char c) {
        return c >= 'a' && c <= 'z';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /**
     * Returns {@code subjectId} if well formed.
     *
     * @throws IllegalArgumentException otherwise (without repeating the value)
     */
    public static String requireValid(String subjectId) {
        if (!isValid(subjectId)) {
            throw new IllegalArgumentException(
                    "not a subject id of the form <kind>:<row id> (at most "
                            + MAX_LENGTH
                            + " characters, no personal data)");
        }
        return subjectId;
    }

    /** The kind of a well-formed subject id ({@code contact} of {@code contact:42}). */
    public static String kind(String subjectId) {
        return requireValid(subjectId).substring(0, subjectId.indexOf(':'));
    }

    /** The row id of a well-formed subject id ({@code 42} of {@code contact:42}). */
    public static String id(String subjectId) {
        return requireValid(subjectId).substring(subjectId.indexOf(':') + 1);
    }
}
