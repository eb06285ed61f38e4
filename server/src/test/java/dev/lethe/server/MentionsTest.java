package dev.lethe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which locations of a find's answer are mentions in someone else's record. */
class MentionsTest {

    static final ObjectMapper JSON = new ObjectMapper();

    /** An answer with one person and the given locations ({@code record, column, detector}). */
    static ObjectNode answer(String[]... locations) {
        ObjectNode root = JSON.createObjectNode().put("query", "email");
        ArrayNode ls =
                root.putArray("people")
                        .addObject()
                        .put("subjectId", "contact:42")
                        .putArray("locations");
        for (String[] l : locations) {
            ls.addObject()
                    .put("table", l[0].substring(0, l[0].indexOf('/')))
                    .put("record", l[0])
                    .put("column", l[1])
                    .put("detector", l[2]);
        }
        return root;
    }

    static String[] declared(String record, String column) {
        return new String[] {record, column, "declared"};
    }

    static String[] found(String record, String column) {
        return new String[] {record, column, "email-regex"};
    }

    /** record/column → mention, in the answer's order. */
    static Map<String, Boolean> mentions(JsonNode answer, int person) {
        Map<String, Boolean> m = new LinkedHashMap<>();
        for (JsonNode l : answer.path("people").get(person).path("locations")) {
            assertThat(l.has("mention")).as("mention on %s", l).isTrue();
            m.put(
                    l.get("record").asText() + "/" + l.get("column").asText(),
                    l.get("mention").asBoolean());
        }
        return m;
    }

    @Test
    void aFindingInSomeoneElsesRecordIsAMentionOneInTheirOwnRecordIsNot() {
        ObjectNode a =
                answer(
                        declared("contacts/42", "email"),
                        declared("tickets/901", "requester_id"),
                        found("tickets/901", "body"),
                        found("ticket_comments/5120", "body"),
                        found("tickets/77", "subject"),
                        found("tickets/77", "body"));

        assertThat(Mentions.mark(a)).isSameAs(a);
        assertThat(mentions(a, 0))
                .containsExactly(
                        Map.entry("contacts/42/email", false),
                        Map.entry("tickets/901/requester_id", false),
                        Map.entry("tickets/901/body", false),
                        Map.entry("ticket_comments/5120/body", true),
                        Map.entry("tickets/77/subject", true),
                        Map.entry("tickets/77/body", true));
    }

    @Test
    void aRecordIsOwnedPerPersonAndByItsWholeIdNotItsNumber() {
        ObjectNode a = answer(declared("contacts/42", "email"), found("tickets/42", "body"));
        ((ArrayNode) a.get("people"))
                .addObject()
                .put("subjectId", "contact:77")
                .putArray("locations")
                .add(JSON.createObjectNode().put("record", "contacts/42").put("detector", "name"))
                .add(
                        JSON.createObjectNode()
                                .put("record", "tickets/42")
                                .put("detector", "declared"));

        Mentions.mark(a);

        assertThat(a.at("/people/0/locations/0/mention").asBoolean()).isFalse();
        assertThat(a.at("/people/0/locations/1/mention").asBoolean()).isTrue();
        // the second person owns tickets/42, not contacts/42: the first person's own record is
        // someone else's for them
        assertThat(a.at("/people/1/locations/0/mention").asBoolean()).isTrue();
        assertThat(a.at("/people/1/locations/1/mention").asBoolean()).isFalse();
    }

    @Test
    void someoneOnlyFoundInOtherPeoplesTextsHasOnlyMentions() {
        ObjectNode a = answer(found("tickets/3", "body"), found("tickets/5", "body"));
        assertThat(mentions(Mentions.mark(a), 0))
                .containsOnlyKeys("tickets/3/body", "tickets/5/body")
                .doesNotContainValue(false);
    }

    @Test
    void whatTheBackendSaidIsReplacedAndNobodyFoundStaysAsItIs() {
        ObjectNode a = answer(declared("contacts/42", "email"), found("tickets/3", "body"));
        ((ObjectNode) a.at("/people/0/locations/0")).put("mention", true);
        ((ObjectNode) a.at("/people/0/locations/1")).put("mention", false);
        assertThat(mentions(Mentions.mark(a), 0))
                .containsExactly(
                        Map.entry("contacts/42/email", false), Map.entry("tickets/3/body", true));

        ObjectNode nobody = JSON.createObjectNode().put("query", "email");
        nobody.putArray("people");
        String before = nobody.toString();
        assertThat(Mentions.mark(nobody).toString()).isEqualTo(before);
    }
}
