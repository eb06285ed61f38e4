package dev.lethe.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One look at personal data through the server, as the audit job chains it into the log (type
 * {@value #TYPE} on {@code lethe.audit.requests}): who (user and role), why (the purpose or case
 * reference), what (the action and the subject ids touched, the number of results), when. Never the
 * search term, never a value.
 *
 * <p>{@code role} is the role the server's sign-in gave ({@code dpo}, {@code auditor}, {@code
 * admin}), or {@value #BREAK_GLASS} for a direct read of the stores by someone holding the stack's
 * secrets ({@code ./lethe … --break-glass REASON}): recorded the same way, on the same topic.
 */
public record AccessRecord(
        String id,
        String user,
        String role,
        String issuer,
        String purpose,
        String action,
        List<String> subjectIds,
        int results,
        String queryKind,
        Instant at) {

    public static final String TYPE = "access";

    /** The role of a break-glass access: a direct read with the stack's secrets. */
    public static final String BREAK_GLASS = "break-glass";

    /** The issuer of a break-glass access: nobody signed in, the stack's secrets were used. */
    public static final String LOCAL_SECRETS = "local-secrets";

    private static final ObjectMapper JSON = new ObjectMapper();

    public static AccessRecord of(
            Principal who,
            String purpose,
            String action,
            List<String> subjectIds,
            int results,
            String queryKind,
            Instant at) {
        return new AccessRecord(
                UUID.randomUUID().toString(),
                who.name(),
                who.role().id(),
                who.issuer(),
                purpose,
                action,
                List.copyOf(subjectIds),
                results,
                queryKind,
                at);
    }

    /**
     * A direct read of the stores, past the server, by someone holding the stack's secrets (the
     * operating system's {@code user}), for {@code reason}.
     */
    public static AccessRecord breakGlass(
            String user,
            String reason,
            String action,
            List<String> subjectIds,
            int results,
            String queryKind,
            Instant at) {
        return new AccessRecord(
                UUID.randomUUID().toString(),
                user,
                BREAK_GLASS,
                LOCAL_SECRETS,
                reason,
                action,
                List.copyOf(subjectIds),
                results,
                queryKind,
                at);
    }

    /** The record as JSON, the form the audit job reads. */
    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(toNode());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write an access record", e);
        }
    }

    public ObjectNode toNode() {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", TYPE);
        n.put("accessId", id);
        n.put("user", user);
        n.put("role", role);
        n.put("issuer", issuer);
        n.put("purpose", purpose);
        n.put("action", action);
        subjectIds.forEach(n.putArray("subjectIds")::add);
        n.put("results", results);
        if (queryKind != null) {
            n.put("queryKind", queryKind);
        }
        n.put("at", at.toString());
        return n;
    }
}
