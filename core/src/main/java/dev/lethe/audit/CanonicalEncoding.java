package dev.lethe.audit;

import dev.lethe.events.AuditActor;
import dev.lethe.events.AuditCheckpoint;
import dev.lethe.events.AuditEntry;
import dev.lethe.events.AuditFieldChange;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The deterministic byte encodings that audit hashes and checkpoint signatures are computed over,
 * specified byte by byte in docs/audit-format.md ("Canonical encoding"). Version 1:
 *
 * <ul>
 *   <li>integers are big-endian two's complement ({@code u8}, {@code u32}, {@code i64});
 *   <li>{@code str}: u32 byte length, then UTF-8; {@code bytes}: u32 length, then the bytes;
 *   <li>{@code opt<T>}: u8 0 (absent) or u8 1 followed by T;
 *   <li>{@code map}: u32 count, then (str key, str value) sorted by the keys' UTF-8 bytes;
 *   <li>{@code list<T>}: u32 count, then the items in stored order;
 *   <li>a value: u8 0 (null), u8 1 + str (plain text), u8 2 + bytes (encrypted envelope).
 * </ul>
 *
 * An entry is encoded with every field except {@code hash}, in schema order, after the domain
 * string {@value #ENTRY_DOMAIN}; a checkpoint with every field except {@code publicKey} and {@code
 * signature}, after {@value #CHECKPOINT_DOMAIN}.
 */
public final class CanonicalEncoding {

    /** The encoding version this class writes and the only one it reads. */
    public static final int VERSION = 1;

    public static final String ENTRY_DOMAIN = "lethe.audit.entry";
    public static final String CHECKPOINT_DOMAIN = "lethe.audit.checkpoint";

    static final int VALUE_NULL = 0;
    static final int VALUE_TEXT = 1;
    static final int VALUE_ENCRYPTED = 2;

    private CanonicalEncoding() {}

    /** The canonical encoding of an entry (all fields but {@code hash}). */
    public static byte[] encode(AuditEntry entry) {
        CanonicalWriter out = new CanonicalWriter();
        encodeTo(entry, out);
        return out.toByteArray();
    }

    /** The canonical encoding of a checkpoint: what is signed and hashed. */
    public static byte[] encode(AuditCheckpoint checkpoint) {
        CanonicalWriter out = new CanonicalWriter(128);
        encodeTo(checkpoint, out);
        return out.toByteArray();
    }

    /**
     * @throws UnsupportedEncodingVersionException if the entry declares another encoding version
     * @throws IllegalArgumentException if a required field is missing (names the field only)
     */
    static void encodeTo(AuditEntry entry, CanonicalWriter out) {
        requireVersion(entry.getEncoding(), "entry");
        out.reset();
        out.str(ENTRY_DOMAIN);
        out.i32(entry.getEncoding());
        out.i64(entry.getLogIndex());
        out.str(required(entry.getKind(), "kind"));
        out.str(required(entry.getEntityId(), "entityId"));
        out.str(required(entry.getTable(), "table"));
        map(out, required(entry.getKey(), "key"));
        out.i64(entry.getSeq());
        out.str(required(entry.getOp(), "op"));
        List<AuditFieldChange> changes = required(entry.getChanges(), "changes");
        out.i32(changes.size());
        for (AuditFieldChange change : changes) {
            out.str(required(change.getColumn(), "changes.column"));
            out.bool(change.getPersonal());
            value(out, change.getBefore());
            value(out, change.getAfter());
        }
        List<String> subjects = required(entry.getSubjectIds(), "subjectIds");
        out.i32(subjects.size());
        for (String subject : subjects) {
            out.str(required(subject, "subjectIds[]"));
        }
        AuditActor actor = required(entry.getActor(), "actor");
        out.str(required(actor.getType(), "actor.type"));
        optStr(out, actor.getId());
        optStr(out, actor.getReason());
        out.i64(millis(entry.getCommitTime(), "commitTime"));
        out.i64(millis(entry.getCaptureTime(), "captureTime"));
        optI64(out, entry.getLsn());
        optI64(out, entry.getTxId());
        optStr(out, entry.getSourceTopic());
        if (entry.getSourcePartition() == null) {
            out.u8(0);
        } else {
            out.u8(1);
            out.i32(entry.getSourcePartition());
        }
        optI64(out, entry.getSourceOffset());
        map(out, required(entry.getAttributes(), "attributes"));
        out.bytes(required(entry.getPrevHash(), "prevHash"));
    }

    static void encodeTo(AuditCheckpoint checkpoint, CanonicalWriter out) {
        requireVersion(checkpoint.getEncoding(), "checkpoint");
        out.reset();
        out.str(CHECKPOINT_DOMAIN);
        out.i32(checkpoint.getEncoding());
        out.i64(checkpoint.getCheckpointSeq());
        out.i64(checkpoint.getTreeSize());
        out.bytes(required(checkpoint.getMerkleRoot(), "merkleRoot"));
        out.bytes(required(checkpoint.getPrevCheckpointHash(), "prevCheckpointHash"));
        out.i64(millis(checkpoint.getCreatedAt(), "createdAt"));
        out.str(required(checkpoint.getSigningKeyId(), "signingKeyId"));
    }

    private static void requireVersion(int version, String what) {
        if (version != VERSION) {
            throw new UnsupportedEncodingVersionException(what, version);
        }
    }

    private static void value(CanonicalWriter out, Object value) {
        if (value == null) {
            out.u8(VALUE_NULL);
        } else if (value instanceof ByteBuffer) {
            out.u8(VALUE_ENCRYPTED);
            out.bytes((ByteBuffer) value);
        } else if (value instanceof byte[]) {
            out.u8(VALUE_ENCRYPTED);
            out.bytes((byte[]) value);
        } else if (value instanceof CharSequence) {
            out.u8(VALUE_TEXT);
            out.str((CharSequence) value);
        } else {
            throw new IllegalArgumentException(
                    "a change value must be null, text or bytes, not "
                            + value.getClass().getName());
        }
    }

    private static void optStr(CanonicalWriter out, CharSequence text) {
        if (text == null) {
            out.u8(0);
        } else {
            out.u8(1);
            out.str(text);
        }
    }

    private static void optI64(CanonicalWriter out, Long value) {
        if (value == null) {
            out.u8(0);
        } else {
            out.u8(1);
            out.i64(value);
        }
    }

    private static void map(
            CanonicalWriter out, Map<? extends CharSequence, ? extends CharSequence> map) {
        out.i32(map.size());
        if (map.isEmpty()) {
            return;
        }
        if (map.size() == 1) {
            Map.Entry<? extends CharSequence, ? extends CharSequence> only =
                    map.entrySet().iterator().next();
            out.str(required(only.getKey(), "map key"));
            out.str(required(only.getValue(), "map value"));
            return;
        }
        @SuppressWarnings("unchecked")
        Map.Entry<? extends CharSequence, ? extends CharSequence>[] sorted =
                map.entrySet().toArray(new Map.Entry[0]);
        Arrays.sort(sorted, (a, b) -> compareCodePoints(a.getKey(), b.getKey()));
        for (Map.Entry<? extends CharSequence, ? extends CharSequence> e : sorted) {
            out.str(required(e.getKey(), "map key"));
            out.str(required(e.getValue(), "map value"));
        }
    }

    /** Unicode code point order, which is the order of the UTF-8 encodings as unsigned bytes. */
    static int compareCodePoints(CharSequence a, CharSequence b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = Character.codePointAt(a, i);
            int cb = Character.codePointAt(b, j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }

    private static long millis(Instant time, String field) {
        return required(time, field).toEpochMilli();
    }

    private static <T> T required(T value, String field) {
        if (value == null) {
            throw new IllegalArgumentException("audit record field " + field + " is missing");
        }
        return value;
    }
}
