package dev.lethe.catalog;

import java.util.Set;
import java.util.TreeSet;

/**
 * Which keys of a JSON column hold values that must never appear in plaintext outside the helpdesk
 * ({@code tickets.custom_fields}).
 *
 * <p>The authoritative set is known only at runtime: the {@code name}s of the rows of {@code
 * definitionsTable} whose {@code encrypted} is true (an admin can mark a field encrypted at any
 * time). {@code fallbackKeys} is the catalog's static list, used until the runtime set is known and
 * always added to it, so a key the catalog knows to be sensitive stays protected even if its
 * definition row is missing.
 *
 * @param definitionsTable the table defining the keys ({@code custom_field_definitions})
 * @param fallbackKeys the keys the catalog itself declares encrypted
 */
public record EncryptedKeys(String definitionsTable, Set<String> fallbackKeys) {

    public EncryptedKeys {
        fallbackKeys = Set.copyOf(fallbackKeys);
    }

    /** The keys to treat as encrypted: the runtime set (may be empty) plus the fallback keys. */
    public Set<String> effective(Set<String> encryptedAtRuntime) {
        Set<String> keys = new TreeSet<>(fallbackKeys);
        keys.addAll(encryptedAtRuntime);
        return keys;
    }
}
