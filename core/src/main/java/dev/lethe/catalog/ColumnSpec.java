package dev.lethe.catalog;

import java.util.Optional;

/**
 * What the catalog declares about one column.
 *
 * @param ref the table and column
 * @param category what the column holds
 * @param personal whether its values are personal data
 * @param identifies how its value identifies a data subject, or null if it does not
 * @param scan whether discovery scans its values as free text for anyone's personal data
 * @param references the column it is a foreign key to, or null
 * @param encryptedKeys for a JSON column with encrypted keys, which ones; otherwise null
 * @param storesFile whether the value is the key of a stored file (an attachment's bytes), which a
 *     purge of the row deletes
 * @param note the reviewer's note, or an empty string
 */
public record ColumnSpec(
        ColumnRef ref,
        DataCategory category,
        boolean personal,
        IdentifierKind identifies,
        boolean scan,
        ColumnRef references,
        EncryptedKeys encryptedKeys,
        boolean storesFile,
        String note) {

    public String table() {
        return ref.table();
    }

    public String name() {
        return ref.column();
    }

    /** How the column identifies a data subject, if it does. */
    public Optional<IdentifierKind> identifier() {
        return Optional.ofNullable(identifies);
    }

    /** The column this one is a foreign key to, if any. */
    public Optional<ColumnRef> referenced() {
        return Optional.ofNullable(references);
    }

    /** For a JSON column with encrypted keys, which keys are encrypted. */
    public Optional<EncryptedKeys> encrypted() {
        return Optional.ofNullable(encryptedKeys);
    }
}
