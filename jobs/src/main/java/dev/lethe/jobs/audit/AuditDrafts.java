package dev.lethe.jobs.audit;

import dev.lethe.catalog.ColumnSpec;
import dev.lethe.catalog.PersonalDataCatalog;
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
 * subject (given: {@link ResolveRowSubjects} found it in the changelog by the catalog's subject
 * path) with the context {@code <entityId>#<column>}. When no subject can be found (the referenced
 * row is gone) or the subject was erased, the personal values are not stored at all: they become
 * null and the entry's attribute {@code redacted} says why ({@code subject-unresolved}, {@code
 * subject-erased}). Plaintext personal values leave this class only inside envelopes.
 *
 * <p>Values of free-text columns ({@code scan} in the catalog) can be about several people: a
 * ticket that names another customer's email or phone. Such a value is encrypted for the row's own
 * subject and everyone it names by email, phone or handle as of the change's LSN ({@link
 * MentionedSubjects}, resolved through {@link SubjectIdentifiers}), sorted, each once, so erasing
 * <em>any one</em> of them makes it unreadable while each person's other values stay readable until
 * they are erased themselves. The entry's {@code subjectIds} are the row's subject and everyone a
 * stored value was encrypted for. A free-text column the catalog does not mark personal ({@code
 * accounts.name}) stays plain unless it names someone; then it is stored encrypted for them (and
 * marked personal). If a named subject (not the row's own) was erased, only the values naming them
 * are left out: attribute {@code redacted} is {@code mentioned-subject-erased} and {@code
 * redactedColumns} lists the columns (names only). Nothing here reads the helpdesk.
 *
 * <p>Not thread-safe (the scan cache); one per operator instance.
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
    private final RowSubjectPaths paths;
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
    AuditDrafts(
            PersonalDataCatalog catalog, SubjectCipher cipher, MentionedSubjects.Holders holders) {
        this(catalog, cipher, holders, PhoneDetector.DEFAULT_REGIONS);
    }

    /**
     * @param phoneRegions regions to read phone numbers written without country code in, preferred
     *     first (as the discovery job's)
     */
    AuditDrafts(
            PersonalDataCatalog catalog,
            SubjectCipher cipher,
            MentionedSubjects.Holders holders,
            List<String> phoneRegions) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.cipher = Objects.requireNonNull(cipher, "cipher");
        this.paths = RowSubjectPaths.of(catalog);
        this.mentions = new MentionedSubjects(holders, phoneRegions);
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
     * The data subjects of these rows themselves (without the people their free text names), each
     * once: whose keys drafting them will need. Rows without a subject are left out.
     */
    public Set<String> rowSubjects(Collection<SubjectedChange> changes) {
        Set<String> subjects = new TreeSet<>();
        for (SubjectedChange c : changes) {
            if (c.rowSubject != null && hasPersonalColumns(c.change.getTable())) {
                subjects.add(c.rowSubject);
            }
        }
        return subjects;
    }

    /**
     * Whether a free-text column of the change holds an email address, phone number or handle: then
     * who it names depends on the identifiers known at its LSN, and {@link ProtectPersonalData}
     * waits for event time before drafting it.
     */
    public boolean namesAnIdentifier(ChangeEvent change) {
        Map<String, String> before = imageOrEmpty(change.getBefore());
        Map<String, String> after = imageOrEmpty(change.getAfter());
        boolean update = change.getOp() == Operation.UPDATE;
        for (Map<String, String> image : List.of(before, after)) {
            for (Map.Entry<String, String> e : image.entrySet()) {
                String column = e.getKey();
                if (e.getValue() == null
                        || !isScanned(change.getTable(), column)
                        || (update && Objects.equals(before.get(column), after.get(column)))) {
                    continue; // not free text, or not part of the entry
                }
                if (mentions.namesAnIdentifier(e.getValue())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Map<String, String> imageOrEmpty(Map<String, String> image) {
        return image == null ? Map.of() : image;
    }

    /** A fresh actor "unknown". */
    public static AuditActor unknownActor() {
        return new AuditActor(UNKNOWN, null, null);
    }

    /** The draft of a change with the subject {@link ResolveRowSubjects} found for its row. */
    public AuditEntry draft(SubjectedChange change) {
        return draft(change.change, change.subject());
    }

    /**
     * The draft of a change of a row that names its subject itself (self or one hop); a row of a
     * two-hop table gets no subject this way.
     */
    AuditEntry draft(ChangeEvent change) {
        return draft(change, paths.subjectOfRow(change));
    }

    /**
     * The draft of {@code change}, its personal values encrypted for {@code rowSubject} (empty: the
     * row has none, or none was found) and whoever its free text names as of its LSN.
     */
    AuditEntry draft(ChangeEvent change, Optional<String> rowSubject) {
        String table = change.getTable();
        long lsn = change.getSource().getLsn();
        String entityId = EntityId.of(change);
        Map<String, String> before = change.getBefore();
        Map<String, String> after = change.getAfter();
        Map<String, String> attributes = new HashMap<>();
        List<String> subjects = new ArrayList<>();
        Optional<String> subject = Optional.empty();
        String redaction = null;
        if (hasPersonalColumns(table)) {
            subject = rowSubject;
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
                SortedSet<String> forBefore = subjectsOf(b, own, scanned, lsn);
                SortedSet<String> forAfter = subjectsOf(a, own, scanned, lsn);
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
    private SortedSet<String> subjectsOf(
            String value, List<String> own, boolean scanned, long lsn) {
        SortedSet<String> subjects = new TreeSet<>();
        if (value == null) {
            return subjects;
        }
        subjects.addAll(own);
        if (scanned) {
            subjects.addAll(mentions.in(value, lsn));
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
}
