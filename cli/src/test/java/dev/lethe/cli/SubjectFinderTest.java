package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.cli.SubjectFinder.Person;
import dev.lethe.discovery.FullNameKeys;
import dev.lethe.discovery.LocationDocument;
import dev.lethe.discovery.NameFolding;
import dev.lethe.discovery.TestLocations;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class SubjectFinderTest {

    private static LocationDocument declared(
            String subject, String record, String column, String kind, String value) {
        return TestLocations.declared(subject, record, column, kind, value)
                .category("contact_detail")
                .reason("declared")
                .build();
    }

    /**
     * A contact row's declared first and family name, as the discovery job writes them: each with
     * the full-name keys of both.
     */
    private static List<LocationDocument> names(String subject, String first, String last) {
        String record = "contacts/" + subject.substring(subject.indexOf(':') + 1);
        List<String> keys = FullNameKeys.of(Arrays.asList(first, last));
        List<LocationDocument> docs = new ArrayList<>();
        if (first != null) {
            docs.add(declared(subject, record, "first_name", "name", first).withFullName(keys));
        }
        if (last != null) {
            docs.add(declared(subject, record, "last_name", "name", last).withFullName(keys));
        }
        return docs;
    }

    /** The same, as written before full-name keys existed (an index not yet rewritten). */
    private static List<LocationDocument> namesWithoutKeys(
            String subject, String first, String last) {
        return names(subject, first, last).stream().map(d -> d.withFullName(List.of())).toList();
    }

    private static LocationDocument finding(
            List<String> subjects,
            String record,
            String parent,
            String column,
            String kind,
            String value,
            int start) {
        return TestLocations.found(null, record, column, kind, value, start)
                .id(LocationDocument.findingId(record, column, "x", start))
                .subjects(subjects)
                .detector("x")
                .span(start, start + 4)
                .reason("found")
                .sourceLsn(2)
                .parentRecord(parent)
                .build();
    }

    /** The index, as a list. */
    private static SubjectFinder.Locations index(List<LocationDocument> docs) {
        return index(docs, new AtomicInteger());
    }

    /** The index, as a list; counts the word-by-word lookups of declared names. */
    private static SubjectFinder.Locations index(
            List<LocationDocument> docs, AtomicInteger wordLookups) {
        return new SubjectFinder.Locations() {
            List<LocationDocument> where(Predicate<LocationDocument> p) {
                return docs.stream().filter(p).toList();
            }

            @Override
            public List<LocationDocument> withFullName(String key) {
                return where(d -> d.fullName().contains(key));
            }

            @Override
            public boolean fullNamesComplete() {
                return docs.stream()
                        .filter(
                                d ->
                                        d.kind().equals("name")
                                                && d.detector().equals(LocationDocument.DECLARED))
                        .noneMatch(d -> d.fullName().isEmpty());
            }

            @Override
            public List<LocationDocument> declaredNamesWithFolded(Collection<String> folded) {
                wordLookups.incrementAndGet();
                return withFolded(folded).stream()
                        .filter(d -> LocationDocument.DECLARED.equals(d.detector()))
                        .toList();
            }

            @Override
            public List<LocationDocument> withValue(String kind, String value) {
                return where(d -> d.kind().equals(kind) && value.equalsIgnoreCase(d.value()));
            }

            @Override
            public List<LocationDocument> withFolded(Collection<String> folded) {
                return where(
                        d ->
                                d.kind().equals("name")
                                        && d.value() != null
                                        && folded.contains(NameFolding.fold(d.value())));
            }

            @Override
            public List<LocationDocument> ofSubject(String subjectId) {
                return where(d -> d.subjectIds().contains(subjectId));
            }

            @Override
            public List<LocationDocument> withValues(String kind, Collection<String> values) {
                return where(d -> d.kind().equals(kind) && values.contains(d.value()));
            }

            @Override
            public List<LocationDocument> underParents(Collection<String> parents) {
                return where(d -> d.parentRecord() != null && parents.contains(d.parentRecord()));
            }

            @Override
            public List<LocationDocument> inRecords(Collection<String> records) {
                return where(d -> records.contains(d.recordId()));
            }
        };
    }

    private static List<LocationDocument> helpdesk() {
        List<LocationDocument> docs = new ArrayList<>();
        // Anna, contact 1, with a ticket and a thread under it
        docs.add(declared("contact:1", "contacts/1", "email", "email", "anna@example.eu"));
        docs.addAll(names("contact:1", "Anna", "Müller"));
        docs.add(declared("contact:1", "contacts/1", "phone", "phone", "+493023125000"));
        docs.add(declared("contact:1", "tickets/7", "contact_id", "contact_id", "contact:1"));
        docs.add(finding(List.of(), "threads/11", "tickets/7", "content", "name", "Anna", 8));
        docs.add(
                finding(
                        List.of(),
                        "threads/11",
                        "tickets/7",
                        "content",
                        "iban",
                        "DE89370400440532013000",
                        20));
        // Jean, contact 2, mentioned in Anna's thread
        docs.add(declared("contact:2", "contacts/2", "email", "email", "jean@orange.fr"));
        docs.addAll(names("contact:2", "Jean", "Dupont"));
        docs.add(
                finding(
                        List.of("contact:2"),
                        "threads/11",
                        "tickets/7",
                        "content",
                        "email",
                        "jean@orange.fr",
                        40));
        // Anna's phone in someone else's comment, written before Anna's row was known
        docs.add(
                finding(
                        List.of(),
                        "comments/5",
                        "tickets/9",
                        "content",
                        "phone",
                        "+493023125000",
                        3));
        // another Anna
        docs.addAll(names("contact:3", "Anna", "Berg"));
        return docs;
    }

    @Test
    void anEmailFindsThePersonAndEverythingAboutThem() throws Exception {
        SubjectFinder finder = new SubjectFinder(index(helpdesk()));
        List<Person> people = finder.find(SubjectQuery.parse("ANNA@example.eu"));

        assertThat(people).hasSize(1);
        Person anna = people.get(0);
        assertThat(anna.subjectId()).isEqualTo("contact:1");
        assertThat(anna.name()).isEqualTo("Anna Müller");
        assertThat(anna.locations())
                .extracting(LocationDocument::id)
                .contains(
                        "contacts/1/email",
                        "tickets/7/contact_id",
                        "threads/11/content/x@8", // her first name in her own ticket's thread
                        "threads/11/content/x@20", // the IBAN in her thread
                        "comments/5/content/x@3") // her phone in another ticket
                .doesNotContain("threads/11/content/x@40", "contacts/2/email");
    }

    @Test
    void aFullNameFindsOnlyThePersonWithBothNames() throws Exception {
        SubjectFinder finder = new SubjectFinder(index(helpdesk()));
        assertThat(finder.subjects(SubjectQuery.parse("anna muller"))).containsExactly("contact:1");
        assertThat(finder.subjects(SubjectQuery.parse("Anna")))
                .containsExactly("contact:1", "contact:3");
        assertThat(finder.subjects(SubjectQuery.parse("+49 30 23125000")))
                .containsExactly("contact:1");
        assertThat(finder.subjects(SubjectQuery.parse("nobody@example.eu"))).isEmpty();
    }

    @Test
    void aFullNameIsOneExactLookupWithoutMatchingWordByWord() throws Exception {
        List<LocationDocument> docs = helpdesk();
        docs.addAll(names("contact:4", "Anna Maria", "Müller"));
        AtomicInteger wordLookups = new AtomicInteger();
        SubjectFinder finder = new SubjectFinder(index(docs, wordLookups));

        assertThat(finder.subjects(SubjectQuery.parse("Anna  MÜLLER")))
                .containsExactly("contact:1");
        assertThat(finder.subjects(SubjectQuery.parse("Müller Anna"))).containsExactly("contact:1");
        // a first name of two words is part of the full name (word by word it never matched)
        assertThat(finder.subjects(SubjectQuery.parse("anna maria muller")))
                .containsExactly("contact:4");
        assertThat(wordLookups).hasValue(0);
        assertThat(finder.find(SubjectQuery.parse("anna muller")))
                .singleElement()
                .satisfies(p -> assertThat(p.name()).isEqualTo("Anna Müller"));
    }

    @Test
    void aFirstNameAloneIsMatchedWordByWordEvenIfItIsSomeonesWholeName() throws Exception {
        List<LocationDocument> docs = helpdesk();
        docs.addAll(names("contact:4", "Anna", null)); // no family name: her full name is "anna"
        AtomicInteger wordLookups = new AtomicInteger();
        SubjectFinder finder = new SubjectFinder(index(docs, wordLookups));

        assertThat(finder.subjects(SubjectQuery.parse("ANNA")))
                .containsExactly("contact:1", "contact:3", "contact:4");
        assertThat(finder.subjects(SubjectQuery.parse("Berg"))).containsExactly("contact:3");
        assertThat(wordLookups).hasValue(2);
    }

    @Test
    void japaneseNamesAreFoundWrittenTogetherOrApart() throws Exception {
        List<LocationDocument> docs = helpdesk();
        docs.addAll(names("contact:5", "一郎", "佐藤"));
        docs.addAll(names("contact:6", "花子", "佐藤"));
        AtomicInteger wordLookups = new AtomicInteger();
        SubjectFinder finder = new SubjectFinder(index(docs, wordLookups));

        assertThat(finder.subjects(SubjectQuery.parse("佐藤一郎"))).containsExactly("contact:5");
        assertThat(finder.subjects(SubjectQuery.parse("佐藤　一郎"))).containsExactly("contact:5");
        assertThat(wordLookups).hasValue(0);
        assertThat(finder.subjects(SubjectQuery.parse("佐藤")))
                .containsExactly("contact:5", "contact:6");
    }

    @Test
    void anIndexWrittenBeforeFullNameKeysStillFindsEveryoneByTheirWords() throws Exception {
        List<LocationDocument> docs = helpdesk();
        docs.addAll(namesWithoutKeys("contact:7", "Anna", "Müller")); // not rewritten yet
        SubjectFinder finder = new SubjectFinder(index(docs));

        assertThat(finder.subjects(SubjectQuery.parse("anna muller")))
                .containsExactly("contact:1", "contact:7");
    }

    @Test
    void aMentionOfTheWholeNameFindsTheSubjectItWasAttributedTo() throws Exception {
        List<LocationDocument> docs = helpdesk();
        // a mention attributed to contact 8, whose own row is not (or no longer) in the index
        docs.add(
                finding(
                        List.of("contact:8"),
                        "tickets/20",
                        null,
                        "description",
                        "name",
                        "Anna Müller",
                        0));
        SubjectFinder finder = new SubjectFinder(index(docs));

        assertThat(finder.subjects(SubjectQuery.parse("Anna Müller")))
                .containsExactly("contact:1", "contact:8");
    }

    @Test
    void othersInAPersonsRowsAreWhatAnExportRedacts() throws Exception {
        SubjectFinder finder = new SubjectFinder(index(helpdesk()));
        Person anna = finder.person("contact:1");
        assertThat(finder.othersInRowsOf(anna))
                .extracting(LocationDocument::id)
                .containsExactly("threads/11/content/x@40");
    }

    @Test
    void queriesAreRecognised() {
        assertThat(SubjectQuery.parse("contact:42"))
                .isEqualTo(new SubjectQuery(SubjectQuery.Kind.SUBJECT, "contact:42"));
        assertThat(SubjectQuery.parse(" Anna.M@GMX.de ").value()).isEqualTo("anna.m@gmx.de");
        assertThat(SubjectQuery.parse("@AnnaM").value()).isEqualTo("@annam");
        assertThat(SubjectQuery.parse("+33 6 12 34 56 78").value()).isEqualTo("+33612345678");
        assertThat(SubjectQuery.parse("Łukasz  Wójcik").value()).isEqualTo("lukasz wojcik");
        assertThatThrownBy(() -> SubjectQuery.parse("000 000 000"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SubjectQuery.parse(" "))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void exportQueriesFollowTheCatalogsSubjectPaths() {
        PersonalDataCatalog catalog = PersonalDataCatalog.loadDefault();
        assertThat(SubjectExport.query("contacts", catalog.subjectPath("contacts")))
                .isEqualTo("SELECT * FROM \"contacts\" WHERE id = ? ORDER BY id");
        assertThat(SubjectExport.query("tickets", catalog.subjectPath("tickets")))
                .isEqualTo("SELECT * FROM \"tickets\" WHERE \"contact_id\" = ? ORDER BY id");
        assertThat(SubjectExport.query("threads", catalog.subjectPath("threads")))
                .isEqualTo(
                        "SELECT * FROM \"threads\" WHERE \"ticket_id\" IN (SELECT \"id\" FROM \"tickets\" WHERE \"contact_id\" = ?) ORDER BY id");
    }

    @Test
    void anotherPersonsDataInTheSubjectsTextIsRedactedIfStillThere() {
        String text = "Please inform jean@orange.fr too";
        LocationDocument jean =
                finding(
                        List.of("contact:2"),
                        "threads/11",
                        "tickets/7",
                        "content",
                        "email",
                        "jean@orange.fr",
                        14);
        jean =
                TestLocations.found(null, "threads/11", "content", "email", "jean@orange.fr", 14)
                        .id(jean.id())
                        .subjects(jean.subjectIds())
                        .confidence(0.95)
                        .span(14, 28)
                        .reason("r")
                        .sourceLsn(2)
                        .parentRecord("tickets/7")
                        .build();
        assertThat(SubjectExport.redact(text, List.of(jean)))
                .isEqualTo("Please inform [another person's email] too");
        // the text changed since it was indexed: nothing is cut at a stale position
        assertThat(SubjectExport.redact("Hello there, nothing here anymore", List.of(jean)))
                .isEqualTo("Hello there, nothing here anymore");
    }
}
