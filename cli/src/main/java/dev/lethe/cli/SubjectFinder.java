package dev.lethe.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.discovery.FullNameKeys;
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
 *       phone or handle; for a name, the people whose declared full name it is (one exact lookup on
 *       the {@code fullName} keys of declared name columns, see {@link FullNameKeys}) and the
 *       subjects of the documents holding that whole name (findings in free text, attributed when
 *       they were written). Only if no declared full name matches (a first or family name alone,
 *       words in another order, or an index written before full-name keys existed) are the people
 *       whose declared names together contain every word looked up word by word.
 *   <li>For each person: every document attributed to them; every document holding one of their
 *       identifiers (a mention written before their row was known); the rows that reference them
 *       directly (their tickets, consents); and in the rows below those (threads, comments,
 *       attachments of their tickets) every location not attributed to someone else, and the
 *       findings of their own names.
 * </ol>
 *
 * The discovery job attributes what it can when it writes; this second, query-time resolution makes
 * the answer independent of the order in which rows reached the job.
 *
 * <p>Public for the benchmark (module bench), which times {@code subject find}'s search through
 * {@link #onIndex} and {@link #find}; everything else stays package-private.
 */
public final class SubjectFinder {

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

        /**
         * Declared name columns one of whose {@link FullNameKeys full-name keys} is {@code key}.
         */
        List<LocationDocument> withFullName(String key) throws IOException;

        /** The subjects of the locations whose folded value is {@code folded}. */
        default Set<String> subjectsWithFolded(String folded) throws IOException {
            Set<String> subjects = new TreeSet<>();
            for (LocationDocument d : withFolded(List.of(folded))) {
                subjects.addAll(d.subjectIds());
            }
            return subjects;
        }

        /**
         * The subjects of the declared names one of whose full-name keys is {@code key}, and those
         * of the locations whose folded value is {@code key} ({@link #subjectsWithFolded}).
         */
        default NameSubjects subjectsNamed(String key) throws IOException {
            Set<String> full = new TreeSet<>();
            for (LocationDocument d : withFullName(key)) {
                full.addAll(d.subjectIds());
            }
            return new NameSubjects(full, subjectsWithFolded(key));
        }

        /**
         * Whether every declared name column has its full-name keys. False for an index written
         * before they existed, until every such document has been rewritten: then an exact match is
         * not the whole answer.
         */
        boolean fullNamesComplete() throws IOException;

        List<LocationDocument> ofSubject(String subjectId) throws IOException;

        List<LocationDocument> withValues(String kind, Collection<String> values)
                throws IOException;

        List<LocationDocument> underParents(Collection<String> parentRecords) throws IOException;

        List<LocationDocument> inRecords(Collection<String> recordIds) throws IOException;
    }

    /**
     * Who a whole name is: the subjects whose declared full name it is, and the subjects of the
     * locations holding it (mentions in free text).
     */
    record NameSubjects(Set<String> fullName, Set<String> mentioned) {}

    /** One person and every location of their data (public for the benchmark, see above). */
    public record Person(
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

    /** The finder on the real index (public for the benchmark). */
    public static SubjectFinder onIndex(ElasticsearchClient es, String index) {
        LocationSearch search = new LocationSearch(es, index);
        return new SubjectFinder(
                new Locations() {
                    /** Once complete, an index stays so (every writer sets the keys). */
                    private volatile boolean fullNamesComplete;

                    @Override
                    public List<LocationDocument> withFullName(String key) throws IOException {
                        return search.all(LocationSearch.term("fullName", key));
                    }

                    @Override
                    public Set<String> subjectsWithFolded(String folded) throws IOException {
                        return search.subjects(LocationSearch.term("folded", folded));
                    }

                    @Override
                    public NameSubjects subjectsNamed(String key) throws IOException {
                        List<Set<String>> s =
                                search.subjects(
                                        List.of(
                                                LocationSearch.term("fullName", key),
                                                LocationSearch.term("folded", key)));
                        return new NameSubjects(s.get(0), s.get(1));
                    }

                    @Override
                    public boolean fullNamesComplete() throws IOException {
                        if (!fullNamesComplete) {
                            fullNamesComplete =
                                    !search.any(
                                            LocationSearch.and(
                                                    LocationSearch.term("kind", "name"),
                                                    LocationSearch.term(
                                                            "detector", LocationDocument.DECLARED),
                                                    LocationSearch.not(
                                                            LocationSearch.exists("fullName"))));
                        }
                        return fullNamesComplete;
                    }

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

    /**
     * The people {@code query} may mean, each with all their locations, sorted by subject id
     * (public for the benchmark).
     */
    public List<Person> find(SubjectQuery query) throws IOException {
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
        String name = query.value();
        Set<String> subjects = new TreeSet<>();
        Set<String> mentioned;
        if (name.indexOf(' ') >= 0) {
            // one request: whose full name it is, and whom its mentions were attributed to
            NameSubjects named = locations.subjectsNamed(name);
            subjects.addAll(named.fullName());
            mentioned = named.mentioned();
        } else {
            for (LocationDocument d : locations.withFullName(name)) {
                // "anna" is the whole name of someone called just Anna, and the first name of
                // others; "佐藤一郎" is a whole name of two parts
                if (FullNameKeys.isSeveralWords(d.fullName())) {
                    subjects.addAll(d.subjectIds());
                }
            }
            mentioned = locations.subjectsWithFolded(name);
        }
        if (subjects.isEmpty() || !locations.fullNamesComplete()) {
            subjects.addAll(subjectsWithEveryWord(query));
        }
        // free-text mentions of the whole name carry the subjects they were attributed to
        subjects.addAll(mentioned);
        return subjects;
    }

    /**
     * The subjects whose declared names (of their own row) together contain every word of the
     * query, or one of which is the whole query: a declared name column is fetched for each word,
     * so a common first name means many documents (the slow path).
     */
    private Set<String> subjectsWithEveryWord(SubjectQuery query) throws IOException {
        List<String> words = query.words();
        List<String> forms = new ArrayList<>(words);
        forms.add(query.value());
        // subject -> the folded declared names of their own row
        Map<String, Set<String>> declared = new TreeMap<>();
        for (LocationDocument d : locations.declaredNamesWithFolded(forms)) {
            if (d.value() != null && isOwnRow(d)) {
                for (String s : d.subjectIds()) {
                    declared.computeIfAbsent(s, k -> new TreeSet<>())
                            .add(NameFolding.fold(d.value()));
                }
            }
        }
        Set<String> subjects = new TreeSet<>();
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

    private static final PersonalDataCatalog CATALOG = PersonalDataCatalog.loadDefault();

    /**
     * The row a subject is: {@code contacts/42} for {@code contact:42}, the table the catalog
     * declares for the kind; for a kind it does not declare, a record id no row has.
     */
    static String ownRecord(String subjectId) {
        String kind = SubjectIds.kind(subjectId);
        return CATALOG.subjectTable(kind)
                .map(t -> t + "/" + SubjectIds.id(subjectId))
                .orElse("undeclared-kind:" + kind + "/" + SubjectIds.id(subjectId));
    }
}
