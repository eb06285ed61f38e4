package dev.lethe.catalog;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a helpdesk column holds. Each category says whether its values are personal data by default;
 * a column of the catalog may override that with {@code personal:}. In the catalog file a category
 * is written in lower case ({@code contact_detail}).
 */
public enum DataCategory {
    /** A row's own id. */
    IDENTIFIER(false),
    /** A foreign key to another row. */
    REFERENCE(false),
    /** A person's name. */
    NAME(true),
    /** An email address, phone number or postal address. */
    CONTACT_DETAIL(true),
    /** A social media handle. */
    SOCIAL_HANDLE(true),
    /** Text people write: it may carry anyone's personal data, so discovery scans it. */
    FREE_TEXT(true),
    /** A consent record: purpose, given or withdrawn, how and when. */
    CONSENT(true),
    /**
     * Custom field values of which some keys are encrypted: those never appear in plaintext outside
     * the helpdesk.
     */
    ENCRYPTED_CUSTOM_FIELD(true),
    /** File names and storage keys of uploaded files. */
    FILE_METADATA(true),
    /** A company's data. */
    ORGANISATION(false),
    /** Locale, region and similar settings. */
    PREFERENCE(false),
    /** A status, channel, role or type out of a fixed list. */
    CLASSIFICATION(false),
    /** When something happened. */
    TIMESTAMP(false),
    /** Bookkeeping of the helpdesk itself. */
    TECHNICAL(false);

    private final boolean personalByDefault;

    DataCategory(boolean personalByDefault) {
        this.personalByDefault = personalByDefault;
    }

    /** Whether a column of this category is personal data unless the catalog says otherwise. */
    public boolean personalByDefault() {
        return personalByDefault;
    }

    /** The name used in the catalog file, e.g. {@code contact_detail}. */
    public String catalogName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The category written {@code name} in the catalog file, if there is one. */
    public static Optional<DataCategory> fromCatalogName(String name) {
        return Arrays.stream(values()).filter(c -> c.catalogName().equals(name)).findFirst();
    }

    static String catalogNames() {
        return Arrays.stream(values())
                .map(DataCategory::catalogName)
                .collect(Collectors.joining(", "));
    }
}
