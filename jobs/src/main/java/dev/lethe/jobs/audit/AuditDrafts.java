package dev.lethe.jobs.audit;

import dev.lethe.catalog.ColumnSpec;
import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.catalog.Reference;
import dev.lethe.catalog.SubjectPath;
import dev.lethe.catalog.TableSpec;
import dev.lethe.crypto.SubjectCipher;
import dev.lethe.discovery.PhoneDetector;
import dev.lethe.events.AuditActor;
import dev.lethe.events.AuditEntry;
import dev.lethe.events.AuditFieldChange;
import dev.lethe.events.ChangeEvent;
import dev.lethe.events.Operation;
import dev.lethe.keys.SubjectErasedException;
import dev.lethe.normalize.EntityId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Turns a {@link ChangeEvent} into the draft of its {@link AuditEntry}: which columns changed, with
 * before and after, personal values encrypted for the row's data subject. The draft has no actor
 * yet ({@link #UNKNOWN_ACTOR}), no log index, seq or hashes: the actor join, chain and sequencer
 * fill those in.
 *
 * <p>Changed columns: all columns of the image for INSERT, SNAPSHOT and DELETE; for UPDATE the
 * columns whose value differs. Sorted by column name.
 *
 * <p>Personal columns (per the catalog) are encrypted with {@link SubjectCipher} for the row's
 * subject (found by the catalog's subject path; past the row itself through {@link SubjectLookup})
 * with the context {@code <entityId>#<column>}. When no subject can be found (the referenced row is
 * gone) or the subject was erased, the personal values are not stored at all: they become null and
 * the entry's attribute {@code redacted} says why ({@code subject-unresolved}, {@code
 * subject-erased}). Plaintext personal values leave this class only inside envelopes.
 *
 * <p>Values of free-text columns ({@code scan} in the catalog) can be about several people: a
 * ticket that names another customer's email or phone. Such a value is encrypted for the row's own
 * subject and every contact it names by email, phone or handle ({@link MentionedSubjects}), sorted,
 * each once, so erasing <em>any one</em> of them makes it unreadable while each person's other
 * values stay readable until they are erased themselves. The entry's {@code subjectIds} are the
 * row's subject and everyone a stored value was encrypted for. A free-text column the catalog does
 * not mark personal ({@code accounts.name}) stays plain unless it names someone; then it is stored
 * encrypted for them (and marked personal). If a named subject (not the row's own) was erased, only
 * the values naming them are left out: attribute {@code redacted} is {@code
 * mentioned-subject-erased} and {@code redactedColumns} lists the columns (names only). A failing
 * lookup of a named identifier is thrown (the value is never in its message): the job restarts and
 * retries rather than storing a value protected for too few people.
 *
 * <p>Not thread-safe (the lookup's cache); one per operator instance.
 */
public final class AuditDrafts {

    /** The actor of a change whose transaction named none. */
    public static final String UNKNOWN = "unknown";

    static final String REDACTED = "redacted";
    static final String SUBJECT_UNRESOLVED = "subject-unresolved";
    static final String SUBJECT_ERASED = "subject-erased";
    static final String MENTIONED_SUBJECT_ERASED = "mentioned-subject-erased";

    /**
     * A value naming more people than an envelope can hold ({@value SubjectCipher#MAX_SUBJECTS}):
     * left out, never stored for too few of them.
     */
    static final String TOO_MANY_SUBJECTS = "too-many-subjects";

    static final String REDACTED_COLUMNS = "redactedColumns";

    private static final ByteBuffer NO_HASH = ByteBuffer.allocate(0);

    private final PersonalDataCatalog catalog;
    private final SubjectCipher cipher;
    private final SubjectLookup lookup;
    private final MentionedSubjects mentions;

    /** Per table, the catalog's columns sorted by name (the order of an entry's changes). */
    private final Map<String, CatalogColumns> catalogColumns = new HashMap<>();

    private record CatalogColumns(List<String> sorted, Set<String> known) {
        static CatalogColumns of(TableSpec spec) {
            Set<String> names = spec.columns().keySet();
            return new CatalogColumns(List.copyOf(new TreeSet<>(names)), Set.copyOf(names));
        }
    }

    /** Reads nationally written phone numbers in {@link PhoneDetector#DEFAULT_REGIONS}. */
    public AuditDrafts(PersonalDataCatalog catalog, SubjectCipher cipher, SubjectLookup lookup) {
        this(catalog, cipher, lookup, PhoneDetector.DEFAULT_REGIONS);
    }

    /**
     * @param phoneRegions regions to read phone numbers written without country code in, preferred
     *     first (as the discovery job's)
     */
    public AuditDrafts(
            PersonalDataCatalog catalog,
            SubjectCipher cipher,
            SubjectLookup lookup,
            List<String> phoneRegions) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.cipher = Objects.requireNonNull(cipher, "cipher");
        this.lookup = Objects.requireNonNull(lookup, "lookup");
        this.mentions = new MentionedSubjects(lookup, phoneRegions);
    }

    /**
     * The columns of both images, sorted by name: the catalog's columns of the table, sorted once,
     * when it knows every column of both images (the normalizer has checked that), else the images'
     * own columns sorted. Catalog columns that neither image has are skipped by the caller.
     */
    private Collection<String> columnsOf(
            String table, Map<String, String> before, Map<String, String> after) {
        CatalogColumns known =
                catalogColumns.computeIfAbsent(
                        table, t -> catalog.table(t).map(CatalogColumns::of).orElse(null));
        if (known != null
                && (before == null || known.known().containsAll(before.keySet()))
                && (after == null || known.known().containsAll(after.keySet()))) {
            return known.sorted();
        }
        TreeSet<String> columns = new TreeSet<>();
        if (before != null) {
            columns.addAll(before.keySet());
        }
        if (after != null) {
            columns.addAll(after.keySet());
        }
        return columns;
    }

    private static boolean inImage(Map<String, String> image, String column) {
        return image != null && image.containsKey(column);
    }

    /**
     * The data subjects of these rows themselves (as {@link #draft} finds them, without the people
     * their free text names), each once: whose keys drafting them will need. Rows whose subject
     * cannot be found are left out.
     */
    public Set<String> rowSubjects(Collection<ChangeEvent> changes) {
        Set<String> subjects = new TreeSet<>();
        for (ChangeEvent change : changes) {
            if (!hasPersonalColumns(change.getTable())) {
                continue;
            }
            Map<String, String> image =
                    change.getAfter() != null ? change.getAfter() : change.getBefore();
            try {
                subjectOf(change.getTable(), change.getKey(), image).ifPresent(subjects::add);
            } catch (RuntimeException e) {
                // drafting it finds no subject either, and says so in the entry
            }
        }
        return subjects;
    }

    /** A fresh actor "unknown". */
    public static AuditActor unknownActor() {
        return new AuditActor(UNKNOWN, null, null);
    }

    public AuditEntry draft(ChangeEvent change) {
        String table = change.getTable();
        String entityId = EntityId.of(change);
        Map<String, String> before = change.getBefore();
        Map<String, String> after = change.getAfter();
        Map<String, String> image = after != null ? after : before;
        Map<String, String> attributes = new HashMap<>();
        List<String> subjects = new ArrayList<>();
        Optional<String> subject = Optional.empty();
        String redaction = null;
        if (hasPersonalColumns(table)) {
            try {
                subject = subjectOf(table, change.getKey(), image);
            } catch (RuntimeException e) {
                subject = Optional.empty();
            }
            if (subject.isEmpty()) {
                redaction = SUBJECT_UNRESOLVED;
            } else {
                subjects.add(subject.get());
            }
        }

        Collection<String> columns = columnsOf(table, before, after);
        TreeSet<String> entrySubjects = new TreeSet<>(subjects);
        TreeSet<String> partlyRedacted = new TreeSet<>();
        String partlyWhy = MENTIONED_SUBJECT_ERASED;
        List<AuditFieldChange> changes = new ArrayList<>();
        try (SubjectCipher.Sealer sealer = cipher.sealer()) {
            for (String column : columns) {
                String b = before == null ? null : before.get(column);
                String a = after == null ? null : after.get(column);
                if (b == null && a == null && !inImage(before, column) && !inImage(after, column)) {
                    continue; // a catalog column neither image has
                }
                if (change.getOp() == Operation.UPDATE && Objects.equals(b, a)) {
                    continue;
                }
                boolean personal = isPersonal(table, column);
                boolean scanned = isScanned(table, column);
                if (!personal && !scanned) {
                    changes.add(new AuditFieldChange(column, false, b, a));
                    continue;
                }
                if (personal && (redaction != null || subject.isEmpty())) {
                    if (redaction == null) {
                        redaction = SUBJECT_UNRESOLVED;
                    }
                    changes.add(new AuditFieldChange(column, true, null, null));
                    continue;
                }
                List<String> own = personal ? List.of(subject.get()) : List.of();
                SortedSet<String> forBefore = subjectsOf(b, own, scanned);
                SortedSet<String> forAfter = subjectsOf(a, own, scanned);
                if (forBefore.isEmpty() && forAfter.isEmpty()) {
                    // a non-personal free-text column that names nobody
                    changes.add(new AuditFieldChange(column, false, b, a));
                    continue;
                }
                String aad = entityId + "#" + column;
                try {
                    Sealed sealedBefore = seal(sealer, b, forBefore, aad, subject);
                    Sealed sealedAfter = seal(sealer, a, forAfter, aad, subject);
                    if (sealedBefore.redacted() || sealedAfter.redacted()) {
                        partlyRedacted.add(column);
                        if (sealedBefore.tooMany() || sealedAfter.tooMany()) {
                            partlyWhy = TOO_MANY_SUBJECTS;
                        }
                    }
                    entrySubjects.addAll(sealedBefore.subjects());
                    entrySubjects.addAll(sealedAfter.subjects());
                    changes.add(
                            new AuditFieldChange(
                                    column, true, sealedBefore.envelope(), sealedAfter.envelope()));
                } catch (SubjectErasedException e) {
                    // the row's own subject is erased: every personal value is dropped below
                    redaction = SUBJECT_ERASED;
                    changes.add(new AuditFieldChange(column, true, null, null));
                }
            }
        }
        if (redaction != null) {
            for (AuditFieldChange c : changes) {
                if (c.getPersonal()) {
                    c.setBefore(null);
                    c.setAfter(null);
                }
            }
            attributes.put(REDACTED, redaction);
            entrySubjects = new TreeSet<>(subjects);
        } else if (!partlyRedacted.isEmpty()) {
            attributes.put(REDACTED, partlyWhy);
            attributes.put(REDACTED_COLUMNS, String.join(",", partlyRedacted));
        }
        subjects = new ArrayList<>(entrySubjects);
        var source = change.getSource();
        return AuditEntry.newBuilder()
                .setLogIndex(-1)
                .setKind("change")
                .setEntityId(entityId)
                .setTable(table)
                .setKey(new HashMap<>(change.getKey()))
                .setSeq(0)
                .setOp(change.getOp().name())
                .setChanges(changes)
                .setSubjectIds(subjects)
                .setActor(unknownActor())
                .setCommitTime(source.getCommitTime())
                .setCaptureTime(source.getCaptureTime())
                .setLsn(source.getLsn())
                .setTxId(source.getTxId())
                .setSourceTopic(source.getTopic())
                .setSourcePartition(source.getPartition())
                .setSourceOffset(source.getOffset())
                .setAttributes(attributes)
                .setPrevHash(NO_HASH.duplicate())
                .setHash(NO_HASH.duplicate())
                .build();
    }

    /** A value as stored: its envelope (null if SQL NULL or redacted) and its subjects. */
    private record Sealed(
            ByteBuffer envelope, List<String> subjects, boolean redacted, boolean tooMany) {
        Sealed(ByteBuffer envelope, List<String> subjects, boolean redacted) {
            this(envelope, subjects, redacted, false);
        }
    }

    /**
     * The subjects a value is encrypted for: the row's own subject (for a personal column) and, in
     * a free-text column, everyone it names; sorted, each once. Empty for SQL NULL.
     */
    private SortedSet<String> subjectsOf(String value, List<String> own, boolean scanned) {
        SortedSet<String> subjects = new TreeSet<>();
        if (value == null) {
            return subjects;
        }
        subjects.addAll(own);
        if (scanned) {
            subjects.addAll(mentions.in(value));
        }
        return subjects;
    }

    /**
     * Encrypts {@code value} for {@code subjects} (under the change's value key for them). If a
     * subject other than the row's own is erased the value is not stored (redacted); if the row's
     * own subject is erased, the exception goes to the caller, which drops all personal values of
     * the entry.
     */
    private static Sealed seal(
            SubjectCipher.Sealer sealer,
            String value,
            SortedSet<String> subjects,
            String aad,
            Optional<String> ownSubject) {
        if (value == null || subjects.isEmpty()) {
            return new Sealed(null, List.of(), false);
        }
        if (subjects.size() > SubjectCipher.MAX_SUBJECTS) {
            return new Sealed(null, List.of(), true, true);
        }
        try {
            byte[] envelope =
                    sealer.encrypt(
                            value.getBytes(StandardCharsets.UTF_8), List.copyOf(subjects), aad);
            return new Sealed(ByteBuffer.wrap(envelope), List.copyOf(subjects), false);
        } catch (SubjectErasedException e) {
            if (ownSubject.isPresent() && ownSubject.get().equals(e.subjectId())) {
                throw e;
            }
            return new Sealed(null, List.of(), true);
        }
    }

    private boolean hasPersonalColumns(String table) {
        return catalog.table(table)
                .map(t -> t.columns().values().stream().anyMatch(ColumnSpec::personal))
                .orElse(false);
    }

    private boolean isScanned(String table, String column) {
        return catalog.column(table, column).map(ColumnSpec::scan).orElse(false);
    }

    private boolean isPersonal(String table, String column) {
        // a column the catalog does not know is treated as personal: better encrypted than leaked
        return catalog.column(table, column).map(ColumnSpec::personal).orElse(true);
    }

    /**
     * The data subject of a row: the row itself ({@code contacts/42} -> {@code contact:42}), the
     * row it references ({@code tickets.contact_id}), or further along the catalog's path through
     * the database ({@code threads.ticket_id -> tickets.contact_id}).
     */
    Optional<String> subjectOf(String table, Map<String, String> key, Map<String, String> row) {
        SubjectPath path = catalog.subjectPath(table);
        switch (path.kind()) {
            case SELF:
                {
                    String id = key.size() == 1 ? key.values().iterator().next() : null;
                    return id == null ? Optional.empty() : Optional.of(path.subjectId(id));
                }
            case VIA:
                {
                    List<Reference> hops = path.hops();
                    String value = row == null ? null : row.get(hops.get(0).from().column());
                    for (int i = 1; i < hops.size() && value != null; i++) {
                        Reference hop = hops.get(i);
                        value =
                                lookup.value(
                                                hop.from().table(),
                                                hops.get(i - 1).to().column(),
                                                value,
                                                hop.from().column())
                                        .orElse(null);
                    }
                    return value == null ? Optional.empty() : Optional.of(path.subjectId(value));
                }
            default:
                return Optional.empty();
        }
    }
}
