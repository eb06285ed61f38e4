package dev.lethe.jobs.audit;

import dev.lethe.events.AuditCheckpoint;
import dev.lethe.events.AuditEntry;
import dev.lethe.events.DeadLetter;
import dev.lethe.jobs.testing.CollectingSink;
import java.util.Comparator;
import java.util.List;

/**
 * The audit job's sinks for a run on a MiniCluster (the log, its signed tree heads, the dead
 * letters and the index), each entry kept as a copy of its own, and what they were given in log
 * order.
 */
final class AuditOutputs {

    final CollectingSink<AuditEntry> log = CollectingSink.create("audit-log", AuditOutputs::copy);
    final CollectingSink<AuditEntry> index =
            CollectingSink.create("audit-index", AuditOutputs::copy);
    final CollectingSink<AuditCheckpoint> checkpoints = CollectingSink.create("audit-checkpoints");
    final CollectingSink<DeadLetter> deadLetters = CollectingSink.create("dead-letters");

    /** The sinks, as {@link AuditJob#defineWorkflow} takes them. */
    AuditJob.AuditSinks sinks() {
        return new AuditJob.AuditSinks(log, checkpoints, deadLetters, index);
    }

    /** The log's entries so far, by log index. */
    List<AuditEntry> entries() {
        return log.values().stream().sorted(Comparator.comparing(AuditEntry::getLogIndex)).toList();
    }

    /** The signed tree heads so far, in the order they were signed. */
    List<AuditCheckpoint> treeHeads() {
        return checkpoints.values().stream()
                .sorted(Comparator.comparing(AuditCheckpoint::getCheckpointSeq))
                .toList();
    }

    void clear() {
        List.of(log, index, checkpoints, deadLetters).forEach(CollectingSink::clear);
    }

    static AuditEntry copy(AuditEntry e) {
        return AuditEntry.newBuilder(e).build();
    }
}
