package dev.lethe.jobs.retention;

import dev.lethe.jobs.purge.PurgeCommand;
import dev.lethe.retention.RetentionPolicy;
import dev.lethe.retention.RetentionRule;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * What {@link TrackRetention} keeps per record for its pending purge: the rule, the {@code since}
 * value the purge was scheduled for, the deadline and the time of the record's timer; nothing else.
 * Table and key are the record's key in the operator ({@code tickets/42}), action and anonymized
 * columns come from the policy: {@link #command(String, RetentionPolicy)} rebuilds the whole {@link
 * PurgeCommand} when the timer fires.
 *
 * <p>A Flink POJO ({@link #TYPE} is a {@code PojoTypeInfo}, not Kryo): compact in checkpoints (≈60
 * bytes) and its fields can evolve (Flink's POJO schema evolution). Instants are kept as seconds +
 * nanoseconds, exactly: the command id and the purge guard compare them to the row's {@code
 * deleted_at} to the microsecond.
 */
public final class PendingPurge {

    /** The state type: Flink's POJO serializer. */
    public static final TypeInformation<PendingPurge> TYPE = TypeInformation.of(PendingPurge.class);

    /** The key column of a single-column key when it is not {@code id}; null for {@code id}. */
    public String keyColumn;

    public String ruleId;
    public long startSeconds;
    public int startNanos;
    public long deadlineSeconds;
    public int deadlineNanos;

    /** When the record's processing-time timer fires: the deadline, or a retry after it. */
    public long timer;

    /**
     * The LSN of the latest change of the record read while this purge was pending: a change with a
     * lower one (a replayed dead letter, committed before what was read since) is out of date and
     * changes nothing. Null in a state kept by an earlier version, and for a change without an LSN.
     */
    public Long lsn;

    /** For Flink's POJO serializer. */
    public PendingPurge() {}

    /** The pending purge of {@code command} (a retention command), its timer not yet set. */
    static PendingPurge of(PurgeCommand command) {
        Objects.requireNonNull(command.ruleId(), "ruleId");
        PendingPurge p = new PendingPurge();
        p.ruleId = command.ruleId();
        p.startSeconds = command.start().getEpochSecond();
        p.startNanos = command.start().getNano();
        p.deadlineSeconds = command.deadline().getEpochSecond();
        p.deadlineNanos = command.deadline().getNano();
        p.keyColumn = keyColumnOf(command.key());
        return p;
    }

    Instant start() {
        return Instant.ofEpochSecond(startSeconds, startNanos);
    }

    Instant deadline() {
        return Instant.ofEpochSecond(deadlineSeconds, deadlineNanos);
    }

    /** Whether a change at {@code changeLsn} was committed before the latest one read here. */
    boolean newerThan(Long changeLsn) {
        return lsn != null && changeLsn != null && changeLsn < lsn;
    }

    /** Whether this is the purge {@code command} asks for (same rule, start and deadline). */
    boolean sameAs(PurgeCommand command) {
        return ruleId.equals(command.ruleId())
                && start().equals(command.start())
                && deadline().equals(command.deadline());
    }

    /**
     * The command to carry out for the record {@code entityId}, rebuilt from the policy; empty if
     * the policy no longer has the rule (a policy changed across a restart).
     */
    Optional<PurgeCommand> command(String entityId, RetentionPolicy policy) {
        Optional<RetentionRule> rule = policy.rule(ruleId);
        if (rule.isEmpty()) {
            return Optional.empty();
        }
        int slash = entityId.indexOf('/');
        String table = entityId.substring(0, slash);
        return Optional.of(
                PurgeCommand.retention(
                        table,
                        keyOf(entityId.substring(slash + 1), keyColumn),
                        entityId,
                        new RetentionPolicy.Due(rule.get(), start(), deadline())));
    }

    /**
     * The column name to keep for a key: null when the entity id alone gives the key back (a single
     * {@code id} column, or several columns, whose names the id spells out).
     */
    static String keyColumnOf(Map<String, String> key) {
        if (key.size() != 1) {
            return null;
        }
        String column = key.keySet().iterator().next();
        return column.equals("id") ? null : column;
    }

    /**
     * The key back from the part of a {@link dev.lethe.normalize.EntityId} after the table: a
     * single value (column {@code singleColumn}, {@code id} if null) or {@code c=v,c=v} with {@code
     * %}, {@code ,} and {@code =} percent-encoded.
     */
    static Map<String, String> keyOf(String encoded, String singleColumn) {
        if (encoded.indexOf('=') < 0) {
            return Map.of(singleColumn == null ? "id" : singleColumn, decode(encoded));
        }
        Map<String, String> key = new LinkedHashMap<>();
        for (String pair : encoded.split(",", -1)) {
            int eq = pair.indexOf('=');
            key.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
        }
        return key;
    }

    private static String decode(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < text.length()) {
                out.append((char) Integer.parseInt(text.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
