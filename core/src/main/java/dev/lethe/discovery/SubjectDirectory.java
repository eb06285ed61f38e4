package dev.lethe.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.catalog.ColumnSpec;
import dev.lethe.catalog.DataCategory;
import dev.lethe.catalog.EncryptedKeys;
import dev.lethe.catalog.IdentifierKind;
import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.catalog.SubjectPath;
import dev.lethe.catalog.TableSpec;
import dev.lethe.events.ChangeEvent;
import dev.lethe.events.Operation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What discovery knows about the helpdesk's people and fields, built from the rows that describe
 * them: every contact's and agent's names and identifiers (for {@link KnownSubjectNames} and {@link
 * SubjectResolver}), the regions a contact lives in ({@link #phoneRegionsOf}: where their
 * nationally written phone numbers are read first), and which custom fields are encrypted.
 *
 * <p>Fed with changes of the tables whose rows are their own subject ({@code subject: self} in the
 * catalog: contacts, agents), of the custom-field definitions table, and of the organisations such
 * rows reference that say a region (accounts: only their region is kept, for their contacts' {@link
 * #phoneRegionsOf}). {@link #apply} returns the entry to persist (the discovery job keeps them in
 * broadcast state); {@link #restore} rebuilds the in-memory indices from persisted entries after a
 * restart. Entries hold names and identifiers, no free text. Not thread-safe.
 */
public final class SubjectDirectory {

    /** A persisted entry: its key and its encoded value, or a null value to remove the key. */
    public record Entry(String key, String value) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FIELD_PREFIX = "field:";
    private static final String REGION_PREFIX = "region:";

    private final PersonalDataCatalog catalog;
    private final List<String> phoneRegions;
    private final KnownSubjectNames names = new KnownSubjectNames();
    private final SubjectResolver resolver = new SubjectResolver();

    /** A subject's regions as learnt from their row (see {@link #phoneRegionsOf}). */
    private record SubjectRegions(List<String> own, List<String> parents, List<String> phones) {
        /** Immutable copies: one per known subject, kept small. */
        SubjectRegions {
            own = List.copyOf(own);
            parents = List.copyOf(parents);
            phones = List.copyOf(phones);
        }

        boolean isEmpty() {
            return own.isEmpty() && parents.isEmpty() && phones.isEmpty();
        }
    }

    /** subject id -> where the subject's regions come from (none: not kept). */
    private final Map<String, SubjectRegions> regionsBySubject = new HashMap<>();

    /**
     * Tables a subject's row references that say a region (an organisation: {@code accounts}, whose
     * {@code region} column a contact's account has), each by the referencing columns.
     */
    private final Map<String, String> regionTableByColumn = new HashMap<>();

    /** {@code accounts/<id>} -> the region its row says, a supported country code. */
    private final Map<String, String> regionByRecord = new HashMap<>();

    /** definition row id -> field name, for definitions marked encrypted. */
    private final Map<String, String> encryptedFields = new HashMap<>();

    private final Set<String> definitionTables = new LinkedHashSet<>();

    public SubjectDirectory(PersonalDataCatalog catalog, List<String> phoneRegions) {
        this.catalog = catalog;
        this.phoneRegions = List.copyOf(phoneRegions);
        for (String table : catalog.tables()) {
            for (ColumnSpec c : catalog.encryptedKeyColumns(table)) {
                definitionTables.add(c.encryptedKeys().definitionsTable());
            }
            TableSpec spec = catalog.table(table).orElseThrow();
            if (spec.subjectPath().kind() != SubjectPath.Kind.SELF) {
                continue;
            }
            for (ColumnSpec c : spec.columns().values()) {
                c.referenced()
                        .filter(ref -> ref.column().equals("id"))
                        .map(ref -> catalog.table(ref.table()).orElse(null))
                        .filter(t -> t.subjectPath().kind() == SubjectPath.Kind.NONE)
                        .filter(t -> t.columns().containsKey("region"))
                        .ifPresent(t -> regionTableByColumn.put(c.name(), t.name()));
            }
        }
    }

    public KnownSubjectNames names() {
        return names;
    }

    public SubjectResolver resolver() {
        return resolver;
    }

    /** Whether changes of {@code table} describe subjects or fields (and go to {@link #apply}). */
    public boolean describes(String table) {
        if (definitionTables.contains(table) || regionTableByColumn.containsValue(table)) {
            return true;
        }
        return catalog.table(table)
                .map(t -> t.subjectPath().kind() == SubjectPath.Kind.SELF)
                .orElse(false);
    }

    /**
     * Learns from one change of a table {@link #describes describing} subjects or fields; returns
     * the entry to persist, or empty if the change is of another table.
     */
    public Optional<Entry> apply(ChangeEvent change) {
        String table = change.getTable();
        if (!describes(table)) {
            return Optional.empty();
        }
        boolean gone = change.getOp() == Operation.DELETE;
        Map<String, String> row = gone ? change.getBefore() : change.getAfter();
        if (row == null) {
            return Optional.empty();
        }
        String id = row.get("id");
        if (id == null) {
            return Optional.empty();
        }
        if (regionTableByColumn.containsValue(table)) {
            // an organisation: only its region is kept, no name
            String key = REGION_PREFIX + table + "/" + id;
            String region = gone ? null : country(row.get("region"));
            if (region == null) {
                regionByRecord.remove(table + "/" + id);
                return Optional.of(new Entry(key, null));
            }
            regionByRecord.put(table + "/" + id, region);
            return Optional.of(new Entry(key, region));
        }
        if (definitionTables.contains(table)) {
            String key = FIELD_PREFIX + table + "/" + id;
            boolean encrypted = !gone && "true".equalsIgnoreCase(row.get("encrypted"));
            String name = row.get("name");
            if (!encrypted || name == null) {
                encryptedFields.remove(key);
                return Optional.of(new Entry(key, null));
            }
            encryptedFields.put(key, name);
            return Optional.of(new Entry(key, name));
        }
        SubjectPath path = catalog.subjectPath(table);
        String subjectId = path.subjectId(id);
        if (gone) {
            forget(subjectId);
            return Optional.of(new Entry(subjectId, null));
        }
        KnownSubject subject = subjectOf(table, subjectId, row);
        SubjectRegions regions =
                new SubjectRegions(ownRegions(row), parentRecords(row), phoneRegions(subject));
        put(subject);
        putRegions(subjectId, regions);
        return Optional.of(new Entry(subjectId, encode(subject, regions)));
    }

    /** Restores one persisted entry (after a restart). */
    public void restore(String key, String value) {
        if (key.startsWith(FIELD_PREFIX)) {
            encryptedFields.put(key, value);
        } else if (key.startsWith(REGION_PREFIX)) {
            regionByRecord.put(key.substring(REGION_PREFIX.length()), value);
        } else {
            put(decode(key, value));
            putRegions(key, decodeRegions(key, value));
        }
    }

    /** Registers a subject's names and identifiers, replacing what was known of them. */
    public void put(KnownSubject subject) {
        names.register(subject.subjectId(), subject.firstName(), subject.lastName());
        resolver.register(subject);
    }

    /** Forgets a subject (its row was deleted). */
    public void forget(String subjectId) {
        names.forget(subjectId);
        resolver.forget(subjectId);
        regionsBySubject.remove(subjectId);
    }

    /**
     * The ISO 3166 regions {@code subjectId} lives in, likeliest first: the country of their locale
     * ({@code fr-FR} → {@code FR}), their {@code region} column if it is a country code ({@code UK}
     * read as {@code GB}), the region of the organisation their row references ({@code
     * accounts.region} of their account), the countries of their declared phone numbers. Only
     * regions libphonenumber knows; empty for a subject not seen or without any.
     */
    public List<String> phoneRegionsOf(String subjectId) {
        SubjectRegions r = regionsBySubject.get(subjectId);
        if (r == null) {
            return List.of();
        }
        Set<String> regions = new LinkedHashSet<>(r.own());
        for (String record : r.parents()) {
            String region = regionByRecord.get(record);
            if (region != null) {
                regions.add(region);
            }
        }
        regions.addAll(r.phones());
        return List.copyOf(regions);
    }

    private void putRegions(String subjectId, SubjectRegions regions) {
        if (regions.isEmpty()) {
            regionsBySubject.remove(subjectId);
        } else {
            regionsBySubject.put(subjectId, regions);
        }
    }

    /** The regions a subject's row says itself: its locale's country, its region column. */
    static List<String> ownRegions(Map<String, String> row) {
        Set<String> regions = new LinkedHashSet<>();
        String locale = row.get("locale");
        if (locale != null) {
            regions.add(Locale.forLanguageTag(locale.strip().replace('_', '-')).getCountry());
        }
        String region = country(row.get("region"));
        if (region != null) {
            regions.add(region);
        }
        return supported(regions);
    }

    /** The countries of a subject's declared phone numbers. */
    static List<String> phoneRegions(KnownSubject subject) {
        Set<String> regions = new LinkedHashSet<>();
        for (String phone : subject.identifiers(IdentifierKind.PHONE)) {
            PhoneDetector.regionOf(phone).ifPresent(regions::add);
        }
        return supported(regions);
    }

    /** The region-saying rows a subject's row references ({@code accounts/3}). */
    private List<String> parentRecords(Map<String, String> row) {
        List<String> records = new ArrayList<>();
        regionTableByColumn.forEach(
                (column, table) -> {
                    String id = row.get(column);
                    if (id != null && !id.isBlank()) {
                        records.add(table + "/" + id.strip());
                    }
                });
        return records;
    }

    /** A region column's value as a supported country code ({@code UK} as {@code GB}), or null. */
    private static String country(String region) {
        if (region == null) {
            return null;
        }
        String r = region.strip().toUpperCase(Locale.ROOT);
        // ISO 3166 reserves UK for the United Kingdom, whose code is GB
        r = r.equals("UK") ? "GB" : r;
        return PhoneDetectorRegions.supported(r) ? r : null;
    }

    private static List<String> supported(Set<String> regions) {
        List<String> known = new ArrayList<>();
        for (String r : regions) {
            if (PhoneDetectorRegions.supported(r)) {
                known.add(r);
            }
        }
        return known;
    }

    /** The keys of a JSON column to treat as encrypted now: the catalog's plus the runtime ones. */
    public Set<String> encryptedKeys(EncryptedKeys declared) {
        return declared.effective(new TreeSet<>(encryptedFields.values()));
    }

    /** The phone regions to read a number of this row in: the row's locale's country first. */
    public List<String> phoneRegionsFor(Map<String, String> row) {
        String locale = row.get("locale");
        if (locale == null) {
            return phoneRegions;
        }
        String country = Locale.forLanguageTag(locale).getCountry();
        if (country.isEmpty() || !PhoneDetectorRegions.supported(country)) {
            return phoneRegions;
        }
        List<String> regions = new ArrayList<>();
        regions.add(country);
        phoneRegions.stream().filter(r -> !r.equals(country)).forEach(regions::add);
        return regions;
    }

    /** The subject a row of a {@code subject: self} table describes. */
    public KnownSubject subjectOf(String table, String subjectId, Map<String, String> row) {
        TableSpec spec = catalog.table(table).orElseThrow();
        Map<IdentifierKind, Set<String>> identifiers = new EnumMap<>(IdentifierKind.class);
        List<String> regions = phoneRegionsFor(row);
        catalog.subjectIdentifyingColumns(table)
                .forEach(
                        (column, kind) -> {
                            if (kind == IdentifierKind.CONTACT_ID
                                    || kind == IdentifierKind.AGENT_ID) {
                                return;
                            }
                            SubjectResolver.normalize(kind, row.get(column), regions)
                                    .ifPresent(
                                            v ->
                                                    identifiers
                                                            .computeIfAbsent(
                                                                    kind, k -> new TreeSet<>())
                                                            .add(v));
                        });
        List<String> nameColumns =
                spec.columns().values().stream()
                        .filter(c -> c.category() == DataCategory.NAME)
                        .map(ColumnSpec::name)
                        .toList();
        String first = null;
        String last = null;
        if (nameColumns.size() == 1) {
            String full = row.get(nameColumns.get(0));
            if (full != null && !full.isBlank()) {
                String s = full.strip();
                int space = s.lastIndexOf(' ');
                first = space > 0 ? s.substring(0, space) : s;
                last = space > 0 ? s.substring(space + 1) : null;
            }
        } else {
            for (String c : nameColumns) {
                if (c.contains("first") || c.contains("given")) {
                    first = row.get(c);
                } else if (c.contains("last") || c.contains("family") || c.contains("sur")) {
                    last = row.get(c);
                }
            }
        }
        return new KnownSubject(subjectId, first, last, identifiers);
    }

    static String encode(KnownSubject s) {
        return encode(s, new SubjectRegions(List.of(), List.of(), List.of()));
    }

    /**
     * A subject and where their regions come from, as persisted: {@code regions} (their row's own),
     * {@code regionRows} (the organisations it references), {@code phoneRegions}; each left out
     * when empty.
     */
    private static String encode(KnownSubject s, SubjectRegions regions) {
        ObjectNode n = JSON.createObjectNode();
        if (s.firstName() != null) {
            n.put("first", s.firstName());
        }
        if (s.lastName() != null) {
            n.put("last", s.lastName());
        }
        ObjectNode ids = n.putObject("ids");
        s.identifiers().forEach((k, v) -> v.forEach(ids.withArray(k.catalogName())::add));
        if (!regions.own().isEmpty()) {
            regions.own().forEach(n.putArray("regions")::add);
        }
        if (!regions.parents().isEmpty()) {
            regions.parents().forEach(n.putArray("regionRows")::add);
        }
        if (!regions.phones().isEmpty()) {
            regions.phones().forEach(n.putArray("phoneRegions")::add);
        }
        return n.toString();
    }

    /**
     * Where the regions of a persisted entry come from; none in an entry written before they were
     * kept, all in {@code regions} in one written before their sources were kept apart.
     */
    private static SubjectRegions decodeRegions(String subjectId, String encoded) {
        try {
            JsonNode n = JSON.readTree(encoded);
            return new SubjectRegions(
                    texts(n, "regions"), texts(n, "regionRows"), texts(n, "phoneRegions"));
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable directory entry for " + subjectId, e);
        }
    }

    private static List<String> texts(JsonNode n, String field) {
        List<String> values = new ArrayList<>();
        n.path(field).forEach(v -> values.add(v.asText()));
        return values;
    }

    static KnownSubject decode(String subjectId, String encoded) {
        try {
            JsonNode n = JSON.readTree(encoded);
            Map<IdentifierKind, Set<String>> identifiers = new EnumMap<>(IdentifierKind.class);
            n.path("ids")
                    .fields()
                    .forEachRemaining(
                            e -> {
                                IdentifierKind kind =
                                        IdentifierKind.fromCatalogName(e.getKey()).orElseThrow();
                                Set<String> values = new TreeSet<>();
                                e.getValue().forEach(v -> values.add(v.asText()));
                                identifiers.put(kind, values);
                            });
            return new KnownSubject(
                    subjectId,
                    n.hasNonNull("first") ? n.get("first").asText() : null,
                    n.hasNonNull("last") ? n.get("last").asText() : null,
                    identifiers);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable directory entry for " + subjectId, e);
        }
    }

    /** The regions libphonenumber supports. */
    static final class PhoneDetectorRegions {
        private PhoneDetectorRegions() {}

        static boolean supported(String region) {
            return com.google.i18n.phonenumbers.PhoneNumberUtil.getInstance()
                    .getSupportedRegions()
                    .contains(region);
        }
    }
}
