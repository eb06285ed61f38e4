package dev.lethe.jobs.retention;

import dev.lethe.jobs.config.JobOptions;
import dev.lethe.jobs.purge.ReceiptRelay;
import java.io.Serializable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The retention job's own options, next to the shared ones of {@link
 * dev.lethe.jobs.config.JobSettings}.
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

    public static final JobOptions.Option<String> POLICY =
            JobOptions.text(
                    "retention-policy",
                    "",
                    "retention policy file, readable where the job is submitted and on every"
                            + " TaskManager (default: the shipped one)");
    public static final JobOptions.Option<Duration> RETRY_INTERVAL =
            JobOptions.duration(
                    "retry-interval",
                    "10m",
                    "a held, not yet due or failed purge is tried again after this long");
    public static final JobOptions.Option<Duration> RELAY_INTERVAL =
            JobOptions.duration(
                    "relay-interval", "1s", "how often new purge receipts are published");
    public static final JobOptions.Option<String> RECEIPT_TOPIC =
            JobOptions.text("receipt-topic", ReceiptRelay.DEFAULT_TOPIC, "purge receipts");

    /** The retention job's own options. */
    public static final List<JobOptions.Option<?>> OPTIONS =
            List.of(POLICY, RETRY_INTERVAL, RELAY_INTERVAL, RECEIPT_TOPIC);

    /** Every option at its default. */
    public static RetentionSettings defaults() {
        return from(JobOptions.of(OPTIONS).parse());
    }

    /** The settings of parsed options (an option the set does not take: its default). */
    public static RetentionSettings from(JobOptions.Values v) {
        return new RetentionSettings(
                v.get(POLICY), v.get(RETRY_INTERVAL), v.get(RELAY_INTERVAL), v.get(RECEIPT_TOPIC));
    }

    /** Every option's value as text, by name. */
    public Map<String, String> texts() {
        Map<String, String> t = new LinkedHashMap<>();
        t.put(POLICY.name(), policyPath);
        t.put(RETRY_INTERVAL.name(), retryInterval.toString());
        t.put(RELAY_INTERVAL.name(), relayInterval.toString());
        t.put(RECEIPT_TOPIC.name(), receiptTopic);
        return t;
    }

    public RetentionSettings withPolicyPath(String path) {
        return new RetentionSettings(path, retryInterval, relayInterval, receiptTopic);
    }

    public RetentionSettings withRetryInterval(Duration retry) {
        return new RetentionSettings(policyPath, retry, relayInterval, receiptTopic);
    }
}
