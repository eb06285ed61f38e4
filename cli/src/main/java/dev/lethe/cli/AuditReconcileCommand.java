package dev.lethe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.audit.Completeness;
import dev.lethe.local.StackOptions;
import dev.lethe.local.StackSettings;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "reconcile",
        description = {
            "Checks the audit log against what capture delivered: every change event of the raw"
                    + " topics (helpdesk.public.<table>), by entity and LSN, must have exactly one"
                    + " change entry in the log of record. Names each missing change with its"
                    + " raw-topic position and each doubled one with its log indexes.",
            "The raw topics are read up to their end when the command starts; entries the audit"
                    + " job has not committed yet are waited for up to --settle.",
            "Exit code 0 when the log is complete, 1 when a change is missing or doubled."
        },
        mixinStandardHelpOptions = true)
final class AuditReconcileCommand implements Callable<Integer> {

    @Mixin AuditTopics topics;

    @Option(
            names = "--settle",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description =
                    "How long to wait for entries of changes already in the raw topics (the audit"
                            + " job commits with its checkpoints; default ${DEFAULT-VALUE}).")
    Duration settle = Duration.ofSeconds(60);

    @Option(names = "--json", description = "Print the result as one JSON object.")
    boolean json;

    @Mixin StackOptions options;

    @Override
    public Integer call() throws Exception {
        StackSettings s = options.resolve();
        Completeness.Report report =
                AuditReconciliation.reconcile(s.kafkaClient(), topics.source(s), settle);
        if (json) {
            System.out.println(
                    new ObjectMapper().writeValueAsString(AuditReconciliation.json(report)));
        } else {
            System.out.print(AuditReconciliation.text(report));
        }
        return report.complete() ? 0 : 1;
    }
}
