package dev.lethe.jobs.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.MatchType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import dev.lethe.catalog.IdentifierKind;
import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.catalog.SubjectPath;
import dev.lethe.discovery.KnownSubject;
import dev.lethe.discovery.SubjectDirectory;
import dev.lethe.events.ChangeEvent;
import dev.lethe.events.Operation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Who held which identifier over which stretch of the log: built from the changes of the tables
 * whose rows are their own subject ({@code subject: self}: contacts, agents), so the audit job
 * resolves an email, phone or handle named in free text as of the naming change's LSN without
 * asking the helpdesk ({@link #holders}).
 *
 * <p>Per subject it keeps the versions of its identifiers ({@link LsnVersions}): from the LSN of
 * the change that set them until the LSN of the next change of the row; a deleted row holds none
 * from its deletion on. A soft-deleted row ({@code deleted_at} set) still holds its identifiers:
 * its subject has keys until it is erased. Identifiers are every column the catalog declares as
 * identifying (email, phone, handle, ...), normalized exactly as discovery's {@link
 * SubjectDirectory#subjectOf} does (lower-case email and handle with {@code @}, E.164 phone read in
 * the row's locale's country first, then the configured regions).
 *
 * <p>Phone numbers are matched at least as leniently as the database look-up this replaces: a
 * mentioned number (E.164) is a subject's if it equals one of their normalized numbers, or if
 * libphonenumber finds it the same number as the subject's number <em>as written</em> ({@link
 * PhoneNumberUtil#isNumberMatch}, exact or same national number where the written one has no
 * country code, read in the mentioned number's country). Candidates for the second test are the
 * written numbers whose last {@value #PHONE_TAIL_DIGITS} digits end the mentioned national number's
 * (a range of a sorted map of reversed digit tails, as the database index was).
 *
 * <p>{@link #apply} returns the entry to persist (the audit job keeps them sealed in broadcast
 * state); {@link #restore} rebuilds the indices after a restart; {@link #prune} forgets versions no
 * change to come asks for and returns the entries to rewrite. Entries hold identifiers, never
 * names. Not thread-safe; no Flink.
 */
public final class SubjectIdentifiers implements MentionedSubjects.Holders {

    /** A persisted entry: subject id and its encoded history, or null to remove it. */
    public record Entry(String subjectId, String value) {}

    /** The digits of a written phone number the candidate index keys on. */
    static final int PHONE_TAIL_DIGITS = 6;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();

    /** One version's identifiers: normalized by kind, and the phone numbers as written. */
    record Identifiers(Map<IdentifierKind, Set<String>> normalized, List<String> writtenPhones) {
        /**
         * Compact immutable copies (one per version of every subject): a kind's one value as a
         * {@link Set#of} (most have one), several in their given order.
         */
        Identifiers {
            Map<IdentifierKind, Set<String>> compact = new EnumMap<>(IdentifierKind.class);
            normalized.forEach(
                    (kind, values) ->
                            compact.put(
                                    kind,
                                    values.size() == 1
                                            ? Set.of(values.iterator().next())
                                            : Collections.unmodifiableSet(
                                                    new LinkedHashSet<>(values))));
            normalized = compact;
            writtenPhones = List.copyOf(writtenPhones);
        }
    }

    private record Holding(String subjectId, long fromLsn, long toLsn) {
        boolean holdsAt(long lsn) {
            return fromLsn <= lsn && lsn < toLsn;
        }
    }

    private record WrittenPhone(String subjectId, String written, long fromLsn, long toLsn) {}

    private final PersonalDataCatalog catalog;
    private final SubjectDirectory normalizer;
    private final Set<String> selfTables = new HashSet<>();

    private final Map<String, LsnVersions<Identifiers>> histories = new HashMap<>();

    /** kind:normalized value -> who held it when. */
    private final Map<String, List<Holding>> byIdentifier = new HashMap<>();

    /** reversed last digits of a written phone -> who wrote it when. */
    private final NavigableMap<String, List<WrittenPhone>> byPhoneTail = new TreeMap<>();

    /** What each subject has in the two indices, to take it out again. */
    private final Map<String, String[]> identifierKeys = new HashMap<>();

    private final Map<String, String[]> phoneTailKeys = new HashMap<>();

    /** Subjects with more than one version or deleted: the only ones {@link #prune} can shrink. */
    private final Set<String> prunable = new HashSet<>();

    public SubjectIdentifiers(PersonalDataCatalog catalog, List<String> phoneRegions) {
        this.catalog = catalog;
        this.normalizer = new SubjectDirectory(catalog, phoneRegions);
        for (String table : catalog.tables()) {
            if (catalog.subjectPath(table).kind() == SubjectPath.Kind.SELF) {
                selfTables.add(table);
            }
        }
    }

    /** The tables whose changes go to {@link #apply}: those whose rows are their own subject. */
    static Set<String> describingTables(PersonalDataCatalog catalog) {
        Set<String> tables = new TreeSet<>();
        for (String table : catalog.tables()) {
            if (catalog.subjectPath(table).kind() == SubjectPath.Kind.SELF) {
                tables.add(table);
            }
        }
        return tables;
    }

    /**
     * Learns the identifiers a change leaves its row with, from its LSN on; returns the entry to
     * persist, or empty for a change of another table or without id.
     */
    public Optional<Entry> apply(ChangeEvent change) {
        String table = change.getTable();
        if (!selfTables.contains(table)) {
            return Optional.empty();
        }
        boolean gone = change.getOp() == Operation.DELETE || change.getAfter() == null;
        Map<String, String> row = gone ? change.getBefore() : change.getAfter();
        String id = row == null ? null : row.get("id");
        if (id == null && change.getKey().size() == 1) {
            id = change.getKey().values().iterator().next();
        }
        if (id == null) {
            return Optional.empty();
        }
        String subjectId;
        try {
            subjectId = catalog.subjectPath(table).subjectId(id);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        Identifiers ids = gone ? null : identifiersOf(table, subjectId, change.getAfter());
        LsnVersions<Identifiers> history =
                histories.computeIfAbsent(subjectId, s -> new LsnVersions<>());
        history.put(
                change.getSource().getLsn(),
                change.getSource().getCommitTime().toEpochMilli(),
                ids);
        reindex(subjectId);
        return Optional.of(new Entry(subjectId, encode(history)));
    }

    /** Restores one persisted entry (after a restart). */
    public void restore(String subjectId, String value) {
        histories.put(subjectId, decode(subjectId, value));
        reindex(subjectId);
    }

    /**
     * The subjects {@code normalizedValue} identified at {@code lsn}, sorted: those whose row held
     * it from a change at or before {@code lsn} until a change after it. Email and handle by their
     * normalized value, phone also by {@link #samePhone}; other kinds by their normalized value.
     */
    @Override
    public SortedSet<String> holders(IdentifierKind kind, String normalizedValue, long lsn) {
        SortedSet<String> found = new TreeSet<>();
        if (normalizedValue == null || normalizedValue.isBlank()) {
            return found;
        }
        for (Holding h : byIdentifier.getOrDefault(key(kind, normalizedValue), List.of())) {
            if (h.holdsAt(lsn)) {
                found.add(h.subjectId());
            }
        }
        if (kind == IdentifierKind.PHONE) {
            phoneCandidates(normalizedValue, lsn, found);
        }
        return found;
    }

    /**
     * Forgets, per subject, the versions before the newest one committed at or before {@code
     * horizonMillis}, and a subject whose row was deleted before it. Returns the entries to persist
     * (rewritten or removed).
     */
    List<Entry> prune(long horizonMillis) {
        List<Entry> changed = new ArrayList<>();
        for (Iterator<String> it = prunable.iterator(); it.hasNext(); ) {
            String subjectId = it.next();
            LsnVersions<Identifiers> history = histories.get(subjectId);
            if (history == null || !history.prune(horizonMillis)) {
                continue;
            }
            if (history.isEmpty()) {
                histories.remove(subjectId);
                changed.add(new Entry(subjectId, null));
            } else {
                changed.add(new Entry(subjectId, encode(history)));
            }
            unindex(subjectId);
            index(subjectId);
            if (!isPrunable(history)) {
                it.remove();
            }
        }
        return changed;
    }

    /** How many subjects have a history. */
    public int subjects() {
        return histories.size();
    }

    private Identifiers identifiersOf(String table, String subjectId, Map<String, String> row) {
        KnownSubject known = normalizer.subjectOf(table, subjectId, row);
        List<String> written = new ArrayList<>();
        catalog.subjectIdentifyingColumns(table)
                .forEach(
                        (column, kind) -> {
                            String value = row.get(column);
                            if (kind == IdentifierKind.PHONE && value != null && !value.isBlank()) {
                                written.add(value);
                            }
                        });
        return new Identifiers(known.identifiers(), written);
    }

    private void reindex(String subjectId) {
        unindex(subjectId);
        index(subjectId);
        LsnVersions<Identifiers> history = histories.get(subjectId);
        if (history != null && isPrunable(history)) {
            prunable.add(subjectId);
        } else {
            prunable.remove(subjectId);
        }
    }

    private static boolean isPrunable(LsnVersions<Identifiers> history) {
        return history.size() > 1 || (!history.isEmpty() && history.all().get(0).value() == null);
    }

    private void index(String subjectId) {
        LsnVersions<Identifiers> history = histories.get(subjectId);
        if (history == null) {
            return;
        }
        List<LsnVersions.Version<Identifiers>> versions = history.all();
        List<String> keys = new ArrayList<>();
        List<String> tails = new ArrayList<>();
        for (int i = 0; i < versions.size(); i++) {
            Identifiers ids = versions.get(i).value();
            if (ids == null) {
                continue;
            }
            long from = versions.get(i).lsn();
            long to = i + 1 < versions.size() ? versions.get(i + 1).lsn() : Long.MAX_VALUE;
            for (Map.Entry<IdentifierKind, Set<String>> e : ids.normalized().entrySet()) {
                for (String v : e.getValue()) {
                    String key = key(e.getKey(), v);
                    byIdentifier
                            .computeIfAbsent(key, k -> new ArrayList<>(1))
                            .add(new Holding(subjectId, from, to));
                    keys.add(key);
                }
            }
            for (String written : ids.writtenPhones()) {
                String tail = reversedTail(written);
                if (tail.isEmpty()) {
                    continue;
                }
                byPhoneTail
                        .computeIfAbsent(tail, k -> new ArrayList<>(1))
                        .add(new WrittenPhone(subjectId, written, from, to));
                tails.add(tail);
            }
        }
        if (!keys.isEmpty()) {
            identifierKeys.put(subjectId, keys.toArray(String[]::new));
        }
        if (!tails.isEmpty()) {
            phoneTailKeys.put(subjectId, tails.toArray(String[]::new));
        }
    }

    private void unindex(String subjectId) {
        String[] keys = identifierKeys.remove(subjectId);
        if (keys != null) {
            for (String key : keys) {
                List<Holding> list = byIdentifier.get(key);
                if (list != null) {
                    list.removeIf(h -> h.subjectId().equals(subjectId));
                    if (list.isEmpty()) {
                        byIdentifier.remove(key);
                    }
                }
            }
        }
        String[] tails = phoneTailKeys.remove(subjectId);
        if (tails != null) {
            for (String tail : tails) {
                List<WrittenPhone> list = byPhoneTail.get(tail);
                if (list != null) {
                    list.removeIf(p -> p.subjectId().equals(subjectId));
                    if (list.isEmpty()) {
                        byPhoneTail.remove(tail);
                    }
                }
            }
        }
    }

    /**
     * Adds the subjects whose number as written at {@code lsn} is {@code e164}'s: the written
     * numbers whose reversed digit tail starts with the reversed tail of {@code e164}'s national
     * number (all of a shorter one), confirmed by {@link #samePhone}.
     */
    private void phoneCandidates(String e164, long lsn, Set<String> found) {
        PhoneNumber number;
        try {
            number = PHONES.parse(e164, "ZZ");
        } catch (NumberParseException e) {
            return;
        }
        String national = PHONES.getNationalSignificantNumber(number);
        String tail = reversedTail(national);
        if (tail.isEmpty()) {
            return;
        }
        for (List<WrittenPhone> candidates :
                byPhoneTail.subMap(tail, true, tail + ':', false).values()) {
            for (WrittenPhone p : candidates) {
                if (p.fromLsn() <= lsn
                        && lsn < p.toLsn()
                        && !found.contains(p.subjectId())
                        && samePhone(number, p.written())) {
                    found.add(p.subjectId());
                }
            }
        }
    }

    /**
     * Whether {@code written} (as a row stores it, any format) is {@code number}: the same number
     * with the same country code, or the same national number where {@code written} has none (it is
     * then read in {@code number}'s country).
     */
    static boolean samePhone(PhoneNumber number, String written) {
        if (written == null || written.isBlank()) {
            return false;
        }
        MatchType match = PHONES.isNumberMatch(number, written);
        return match == MatchType.EXACT_MATCH || match == MatchType.NSN_MATCH;
    }

    /** The last {@value #PHONE_TAIL_DIGITS} digits (all if fewer), reversed. */
    static String reversedTail(String written) {
        StringBuilder digits = new StringBuilder(PHONE_TAIL_DIGITS);
        for (int i = written.length() - 1; i >= 0 && digits.length() < PHONE_TAIL_DIGITS; i--) {
            char c = written.charAt(i);
            if (c >= '0' && c <= '9') {
                digits.append(c);
            }
        }
        return digits.toString();
    }

    private static String key(IdentifierKind kind, String value) {
        return kind.catalogName() + ':' + value;
    }

    static String encode(LsnVersions<Identifiers> history) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode versions = root.putArray("v");
        for (LsnVersions.Version<Identifiers> v : history.all()) {
            ObjectNode n = versions.addObject();
            n.put("lsn", v.lsn());
            n.put("at", v.commitMillis());
            if (v.value() == null) {
                n.put("gone", true);
                continue;
            }
            ObjectNode ids = n.putObject("ids");
            v.value()
                    .normalized()
                    .forEach((k, values) -> values.forEach(ids.withArray(k.catalogName())::add));
            ArrayNode written = n.putArray("written");
            v.value().writtenPhones().forEach(written::add);
        }
        return root.toString();
    }

    static LsnVersions<Identifiers> decode(String subjectId, String encoded) {
        try {
            LsnVersions<Identifiers> history = new LsnVersions<>();
            for (JsonNode n : JSON.readTree(encoded).path("v")) {
                Identifiers ids = null;
                if (!n.path("gone").asBoolean(false)) {
                    Map<IdentifierKind, Set<String>> normalized =
                            new EnumMap<>(IdentifierKind.class);
                    n.path("ids")
                            .fields()
                            .forEachRemaining(
                                    e -> {
                                        Set<String> values = new TreeSet<>();
                                        e.getValue().forEach(x -> values.add(x.asText()));
                                        normalized.put(
                                                IdentifierKind.fromCatalogName(e.getKey())
                                                        .orElseThrow(),
                                                values);
                                    });
                    List<String> written = new ArrayList<>();
                    n.path("written").forEach(x -> written.add(x.asText()));
                    ids = new Identifiers(normalized, written);
                }
                history.put(n.path("lsn").asLong(), n.path("at").asLong(), ids);
            }
            return history;
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable identifier history of " + subjectId, e);
        }
    }
}
