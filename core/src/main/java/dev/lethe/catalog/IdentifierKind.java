package dev.lethe.catalog;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** How a column's value identifies a data subject. Written in lower case in the catalog file. */
public enum IdentifierKind {
    /** An email address. */
    EMAIL,
    /** A phone number. */
    PHONE,
    /** A social media handle. */
    HANDLE,
    /** The id of a contact row: subject {@code contact:<id>}. */
    CONTACT_ID,
    /** The id of an agent row: subject {@code agent:<id>}. */
    AGENT_ID;

    /** The name used in the catalog file, e.g. {@code contact_id}. */
    public String catalogName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind written {@code name} in the catalog file, if there is one. */
    public static Optional<IdentifierKind> fromCatalogName(String name) {
        return Arrays.stream(values()).filter(k -> k.catalogName().equals(name)).findFirst();
    }

    static String catalogNames() {
        return Arrays.stream(values())
                .map(IdentifierKind::catalogName)
                .collect(Collectors.joining(", "));
    }
}
