package dev.lethe.retention;

import java.util.Locale;

/** How an anonymizing purge overwrites one column. */
public enum AnonymizeMethod {
    /** SQL NULL. */
    NULL,
    /** The text {@value #REDACTED_TEXT}. */
    REDACTED,
    /**
     * A unique placeholder {@code erased-<table>-<id>@erased.invalid}, for NOT NULL UNIQUE
     * identifiers (contacts.email); {@code .invalid} can never be a real address (RFC 2606).
     */
    PLACEHOLDER;

    public static final String REDACTED_TEXT = "[erased]";

    /** The value that replaces the column of row {@code id} of {@code table}; null for NULL. */
    public String replacement(String table, String id) {
        switch (this) {
            case REDACTED:
                return REDACTED_TEXT;
            case PLACEHOLDER:
                return "erased-" + table + "-" + id + "@erased.invalid";
            default:
                return null;
        }
    }

    /** The method named {@code name} in the policy ({@code null}, {@code redacted}, ...). */
    public static AnonymizeMethod fromPolicyName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
