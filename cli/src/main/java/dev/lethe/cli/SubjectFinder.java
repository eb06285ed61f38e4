package dev.lethe.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import dev.lethe.discovery.LocationDocument;
import dev.lethe.discovery.NameFolding;
import dev.lethe.keys.SubjectIds;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Answers "where is everything about this person?" from the locations index.
 *
 * <ol>
 *   <li>The query finds the people it may mean: the subjects of the documents holding that email,
 *       phone or handle; for a name, the contacts whose declared first and family names together
 *       contain every word (and the subjects of full-name findings).
 *   <li>For each person: every document attributed to them; every document holding one of their
 *       identifiers (a mention written before their row was known); the rows that reference them
 *       directly (their tickets, consents); and in the rows below those (threads, comments,
 *       attachments of their tickets) every location not attributed to someone else, and the
 *       findings of their own names.
 * </ol>
 *
 * The discovery job attributes what it can when it writes; this second, query-time resolution makes
 * the answer independent of the order in which rows reached the job.
 */
final class SubjectFinder {

    /** Where locations come from: the index, or a list in tests. */
    interface Locations {
        List<LocationDocument> withValue(String kind, String value) throws IOException;

        List<LocationDocument> withFolded(Collection<String> folded) throws IOException;

        /** Declared name columns whose folded value is one of {@code folded}. */
        default List<LocationDocument> declaredNamesWithFolded(Collection<String> folded)
                throws IOException {
            return withFolded(folded).stream()
                    .filter(d -> LocationDocument.DECLARED.equals(d.detector()))
                    .toList();
        }

        List<LocationDocument> ofSubject(String subjectId) throws IOException;

        List<LocationDocument> withValues(String kind, Collection<String> values)
                throws IOException;

        List<LocationDocument> underParents(Collection<String> parentRecords) throws IOException;

        List<LocationDocument> inRecords(Collection<String> recordIds) throws IOException;
    }

    /** One person and every location of their data. */
    record Person(
            String subjectId,
            String name,
            Map<String, Set<String>> identifiers,
            List<LocationDocument> locations) {}

    private static final Set<String> IDENTIFIER_KINDS = Set.of("email", "phone", "handle");
    private static final Set<String> REFERENCE_KINDS = Set.of("contact_id", "agent_id");

    private final Locations locations;

    SubjectFinder(Locations locations) {
        this.locations = locations;
    }

    /** The finder on the real index. */
    static SubjectFinder onIndex(ElasticsearchClient es, String index) {
        LocationSearch search = new LocationSearch(es, index);
        return new SubjectFinder(
                new Locations() {
                    @Override
                    public List<LocationDocument> withValue(String kind, String value)
                            throws IOException {
                        return search.all(
                                LocationSearch.and(
                                        LocationSearch.term("kind", kind),
                                        LocationSearch.term("value", value)));
                    }

                    @Override
                    public List<LocationDocument> withFolded(Collection<String> folded)
                            throws IOException {
                        return search.all(LocationSearch.terms("folded", folded));
                    }

                    @Override
                    public List<LocationDocument> declaredNamesWithFolded(Collection<String> folded)
                            throws IOException {
                        return search.all(
                                LocationSearch.and(
                                        LocationSearch.terms("folded", folded),
                                        LocationSearch.term(
                                                "detector", LocationDocument.DECLARED)));
                    }

                    @Override
                    public List<LocationDocument> ofSubject(String subjectId) throws IOException {
                        return search.all(LocationSearch.term("subjectIds", subjectId));
                    }

                    @Override
                    public List<LocationDocument> withValues(String kind, Collection<String> values)
                            throws IOException {
                        return values.isEmpty()
                                ? List.of()
                                : search.all(
                                        LocationSearch.and(
                                                LocationSearch.term("kind", kind),
                                                LocationSearch.terms("value", values)));
                    }

                    @Override
                    public List<LocationDocument> inRecords(Collection<String> records)
                            throws IOException {
                        return records.isEmpty()
                                ? List.of()
                                : search.all(LocationSearch.terms("recordId", records));
                    }

                    @Override
                    public List<LocationDocument> underParents(Collection<String> parents)
                            throws IOException {
                        return parents.isEmpty()
                                ? List.of()
                                : search.all(LocationSearch.terms("parentRecord", parents));
                    }
                });
    }

    /** The people {@code query} may mean, each with all their locations, sorted by subject id. */
    List<Person> find(SubjectQuery query) throws IOException {
        List<Person> people = new ArrayList<>();
        for (String subject : subjects(query)) {
            people.add(person(subject));
        }
        return people;
    }

    /** The subject ids {@code query} may mean. */
    Set<String> subjects(SubjectQuery query) throws IOException {
        Set<String> subjects = new TreeSet<>();
        switch (query.kind()) {
            case SUBJECT:
                subjects.add(query.value());
                break;
            case NAME:
                subjects.addAll(subjectsNamed(query));
                break;
            default:
                for (LocationDocument d : locations.withValue(query.indexKind(), query.value())) {
                    subjects.addAll(d.subjectIds());
                }
        }
        return subjects;
    }

    private Set<String> subjectsNamed(SubjectQuery query) throws IOException {
        List<String> words = query.words();
        List<String> forms = new ArrayList<>(words);
        forms.add(query.value());
        // subject -> the folded declared names of their own row
        Map<String, Set<String>> declared = new TreeMap<>();
        Set<String> subjects = new TreeSet<>();
        // a common first name matches many rows: fetch declared names by word, but free-text
        // mentions only by the whole name, so the tail of a name search stays short
        for (LocationDocument d : locations.declaredNamesWithFolded(forms)) {
            if (d.value() != null && isOwnRow(d)) {
                for (String s : d.subjectIds()) {
                    declared.computeIfAbsent(s, k -> new TreeSet<>())
                            .add(NameFolding.fold(d.value()));
                }
            }
        }
        for (LocationDocument d : locations.withFolded(List.of(query.value()))) {
            if (d.value() == null
                    || (isOwnRow(d) && LocationDocument.DECLARED.equals(d.detector()))) {
                continue;
            }
            if (NameFolding.fold(d.value()).equals(query.value())) {
                subjects.addAll(d.subjectIds());
            }
        }
        declared.forEach(
                (s, names) -> {
                    if (names.containsAll(words) || names.contains(query.value())) {
                        subjects.add(s);
                    }
                });
        return subjects;
    }

    /** Every location of one subject's data. */
    Person person(String subjectId) throws IOException {
        SubjectIds.requireValid(subjectId);
        Map<String, LocationDocument> found = new LinkedHashMap<>();
        List<LocationDocument> attributed = locations.ofSubject(subjectId);
        attributed.forEach(d -> found.put(d.id(), d));

        Map<String, Set<String>> identifiers = new TreeMap<>();
        Set<String> names = new TreeSet<>();
        List<String> nameParts = new ArrayList<>();
        Set<String> owned = new TreeSet<>();
        String ownRecord = ownRecord(subjectId);
        for (LocationDocument d : attributed) {
            if (d.recordId().equals(ownRecord) && d.value() != null) {
                if (IDENTIFIER_KINDS.contains(d.kind())) {
                    identifiers.computeIfAbsent(d.kind(), k -> new TreeSet<>()).add(d.value());
                } else if (d.kind().equals("name")) {
                    names.add(NameFolding.fold(d.value()));
                    nameParts.add(d.value());
                }
            }
            if (REFERENCE_KINDS.contains(d.kind()) && !d.recordId().equals(ownRecord)) {
                owned.add(d.recordId());
            }
        }
        if (nameParts.size() >= 2) {
            names.add(NameFolding.fold(String.join(" ", nameParts)));
            names.add(NameFolding.fold(nameParts.get(nameParts.size() - 1) + nameParts.get(0)));
        }
        for (Map.Entry<String, Set<String>> e : identifiers.entrySet()) {
            for (LocationDocument d : locations.withValues(e.getKey(), e.getValue())) {
                if (d.subjectIds().isEmpty() || d.subjectIds().contains(subjectId)) {
                    found.putIfAbsent(d.id(), d);
                }
            }
        }
        for (LocationDocument d : locations.underParents(owned)) {
            boolean someoneElses = !d.subjectIds().isEmpty() && !d.subjectIds().contains(subjectId);
            if (someoneElses) {
                continue;
            }
            if (!d.kind().equals("name")
                    || (d.value() != null && names.contains(NameFolding.fold(d.value())))) {
                found.putIfAbsent(d.id(), d);
            }
        }
        List<LocationDocument> all =
                found.values().stream()
                        .sorted(
                                Comparator.comparing(LocationDocument::recordId)
                                        .thenComparing(LocationDocument::column)
                                        .thenComparing(
                                                d -> d.spanStart() == null ? -1 : d.spanStart()))
                        .collect(Collectors.toList());
        String display = nameParts.isEmpty() ? null : String.join(" ", nameParts);
        return new Person(subjectId, display, identifiers, all);
    }

    /**
     * The locations in a person's own rows (their row, the rows referencing them, the rows below
     * those) that belong to other people: what an export must redact.
     */
    List<LocationDocument> othersInRowsOf(Person person) throws IOException {
        Set<String> owned = new TreeSet<>();
        owned.add(ownRecord(person.subjectId()));
        for (LocationDocument d : person.locations()) {
            if (REFERENCE_KINDS.contains(d.kind()) && d.subjectIds().contains(person.subjectId())) {
                owned.add(d.recordId());
            }
        }
        List<LocationDocument> candidates = new ArrayList<>(locations.inRecords(owned));
        candidates.addAll(locations.underParents(owned));
        return candidates.stream()
                .filter(
                        d ->
                                !d.subjectIds().isEmpty()
                                        && !d.subjectIds().contains(person.subjectId()))
                .toList();
    }

    private static boolean isOwnRow(LocationDocument d) {
        return d.subjectIds().stream().anyMatch(s -> d.recordId().equals(ownRecord(s)));
    }

    /** The row a subject is: {@code contacts/42} for {@code contact:42}. */
    static String ownRecord(String subjectId) {
        String kind = SubjectIds.kind(subjectId);
        String table =
                kind.equals(SubjectIds.CONTACT)
                        ? "contacts"
                        : kind.equals(SubjectIds.AGENT) ? "agents" : kind + "s";
        return table + "/" + SubjectIds.id(subjectId);
    }
}
