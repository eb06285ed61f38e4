package dev.lethe.jobs.config;

import dev.lethe.catalog.ColumnClassification;
import dev.lethe.catalog.DataCategory;
import dev.lethe.catalog.RefreshingCatalog;
import java.time.Instant;
import java.util.List;

/** Run-time classifications a test adds while an operator runs, read again on every look. */
public final class TestClassifications {

    private TestClassifications() {}

    /** A source reading {@code classified} (a list the test adds to) with no refresh delay. */
    public static ClassifiedColumns.Source of(List<ColumnClassification> classified) {
        return new ClassifiedColumns.Source() {
            @Override
            public RefreshingCatalog.Loader open() {
                return () -> List.copyOf(classified);
            }

            @Override
            public long refreshMillis() {
                return 0;
            }
        };
    }

    /** {@code contacts.nickname} classified by {@code dpo1}. */
    public static ColumnClassification nickname(DataCategory category, boolean personal) {
        return new ColumnClassification(
                "contacts",
                "nickname",
                category,
                personal,
                "dpo1",
                Instant.parse("2026-12-06T10:00:00Z"),
                "");
    }
}
