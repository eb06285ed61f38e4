package dev.lethe.jobs.purge;

import java.io.Serializable;

/**
 * Carries out purge commands against the helpdesk database, each guarded ({@link
 * dev.lethe.retention.PurgeGuard}) and idempotent: a command already done returns its outcome with
 * {@link PurgeOutcome#replay()} set and changes nothing.
 */
public interface PurgeExecutor extends AutoCloseable {

    PurgeOutcome execute(PurgeCommand command);

    @Override
    default void close() throws Exception {}

    /** Opens an executor where an operator runs; only this factory travels in the job graph. */
    interface Factory extends Serializable {
        PurgeExecutor open() throws Exception;
    }
}
