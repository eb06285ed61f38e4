package dev.lethe.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Objects;

/**
 * Who makes a change in the helpdesk, and why. Every writer starts its transaction with {@link
 * #emit(Connection)}: a transactional logical-decoding message with prefix {@value #MESSAGE_PREFIX}
 * that Debezium forwards, with the transaction's id, to {@code <topic.prefix>.message}. A
 * transaction that names no actor gets one from the helpdesk's actor trigger (migration V5: type
 * {@value #DATABASE}, the login role, application name and client address), or the one an
 * application set with {@code SET LOCAL lethe.actor = '<type>:<id>'}.
 *
 * <p>{@code reason} is free text that ends up in the audit log: it must never carry personal data
 * (name the operation, never the values).
 *
 * @param type one of {@link #AGENT}, {@link #CUSTOMER}, {@link #SYSTEM}, {@link #LETHE_PURGE}
 * @param id the actor's identifier within its type (agent id, contact id, component name, purge
 *     request id)
 * @param reason why the change is made
 */
public record Actor(String type, String id, String reason) {

    /** A helpdesk agent acting in the helpdesk UI; id = agents.id. */
    public static final String AGENT = "agent";

    /** A customer acting through the portal or by email; id = contacts.id. */
    public static final String CUSTOMER = "customer";

    /** An automated helpdesk component (seeding, imports, automations); id = component name. */
    public static final String SYSTEM = "system";

    /**
     * A transaction that named no actor, as the database knows its author (the helpdesk's actor
     * trigger); id = the login role, reason = {@code application=..; role=..; client=..}.
     */
    public static final String DATABASE = "database";

    /** Lethe's own retention/erasure purge; id = the purge request id. */
    public static final String LETHE_PURGE = "lethe-purge";

    /** Prefix of the logical-decoding message carrying the actor. */
    public static final String MESSAGE_PREFIX = "lethe.actor";

    private static final ObjectMapper JSON = new ObjectMapper();

    public Actor {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(reason, "reason");
        if (type.isBlank()) {
            throw new IllegalArgumentException("actor type must not be blank");
        }
    }

    public static Actor agent(long agentId, String reason) {
        return new Actor(AGENT, Long.toString(agentId), reason);
    }

    public static Actor customer(long contactId, String reason) {
        return new Actor(CUSTOMER, Long.toString(contactId), reason);
    }

    public static Actor system(String component, String reason) {
        return new Actor(SYSTEM, component, reason);
    }

    public static Actor lethePurge(String purgeRequestId, String reason) {
        return new Actor(LETHE_PURGE, purgeRequestId, reason);
    }

    /** The message payload: {@code {"type":..,"id":..,"reason":..}}. */
    public String toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("type", type);
        node.put("id", id);
        node.put("reason", reason);
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise actor", e);
        }
    }

    /** Parses a payload written by {@link #toJson()}. */
    public static Actor fromJson(String json) {
        try {
            var node = JSON.readTree(json);
            return new Actor(
                    node.path("type").asText(null),
                    node.path("id").asText(null),
                    node.path("reason").asText(null));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not an actor message payload", e);
        }
    }

    /**
     * Records this actor as the author of the current transaction. Call it first in the
     * transaction; {@code connection} must not be in auto-commit mode (the message would then be a
     * transaction of its own and describe nothing).
     */
    public void emit(Connection connection) throws SQLException {
        if (connection.getAutoCommit()) {
            throw new IllegalStateException(
                    "the actor message must be part of the transaction it describes:"
                            + " disable auto-commit first");
        }
        // the flag tells the helpdesk's actor trigger (migration V5) that this transaction has
        // named its actor, so it emits no 'database' actor of its own
        try (PreparedStatement statement =
                connection.prepareStatement(
                        "SELECT pg_logical_emit_message(true, ?, ?),"
                                + " set_config('lethe.actor_emitted', 'on', true)")) {
            statement.setString(1, MESSAGE_PREFIX);
            statement.setString(2, toJson());
            statement.execute();
        }
    }
}
