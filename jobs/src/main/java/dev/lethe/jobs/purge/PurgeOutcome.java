package dev.lethe.jobs.purge;

import dev.lethe.retention.PurgeGuard.Verdict;
import java.io.Serializable;

/**
 * What the executor did with a command.
 *
 * @param commandId the command
 * @param receiptId the receipt it wrote (deterministic: the same command and outcome, the same id)
 * @param outcome {@code done}, {@code skipped} or {@code failed}
 * @param verdict the guard's verdict (null for failed)
 * @param reason why (never personal values)
 * @param replay true if the command had already been carried out: nothing was done again
 */
public record PurgeOutcome(
        String commandId,
        String receiptId,
        String outcome,
        Verdict verdict,
        String reason,
        boolean replay)
        implements Serializable {

    public static final String DONE = "done";
    public static final String SKIPPED = "skipped";
    public static final String FAILED = "failed";

    public boolean done() {
        return DONE.equals(outcome);
    }

    /** Whether the record stays in scope and the command should be tried again later. */
    public boolean retryLater() {
        return FAILED.equals(outcome) || (verdict != null && verdict.retryLater());
    }

    /** The receipt id of a command's outcome: the same command and outcome give the same id. */
    public static String receiptId(String commandId, String outcome, Verdict verdict) {
        return PurgeCommand.id(
                "receipt", commandId, outcome, verdict == null ? "" : verdict.name());
    }
}
