package dev.lethe.jobs.purge;

import dev.lethe.retention.PurgeAction;
import dev.lethe.retention.RetentionPolicy;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the purge executor is asked to do to one record: for a retention deadline (rule, start,
 * deadline) or for an erasure request (request id). The id is derived from what the command is, so
 * the same deadline of the same record, or the same request for the same record, is always the same
 * command: a replay is recognised.
 *
 * @param commandId deterministic id (see above)
 * @param requestId the erasure request, or null for retention
 * @param table the helpdesk table
 * @param key primary-key columns and values (ids)
 * @param entityId {@code tickets/42}
 * @param action delete or anonymize
 * @param ruleId the retention rule, or null for erasure
 * @param start the value of the rule's {@code since} column the purge was scheduled for, or null
 * @param deadline when it became due, or null for erasure
 */
public record PurgeCommand(
        String commandId,
        String requestId,
        String table,
        Map<String, String> key,
        String entityId,
        PurgeAction action,
        String ruleId,
        Instant start,
        Instant deadline)
        implements Serializable {

    public PurgeCommand {
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(table, "table");
        key = Map.copyOf(key);
        Objects.requireNonNull(entityId, "entityId");
        Objects.requireNonNull(action, "action");
    }

    /** The command that carries out a retention deadline. */
    public static PurgeCommand retention(
            String table, Map<String, String> key, String entityId, RetentionPolicy.Due due) {
        String id =
                id(
                        "retention",
                        entityId,
                        due.rule().id(),
                        due.start().toString(),
                        due.deadline().toString());
        return new PurgeCommand(
                id,
                null,
                table,
                key,
                entityId,
                due.rule().action(),
                due.rule().id(),
                due.start(),
                due.deadline());
    }

    /** The command that erases one record for an erasure request. */
    public static PurgeCommand erasure(
            String requestId,
            String table,
            Map<String, String> key,
            String entityId,
            PurgeAction action) {
        return new PurgeCommand(
                id("erasure", requestId, entityId, action.wireName()),
                requestId,
                table,
                key,
                entityId,
                action,
                null,
                null,
                null);
    }

    /**
     * The row's id (the helpdesk's tables have a single {@code id} key).
     *
     * @throws IllegalArgumentException unless the key is the canonical decimal the entity id names
     *     ({@code "042"} would have the guard look at {@code tickets/042} while the statement
     *     touches row 42)
     */
    public long rowId() {
        String raw = key.get("id");
        long id;
        try {
            id = Long.parseLong(raw);
        } catch (NumberFormatException | NullPointerException e) {
            throw new IllegalArgumentException("table " + table + ": key id is not a row id");
        }
        if (!Long.toString(id).equals(raw) || !entityId.equals(table + "/" + raw)) {
            throw new IllegalArgumentException(
                    "table " + table + ": key id is not in canonical form or not the entity's");
        }
        return id;
    }

    /** A stable sorted copy of the key, for receipts. */
    public Map<String, String> sortedKey() {
        return new TreeMap<>(key);
    }

    static String id(String... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String p : parts) {
                sha.update(p.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
