package dev.lethe.discovery;

import dev.lethe.catalog.IdentifierKind;
import dev.lethe.keys.SubjectIds;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Maps identifiers to data subjects, so one person is found by any of their email addresses,
 * phone numbers, handles or row ids: {@code anna@example.eu}, {@code +4930123456} and {@code
 * @annam} all resolve to {@code contact:42} once contact 42's row was seen.
 *
 * <p>Values are kept {@linkplain #normalize normalized} (lower-case email and handle, E.164 phone).
 * A value can belong to several subjects (two contacts sharing a phone): all are returned. Subject
 * ids follow {@link SubjectIds}: {@code contact:<contacts.id>}, {@code agent:<agents.id>}.
 *
 * <p>Pure and in memory; not thread-safe. It holds every identifier of every subject, so it is
 * kept small: the subjects of an identifier and the identifiers of a subject are sorted arrays
 * (almost always of one and of a few), and a new identifier's key is one string in both maps.
 */
public final class SubjectResolver {

    private static final String[] NONE = new String[0];

    /** identifier key -> its subjects, sorted. */
    private final Map<String, String[]> subjectsByIdentifier = new HashMap<>();

    /** subject id -> its identifier keys, sorted. */
    private final Map<String, String[]> identifiersBySubject = new HashMap<>();

    /** Registers that {@code normalizedValue} of {@code kind} identifies {@code subjectId}. */
    public void register(String subjectId, IdentifierKind kind, String normalizedValue) {
        SubjectIds.requireValid(subjectId);
        if (normalizedValue == null || normalizedValue.isEmpty()) {
            return;
        }
        String key = key(kind, normalizedValue);
        String[] subjects = subjectsByIdentifier.get(key);
        if (subjects == null) {
            subjectsByIdentifier.put(key, new String[] {subjectId}); // the key kept by both maps
        } else {
            subjectsByIdentifier.put(key, with(subjects, subjectId));
        }
        identifiersBySubject.put(subjectId, with(identifiersBySubject.get(subjectId), key));
    }

    /** {@code sorted} with {@code value} added, sorted; {@code sorted} itself if it holds it. */
    private static String[] with(String[] sorted, String value) {
        if (sorted == null) {
            return new String[] {value};
        }
        int at = Arrays.binarySearch(sorted, value);
        if (at >= 0) {
            return sorted;
        }
        int insert = -at - 1;
        String[] out = new String[sorted.length + 1];
        System.arraycopy(sorted, 0, out, 0, insert);
        out[insert] = value;
        System.arraycopy(sorted, insert, out, insert + 1, sorted.length - insert);
        return out;
    }

    /** {@code sorted} without {@code value}; {@link #NONE} when nothing is left. */
    private static String[] without(String[] sorted, String value) {
        int at = Arrays.binarySearch(sorted, value);
        if (at < 0) {
            return sorted;
        }
        if (sorted.length == 1) {
            return NONE;
        }
        String[] out = new String[sorted.length - 1];
        System.arraycopy(sorted, 0, out, 0, at);
        System.arraycopy(sorted, at + 1, out, at, sorted.length - at - 1);
        return out;
    }

    /** Replaces everything registered for {@code subject} by its current identifiers. */
    public void register(KnownSubject subject) {
        forget(subject.subjectId());
        subject.identifiers()
                .forEach(
                        (kind, values) ->
                                values.forEach(v -> register(subject.subjectId(), kind, v)));
    }

    /** Forgets every identifier of {@code subjectId}. */
    public void forget(String subjectId) {
        String[] keys = identifiersBySubject.remove(subjectId);
        if (keys == null) {
            return;
        }
        for (String key : keys) {
            String[] subjects = subjectsByIdentifier.get(key);
            if (subjects != null) {
                String[] left = without(subjects, subjectId);
                if (left.length == 0) {
                    subjectsByIdentifier.remove(key);
                } else {
                    subjectsByIdentifier.put(key, left);
                }
            }
        }
    }

    /**
     * The subjects {@code normalizedValue} identifies, sorted. A contact or agent id resolves to
     * itself ({@code contact:42}) whether or not its row was seen.
     */
    public Set<String> resolve(IdentifierKind kind, String normalizedValue) {
        if (normalizedValue == null) {
            return Set.of();
        }
        if (kind == IdentifierKind.CONTACT_ID || kind == IdentifierKind.AGENT_ID) {
            return subjectOfRowId(kind, normalizedValue).map(Set::of).orElse(Set.of());
        }
        String[] s = subjectsByIdentifier.get(key(kind, normalizedValue));
        return s == null ? Set.of() : Collections.unmodifiableSortedSet(new TreeSet<>(List.of(s)));
    }

    /** The subjects an email, phone or handle finding identifies; empty for other kinds. */
    public Set<String> resolve(Finding finding) {
        return identifierKind(finding.kind())
                .map(k -> resolve(k, finding.normalizedValue()))
                .orElse(Set.of());
    }

    /** How many subjects have identifiers registered. */
    public int subjects() {
        return identifiersBySubject.size();
    }

    /** The identifier kind a finding's kind is, if it identifies anyone by itself. */
    public static Optional<IdentifierKind> identifierKind(PiiKind kind) {
        switch (kind) {
            case EMAIL:
                return Optional.of(IdentifierKind.EMAIL);
            case PHONE:
                return Optional.of(IdentifierKind.PHONE);
            case SOCIAL_HANDLE:
                return Optional.of(IdentifierKind.HANDLE);
            default:
                return Optional.empty();
        }
    }

    /** {@code contact:<id>} for a contact id, {@code agent:<id>} for an agent id. */
    public static Optional<String> subjectOfRowId(IdentifierKind kind, String rowId) {
        if (rowId == null || !SubjectIds.isValid("x:" + rowId)) {
            return Optional.empty();
        }
        if (kind == IdentifierKind.CONTACT_ID) {
            return Optional.of(SubjectIds.of(SubjectIds.CONTACT, rowId));
        }
        if (kind == IdentifierKind.AGENT_ID) {
            return Optional.of(SubjectIds.of(SubjectIds.AGENT, rowId));
        }
        return Optional.empty();
    }

    /**
     * The canonical form of an identifier as written in a column: email and handle lower-cased
     * (handle with its {@code @}), phone in E.164 (read in {@code phoneRegions} in order if written
     * without country code); empty if it is not a valid value of its kind.
     */
    public static Optional<String> normalize(
            IdentifierKind kind, String written, List<String> phoneRegions) {
        if (written == null || written.isBlank()) {
            return Optional.empty();
        }
        switch (kind) {
            case EMAIL:
                return Optional.of(EmailDetector.normalize(written));
            case PHONE:
                return PhoneDetector.normalize(written, phoneRegions);
            case HANDLE:
                return Optional.of(SocialHandleDetector.normalize(written));
            default:
                return Optional.of(written.trim());
        }
    }

    /** An email is keyed by its {@linkplain EmailDetector#comparisonKey comparison key}. */
    private static String key(IdentifierKind kind, String value) {
        return kind.catalogName()
                + ':'
                + (kind == IdentifierKind.EMAIL ? EmailDetector.comparisonKey(value) : value);
    }
}
