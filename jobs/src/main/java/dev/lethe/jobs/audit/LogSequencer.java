package dev.lethe.jobs.audit;

import dev.lethe.audit.EntryHasher;
import dev.lethe.audit.HashChain;
import dev.lethe.audit.MerkleFrontier;
import dev.lethe.audit.SigningKeys;
import dev.lethe.audit.TreeHeadSigner;
import dev.lethe.events.AuditCheckpoint;
import dev.lethe.events.AuditEntry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place the audit log is written in order (parallelism 1). For each entry, in arrival
 * order: assigns the next {@code logIndex}, links it into its entity's hash chain ({@link
 * HashChain#append}: seq, prevHash, hash — the hash covers the log index, which is why chaining
 * happens here and not in the parallel {@link OrderEntityChanges}), and appends its hash to the
 * Merkle tree. Every {@code checkpointEvery} entries, or {@code checkpointIntervalMs} after the
 * first entry not yet covered, it emits a signed {@link AuditCheckpoint} on {@link #CHECKPOINTS}.
 *
 * <p>State: keyed by entity id, the chain head (seq and hash) of each entity; in operator state
 * (one entry, as the operator runs alone), the Merkle frontier (whose size is the next log index),
 * the last checkpoint, and how many entries it does not cover yet. Only hashes, counters and ids:
 * no personal value.
 */
public final class LogSequencer extends KeyedProcessFunction<String, AuditEntry, AuditEntry>
        implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(LogSequencer.class);

    public static final OutputTag<AuditCheckpoint> CHECKPOINTS =
            new OutputTag<>("audit-checkpoints") {};

    private static final int STATE_VERSION = 1;

    private final int checkpointEvery;
    private final long checkpointIntervalMs;
    private final AuditResources.SigningKeysFactory signingKeys;

    private transient ValueState<byte[]> head;
    private transient ListState<byte[]> logState;
    private transient MerkleFrontier frontier;
    private transient AuditCheckpoint lastCheckpoint;
    private transient long uncovered;
    private transient long timerAt;
    private transient EntryHasher hasher;
    private transient TreeHeadSigner signer;

    public LogSequencer(
            int checkpointEvery,
            long checkpointIntervalMs,
            AuditResources.SigningKeysFactory signingKeys) {
        if (checkpointEvery <= 0 || checkpointIntervalMs <= 0) {
            throw new IllegalArgumentException("checkpoint every/interval must be positive");
        }
        this.checkpointEvery = checkpointEvery;
        this.checkpointIntervalMs = checkpointIntervalMs;
        this.signingKeys = signingKeys;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        logState =
                context.getOperatorStateStore()
                        .getListState(new ListStateDescriptor<>("log", byte[].class));
        frontier = new MerkleFrontier();
        lastCheckpoint = null;
        uncovered = 0;
        timerAt = Long.MIN_VALUE;
        if (context.isRestored()) {
            for (byte[] bytes : logState.get()) {
                restore(bytes);
            }
        }
    }

    @Override
    public void open(OpenContext context) throws Exception {
        head = getRuntimeContext().getState(new ValueStateDescriptor<>("head", byte[].class));
        hasher = new EntryHasher();
        signer = new TreeHeadSigner(openSigningKeys());
    }

    /**
     * The signing key, loaded: never created here. Missing, the job fails saying what to do; a key
     * other than the one that signed the last checkpoint is a rotation, logged.
     */
    private SigningKeys openSigningKeys() throws Exception {
        SigningKeys keys;
        try {
            keys = signingKeys.open();
        } catch (SigningKeys.MissingSigningKeyException e) {
            throw new IllegalStateException(missingKey(e.getFile(), lastCheckpoint), e);
        }
        if (lastCheckpoint != null && !keys.keyId().equals(lastCheckpoint.getSigningKeyId())) {
            LOG.warn(
                    "audit checkpoints are now signed with key {}; checkpoint {} was signed with"
                            + " key {}. Auditors verify only against keys they pinned: give them"
                            + " the new public key, or restore the old key if this is not a"
                            + " rotation.",
                    keys.keyId(),
                    lastCheckpoint.getCheckpointSeq(),
                    lastCheckpoint.getSigningKeyId());
        }
        return keys;
    }

    static String missingKey(String file, AuditCheckpoint last) {
        if (last != null) {
            return "the audit signing key "
                    + file
                    + " is missing, and the log already has "
                    + last.getCheckpointSeq()
                    + " signed checkpoints (the latest signed with key "
                    + last.getSigningKeyId()
                    + "). Restore that key from its backup (on a cluster: the directory named by "
                    + AuditResources.SIGNING_KEY_DIR
                    + " on every TaskManager). The job does not create a new key: auditors"
                    + " verify against the key they pinned, and a new one would not verify.";
        }
        return "no audit signing key at "
                + file
                + ". Create it once: ./lethe audit keys init (the local stack's ./lethe up does"
                + " it); on a cluster ./lethe audit keys init --dir DIR, then make DIR readable"
                + " by the TaskManagers' user only and name it in "
                + AuditResources.SIGNING_KEY_DIR
                + ". Give auditors the public key it prints.";
    }

    @Override
    public void processElement(AuditEntry entry, Context ctx, Collector<AuditEntry> out)
            throws Exception {
        entry.setLogIndex(frontier.size());
        HashChain.Head next = HashChain.append(readHead(), entry, hasher);
        head.update(writeHead(next));
        frontier.appendEntryHash(next.hash());
        out.collect(entry);
        uncovered++;
        if (uncovered >= checkpointEvery) {
            checkpoint(ctx);
        } else if (uncovered == 1) {
            long now = ctx.timerService().currentProcessingTime();
            timerAt = now + checkpointIntervalMs;
            ctx.timerService().registerProcessingTimeTimer(timerAt);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AuditEntry> out)
            throws Exception {
        // timers are keyed: one registered under some entity's key may fire after a checkpoint
        // by count already covered its entries; only a pending interval counts
        if (uncovered > 0 && timestamp >= timerAt) {
            checkpoint(ctx);
        }
    }

    private void checkpoint(Context ctx) {
        lastCheckpoint =
                signer.next(
                        lastCheckpoint,
                        frontier.size(),
                        frontier.root(),
                        Instant.ofEpochMilli(ctx.timerService().currentProcessingTime()));
        ctx.output(CHECKPOINTS, lastCheckpoint);
        uncovered = 0;
        timerAt = Long.MAX_VALUE;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(STATE_VERSION);
        byte[] f = frontier.toBytes();
        out.writeInt(f.length);
        out.write(f);
        out.writeLong(uncovered);
        out.writeLong(timerAt);
        if (lastCheckpoint == null) {
            out.writeInt(-1);
        } else {
            ByteBuffer cp = lastCheckpoint.toByteBuffer();
            out.writeInt(cp.remaining());
            byte[] b = new byte[cp.remaining()];
            cp.get(b);
            out.write(b);
        }
        out.flush();
        logState.update(List.of(bytes.toByteArray()));
    }

    private void restore(byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        int version = in.readInt();
        if (version != STATE_VERSION) {
            throw new IOException("unknown log sequencer state version " + version);
        }
        byte[] f = new byte[in.readInt()];
        in.readFully(f);
        frontier = MerkleFrontier.fromBytes(f);
        uncovered = in.readLong();
        timerAt = in.readLong();
        int cpLength = in.readInt();
        if (cpLength >= 0) {
            byte[] cp = new byte[cpLength];
            in.readFully(cp);
            lastCheckpoint = AuditCheckpoint.fromByteBuffer(ByteBuffer.wrap(cp));
        }
    }

    private HashChain.Head readHead() throws IOException {
        byte[] bytes = head.value();
        if (bytes == null) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        long seq = b.getLong();
        byte[] hash = new byte[b.remaining()];
        b.get(hash);
        return new HashChain.Head(seq, hash);
    }

    private static byte[] writeHead(HashChain.Head h) {
        return ByteBuffer.allocate(8 + h.hash().length).putLong(h.seq()).put(h.hash()).array();
    }
}
