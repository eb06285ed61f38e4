package dev.lethe.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class CommitTimesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static long read(String json) {
        return CommitTimes.read(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsTheCommitTimeOfADebeziumEnvelope() {
        assertThat(
                        read(
                                "{\"before\":null,\"after\":{\"id\":1,\"email\":\"a@example.eu\"},"
                                        + "\"source\":{\"version\":\"3.6.1.Final\",\"connector\":\"postgresql\","
                                        + "\"ts_ms\":1740823200123,\"lsn\":42},\"op\":\"c\",\"ts_ms\":1740823201000}"))
                .isEqualTo(1740823200123L);
    }

    @Test
    void aSourceInsideTheRowsOrInsideStringsIsNotTheEnvelopes() {
        // a struct column named source, and string values that spell the field with escaped quotes
        String json =
                "{\"before\":{\"note\":\"\\\"source\\\":{\\\"ts_ms\\\":1}\",\"source\":{\"ts_ms\":2}},"
                        + "\"after\":{\"x\":[{\"source\":{\"ts_ms\":3}}],\"y\":\"\\\\\"},"
                        + "\"source\" : { \"ts_ms\" : 4 },\"op\":\"u\"}";
        assertThat(read(json)).isEqualTo(4L);
    }

    @Test
    void anEnvelopeWithoutACommitTimeHasNone() {
        assertThat(read("{\"before\":null,\"after\":{\"source\":{\"ts_ms\":3}},\"op\":\"c\"}"))
                .isEqualTo(RawRecord.NO_COMMIT_TIME);
        assertThat(read("{\"source\":\"not an object\",\"ts_ms\":5}"))
                .isEqualTo(RawRecord.NO_COMMIT_TIME);
        assertThat(read("{\"source\":{\"ts_ms\":\"soon\"}}")).isEqualTo(RawRecord.NO_COMMIT_TIME);
        assertThat(read("{\"source\":{\"ts_ms\":")).isEqualTo(RawRecord.NO_COMMIT_TIME);
        assertThat(read("{\"sour")).isEqualTo(RawRecord.NO_COMMIT_TIME);
        assertThat(read("not json")).isEqualTo(RawRecord.NO_COMMIT_TIME);
        assertThat(CommitTimes.read(new byte[0])).isEqualTo(RawRecord.NO_COMMIT_TIME);
        assertThat(CommitTimes.read(null)).isEqualTo(RawRecord.NO_COMMIT_TIME);
    }

    @Test
    void aBrokenStructureHasNoCommitTimeEvenWithASourceInIt() {
        // a stray closer that would lift a row's field to the top level
        assertThat(
                        read(
                                "{\"after\":{\"x\":]\"source\":{\"ts_ms\":4102444800000}},"
                                        + "\"source\":{\"ts_ms\":1}}"))
                .isEqualTo(RawRecord.NO_COMMIT_TIME);
        // two documents back to back, a top-level array, an unclosed row
        assertThat(read("{\"op\":\"c\"}{\"source\":{\"ts_ms\":4102444800000}}"))
                .isEqualTo(RawRecord.NO_COMMIT_TIME);
        assertThat(read("[\"source\":{\"ts_ms\":5}]")).isEqualTo(RawRecord.NO_COMMIT_TIME);
        assertThat(read("{\"after\":[{\"a\":1}}, \"source\":{\"ts_ms\":5}}"))
                .isEqualTo(RawRecord.NO_COMMIT_TIME);
        // nesting deeper than the scan follows
        assertThat(
                        read(
                                "{\"after\":"
                                        + "[".repeat(70)
                                        + "]".repeat(70)
                                        + ",\"source\":{\"ts_ms\":5}}"))
                .isEqualTo(RawRecord.NO_COMMIT_TIME);
    }

    @Test
    void aSourceThatIsNotAnObjectIsPassedOver() {
        assertThat(read("{\"source\":null,\"source\":{\"ts_ms\":5}}")).isEqualTo(5L);
    }

    @Property(tries = 300)
    void agreesWithAParsedTreeOnRandomEnvelopes(@ForAll long seed) throws Exception {
        Random r = new Random(seed);
        ObjectNode envelope = JSON.createObjectNode();
        envelope.set("before", r.nextBoolean() ? null : randomRow(r, 0));
        envelope.set("after", randomRow(r, 0));
        ObjectNode source = JSON.createObjectNode();
        source.put("version", text(r));
        source.set("extra", randomRow(r, 1));
        long commit = r.nextLong();
        source.put("ts_ms", commit);
        source.put("lsn", r.nextLong());
        envelope.set("source", source);
        envelope.put("op", text(r));
        envelope.put("ts_ms", r.nextLong());
        String json =
                r.nextBoolean()
                        ? JSON.writeValueAsString(envelope)
                        : JSON.writerWithDefaultPrettyPrinter().writeValueAsString(envelope);

        JsonNode tree = JSON.readTree(json);
        assertThat(read(json))
                .isEqualTo(tree.get("source").get("ts_ms").asLong())
                .isEqualTo(commit);
    }

    private static ObjectNode randomRow(Random r, int depth) {
        ObjectNode row = JSON.createObjectNode();
        for (int i = r.nextInt(6); i > 0; i--) {
            String name = r.nextInt(4) == 0 ? "source" : text(r);
            switch (r.nextInt(depth < 2 ? 5 : 3)) {
                case 0 -> row.put(name, text(r));
                case 1 -> row.put(name, r.nextLong());
                case 2 -> row.putNull(name);
                case 3 -> row.set(name, randomRow(r, depth + 1));
                default -> row.putArray(name).add(randomRow(r, depth + 1)).add(text(r));
            }
        }
        return row;
    }

    /** Text with the characters that matter to a scanner: quotes, backslashes, braces. */
    private static String text(Random r) {
        String alphabet = "ab\"\\{}[]:, \u00e9\u20ac\n";
        StringBuilder b = new StringBuilder();
        for (int i = r.nextInt(12); i > 0; i--) {
            b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        if (r.nextInt(5) == 0) {
            b.append("\"source\":{\"ts_ms\":7}");
        }
        return b.toString();
    }
}
