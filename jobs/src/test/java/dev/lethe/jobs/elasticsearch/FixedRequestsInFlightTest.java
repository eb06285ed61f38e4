package dev.lethe.jobs.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.connector.base.sink.writer.strategy.BasicRequestInfo;
import org.apache.flink.connector.base.sink.writer.strategy.BasicResultInfo;
import org.junit.jupiter.api.Test;

class FixedRequestsInFlightTest {

    @Test
    void fullBatchesUpToTheLimitFromTheFirstRequestAndAfterFailures() {
        FixedRequestsInFlight limit = new FixedRequestsInFlight(2, 1000);
        BasicRequestInfo batch = new BasicRequestInfo(1000);

        assertThat(limit.getMaxBatchSize()).isEqualTo(1000);
        assertThat(limit.shouldBlock(batch)).isFalse();
        limit.registerInFlightRequest(batch);
        assertThat(limit.shouldBlock(batch)).isFalse();
        limit.registerInFlightRequest(batch);
        assertThat(limit.shouldBlock(batch)).isTrue();

        // a request with every item failed frees its slot and shrinks nothing
        limit.registerCompletedRequest(new BasicResultInfo(1000, 1000));
        assertThat(limit.shouldBlock(batch)).isFalse();
        assertThat(limit.getMaxBatchSize()).isEqualTo(1000);
        limit.registerCompletedRequest(new BasicResultInfo(0, 1000));
        assertThat(limit.inFlightRequests()).isZero();
    }
}
