package dev.lethe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.local.StackOptions;
import dev.lethe.local.StackSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "deadletters",
        description = {
            "Lists the dead letters of a recent window: when, which job, the reason, the detail"
                    + " and the source position (topic, partition, offset) of each, and counts by"
                    + " reason and source. Never the raw values: read them at their source position"
                    + " while the raw topics keep them (7 days).",
            "Exit code 0 (dead letters are data to act on, not an error)."
        },
        mixinStandardHelpOptions = true)
final class DeadLettersCommand implements Callable<Integer> {

    @Option(
            names = "--since",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "How far back (default ${DEFAULT-VALUE}).")
    Duration since = Duration.ofHours(24);

    @Option(names = "--reason", description = "Only this reason code (e.g. MALFORMED_JSON).")
    String reason;

    @Option(names = "--topic", description = "The dead-letter topic (default ${DEFAULT-VALUE}).")
    String topic = JobSettings.DEFAULT_DEAD_LETTER_TOPIC;

    @Option(names = "--json", description = "Print the result as one JSON object.")
    boolean json;

    @Mixin StackOptions options;

    @Override
    public Integer call() throws Exception {
        StackSettings s = options.resolve();
        RecentDeadLetters read =
                RecentDeadLetters.read(s.kafkaClient(), topic, Instant.now().minus(since));
        List<RecentDeadLetters.Letter> letters =
                read.letters().stream()
                        .filter(l -> reason == null || reason.equals(l.reason()))
                        .toList();
        if (json) {
            ObjectMapper m = new ObjectMapper();
            System.out.println(
                    m.writerWithDefaultPrettyPrinter().writeValueAsString(json(read, letters)));
            return 0;
        }
        System.out.println(
                read.total()
                        + " dead letters since "
                        + read.since()
                        + " by reason "
                        + read.byReason());
        if (!letters.isEmpty()) {
            System.out.printf(
                    "%-24s %-20s %-22s %-40s %s%n",
                    "FAILED AT", "JOB", "REASON", "SOURCE", "DETAIL");
        }
        for (RecentDeadLetters.Letter l : letters) {
            System.out.printf(
                    "%-24s %-20s %-22s %-40s %s%n",
                    l.failedAt(),
                    l.job(),
                    l.reason(),
                    l.sourceTopic() + "-" + l.sourcePartition() + "@" + l.sourceOffset(),
                    l.detail());
        }
        if (read.total() > read.letters().size()) {
            System.out.println(
                    "("
                            + (read.total() - read.letters().size())
                            + " more not listed; narrow --since)");
        }
        return 0;
    }

    /**
     * What {@code deadletters --json} prints (and Lethe's server answers at {@code
     * /api/v1/dead-letters}): counts by reason and source, and each letter's reason and source
     * position, never its raw key or value.
     */
    static ObjectNode json(RecentDeadLetters read, List<RecentDeadLetters.Letter> letters) {
        ObjectNode root = new ObjectMapper().createObjectNode();
        root.put("since", read.since().toString());
        root.put("total", read.total());
        ObjectNode reasons = root.putObject("byReason");
        read.byReason().forEach(reasons::put);
        ObjectNode sources = root.putObject("bySource");
        read.bySource().forEach(sources::put);
        ArrayNode list = root.putArray("letters");
        for (RecentDeadLetters.Letter l : letters) {
            ObjectNode n = list.addObject();
            n.put("failedAt", l.failedAt().toString());
            n.put("job", l.job());
            n.put("reason", l.reason());
            n.put("detail", l.detail());
            n.put("sourceTopic", l.sourceTopic());
            n.put("sourcePartition", l.sourcePartition());
            n.put("sourceOffset", l.sourceOffset());
        }
        return root;
    }
}
