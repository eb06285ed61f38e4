package dev.lethe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.audit.EntryHasher;
import dev.lethe.crypto.Decrypted;
import dev.lethe.crypto.InvalidEnvelopeException;
import dev.lethe.crypto.SubjectCipher;
import dev.lethe.events.AuditEntry;
import dev.lethe.events.AuditFieldChange;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.TreeMap;

/**
 * How {@code ./lethe audit log} shows an entry: one header line (log index, commit time, op,
 * entity, seq, actor), then one line per changed column with its value before and after. Personal
 * values are decrypted with the subject key store when their subjects' keys exist; a value whose
 * key was destroyed shows as {@code [erased]}, one that cannot be read here (no key store) as
 * {@code [encrypted]}. An entry whose content does not match its stored hash is marked {@code [HASH
 * MISMATCH]} (run {@code audit verify} for the full check).
 */
final class AuditEntryText {

    static final String ERASED = "[erased]";
    static final String ENCRYPTED = "[encrypted]";
    static final String UNREADABLE = "[unreadable]";

    /** Reads encrypted personal values. */
    interface PersonalValues {
        /**
         * @param aad the context the value was encrypted with: {@code <entityId>#<column>}
         */
        Value read(byte[] envelope, String aad);

        /** No key store: every personal value stays encrypted. */
        PersonalValues NONE = (envelope, aad) -> new Value(null, ENCRYPTED);

        /**
         * Decrypts, then shows each value only as {@code masked:<category>:<fingerprint>}: the
         * column's category in the catalog and the first 64 bits of HMAC-SHA256 of the value under
         * {@code fingerprintKey} (equal values, equal fingerprints; no value recoverable without
         * the key). An erased subject's values stay erased.
         */
        static PersonalValues masked(
                SubjectCipher cipher,
                byte[] fingerprintKey,
                dev.lethe.catalog.PersonalDataCatalog catalog) {
            return (envelope, aad) -> {
                try {
                    Decrypted d = cipher.decrypt(envelope, aad);
                    if (!(d instanceof Decrypted.Plaintext p)) {
                        return new Value(null, ERASED);
                    }
                    return new Value(
                            null,
                            "[masked:"
                                    + category(catalog, aad)
                                    + ":"
                                    + fingerprint(fingerprintKey, p.text())
                                    + "]");
                } catch (InvalidEnvelopeException e) {
                    return new Value(null, UNREADABLE);
                }
            };
        }

        private static String category(dev.lethe.catalog.PersonalDataCatalog catalog, String aad) {
            int slash = aad.indexOf('/');
            int hash = aad.lastIndexOf('#');
            if (slash < 0 || hash < slash) {
                return "personal";
            }
            return catalog.column(aad.substring(0, slash), aad.substring(hash + 1))
                    .map(c -> c.category().name().toLowerCase(java.util.Locale.ROOT))
                    .orElse("unclassified");
        }

        private static String fingerprint(byte[] key, String text) {
            try {
                javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
                mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
                return HEX.formatHex(
                        mac.doFinal(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)), 0, 8);
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is missing", e);
            }
        }

        /** Decrypts with a cipher over the subject key store. */
        static PersonalValues of(SubjectCipher cipher) {
            return (envelope, aad) -> {
                try {
                    Decrypted d = cipher.decrypt(envelope, aad);
                    if (d instanceof Decrypted.Plaintext p) {
                        return new Value(p.text(), null);
                    }
                    return new Value(null, ERASED);
                } catch (InvalidEnvelopeException e) {
                    return new Value(null, UNREADABLE);
                }
            };
        }
    }

    /**
     * A value as shown: its text, or why there is none.
     *
     * @param text the plain value (null: SQL NULL, or see state)
     * @param state null when {@code text} is the value; else {@link #ERASED}, {@link #ENCRYPTED} or
     *     {@link #UNREADABLE}
     */
    record Value(String text, String state) {
        static final Value NULL = new Value(null, null);

        String shown() {
            return state != null ? state : text == null ? "NULL" : quote(text);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    private final PersonalValues personal;
    private final EntryHasher hasher = new EntryHasher();

    AuditEntryText(PersonalValues personal) {
        this.personal = personal;
    }

    /** The readable form, ending with a newline: {@link #text(JsonNode)} of {@link #json}. */
    String text(AuditEntry e) {
        return text(json(e));
    }

    /**
     * An entry in its JSON ({@link #json}, read here or from the server's {@code
     * /api/v1/audit/entries}) as people read it: one header line (log index, commit time, op,
     * entity, seq, actor), the subjects, then one line per changed column with its value before and
     * after, then the attributes. Both paths print it so.
     */
    static String text(JsonNode n) {
        StringBuilder s = new StringBuilder();
        s.append('#')
                .append(n.path("logIndex").asLong())
                .append("  ")
                .append(n.path("commitTime").asText())
                .append("  ")
                .append(n.path("op").asText())
                .append(' ')
                .append(n.path("entityId").asText())
                .append(" seq ")
                .append(n.path("seq").asLong());
        String kind = n.path("kind").asText();
        if (!"change".equals(kind)) {
            s.append(" (").append(kind).append(')');
        }
        JsonNode actor = n.path("actor");
        s.append("  by ")
                .append(actor.path("type").asText())
                .append(actor.hasNonNull("id") ? ":" + actor.path("id").asText() : "");
        if (actor.hasNonNull("reason")) {
            s.append(" \"").append(actor.path("reason").asText()).append('"');
        }
        if (!n.path("hashMatchesContent").asBoolean()) {
            s.append("  [HASH MISMATCH]");
        }
        s.append('\n');
        if (!n.path("subjectIds").isEmpty()) {
            java.util.List<String> subjects = new java.util.ArrayList<>();
            n.path("subjectIds").forEach(x -> subjects.add(x.asText()));
            s.append("    subjects: ").append(String.join(", ", subjects)).append('\n');
        }
        int width = 0;
        for (JsonNode c : n.path("changes")) {
            width = Math.max(width, c.path("column").asText().length());
        }
        String op = n.path("op").asText();
        for (JsonNode c : n.path("changes")) {
            String before = shown(c, "before");
            String after = shown(c, "after");
            s.append("    ").append(pad(c.path("column").asText(), width)).append("  ");
            if ("INSERT".equals(op) || "SNAPSHOT".equals(op)) {
                s.append(after);
            } else if ("DELETE".equals(op)) {
                s.append(before).append(" -> (deleted)");
            } else {
                s.append(before).append(" -> ").append(after);
            }
            s.append('\n');
        }
        n.path("attributes")
                .fields()
                .forEachRemaining(
                        a ->
                                s.append("    @")
                                        .append(a.getKey())
                                        .append(" = ")
                                        .append(a.getValue().asText())
                                        .append('\n'));
        return s.toString();
    }

    /** A value as {@link Value#shown} shows it, from the JSON {@link #put} wrote. */
    private static String shown(JsonNode change, String field) {
        if (change.hasNonNull(field + "State")) {
            return "[" + change.path(field + "State").asText() + "]";
        }
        JsonNode v = change.path(field);
        return v.isNull() || v.isMissingNode() ? "NULL" : quote(v.asText());
    }

    /** The JSON form: every field, hashes in hex, personal values decrypted where possible. */
    ObjectNode json(AuditEntry e) {
        ObjectNode n = JSON.createObjectNode();
        n.put("logIndex", e.getLogIndex());
        n.put("kind", e.getKind());
        n.put("entityId", e.getEntityId());
        n.put("table", e.getTable());
        ObjectNode key = n.putObject("key");
        new TreeMap<>(e.getKey()).forEach(key::put);
        n.put("seq", e.getSeq());
        n.put("op", e.getOp());
        ArrayNode changes = n.putArray("changes");
        for (AuditFieldChange c : e.getChanges()) {
            ObjectNode cn = changes.addObject();
            cn.put("column", c.getColumn());
            cn.put("personal", c.getPersonal());
            put(cn, "before", value(e, c, c.getBefore()));
            put(cn, "after", value(e, c, c.getAfter()));
        }
        ArrayNode subjects = n.putArray("subjectIds");
        e.getSubjectIds().forEach(subjects::add);
        ObjectNode actor = n.putObject("actor");
        actor.put("type", e.getActor().getType());
        actor.put("id", e.getActor().getId());
        actor.put("reason", e.getActor().getReason());
        n.put("commitTime", e.getCommitTime().toString());
        n.put("captureTime", e.getCaptureTime().toString());
        if (e.getLsn() != null) {
            n.put("lsn", e.getLsn());
        }
        if (e.getTxId() != null) {
            n.put("txId", e.getTxId());
        }
        ObjectNode attributes = n.putObject("attributes");
        new TreeMap<>(e.getAttributes()).forEach(attributes::put);
        n.put("prevHash", hex(e.getPrevHash()));
        n.put("hash", hex(e.getHash()));
        n.put("hashMatchesContent", hashMatches(e));
        return n;
    }

    private static void put(ObjectNode n, String field, Value v) {
        if (v.state() == null) {
            n.put(field, v.text());
        } else {
            n.putNull(field);
            n.put(field + "State", v.state().substring(1, v.state().length() - 1));
        }
    }

    private Value value(AuditEntry e, AuditFieldChange c, Object stored) {
        if (stored == null) {
            return Value.NULL;
        }
        if (stored instanceof ByteBuffer b) {
            return personal.read(bytes(b), e.getEntityId() + "#" + c.getColumn());
        }
        return new Value(stored.toString(), null);
    }

    private boolean hashMatches(AuditEntry e) {
        try {
            return Arrays.equals(hasher.hash(e), bytes(e.getHash()));
        } catch (RuntimeException malformed) {
            return false;
        }
    }

    static String actor(AuditEntry e) {
        return e.getActor().getId() == null
                ? e.getActor().getType()
                : e.getActor().getType() + ":" + e.getActor().getId();
    }

    private static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    static String hex(ByteBuffer b) {
        return b == null ? null : HEX.formatHex(bytes(b));
    }

    static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
