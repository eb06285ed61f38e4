package dev.lethe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lethe.keys.SubjectIds;
import dev.lethe.local.StackOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "accesses",
        description = {
            "Who has seen a person's data (Art. 15(1)(c)): every access recorded through Lethe's"
                    + " server, newest first, with user, role, purpose and action.",
            "Goes through the server: sign in first (./lethe login)."
        },
        mixinStandardHelpOptions = true)
final class SubjectAccessesCommand implements Callable<Integer> {

    @Mixin StackOptions options;

    @Parameters(index = "0", paramLabel = "SUBJECT", description = "A subject id, e.g. contact:42.")
    String subject;

    @Option(names = "--json", description = "Print the server's JSON answer.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (!SubjectIds.isValid(subject)) {
            throw new IllegalArgumentException("SUBJECT must be a subject id like contact:42");
        }
        ServerClient.Answer a =
                new ServerClient(options.resolve())
                        .get("/api/v1/subjects/" + subject + "/accesses");
        if (a.status() != 200) {
            System.err.println(
                    "lethe: the server refused (HTTP " + a.status() + "): " + a.detail());
            return 1;
        }
        if (json) {
            System.out.println(
                    new ObjectMapper()
                            .enable(SerializationFeature.INDENT_OUTPUT)
                            .writeValueAsString(a.body()));
            return 0;
        }
        JsonNode list = a.body().path("accesses");
        if (list.isEmpty()) {
            System.out.println("no recorded access to " + subject + "'s data");
            return 0;
        }
        System.out.printf(
                "%-24s %-16s %-8s %-8s %-7s %s%n",
                "AT", "USER", "ROLE", "ACTION", "RESULTS", "PURPOSE");
        for (JsonNode e : list) {
            System.out.printf(
                    "%-24s %-16s %-8s %-8s %-7s %s%s%n",
                    e.path("at").asText(),
                    e.path("user").asText(),
                    e.path("role").asText(),
                    e.path("action").asText(),
                    e.path("results").asText(),
                    e.path("purpose").asText(),
                    e.path("pending").asBoolean() ? "  (not yet in the log's index)" : "");
        }
        return 0;
    }
}
