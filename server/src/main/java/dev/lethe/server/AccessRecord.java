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
 */
public record AccessRecord(
        String id,
        String user,
        Role role,
        String issuer,
        String purpose,
        String action,
        List<String> subjectIds,
        int results,
        String queryKind,
        Instant at) {

    public static final String TYPE = "access";

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
                who.role(),
                who.issuer(),
                purpose,
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
        n.put("role", role.id());
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
