package dev.lethe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.cli.SubjectFinder.Person;
import dev.lethe.discovery.LocationDocument;
import dev.lethe.jobs.elasticsearch.ElasticsearchConnection;
import dev.lethe.local.StackOptions;
import dev.lethe.local.StackSettings;
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

    @Option(names = "--index", description = "The locations index (default ${DEFAULT-VALUE}).")
    String index = LocationDocument.INDEX;

    @Override
    public Integer call() throws Exception {
        SubjectQuery q = SubjectQuery.parse(query);
        StackSettings s = options.resolve();
        try (ElasticsearchConnection.Clients clients =
                new ElasticsearchConnection(s.elasticsearchUrl(), s.elasticsearchUser())
                        .open(s.elasticsearchPassword().orElse(null))) {
            List<Person> people = SubjectFinder.onIndex(clients.client(), index).find(q);
            print(q, people, json, System.out);
            return people.isEmpty() ? NOT_FOUND : 0;
        }
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
        return root;
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    static void print(SubjectQuery q, List<Person> people, boolean json, PrintStream out)
            throws Exception {
        if (json) {
            out.println(
                    new ObjectMapper()
                            .enable(SerializationFeature.INDENT_OUTPUT)
                            .writeValueAsString(toJson(q, people)));
            return;
        }
        if (people.isEmpty()) {
            out.println("nobody found");
            return;
        }
        for (Person p : people) {
            out.printf(
                    "%s  %s  (%d locations)%n",
                    p.subjectId(), p.name() == null ? "" : p.name(), p.locations().size());
            p.identifiers().forEach((k, v) -> out.printf("  %-7s %s%n", k, String.join(", ", v)));
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
            for (LocationDocument d : p.locations()) {
                out.printf(
                        "  %-22s %-16s %-24s %-15s %-20s %-5.2f %-24s %s%s%n",
                        d.recordId(),
                        d.table(),
                        d.column() + (d.spanStart() == null ? "" : "@" + d.spanStart()),
                        d.category(),
                        d.detector(),
                        d.confidence(),
                        d.lastChanged(),
                        d.value() == null ? "(" + d.kind() + ")" : d.value(),
                        d.softDeleted() ? " [soft-deleted]" : "");
            }
            out.println();
        }
    }
}
