package dev.lethe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.audit.Completeness;
import dev.lethe.audit.CompletenessWatermark;
import dev.lethe.local.StackOptions;
import dev.lethe.local.StackSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
            "With --state FILE the check is incremental: FILE keeps the watermark of"
                    + " completeness (per raw topic-partition the offset checked through, the"
                    + " logIndex checked through, the changes still waiting for their entry), and"
                    + " each run reads only what the raw topics and the log hold after it. A"
                    + " change without its entry is pending until --pending-bound has passed since"
                    + " a run first saw it and the log has moved past it; then it is missing.",
            "Exit code 0 when the log is complete, 1 when a change is missing or doubled (or,"
                    + " with --state, a raw topic or the log was read back below the watermark).",
            "With --acknowledge REASON it checks nothing: the stack's monitor's completeness"
                    + " findings so far (missing, doubled, read back) are taken on, and status shows"
                    + " completeness healthy until a new one; who, when, why and the counts are kept"
                    + " in <data-dir>/audit-monitor-acknowledged.json."
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

    @Option(
            names = "--state",
            paramLabel = "FILE",
            description =
                    "Keep the watermark of completeness in FILE (JSON, 0600): when FILE exists,"
                            + " check only what the raw topics and the log hold after it; when it"
                            + " does not, check everything and create it.")
    Path state;

    @Option(
            names = "--pending-bound",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description =
                    "With --state: how long a change may wait for its entry, from the run that"
                            + " first saw it, once the log has moved past it (default"
                            + " ${DEFAULT-VALUE}).")
    Duration pendingBound = Duration.ofSeconds(60);

    @Option(names = "--json", description = "Print the result as one JSON object.")
    boolean json;

    @Option(
            names = "--acknowledge",
            paramLabel = "REASON",
            description =
                    "Take on the stack's monitor's completeness findings so far, for REASON (e.g."
                            + " a ticket of the investigation), instead of checking: status shows"
                            + " completeness healthy again until a new finding.")
    String acknowledge;

    @Mixin StackOptions options;

    @Override
    public Integer call() throws Exception {
        StackSettings s = options.resolve();
        if (acknowledge != null) {
            return acknowledge(s);
        }
        if (state != null) {
            return incremental(s);
        }
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

    private int incremental(StackSettings s) throws Exception {
        CompletenessWatermark w =
                CompletenessCheck.read(state, topics.entries).orElseGet(CompletenessWatermark::new);
        CompletenessWatermark.Run run =
                new CompletenessCheck(s.kafkaClient(), topics.entries)
                        .run(w, pendingBound, Instant.now());
        CompletenessCheck.write(state, w, topics.entries);
        if (json) {
            System.out.println(
                    new ObjectMapper().writeValueAsString(CompletenessCheck.json(run, w)));
        } else {
            System.out.print(CompletenessCheck.text(run, w));
        }
        return run.complete() ? 0 : 1;
    }

    private int acknowledge(StackSettings s) throws Exception {
        if (acknowledge.isBlank()) {
            throw new IllegalArgumentException(
                    "--acknowledge needs a reason: say why the findings are taken on");
        }
        if (state != null) {
            throw new IllegalArgumentException(
                    "--acknowledge takes on the stack's monitor's findings; it does not go with"
                            + " --state");
        }
        AuditMonitor.CompletenessSummary c =
                AuditMonitor.read(s.dataDir())
                        .map(AuditMonitor.State::completeness)
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                "the stack's monitor has no completeness check"
                                                        + " in "
                                                        + s.dataDir()
                                                        + " yet: nothing to acknowledge"));
        CompletenessAcknowledgement ack =
                new CompletenessAcknowledgement(
                        c.gaps(),
                        c.doubles(),
                        c.problems(),
                        Instant.now(),
                        System.getProperty("user.name", ""),
                        acknowledge);
        ack.write(s.dataDir());
        if (json) {
            System.out.println(JSON.writeValueAsString(ack.json()));
        } else {
            System.out.println(
                    "acknowledged: "
                            + c.gaps()
                            + " missing, "
                            + c.doubles()
                            + " doubled, "
                            + c.problems()
                            + " read back; status shows completeness healthy until a new"
                            + " finding");
        }
        return 0;
    }

    private static final ObjectMapper JSON = new ObjectMapper();
}
