package dev.lethe.retention;

import java.util.Locale;

/** What a purge does to a record; {@link #wireName()} is the name in receipts and the policy. */
public enum PurgeAction {
    /** Delete the row (and, first, the rows that reference it). */
    DELETE,
    /** Overwrite the rule's personal columns; the row stays. */
    ANONYMIZE,
    /** Destroy an erased person's data key (crypto-shredding their audit entries). */
    SHRED_KEY;

    /** {@code delete}, {@code anonymize}, {@code shred-key}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The action named {@code name} ({@link #wireName()}), if any. */
    public static PurgeAction fromWireName(String name) {
        for (PurgeAction a : values()) {
            if (a.wireName().equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown purge action '" + name + "'");
    }
}
