package dev.lethe.jobs.elasticsearch;

import org.apache.flink.connector.base.sink.writer.strategy.RateLimitingStrategy;
import org.apache.flink.connector.base.sink.writer.strategy.RequestInfo;
import org.apache.flink.connector.base.sink.writer.strategy.ResultInfo;

/**
 * Full batches, at most a fixed number of bulk requests in flight, from the first request on.
 *
 * <p>Flink's default for an {@code AsyncSinkWriter} is congestion control (AIMD on in-flight
 * records) starting at one batch in flight and growing by 10 records per acknowledged request, and
 * halving on any failed item: with batches of 1,000 and 2 requests allowed, the first ~100 requests
 * go one at a time, and each retried item halves the window again. Elasticsearch has its own
 * back-pressure (429 on a full write queue), which the writer already answers with exponential
 * backoff per retried batch; a second, slower throttle on top of it only cost throughput (measured
 * in docs/benchmarks/history/discovery.md). The writer calls this from its mailbox thread only.
 */
final class FixedRequestsInFlight implements RateLimitingStrategy {

    private final int maxInFlightRequests;
    private final int maxBatchSize;
    private int inFlightRequests;

    FixedRequestsInFlight(int maxInFlightRequests, int maxBatchSize) {
        if (maxInFlightRequests <= 0 || maxBatchSize <= 0) {
            throw new IllegalArgumentException(
                    "requests in flight and batch size must be > 0, got "
                            + maxInFlightRequests
                            + " and "
                            + maxBatchSize);
        }
        this.maxInFlightRequests = maxInFlightRequests;
        this.maxBatchSize = maxBatchSize;
    }

    @Override
    public void registerInFlightRequest(RequestInfo request) {
        inFlightRequests++;
    }

    @Override
    public void registerCompletedRequest(ResultInfo result) {
        inFlightRequests = Math.max(0, inFlightRequests - 1);
    }

    @Override
    public boolean shouldBlock(RequestInfo request) {
        return inFlightRequests >= maxInFlightRequests;
    }

    @Override
    public int getMaxBatchSize() {
        return maxBatchSize;
    }

    int inFlightRequests() {
        return inFlightRequests;
    }
}
