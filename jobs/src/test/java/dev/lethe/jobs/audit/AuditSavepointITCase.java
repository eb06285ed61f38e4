package dev.lethe.jobs.audit;

import static dev.lethe.jobs.testing.DebeziumLog.row;
import static dev.lethe.jobs.testing.DebeziumLog.with;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.audit.HashChain;
import dev.lethe.audit.VerificationReport;
import dev.lethe.events.AuditCheckpoint;
import dev.lethe.events.AuditEntry;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.kafka.RawRecord;
import dev.lethe.jobs.testing.DebeziumLog;
import dev.lethe.jobs.testing.OfflineSettings;
import dev.lethe.jobs.testing.RawTopics;
import dev.lethe.jobs.testing.Savepoints;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit job's state survives a savepoint: the topology ({@link AuditJob#defineWorkflow}) runs
 * on a MiniCluster, is stopped with a savepoint, and started again from it with more input. The
 * chain continues each entity's {@code seq} and {@code prevHash}, the sequencer its log index and
 * Merkle tree: the log of both runs verifies against the signed tree heads as one log. Every
 * operator restores by its uid (a savepoint state without its operator fails the restore).
 *
 * <p>{@link #aSavepointOfTheCommittedFixtureRestores} restores {@code savepoints/audit} under the
 * test resources, a savepoint taken of the first run by the jobs as they were when it was written:
 * a change of an operator's uid or state layout fails it. Regenerate it (after a deliberate,
 * migrated change only) with {@code ./mvnw -o -pl jobs -am verify -Dit.test=AuditSavepointITCase
 * -Dlethe.savepoint.write=true -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false}: that test then
 * writes the fixture before it restores it.
 */
class AuditSavepointITCase {

    /** Where the committed savepoint of {@link #firstRun} lives, in the module's sources. */
    private static final Path FIXTURE = Path.of("src/test/resources/savepoints/audit");

    @TempDir Path signingKeys;
    @TempDir Path savepoints;

    private final String run = UUID.randomUUID().toString();
    private final AuditOutputs out = new AuditOutputs();

    @AfterEach
    void forget() {
        TestAuditResources.forget(run);
        out.clear();
    }

    /** The input: Anna inserted, Otto inserted, Anna updated; then (second run) Anna again. */
    private static final class Input {
        final List<RawRecord> all;
        final List<RawRecord> first;
        final List<RawRecord> second;

        Input() {
            DebeziumLog raw =
                    new DebeziumLog(Instant.parse("2025-03-01T10:00:00Z"))
                            .withTransactionMetadata();
            Map<String, Object> anna =
                    row("contacts", "id", 1, "first_name", "Anna", "email", "anna@example.eu");
            Map<String, Object> otto =
                    row("contacts", "id", 2, "first_name", "Otto", "email", "otto@example.eu");
            raw.begin().actor("agent", "7", "new contact").insert("contacts", anna).commit();
            raw.begin().actor("agent", "7", "new contact").insert("contacts", otto).commit();
            Map<String, Object> anna2 = with(anna, "locale", "de-DE");
            raw.begin()
                    .actor("customer", "1", "own locale")
                    .update("contacts", anna, anna2)
                    .commit();
            int firstRun = raw.records().size();
            raw.begin()
                    .actor("agent", "7", "new address")
                    .update("contacts", anna2, with(anna2, "email", "anna@example.org"))
                    .commit();
            all = List.copyOf(raw.records());
            first = all.subList(0, firstRun);
            second = all.subList(firstRun, all.size());
        }
    }

    @Test
    void theChainAndTheLogContinueAcrossAStopWithSavepoint() throws Exception {
        Input input = new Input();
        String savepoint = firstRun(input, savepoints);
        List<AuditEntry> first = out.entries();
        assertThat(first).extracting(AuditEntry::getLogIndex).containsExactly(0L, 1L, 2L);

        List<AuditEntry> entries = secondRun(input, savepoint);

        assertTheChainAndTheLogWentOn(entries);
        assertThat(out.treeHeads())
                .extracting(AuditCheckpoint::getTreeSize)
                .containsExactly(2L, 4L);
    }

    /**
     * Both runs' entries are one log: indexes 0..3, Anna's chain 1..3 linked across the restore,
     * and (the Merkle tree went on too) every entry verifies against the signed tree heads.
     */
    private void assertTheChainAndTheLogWentOn(List<AuditEntry> entries) throws Exception {
        assertThat(entries).extracting(AuditEntry::getLogIndex).containsExactly(0L, 1L, 2L, 3L);
        List<AuditEntry> annas =
                entries.stream().filter(e -> e.getEntityId().equals("contacts/1")).toList();
        assertThat(annas).extracting(AuditEntry::getSeq).containsExactly(1L, 2L, 3L);
        assertThat(bytes(annas.get(2).getPrevHash())).isEqualTo(bytes(annas.get(1).getHash()));
        VerificationReport report =
                TestAuditResources.verify(signingKeys, entries, out.treeHeads());
        assertThat(report.ok()).as(report.describe()).isTrue();
        assertThat(out.deadLetters.values()).isEmpty();
    }

    /**
     * A savepoint of a version before the transaction ledger (event time released by complete
     * transactions) restores: made here by removing the ledger operator's state from a savepoint of
     * the first run (its metadata rewritten without it; a canonical savepoint is relocatable),
     * which leaves what an older version's savepoint holds for it, nothing. The restored job starts
     * with an empty ledger, learns the transactions read after the restore and releases their
     * entries: the chain and the log go on.
     */
    @Test
    void aSavepointWithoutTheTransactionLedgerRestores() throws Exception {
        Input input = new Input();
        String savepoint = firstRun(input, savepoints);
        String withoutLedger =
                withoutStateOf(RawTopics.TRANSACTIONS_UID, savepoint, savepoints.resolve("older"));

        assertTheChainAndTheLogWentOn(secondRun(input, withoutLedger));
    }

    @Test
    void aSavepointOfTheCommittedFixtureRestores() throws Exception {
        if (Boolean.getBoolean("lethe.savepoint.write")) {
            writeTheFixture();
            out.clear();
        }
        Path fixture = FIXTURE.resolve("_metadata");
        assertThat(fixture)
                .as("the committed savepoint (see the class comment to regenerate it)")
                .exists();
        List<AuditEntry> entries =
                secondRun(new Input(), FIXTURE.toAbsolutePath().toUri().toString());

        // the fixture's first run logged indexes 0..2 (Anna twice, Otto once)
        assertThat(entries)
                .singleElement()
                .satisfies(
                        e -> {
                            assertThat(e.getEntityId()).isEqualTo("contacts/1");
                            assertThat(e.getLogIndex()).isEqualTo(3L);
                            assertThat(e.getSeq()).isEqualTo(3L);
                            assertThat(bytes(e.getPrevHash())).isNotEqualTo(HashChain.genesis());
                        });
        // the tree continued from the restored frontier (a restarted one would sign 1 or 2): a head
        // over the 4 entries, or over the first 3 when the fixture's restored interval timer (set
        // an hour after the fixture was taken) has passed and fires at once
        assertThat(out.checkpoints.values())
                .isNotEmpty()
                .extracting(AuditCheckpoint::getTreeSize)
                .allMatch(size -> size == 3L || size == 4L);
        assertThat(out.deadLetters.values()).isEmpty();
    }

    /**
     * Writes {@link #FIXTURE}: the first run's savepoint (with {@code
     * -Dlethe.savepoint.write=true}, before the fixture is restored).
     */
    private void writeTheFixture() throws Exception {
        Path taken = Path.of(java.net.URI.create(firstRun(new Input(), savepoints)));
        if (Files.exists(FIXTURE)) {
            try (Stream<Path> old = Files.walk(FIXTURE)) {
                old.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(FIXTURE);
        try (Stream<Path> files = Files.list(taken)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(
                        f, FIXTURE.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** Runs the first part of the input, stops the job with a savepoint; returns its path. */
    private String firstRun(Input input, Path savepointDir) throws Exception {
        JobClient job = start(input.first, input.all, null);
        try {
            assertThat(out.log.await(l -> l.size() >= 3, 60_000)).hasSize(3);
            assertThat(out.checkpoints.await(h -> h.size() >= 1, 10_000)).hasSize(1);
            return job.stopWithSavepoint(
                            false, savepointDir.toUri().toString(), SavepointFormatType.CANONICAL)
                    .get();
        } catch (Exception | AssertionError e) {
            job.cancel().get();
            throw e;
        }
    }

    /** Runs the second part of the input restored from {@code savepoint}; returns its entries. */
    private List<AuditEntry> secondRun(Input input, String savepoint) throws Exception {
        int before = out.log.values().size();
        JobClient job = start(input.second, input.all, savepoint);
        try {
            out.log.await(l -> l.size() >= before + 1, 60_000);
            out.checkpoints.await(h -> h.stream().anyMatch(c -> c.getTreeSize() >= 3L), 10_000);
            out.checkpoints.await(h -> h.stream().anyMatch(c -> c.getTreeSize() == 4L), 3_000);
            Thread.sleep(300); // anything more (a replay of the first run) would come now
        } finally {
            job.cancel().get();
        }
        return out.entries();
    }

    private JobClient start(List<RawRecord> records, List<RawRecord> all, String savepoint)
            throws Exception {
        StreamExecutionEnvironment env = Savepoints.restoring(2, savepoint);
        JobSettings settings =
                OfflineSettings.of(
                        "--audit-checkpoint-every", "2",
                        "--audit-checkpoint-interval", "1h",
                        "--idle-timeout", "1h");
        AuditJob.defineWorkflow(
                env,
                RawTopics.keptOpenByTransactions(env, records, all, settings),
                out.sinks(),
                TestAuditResources.of(run, signingKeys),
                settings);
        return env.executeAsync("audit-savepoint-itcase");
    }

    /**
     * A copy of the savepoint {@code savepoint} in {@code dir} whose metadata holds no state for
     * the operator of {@code uid}; returns its path.
     */
    private static String withoutStateOf(String uid, String savepoint, Path dir) throws Exception {
        Path from = Path.of(java.net.URI.create(savepoint));
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, dir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path metadata = dir.resolve("_metadata");
        org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata m;
        try (java.io.DataInputStream in =
                new java.io.DataInputStream(Files.newInputStream(metadata))) {
            m =
                    org.apache.flink.runtime.checkpoint.Checkpoints.loadCheckpointMetadata(
                            in, AuditSavepointITCase.class.getClassLoader(), dir.toString());
        }
        org.apache.flink.runtime.jobgraph.OperatorID ledger =
                org.apache.flink.state.api.OperatorIdentifier.forUid(uid).getOperatorId();
        List<org.apache.flink.runtime.checkpoint.OperatorState> kept =
                m.getOperatorStates().stream()
                        .filter(o -> !o.getOperatorID().equals(ledger))
                        .toList();
        assertThat(kept)
                .as("the savepoint held the operator's state")
                .hasSize(m.getOperatorStates().size() - 1);
        try (java.io.DataOutputStream out =
                new java.io.DataOutputStream(Files.newOutputStream(metadata))) {
            org.apache.flink.runtime.checkpoint.Checkpoints.storeCheckpointMetadata(
                    new org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata(
                            m.getCheckpointId(),
                            kept,
                            m.getMasterStates(),
                            m.getCheckpointProperties()),
                    out);
        }
        return dir.toUri().toString();
    }

    private static byte[] bytes(Object buffer) {
        ByteBuffer d = ((ByteBuffer) buffer).duplicate();
        byte[] b = new byte[d.remaining()];
        d.get(b);
        return b;
    }
}
