package dev.lethe.jobs.retention;

import dev.lethe.jobs.purge.ReceiptRelay;
import java.io.Serializable;
import java.time.Duration;

/**
 * The retention job's own options, next to {@link dev.lethe.jobs.config.JobSettings}.
 *
 * @param policyPath the retention policy file; empty = the one shipped with Lethe
 * @param retryInterval how long a held, not yet due or failed purge waits before it is tried again
 * @param relayInterval how often the outbox relay publishes new receipts
 * @param receiptTopic where receipts go ({@value ReceiptRelay#DEFAULT_TOPIC})
 */
public record RetentionSettings(
        String policyPath, Duration retryInterval, Duration relayInterval, String receiptTopic)
        implements Serializable {

    public static final String JOB_NAME = "lethe-retention";

    public static RetentionSettings defaults() {
        return new RetentionSettings(
                "", Duration.ofMinutes(10), Duration.ofSeconds(1), ReceiptRelay.DEFAULT_TOPIC);
    }

    public RetentionSettings withPolicyPath(String path) {
        return new RetentionSettings(path, retryInterval, relayInterval, receiptTopic);
    }

    public RetentionSettings withRetryInterval(Duration retry) {
        return new RetentionSettings(policyPath, retry, relayInterval, receiptTopic);
    }
}
