package dev.lethe.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.Set;

/**
 * Which locations of a find's answer are mentions of a person in someone else's record, flagged in
 * the answer ({@code mention: true|false} on each location) so that every client shows the same
 * split: the console's "where their data lives" and "mentioned in other people's records", and
 * {@code ./lethe subject find --json}.
 *
 * <p>A record is the person's own when a column the catalog declares is about them (a location of
 * theirs in it with detector {@code declared}: their contact row, a ticket whose {@code contact_id}
 * is theirs). Every other location is a mention: what a detector found in a record about someone
 * else, such as their email in the free text of another person's ticket. A finding in a record of
 * their own (their email in their own ticket's text) is theirs, not a mention.
 */
public final class Mentions {

    /** The detector of a location a catalog column declares (not found by a scan). */
    static final String DECLARED = "declared";

    private Mentions() {}

    /**
     * Sets {@code mention} on every location of every person of a find's answer ({@code {people:
     * [{locations: [{record, detector, …}]}]}}), replacing any value it had, and returns the same
     * answer.
     */
    public static <T extends JsonNode> T mark(T answer) {
        for (JsonNode person : answer.path("people")) {
            JsonNode locations = person.path("locations");
            Set<String> own = new HashSet<>();
            for (JsonNode l : locations) {
                if (DECLARED.equals(l.path("detector").asText())) {
                    own.add(l.path("record").asText());
                }
            }
            for (JsonNode l : locations) {
                if (l instanceof ObjectNode o) {
                    o.put("mention", !own.contains(l.path("record").asText()));
                }
            }
        }
        return answer;
    }
}
