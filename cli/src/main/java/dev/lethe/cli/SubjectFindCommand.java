package dev.lethe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.cli.SubjectFinder.Person;
import dev.lethe.discovery.LocationDocument;
import dev.lethe.jobs.elasticsearch.ElasticsearchConnection;
import dev.lethe.local.StackOptions;
import dev.lethe.local.StackSettings;
import dev.lethe.server.Mentions;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "find",
        description = {
            "Lists every place a person's data lives: table, record, column, category, detector,"
                    + " confidence and when it last changed, grouped by person.",
            "Goes through Lethe's server (sign in with ./lethe login; give --purpose), which"
                    + " records the look in the audit log; --break-glass REASON reads the index"
                    + " directly, recorded too.",
            "Exit code 0 when someone was found, 3 when nobody was."
        },
        mixinStandardHelpOptions = true)
final class SubjectFindCommand implements Callable<Integer> {

    /** Exit code when the query matches nobody. */
    static final int NOT_FOUND = 3;

    @Mixin StackOptions options;

    @Parameters(
            index = "0",
            paramLabel = "<email | phone | name | @handle | contact:ID>",
            description = "Who to look for.")
    String query;

    @Option(
            names = "--json",
            description =
                    "Print one JSON object: {query, people: [{subjectId, name, identifiers, locations: [...]}]}.")
    boolean json;

    @Option(
            names = "--index",
            description =
                    "The locations index (default ${DEFAULT-VALUE}; another one only with"
                            + " --break-glass).")
    String index = LocationDocument.INDEX;

    @Option(
            names = "--purpose",
            description =
                    "Why this person's data is looked at (a purpose or case reference, e.g."
                            + " DSAR-2026-0042): required through the server, which records it"
                            + " with the access.")
    String purpose;

    @Mixin BreakGlass breakGlass;

    @Override
    public Integer call() throws Exception {
        SubjectQuery q = SubjectQuery.parse(query);
        breakGlass.directOnly("--index", !LocationDocument.INDEX.equals(index));
        StackSettings s = options.resolve();
        JsonNode answer;
        if (breakGlass.on()) {
            try (ElasticsearchConnection.Clients clients =
                    new ElasticsearchConnection(s.elasticsearchUrl(), s.elasticsearchUser())
                            .open(s.elasticsearchPassword().orElse(null))) {
                List<Person> people = SubjectFinder.onIndex(clients.client(), index).find(q);
                // like the server: on the record before anything is shown
                breakGlass.record(s, "find", shown(people), shown(people).size(), kind(q));
                answer = toJson(q, people);
            }
        } else {
            if (purpose == null || purpose.isBlank()) {
                throw new IllegalArgumentException(
                        "--purpose is required: why this person's data is looked at (a case"
                                + " reference, e.g. DSAR-2026-0042); the server records it with"
                                + " the access");
            }
            answer =
                    new ServerClient(s)
                            .get(
                                    "/api/v1/subjects?q="
                                            + ServerClient.q(query)
                                            + "&purpose="
                                            + ServerClient.q(purpose))
                            .expect(200)
                            .body();
        }
        print(answer, json, System.out);
        return answer.path("people").isEmpty() ? NOT_FOUND : 0;
    }

    /** The kind of term searched, as access records name it (never the term). */
    static String kind(SubjectQuery q) {
        return q.kind().name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Every subject whose data an answer shows: the people, and the subjects of their locations.
     */
    static List<String> shown(List<Person> people) {
        java.util.Set<String> shown = new java.util.LinkedHashSet<>();
        for (Person p : people) {
            shown.add(p.subjectId());
            for (LocationDocument d : p.locations()) {
                shown.addAll(d.subjectIds());
            }
        }
        return List.copyOf(shown);
    }

    /** The answer as {@code --json} prints it (and Lethe's server returns it). */
    static ObjectNode toJson(SubjectQuery q, List<Person> people) {
        ObjectNode root = JSON.createObjectNode();
        root.put("query", q.kind().name().toLowerCase(java.util.Locale.ROOT));
        ArrayNode ps = root.putArray("people");
        for (Person p : people) {
            ObjectNode pn = ps.addObject();
            pn.put("subjectId", p.subjectId());
            if (p.name() != null) {
                pn.put("name", p.name());
            }
            ObjectNode ids = pn.putObject("identifiers");
            p.identifiers().forEach((k, v) -> v.forEach(ids.withArray(k)::add));
            ArrayNode ls = pn.putArray("locations");
            for (LocationDocument d : p.locations()) {
                ObjectNode l = ls.addObject();
                l.put("id", d.id());
                l.put("table", d.table());
                l.put("record", d.recordId());
                l.put("column", d.column());
                l.put("category", d.category());
                l.put("kind", d.kind());
                if (d.value() != null) {
                    l.put("value", d.value());
                }
                l.put("detector", d.detector());
                l.put("confidence", d.confidence());
                if (d.spanStart() != null) {
                    l.put("start", d.spanStart());
                    l.put("end", d.spanEnd());
                }
                l.put("lastChanged", d.lastChanged().toString());
                l.put("softDeleted", d.softDeleted());
                ArrayNode subjects = l.putArray("subjectIds");
                d.subjectIds().forEach(subjects::add);
            }
        }
        // the server's rule, so that the direct path prints what the server answers
        return Mentions.mark(root);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Prints an answer in the JSON of {@link #toJson} (read directly, or the server's): as it is
     * with {@code --json}, else as text. Both paths print through here.
     */
    static void print(JsonNode answer, boolean json, PrintStream out) throws Exception {
        if (json) {
            out.println(PrettyJson.of(answer));
            return;
        }
        JsonNode people = answer.path("people");
        if (people.isEmpty()) {
            out.println("nobody found");
            return;
        }
        for (JsonNode p : people) {
            JsonNode locations = p.path("locations");
            out.printf(
                    "%s  %s  (%d locations)%n",
                    p.path("subjectId").asText(), p.path("name").asText(""), locations.size());
            p.path("identifiers")
                    .fields()
                    .forEachRemaining(
                            e -> {
                                List<String> values = new java.util.ArrayList<>();
                                e.getValue().forEach(v -> values.add(v.asText()));
                                out.printf("  %-7s %s%n", e.getKey(), String.join(", ", values));
                            });
            out.printf(
                    "  %-22s %-16s %-24s %-15s %-20s %-5s %-24s %s%n",
                    "RECORD",
                    "TABLE",
                    "COLUMN",
                    "CATEGORY",
                    "DETECTOR",
                    "CONF",
                    "LAST CHANGED",
                    "VALUE");
            for (JsonNode d : locations) {
                out.printf(
                        "  %-22s %-16s %-24s %-15s %-20s %-5.2f %-24s %s%s%n",
                        d.path("record").asText(),
                        d.path("table").asText(),
                        d.path("column").asText()
                                + (d.hasNonNull("start") ? "@" + d.path("start").asInt() : ""),
                        d.path("category").asText(),
                        d.path("detector").asText(),
                        d.path("confidence").asDouble(),
                        d.path("lastChanged").asText(),
                        d.hasNonNull("value")
                                ? d.path("value").asText()
                                : "(" + d.path("kind").asText() + ")",
                        d.path("softDeleted").asBoolean() ? " [soft-deleted]" : "");
            }
            out.println();
        }
    }
}
