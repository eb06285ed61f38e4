package dev.lethe.local;

import java.util.Locale;

/**
 * A component of Lethe that signs in to a store, and so has a user of its own in each store it
 * uses, with the least it needs there ({@link PostgresRoles}, {@link ElasticsearchUsers}). The user
 * has the same name in every store: {@code lethe_<component>}.
 */
public enum ComponentRole {
    /** Debezium in the Connect worker. */
    CAPTURE,
    /** The audit job. */
    AUDIT,
    /** The retention and purge job. */
    RETENTION,
    /** The discovery job. */
    DISCOVERY,
    /** Lethe's server. */
    SERVER;

    /** The user name in every store, e.g. {@code lethe_audit}. */
    public String user() {
        return "lethe_" + name().toLowerCase(Locale.ROOT);
    }
}
