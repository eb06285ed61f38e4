package dev.lethe.bench;

import dev.lethe.audit.AuditVerifier;
import dev.lethe.audit.EntryHasher;
import dev.lethe.audit.EntryRecord;
import dev.lethe.audit.HashChain;
import dev.lethe.audit.MerkleFrontier;
import dev.lethe.audit.SigningKeys;
import dev.lethe.audit.TreeHeadSigner;
import dev.lethe.audit.TreeHeadVerifier;
import dev.lethe.audit.VerificationReport;
import dev.lethe.audit.VerifiedHead;
import dev.lethe.events.AuditActor;
import dev.lethe.events.AuditCheckpoint;
import dev.lethe.events.AuditEntry;
import dev.lethe.events.AuditFieldChange;
import dev.lethe.local.LocalStack;
import dev.lethe.local.StackOptions;
import dev.lethe.local.StackSettings;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Audit verification cost: {@code ./lethe audit verify}'s core ({@link AuditVerifier}: every entry
 * re-encoded and hashed, every chain link, the Merkle tree, every checkpoint signature) over a
 * generated log held in memory, measured as the verifying thread's CPU time. Reading the log from
 * Kafka is not included. Then {@link AuditPipelineBench} on a stack of its own.
 */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = {
            "CPU time of audit verify over a generated log (no servers); then, on a stack of its"
                    + " own, the audit job's backlog rate to Kafka and Elasticsearch vs a raw _bulk"
                    + " load of the same documents, and commit-to-searchable latency at half that"
                    + " rate."
        })
final class AuditBench implements Callable<Integer> {

    @Option(names = "--entries", defaultValue = "1000000", description = "Log size.")
    int entries;

    @Option(names = "--entities", defaultValue = "50000", description = "Chains (entities).")
    int entities;

    @Option(
            names = "--checkpoint-every",
            defaultValue = "10000",
            description = "A signed checkpoint every N entries.")
    int every;

    @Option(names = "--runs", defaultValue = "3", description = "Measured runs after one warm-up.")
    int runs;

    @Mixin StackOptions options;

    @Option(
            names = "--changes",
            defaultValue = "50000",
            description =
                    "Backlog changes for the throughput measurement (default ${DEFAULT-VALUE}).")
    int changes;

    @Option(
            names = "--rows-per-transaction",
            defaultValue = "1000",
            description = "Backlog rows per transaction (default ${DEFAULT-VALUE}).")
    int rowsPerTx;

    @Option(
            names = "--steady-seconds",
            defaultValue = "60",
            description =
                    "Seconds of steady writes at half the measured rate (default ${DEFAULT-VALUE}).")
    int steadySeconds;

    @Option(
            names = "--transactions-per-second",
            defaultValue = "10",
            description =
                    "Steady transactions a second, one sampled change each (default ${DEFAULT-VALUE}).")
    int transactionsPerSecond;

    @Option(
            names = "--update-rounds",
            defaultValue = "10",
            description =
                    "Updates of each backlog contact in the update backlog, 0 for none (default"
                            + " ${DEFAULT-VALUE}).")
    int updateRounds;

    @Option(
            names = "--warm-rounds",
            defaultValue = "2",
            description =
                    "Backlogs of new people (as many as --changes) audited while the job runs"
                            + " warm, each timed on its own (default ${DEFAULT-VALUE}).")
    int warmRounds;

    @Option(
            names = "--elasticsearch-cpus",
            description =
                    "Pin Elasticsearch to these CPUs (e.g. 1) and everything else to"
                            + " --other-cpus, as on a deployment where it has cores of its own"
                            + " (needs taskset).")
    String elasticsearchCpus;

    @Option(
            names = "--other-cpus",
            description = "With --elasticsearch-cpus: the CPUs of every other process (e.g. 0).")
    String otherCpus;

    @Option(
            names = "--new-entries",
            defaultValue = "10000",
            description =
                    "For the incremental verification: the entries after the verified head (a"
                            + " multiple of --checkpoint-every).")
    int newEntries;

    @Option(names = "--skip-verify", description = "Leave out the verify CPU measurement.")
    boolean skipVerify;

    @Option(
            names = "--skip-pipeline",
            description = "Leave out the stack (audit throughput vs raw _bulk, latency).")
    boolean skipPipeline;

    @Override
    public Integer call() throws Exception {
        int code = skipVerify ? 0 : verify();
        if (code != 0 || skipPipeline) {
            return code;
        }
        return pipeline();
    }

    /** Throughput and latency of the audit job on a stack started for the purpose. */
    private int pipeline() throws Exception {
        if ((elasticsearchCpus == null) != (otherCpus == null)) {
            throw new IllegalArgumentException(
                    "give --elasticsearch-cpus and --other-cpus together (e.g. 1 and 0)");
        }
        if (elasticsearchCpus != null) {
            CpuPinning.cpuList("--elasticsearch-cpus", elasticsearchCpus);
            CpuPinning.cpuList("--other-cpus", otherCpus);
        }
        StackSettings s = options.resolve();
        LocalStack stack = new LocalStack(s, System.out).withJobs(false);
        BenchStacks.requireNoneRunning(stack, s);
        stack.up();
        s = options.resolve();
        List<String> rows = new ArrayList<>();
        String beside =
                BenchStacks.besideRow(
                        BenchStacks.JOBS_OFF
                                + "; the benchmark submits the audit job alone (no discovery or"
                                + " retention job)");
        rows.add(beside);
        System.out.println(beside);
        try {
            int postgresPort = s.postgresPort();
            if (elasticsearchCpus != null) {
                Map<String, Long> pids = new HashMap<>(stack.pids());
                ProcessCpu.postmaster(postgresPort).ifPresent(pid -> pids.put("postgres", pid));
                String placement = CpuPinning.pin(pids, elasticsearchCpus, otherCpus);
                String row =
                        "| CPU placement (taskset, before the first backlog) | " + placement + " |";
                rows.add(row);
                System.out.println(row);
            }
            new AuditPipelineBench(
                            s,
                            System.out,
                            rows,
                            () -> {
                                Map<String, Long> pids = new HashMap<>(stack.pids());
                                ProcessCpu.postmaster(postgresPort)
                                        .ifPresent(pid -> pids.put("postgres", pid));
                                return pids;
                            })
                    .run(
                            changes,
                            rowsPerTx,
                            steadySeconds,
                            transactionsPerSecond,
                            warmRounds,
                            updateRounds);
        } finally {
            MeasureTable.print(System.out, rows);
            stack.down();
        }
        return 0;
    }

    private int verify() {
        SigningKeys keys = SigningKeys.generate();
        long g0 = System.nanoTime();
        List<AuditEntry> log = new ArrayList<>(entries);
        List<AuditCheckpoint> checkpoints = new ArrayList<>();
        generate(log, checkpoints, keys);
        System.out.printf(
                "generated %d entries over %d entities, %d checkpoints in %.1f s%n",
                log.size(), entities, checkpoints.size(), (System.nanoTime() - g0) / 1e9);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        AuditVerifier verifier = new AuditVerifier(TreeHeadVerifier.trusting(keys.publicKey()));
        double best = Double.MAX_VALUE;
        for (int run = 0; run <= runs; run++) {
            long cpu0 = threads.getCurrentThreadCpuTime();
            long wall0 = System.nanoTime();
            VerificationReport report = verifier.verify(log, checkpoints);
            double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
            double wall = (System.nanoTime() - wall0) / 1e9;
            if (!report.ok()) {
                System.out.println(report.describe());
                return 1;
            }
            System.out.printf(
                    "%s: %.2f s CPU, %.2f s wall%n",
                    run == 0 ? "warm-up" : "run " + run, cpu, wall);
            if (run > 0) {
                best = Math.min(best, cpu);
            }
        }
        // incremental: from the state at the head newEntries before the end (as audit verify
        // --state keeps it), read back from its bytes in the measured part, as a run reads its file
        int start = entries - newEntries;
        int headIndex = -1;
        for (int i = 0; i < checkpoints.size(); i++) {
            if (checkpoints.get(i).getTreeSize() == start) {
                headIndex = i;
            }
        }
        if (newEntries <= 0 || headIndex < 0) {
            throw new IllegalArgumentException(
                    "--new-entries must be a positive multiple of --checkpoint-every below"
                            + " --entries (a signed head at entries - new-entries)");
        }
        VerifiedHead kept =
                verifier.verify(log.subList(0, start), checkpoints.subList(0, headIndex + 1))
                        .verifiedHead();
        byte[] frontier = kept.frontier();
        byte[] tips = kept.chainsToBytes();
        List<AuditCheckpoint> later = checkpoints.subList(headIndex + 1, checkpoints.size());
        List<AuditEntry> fresh = log.subList(start, entries);
        double bestIncremental = Double.MAX_VALUE;
        for (int run = 0; run <= runs * 3; run++) {
            long cpu0 = threads.getCurrentThreadCpuTime();
            VerifiedHead head =
                    new VerifiedHead(
                            kept.checkpointSeq(),
                            kept.checkpointHash(),
                            kept.treeSize(),
                            kept.merkleRoot(),
                            frontier,
                            VerifiedHead.chainsFromBytes(tips));
            VerificationReport report = verifier.verifyFrom(head, EntryRecord.of(fresh), later);
            double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
            if (!report.ok() || report.entries() != newEntries) {
                System.out.println(report.describe());
                return 1;
            }
            if (run > 0) {
                bestIncremental = Math.min(bestIncremental, cpu);
            }
        }
        System.out.printf(
                "incremental (%d new entries from the head at %d): %.1f ms CPU%n",
                newEntries, start, bestIncremental * 1e3);
        MeasureTable.printHeader(System.out);
        System.out.println(BenchStacks.besideRow(BenchStacks.NO_STACK));
        System.out.printf(
                "| log | %d entries, %d entities, checkpoint every %d |%n",
                entries, entities, every);
        System.out.printf(
                "| **verify CPU (best of %d, warm)** | **%.2f s** (target ≤ 2 s) |%n", runs, best);
        System.out.printf("| per entry | %.2f µs |%n", best * 1e6 / entries);
        System.out.printf(
                "| incremental verify CPU, %d new entries from a kept state of %d chain tips"
                        + " (best of %d, warm) | %.1f ms |%n",
                newEntries, kept.chains().size(), runs * 3, bestIncremental * 1e3);
        System.out.printf(
                "| **incremental / full** | **%.2f %%** (target ≤ 2 %%) |%n",
                100 * bestIncremental / best);
        return 0;
    }

    /** Ticket and contact updates with two plain changes each; seeded, chained and signed. */
    private void generate(
            List<AuditEntry> log, List<AuditCheckpoint> checkpoints, SigningKeys keys) {
        Random random = new Random(42);
        EntryHasher hasher = new EntryHasher();
        MerkleFrontier tree = new MerkleFrontier();
        Map<String, HashChain.Head> heads = new HashMap<>();
        TreeHeadSigner signer = new TreeHeadSigner(keys);
        Instant t0 = Instant.parse("2025-03-01T09:00:00Z");
        AuditCheckpoint last = null;
        for (int i = 0; i < entries; i++) {
            int id = random.nextInt(entities);
            String table = id % 2 == 0 ? "tickets" : "contacts";
            String entity = table + "/" + id;
            Instant at = t0.plusMillis(i * 10L);
            AuditEntry e =
                    AuditEntry.newBuilder()
                            .setLogIndex(i)
                            .setKind("change")
                            .setEntityId(entity)
                            .setTable(table)
                            .setKey(Map.of("id", Integer.toString(id)))
                            .setSeq(0)
                            .setOp("UPDATE")
                            .setChanges(
                                    List.of(
                                            new AuditFieldChange("status", false, "open", "closed"),
                                            new AuditFieldChange(
                                                    "updated_at",
                                                    false,
                                                    at.toString(),
                                                    at.plusSeconds(1).toString())))
                            .setSubjectIds(List.of("contact:" + (id | 1)))
                            .setActor(new AuditActor("agent", Integer.toString(id % 50), null))
                            .setCommitTime(at)
                            .setCaptureTime(at.plusMillis(40))
                            .setLsn(1_000_000L + i)
                            .setTxId(10_000L + i)
                            .setSourceTopic("helpdesk.public." + table)
                            .setSourcePartition(0)
                            .setSourceOffset((long) i)
                            .setAttributes(Map.of())
                            .setPrevHash(ByteBuffer.allocate(0))
                            .setHash(ByteBuffer.allocate(0))
                            .build();
            heads.put(entity, HashChain.append(heads.get(entity), e, hasher));
            ByteBuffer h = e.getHash().duplicate();
            byte[] hash = new byte[h.remaining()];
            h.get(hash);
            tree.appendEntryHash(hash);
            log.add(e);
            if ((i + 1) % every == 0 || i == entries - 1) {
                last = signer.next(last, tree.size(), tree.root(), at);
                checkpoints.add(last);
            }
        }
    }
}
