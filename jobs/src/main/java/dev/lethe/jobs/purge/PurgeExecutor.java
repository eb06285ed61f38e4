package dev.lethe.jobs.purge;

import java.io.Serializable;

/**
 * Carries out purge commands against the helpdesk database, each guarded ({@link
 * dev.lethe.retention.PurgeGuard}) and idempotent: a command already done returns its outcome with
 * {@link PurgeOutcome#replay()} set and changes nothing.
 */
public interface PurgeExecutor extends AutoCloseable {

    PurgeOutcome execute(PurgeCommand command);

    /**
     * Mirrors a scheduled purge where operators can list it ({@code lethe.purge_schedule}: keys,
     * rule and deadline, no values). Best effort: the schedule of record is the job's state.
     */
    default void scheduled(PurgeCommand command) {}

    /** Removes a record's mirrored schedule (restored, purged, no longer governed). */
    default void unscheduled(String entityId) {}

    @Override
    default void close() throws Exception {}

    /** Opens an executor where an operator runs; only this factory travels in the job graph. */
    interface Factory extends Serializable {
        PurgeExecutor open() throws Exception;
    }
}
