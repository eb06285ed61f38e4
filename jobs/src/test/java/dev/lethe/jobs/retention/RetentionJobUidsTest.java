package dev.lethe.jobs.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.jobs.testing.OperatorUids;
import dev.lethe.jobs.testing.RawTopics;
import java.time.Duration;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.junit.jupiter.api.Test;

/**
 * Every operator of the retention job (the tracking topology and the receipt relay) has a uid of
 * its own: its savepoint state keeps to it.
 */
class RetentionJobUidsTest {

    @Test
    void everyOperatorHasAUid() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        RetentionSettings retention = RetentionSettings.defaults();
        RetentionJob.defineWorkflow(
                env,
                RawTopics.bounded(env, List.of(), Duration.ofSeconds(5)),
                RetentionJobITCase.POLICY,
                TestRetentionResources.of(
                        "uids",
                        () -> {
                            throw new IllegalStateException("not opened in this test");
                        }),
                retention);
        StreamGraph graph = OperatorUids.graph(env);
        assertThat(OperatorUids.withoutUid(graph)).isEmpty();
        assertThat(OperatorUids.uids(graph))
                .contains(
                        "retention-normalize",
                        "retention-track",
                        "retention-relay-ticks",
                        "retention-process-erasures",
                        "retention-publish-receipts")
                .doesNotHaveDuplicates();
    }
}
