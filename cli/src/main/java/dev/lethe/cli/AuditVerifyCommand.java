package dev.lethe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.audit.TreeHeadRecord;
import dev.lethe.audit.TreeHeadVerifier;
import dev.lethe.audit.TreeHeadWitness;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.elasticsearch.ElasticsearchConnection;
import dev.lethe.local.AuditTrust;
import dev.lethe.local.StackOptions;
import dev.lethe.local.StackSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "verify",
        description = {
            "Recomputes every entry hash, every link of every chain and every signed checkpoint of"
                    + " the log of record (Kafka, read_committed) against the public keys you"
                    + " pinned, checks that its latest signed tree head extends the one your"
                    + " witness holds, then cross-checks the Elasticsearch copy. Prints OK, or"
                    + " each entry that is wrong and how.",
            "Goes through Lethe's server (sign in with ./lethe login as an auditor), which runs"
                    + " the verification against its pinned keys and witness; --break-glass REASON"
                    + " verifies here, with your own pinned keys, witness and options (recorded in"
                    + " the audit log).",
            "Exit code 0 when everything verifies, 1 when there is a problem."
        },
        mixinStandardHelpOptions = true)
final class AuditVerifyCommand implements Callable<Integer> {

    @Mixin StackOptions options;

    @Mixin AuditTopics topics;

    @Option(
            names = "--expect-checkpoint",
            paramLabel = "HASH",
            description =
                    "A checkpoint hash you kept from an earlier verification: it must still be in"
                            + " the checkpoint chain (detects a truncated or rewritten tail).")
    String expectCheckpoint;

    @Option(
            names = "--audit-index",
            description = "The Elasticsearch copy (default ${DEFAULT-VALUE}).")
    String index = JobSettings.DEFAULT_AUDIT_INDEX;

    @Option(names = "--no-index", description = "Do not cross-check the Elasticsearch copy.")
    boolean noIndex;

    @Option(
            names = "--pending-bound",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description =
                    "Index documents ahead of the log's horizon (the latest committed entry when"
                            + " verification starts) are pending: each must reach the log, with the"
                            + " same hash, within this time, else it is NOT_IN_LOG (default"
                            + " ${DEFAULT-VALUE}: two audit checkpoint intervals and a margin).")
    Duration pendingBound = Duration.ofSeconds(30);

    @Option(
            names = "--witness",
            paramLabel = "FILE",
            description =
                    "The witness of signed tree heads you keep (JSON lines): the log's latest tree"
                            + " head must extend its latest one, else the log was rolled back or"
                            + " rewritten; a verification that passes appends the log's latest"
                            + " head (default: env "
                            + AuditTrust.WITNESS_VARIABLE
                            + ", else <data-dir>/audit-trust/witness.jsonl; for a log on other"
                            + " topics witness.<checkpoint topic>.jsonl there).")
    Path witness;

    @Option(names = "--no-witness", description = "Do not check or update a witness.")
    boolean noWitness;

    @Option(
            names = "--from",
            paramLabel = "TREE-HEAD-HASH",
            description =
                    "Verify incrementally from a tree head you pinned (its checkpoint hash, as"
                            + " verify prints it): the log must still hold that head and extend it"
                            + " (else ROLLED_BACK, RESIGNED or HEAD_FORKED), and only the entries"
                            + " after it are verified. The entries before it are read once, by"
                            + " their stored hashes, to rebuild its Merkle tree; with --state the"
                            + " next run reads only what is new.")
    String from;

    @Option(
            names = "--state",
            paramLabel = "FILE",
            description =
                    "Keep the last verified tree head in FILE (as an immudb client keeps its"
                            + " state): when FILE exists, verify only what the log holds after"
                            + " that head, refusing a log that does not extend it; when it does"
                            + " not, verify the whole log (or from --from). A verification that"
                            + " passes writes the log's latest signed tree head to FILE (0600).")
    Path state;

    @Option(names = "--json", description = "Print the result as one JSON object.")
    boolean json;

    @Option(
            names = "--completeness",
            description =
                    "Also check the log against the raw topics, as audit reconcile does: every"
                            + " captured change has exactly one entry (JSON key completeness).")
    boolean completeness;

    @Mixin BreakGlass breakGlass;

    @Override
    public Integer call() throws Exception {
        StackSettings s = options.resolve();
        if (!breakGlass.on()) {
            breakGlass.directOnly("--expect-checkpoint", expectCheckpoint != null);
            breakGlass.directOnly("--audit-index", !JobSettings.DEFAULT_AUDIT_INDEX.equals(index));
            breakGlass.directOnly("--no-index", noIndex);
            breakGlass.directOnly("--pending-bound", !Duration.ofSeconds(30).equals(pendingBound));
            breakGlass.directOnly("--witness", witness != null);
            breakGlass.directOnly("--no-witness", noWitness);
            breakGlass.directOnly("--completeness", completeness);
            breakGlass.directOnly("--state", state != null);
            topics.directOnly(breakGlass);
            JsonNode result = throughServer(new ServerClient(s), from);
            print(result, null, json);
            return result.path("ok").asBoolean() ? 0 : 1;
        }
        if (expectCheckpoint != null && (from != null || state != null)) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(),
                    "--expect-checkpoint checks the whole checkpoint chain; with --from or --state"
                            + " the head you pinned plays that role: give one or the other");
        }
        breakGlass.record(s, "audit-verify", List.of(), 0, null);
        if (from != null || state != null) {
            return incremental(s);
        }
        Path witnessFile = witnessFile(s);
        AuditVerification.Result result =
                withIndex(
                        s,
                        copies ->
                                verify(
                                        s,
                                        topics,
                                        expectCheckpoint,
                                        pendingBound,
                                        copies,
                                        witnessFile,
                                        true));
        dev.lethe.audit.Completeness.Report complete =
                completeness
                        ? AuditReconciliation.reconcile(
                                s.kafkaClient(), topics.source(s), Duration.ofSeconds(60))
                        : null;
        print(result.json(), complete, json);
        return result.ok() && (complete == null || complete.complete()) ? 0 : 1;
    }

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    /** The witness file to check and append to, or null with --no-witness. */
    private Path witnessFile(StackSettings s) {
        return noWitness
                ? null
                : witness != null ? witness : AuditTrust.witness(s, topics.checkpoints);
    }

    /** What a verification needs of the index copy: none with --no-index. */
    @FunctionalInterface
    private interface WithIndex<T> {
        T run(AuditVerification.IndexCopies copies) throws Exception;
    }

    /** Runs {@code verification} with the audit index's copies (null with --no-index). */
    private <T> T withIndex(StackSettings s, WithIndex<T> verification) throws Exception {
        if (noIndex) {
            return verification.run(null);
        }
        try (ElasticsearchConnection.Clients es =
                new ElasticsearchConnection(s.elasticsearchUrl(), s.elasticsearchUser())
                        .open(s.elasticsearchPassword().orElse(null))) {
            return verification.run(new AuditIndexCopies(es.client(), index));
        }
    }

    /** {@code --from} / {@code --state}: verifies what follows the pinned or kept head. */
    private int incremental(StackSettings s) throws Exception {
        Path witnessFile = witnessFile(s);
        Optional<VerifierState> kept = state == null ? Optional.empty() : VerifierState.read(state);
        kept.ifPresent(k -> k.checkTopics(topics));
        PinnedHeadVerification.Outcome outcome =
                withIndex(
                        s,
                        copies ->
                                incremental(
                                        s, topics, kept, from, pendingBound, copies, witnessFile));
        ObjectNode out = outcome.result().json();
        describeStart(out, outcome.from());
        if (state != null && outcome.next() != null) {
            outcome.next().write(state);
            out.put("state", state.toString());
        }
        print(out, null, json);
        return outcome.result().ok() ? 0 : 1;
    }

    /**
     * Verifies from {@code kept} (a state kept before), else from the tree head {@code fromHash},
     * else the whole log, producing the state at the latest head when it passes: what {@code audit
     * verify --from/--state}, the server and the audit monitor run.
     */
    static PinnedHeadVerification.Outcome incremental(
            StackSettings s,
            Optional<VerifierState> kept,
            String fromHash,
            Duration pendingBound,
            AuditVerification.IndexCopies index,
            Path witnessFile)
            throws Exception {
        return incremental(s, new AuditTopics(), kept, fromHash, pendingBound, index, witnessFile);
    }

    static PinnedHeadVerification.Outcome incremental(
            StackSettings s,
            AuditTopics topics,
            Optional<VerifierState> kept,
            String fromHash,
            Duration pendingBound,
            AuditVerification.IndexCopies index,
            Path witnessFile)
            throws Exception {
        AuditTopics.TrustedKeys trusted = topics.trustedKeys(s);
        TreeHeadVerifier signatures = new TreeHeadVerifier(trusted.keys());
        AuditLogSource source = topics.source(s);
        PinnedHeadVerification pinned = new PinnedHeadVerification(source, topics, signatures);
        VerifierState start;
        if (kept.isPresent()) {
            start = kept.get();
        } else if (fromHash != null) {
            try {
                start = pinned.pinned(fromHash);
            } catch (dev.lethe.audit.VerifiedHead.NotExtendedException e) {
                return PinnedHeadVerification.refused(
                        VerifierState.initial(topics), e.kind(), 0, e.getMessage());
            }
        } else {
            start = VerifierState.initial(topics);
        }
        AuditVerification verification =
                new AuditVerification(signatures, Duration.ofSeconds(20))
                        .withTrustedKeys(trusted.describe())
                        .withPendingCheck(source::tail, pendingBound);
        if (witnessFile != null) {
            verification.withWitness(new TreeHeadWitness(witnessFile), true);
        }
        return pinned.verify(start, verification, index);
    }

    /** Says in the JSON where an incremental verification started. */
    static void describeStart(ObjectNode out, VerifierState from) {
        ObjectNode f = out.putObject("from");
        f.put("checkpointSeq", from.head().checkpointSeq());
        f.put("treeSize", from.head().treeSize());
        if (from.head().checkpointSeq() > 0) {
            f.put("hash", from.head().checkpointHashHex());
        }
    }

    /** Starts a verification on the server and waits for its result. */
    static JsonNode throughServer(ServerClient server) throws Exception {
        return throughServer(server, null);
    }

    /** As above, from the tree head {@code fromHash} when it is not null. */
    static JsonNode throughServer(ServerClient server, String fromHash) throws Exception {
        String id =
                server.post(
                                "/api/v1/audit/verifications",
                                fromHash == null
                                        ? null
                                        : new com.fasterxml.jackson.databind.ObjectMapper()
                                                .createObjectNode()
                                                .put("from", fromHash)
                                                .toString())
                        .expect(202)
                        .body()
                        .path("id")
                        .asText();
        while (true) {
            JsonNode v = server.get("/api/v1/audit/verifications/" + id).expect(200).body();
            switch (v.path("status").asText()) {
                case "done" -> {
                    return v.path("result");
                }
                case "running" -> Thread.sleep(500);
                default ->
                        throw new IllegalStateException(
                                "the server's verification failed: " + v.path("detail").asText());
            }
        }
    }

    /** Prints a result in its JSON (read directly or the server's): both paths print here. */
    private static void print(
            JsonNode result, dev.lethe.audit.Completeness.Report complete, boolean json)
            throws Exception {
        if (json) {
            ObjectNode out = result.deepCopy();
            if (complete != null) {
                out.set("completeness", AuditReconciliation.json(complete));
            }
            System.out.println(PrettyJson.of(out));
        } else {
            System.out.print(AuditVerification.text(result));
            if (complete != null) {
                System.out.print("completeness: " + AuditReconciliation.text(complete));
            }
        }
    }

    /**
     * Verifies the log of record up to the newest checkpoint's tree, with the index copy unless
     * {@code index} is null, against the witness {@code witnessFile} unless it is null (appending
     * the latest tree head when everything passes and {@code record}): what {@code audit verify}
     * and Lethe's server run.
     */
    static AuditVerification.Result verify(
            StackSettings s,
            AuditTopics topics,
            String expectCheckpoint,
            Duration pendingBound,
            AuditVerification.IndexCopies index,
            Path witnessFile,
            boolean record)
            throws Exception {
        return verify(
                s,
                topics,
                expectCheckpoint,
                pendingBound,
                index,
                witnessFile,
                record,
                AuditVerification.Progress.NONE);
    }

    /** As above, reporting its phase and the entries verified so far to {@code progress}. */
    static AuditVerification.Result verify(
            StackSettings s,
            AuditTopics topics,
            String expectCheckpoint,
            Duration pendingBound,
            AuditVerification.IndexCopies index,
            Path witnessFile,
            boolean record,
            AuditVerification.Progress progress)
            throws Exception {
        progress.phase("reading checkpoints");
        AuditTopics.TrustedKeys trusted = topics.trustedKeys(s);
        AuditVerification verification =
                new AuditVerification(new TreeHeadVerifier(trusted.keys()), Duration.ofSeconds(20))
                        .withTrustedKeys(trusted.describe())
                        .withProgress(progress);
        if (witnessFile != null) {
            verification.withWitness(new TreeHeadWitness(witnessFile), record);
        }
        AuditLogSource source = topics.source(s);
        verification.withPendingCheck(source::tail, pendingBound);
        List<TreeHeadRecord> checkpoints = source.checkpointRecords();
        long covered =
                checkpoints.stream()
                        .filter(c -> !c.isMalformed())
                        .mapToLong(c -> c.checkpoint().getTreeSize())
                        .max()
                        .orElse(0);
        progress.total(covered);
        return verification.verifyTopics(
                source.records(covered), checkpoints, expectCheckpoint, index);
    }
}
