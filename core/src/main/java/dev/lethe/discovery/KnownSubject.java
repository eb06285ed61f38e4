package dev.lethe.discovery;

import dev.lethe.catalog.IdentifierKind;
import dev.lethe.keys.SubjectIds;
import java.io.Serializable;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What discovery knows about one data subject from their own row: their names and their normalized
 * identifiers. This is what the discovery job keeps in broadcast state (one entry per contact and
 * agent) to recognise the subject in other rows' free text.
 *
 * @param subjectId {@code contact:<id>} or {@code agent:<id>}
 * @param firstName first name, or null
 * @param lastName family name, or null
 * @param identifiers normalized identifiers by kind (email, phone, handle)
 */
public record KnownSubject(
        String subjectId,
        String firstName,
        String lastName,
        Map<IdentifierKind, Set<String>> identifiers)
        implements Serializable {

    public KnownSubject {
        SubjectIds.requireValid(subjectId);
        EnumMap<IdentifierKind, Set<String>> copy = new EnumMap<>(IdentifierKind.class);
        identifiers.forEach((k, v) -> copy.put(k, Collections.unmodifiableSet(new TreeSet<>(v))));
        identifiers = Collections.unmodifiableMap(copy);
    }

    /** Identifiers of {@code kind}, possibly empty. */
    public Set<String> identifiers(IdentifierKind kind) {
        return identifiers.getOrDefault(kind, Set.of());
    }

    /** The subject id and which kinds of identifiers it has; never a name or a value. */
    @Override
    public String toString() {
        return "KnownSubject[" + subjectId + ", " + identifiers.keySet() + "]";
    }
}
