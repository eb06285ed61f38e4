package dev.lethe.jobs.audit;

import dev.lethe.catalog.ColumnSpec;
import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.catalog.Reference;
import dev.lethe.catalog.SubjectPath;
import dev.lethe.crypto.SubjectCipher;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
 * <p>Not thread-safe (the lookup's cache); one per operator instance.
 */
public final class AuditDrafts {

    /** The actor of a change whose transaction named none. */
    public static final String UNKNOWN = "unknown";

    static final String REDACTED = "redacted";
    static final String SUBJECT_UNRESOLVED = "subject-unresolved";
    static final String SUBJECT_ERASED = "subject-erased";

    private static final ByteBuffer NO_HASH = ByteBuffer.allocate(0);

    private final PersonalDataCatalog catalog;
    private final SubjectCipher cipher;
    private final SubjectLookup lookup;

    public AuditDrafts(PersonalDataCatalog catalog, SubjectCipher cipher, SubjectLookup lookup) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.cipher = Objects.requireNonNull(cipher, "cipher");
        this.lookup = Objects.requireNonNull(lookup, "lookup");
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

        TreeSet<String> columns = new TreeSet<>();
        if (before != null) {
            columns.addAll(before.keySet());
        }
        if (after != null) {
            columns.addAll(after.keySet());
        }
        List<AuditFieldChange> changes = new ArrayList<>();
        for (String column : columns) {
            String b = before == null ? null : before.get(column);
            String a = after == null ? null : after.get(column);
            if (change.getOp() == Operation.UPDATE && Objects.equals(b, a)) {
                continue;
            }
            boolean personal = isPersonal(table, column);
            if (!personal) {
                changes.add(new AuditFieldChange(column, false, b, a));
                continue;
            }
            if (redaction == null) {
                try {
                    String aad = entityId + "#" + column;
                    changes.add(
                            new AuditFieldChange(
                                    column,
                                    true,
                                    encrypt(b, subject.get(), aad),
                                    encrypt(a, subject.get(), aad)));
                    continue;
                } catch (SubjectErasedException e) {
                    redaction = SUBJECT_ERASED;
                    // values of earlier personal columns are dropped below as well
                }
            }
            changes.add(new AuditFieldChange(column, true, null, null));
        }
        if (redaction != null) {
            for (AuditFieldChange c : changes) {
                if (c.getPersonal()) {
                    c.setBefore(null);
                    c.setAfter(null);
                }
            }
            attributes.put(REDACTED, redaction);
        }
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

    private ByteBuffer encrypt(String value, String subject, String aad) {
        if (value == null) {
            return null;
        }
        return ByteBuffer.wrap(
                cipher.encrypt(value.getBytes(StandardCharsets.UTF_8), List.of(subject), aad));
    }

    private boolean hasPersonalColumns(String table) {
        return catalog.table(table).isPresent() && !catalog.personalColumns(table).isEmpty();
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
