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
    PLACEHOLDER,
    /**
     * The column type's empty value: {@code {}} for a JSON column, the empty string for text; for a
     * NOT NULL column whose content must go ({@code tickets.custom_fields}).
     */
    EMPTY;

    /** The empty value of a JSON column (the purge executor uses it for json and jsonb). */
    public static final String EMPTY_JSON = "{}";

    public static final String REDACTED_TEXT = "[erased]";

    /**
     * The value that replaces the text column of row {@code id} of {@code table}; null for NULL.
     */
    public String replacement(String table, String id) {
        return replacement(table, id, false);
    }

    /**
     * The value that replaces the column of row {@code id} of {@code table}, {@code json} if the
     * column is of type json or jsonb; null for NULL.
     */
    public String replacement(String table, String id, boolean json) {
        switch (this) {
            case EMPTY:
                return json ? EMPTY_JSON : "";
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
