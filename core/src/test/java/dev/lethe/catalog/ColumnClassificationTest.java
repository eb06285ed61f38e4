package dev.lethe.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Columns classified at run time, on top of the catalog file. */
class ColumnClassificationTest {

    private static final PersonalDataCatalog FILE = PersonalDataCatalog.loadDefault();
    private static final Instant AT = Instant.parse("2026-12-06T10:00:00Z");

    private static ColumnClassification nickname(DataCategory category, boolean personal) {
        return new ColumnClassification(
                "contacts", "nickname", category, personal, "dpo1", AT, "added by V7");
    }

    @Test
    void aClassifiedColumnIsDeclaredWithItsCategoryAndNoLongerUnknown() {
        assertThat(FILE.unknownColumns("contacts", Set.of("nickname"))).containsExactly("nickname");

        PersonalDataCatalog live =
                FILE.withClassifications(List.of(nickname(DataCategory.NAME, true)));

        assertThat(live.unknownColumns("contacts", Set.of("nickname", "email"))).isEmpty();
        ColumnSpec spec = live.column("contacts", "nickname").orElseThrow();
        assertThat(spec.category()).isEqualTo(DataCategory.NAME);
        assertThat(spec.personal()).isTrue();
        assertThat(spec.scan()).isFalse();
        assertThat(spec.identifier()).isEmpty();
        assertThat(spec.note()).contains("dpo1").contains("added by V7");
        // the rest of the table is the file's
        assertThat(live.subjectPath("contacts")).isEqualTo(FILE.subjectPath("contacts"));
        assertThat(live.column("contacts", "email")).isEqualTo(FILE.column("contacts", "email"));
        assertThat(FILE.column("contacts", "nickname")).isEmpty();
    }

    @Test
    void freeTextIsScannedAndANonPersonalColumnIsNotPersonal() {
        PersonalDataCatalog text =
                FILE.withClassifications(List.of(nickname(DataCategory.FREE_TEXT, true)));
        assertThat(text.column("contacts", "nickname").orElseThrow().scan()).isTrue();
        assertThat(text.freeTextColumns("contacts"))
                .extracting(ColumnSpec::name)
                .contains("nickname");

        PersonalDataCatalog technical =
                FILE.withClassifications(List.of(nickname(DataCategory.TECHNICAL, false)));
        assertThat(technical.column("contacts", "nickname").orElseThrow().personal()).isFalse();
        assertThat(technical.personalColumns("contacts"))
                .extracting(ColumnSpec::name)
                .doesNotContain("nickname");
    }

    @Test
    void theFileStaysTheSourceOfWhatItDeclaresAndUnknownTablesAreIgnored() {
        ColumnClassification email =
                new ColumnClassification(
                        "contacts", "email", DataCategory.TECHNICAL, false, "dpo1", AT, "");
        ColumnClassification elsewhere =
                new ColumnClassification(
                        "invoices", "amount", DataCategory.TECHNICAL, false, "dpo1", AT, "");

        assertThat(FILE.withClassifications(List.of(email, elsewhere))).isSameAs(FILE);
    }

    @Test
    void theLastClassificationOfAColumnWins() {
        PersonalDataCatalog live =
                FILE.withClassifications(
                        List.of(
                                nickname(DataCategory.FREE_TEXT, true),
                                nickname(DataCategory.NAME, true)));
        assertThat(live.column("contacts", "nickname").orElseThrow().category())
                .isEqualTo(DataCategory.NAME);
    }

    @Test
    void namesAreCheckedAsPlainIdentifiers() {
        assertThat(ColumnClassification.parseColumn("contacts.nickname"))
                .isEqualTo(new ColumnRef("contacts", "nickname"));
        for (String bad :
                List.of("contacts", "contacts.", ".nickname", "a.b.c", "Contacts.x", "c.x;drop")) {
            assertThatThrownBy(() -> ColumnClassification.parseColumn(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageNotContaining(";drop");
        }
        assertThatThrownBy(
                        () ->
                                new ColumnClassification(
                                        "contacts", "x", DataCategory.NAME, true, " ", AT, ""))
                .hasMessageContaining("who made it");
    }

    @Test
    void theRefreshingCatalogReadsAtMostOncePerIntervalAndKeepsTheLastOnFailure() {
        AtomicLong clock = new AtomicLong();
        List<ColumnClassification> table = new ArrayList<>();
        int[] reads = {0};
        boolean[] failing = {false};
        RefreshingCatalog catalog =
                new RefreshingCatalog(
                        FILE,
                        () -> {
                            reads[0]++;
                            if (failing[0]) {
                                throw new java.sql.SQLException("connection refused");
                            }
                            return List.copyOf(table);
                        },
                        5_000,
                        clock::get);

        assertThat(catalog.refresh()).isFalse(); // first read: nothing classified
        assertThat(catalog.current()).isSameAs(FILE);
        table.add(nickname(DataCategory.NAME, true));
        assertThat(catalog.refresh()).isFalse(); // within the interval: not read
        assertThat(reads[0]).isEqualTo(1);

        clock.addAndGet(5_000_000_000L);
        assertThat(catalog.refresh()).isTrue();
        assertThat(catalog.version()).isEqualTo(1);
        assertThat(catalog.current().column("contacts", "nickname")).isPresent();

        clock.addAndGet(5_000_000_000L);
        assertThat(catalog.refresh()).isFalse(); // read again, the same: unchanged
        assertThat(reads[0]).isEqualTo(3);

        failing[0] = true;
        clock.addAndGet(5_000_000_000L);
        assertThat(catalog.refresh()).isFalse();
        assertThat(catalog.lastFailure()).hasMessage("connection refused");
        assertThat(catalog.current().column("contacts", "nickname")).isPresent();
    }
}
