package dev.lethe.jobs.changes;

import dev.lethe.events.ChangeEvent;
import dev.lethe.normalize.EntityId;

/**
 * Where a change sits in its entity's history: entity id, LSN and commit time, taken straight from
 * the normalizer in source order. The chain uses these to release each entity's changes in order as
 * soon as they are there, instead of waiting for event time. A Flink POJO without personal data.
 */
public class ChangePosition {

    public String entityId;
    public long lsn;
    public long commitTimeMillis;

    /**
     * The position of a replayed dead letter ({@link NormalizeRawRecords#REPLAYED}), sent besides
     * its unmarked one: the chain expects its entry even below what it has logged.
     */
    public boolean replayed;

    public ChangePosition() {}

    public ChangePosition(String entityId, long lsn, long commitTimeMillis) {
        this.entityId = entityId;
        this.lsn = lsn;
        this.commitTimeMillis = commitTimeMillis;
    }

    /** The position of a normalized change. */
    public static ChangePosition of(ChangeEvent change) {
        return new ChangePosition(
                EntityId.of(change),
                change.getSource().getLsn(),
                change.getSource().getCommitTime().toEpochMilli());
    }

    /** The marked position of a replayed change. */
    public static ChangePosition replayed(ChangeEvent change) {
        ChangePosition p = of(change);
        p.replayed = true;
        return p;
    }

    @Override
    public String toString() {
        return entityId + "@" + lsn + (replayed ? " (replayed)" : "");
    }
}
