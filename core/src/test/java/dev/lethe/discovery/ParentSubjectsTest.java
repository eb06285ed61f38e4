package dev.lethe.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.catalog.PersonalDataCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A parent row's subject, followed along the catalog's subject path. */
class ParentSubjectsTest {

    private static final PersonalDataCatalog CATALOG = PersonalDataCatalog.loadDefault();

    private final List<String> reads = new ArrayList<>();

    private RowReader rows(Map<String, String> values) {
        return (table, recordId, column) -> {
            reads.add(table + "." + column + "@" + recordId);
            return Optional.ofNullable(values.get(table + "." + column + "@" + recordId));
        };
    }

    @Test
    void aTicketsSubjectIsItsContact() {
        ParentSubjects parents =
                ParentSubjects.following(
                        CATALOG, rows(Map.of("tickets.contact_id@tickets/42", "7")));
        assertThat(parents.subjectOf("tickets/42")).contains("contact:7");
        assertThat(reads).containsExactly("tickets.contact_id@tickets/42");
        // a ticket gone (or its contact unset)
        assertThat(parents.subjectOf("tickets/43")).isEmpty();
    }

    @Test
    void aThreadsSubjectIsItsTicketsContact() {
        ParentSubjects parents =
                ParentSubjects.following(
                        CATALOG,
                        rows(
                                Map.of(
                                        "threads.ticket_id@threads/5", "42",
                                        "tickets.contact_id@tickets/42", "7")));
        assertThat(parents.subjectOf("threads/5")).contains("contact:7");
    }

    @Test
    void aSubjectsOwnRowIsItsSubject_andOtherRowsHaveNone() {
        ParentSubjects parents = ParentSubjects.following(CATALOG, rows(Map.of()));
        assertThat(parents.subjectOf("contacts/7")).contains("contact:7");
        assertThat(parents.subjectOf("accounts/3")).isEmpty();
        assertThat(parents.subjectOf("no_such_table/3")).isEmpty();
        assertThat(parents.subjectOf("tickets")).isEmpty();
        assertThat(parents.subjectOf("tickets/")).isEmpty();
        assertThat(reads).isEmpty();
    }

    @Test
    void theCacheAsksOncePerParentFound_andAgainForOneNotFound() {
        ParentSubjects parents =
                ParentSubjects.caching(
                        ParentSubjects.following(
                                CATALOG,
                                rows(
                                        Map.of(
                                                "tickets.contact_id@tickets/1", "7",
                                                "tickets.contact_id@tickets/2", "8"))),
                        1);
        assertThat(parents.subjectOf("tickets/1")).contains("contact:7");
        assertThat(parents.subjectOf("tickets/1")).contains("contact:7");
        assertThat(reads).hasSize(1);
        assertThat(parents.subjectOf("tickets/9")).isEmpty();
        assertThat(parents.subjectOf("tickets/9")).isEmpty();
        assertThat(reads).hasSize(3);
        // capacity 1: the second ticket pushes out the first
        assertThat(parents.subjectOf("tickets/2")).contains("contact:8");
        assertThat(parents.subjectOf("tickets/1")).contains("contact:7");
        assertThat(reads).hasSize(5);
    }
}
