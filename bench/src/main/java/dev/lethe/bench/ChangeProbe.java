package dev.lethe.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.audit.Actor;
import dev.lethe.local.Http;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * One change followed through the whole pipeline: a contact inserted into the helpdesk (with or
 * without Lethe's actor message in its transaction), then looked up by its entity id in the audit
 * index ({@code lethe-audit}, {@code entityId}) and the location index ({@code lethe-locations},
 * {@code recordId}) until both find it. The latency bench times many; the fault suite sends one
 * after each fault (changes flow again end to end: the fault is over).
 */
final class ChangeProbe {

    static final Duration POLL = Duration.ofMillis(20);

    private static final ObjectMapper JSON = new ObjectMapper();

    private ChangeProbe() {}

    /**
     * A probe's contact, committed at {@code committedNanos} ({@link System#nanoTime}), that is
     * {@code committedAtMillis} by the wall clock.
     */
    record Committed(String entity, long committedNanos, long committedAtMillis) {}

    /**
     * Where the probe was found, in ms after its commit (-1: not within the timeout), and the actor
     * type its audit entry names.
     */
    record Found(long auditMs, long locationsMs, String actorType) {
        boolean complete() {
            return auditMs >= 0 && locationsMs >= 0;
        }
    }

    /** Inserts and commits a contact with an address of its own; {@code actor}: its message. */
    static Committed insertContact(StackSettings s, boolean namesActor) throws Exception {
        try (Connection c = StackProbe.connectPostgres(s)) {
            c.setAutoCommit(false);
            if (namesActor) {
                Actor.agent(7, "bench probe").emit(c);
            }
            long id;
            try (PreparedStatement ps =
                    c.prepareStatement("INSERT INTO contacts (email) VALUES (?) RETURNING id")) {
                ps.setString(1, "probe." + UUID.randomUUID() + "@example.eu");
                try (ResultSet r = ps.executeQuery()) {
                    r.next();
                    id = r.getLong(1);
                }
            }
            c.commit();
            return new Committed("contacts/" + id, System.nanoTime(), System.currentTimeMillis());
        }
    }

    /** Polls both indexes until each has found the probe's contact, or {@code timeout} passed. */
    static Found awaitFound(StackSettings s, Committed probe, Duration timeout) throws Exception {
        long audit = -1;
        long locations = -1;
        String actor = null;
        long deadline = probe.committedNanos() + timeout.toNanos();
        while ((audit < 0 || locations < 0) && System.nanoTime() < deadline) {
            if (audit < 0) {
                JsonNode hit = firstHit(s, "lethe-audit", "entityId", probe.entity());
                if (hit != null) {
                    audit = (System.nanoTime() - probe.committedNanos()) / 1_000_000;
                    actor = hit.path("_source").path("actor").path("type").asText();
                }
            }
            if (locations < 0
                    && firstHit(s, "lethe-locations", "recordId", probe.entity()) != null) {
                locations = (System.nanoTime() - probe.committedNanos()) / 1_000_000;
            }
            Thread.sleep(POLL.toMillis());
        }
        return new Found(audit, locations, actor);
    }

    /**
     * The first document of {@code index} whose keyword {@code field} is {@code value}; or null.
     */
    static JsonNode firstHit(StackSettings s, String index, String field, String value)
            throws Exception {
        String query =
                JSON.writeValueAsString(
                        Map.of("size", 1, "query", Map.of("term", Map.of(field, value))));
        Http.Response r =
                Http.post(s.elasticsearchUrl().resolve("/" + index + "/_search"), query, auth(s));
        if (!r.ok()) {
            return null; // the index may not exist yet
        }
        JsonNode hits = JSON.readTree(r.body()).path("hits").path("hits");
        return hits.isEmpty() ? null : hits.get(0);
    }

    static String auth(StackSettings s) {
        return Http.basic(s.elasticsearchUser(), s.elasticsearchPassword().orElse(null));
    }
}
