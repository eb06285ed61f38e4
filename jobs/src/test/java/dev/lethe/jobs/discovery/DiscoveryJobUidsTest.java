package dev.lethe.jobs.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.testing.CollectingSink;
import dev.lethe.jobs.testing.OfflineSettings;
import dev.lethe.jobs.testing.OperatorUids;
import dev.lethe.jobs.testing.RawTopics;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.junit.jupiter.api.Test;

/**
 * Every operator of the discovery topology has a uid of its own: its savepoint state keeps to it.
 */
class DiscoveryJobUidsTest {

    @Test
    void everyOperatorHasAUid() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
        JobSettings settings = OfflineSettings.of();
        DiscoveryJob.defineWorkflow(
                env,
                RawTopics.bounded(env, List.of(), settings.idleTimeout()),
                new DiscoveryJob.DiscoverySinks(
                        CollectingSink.create("locations"), CollectingSink.create("dead-letters")),
                settings);
        StreamGraph graph = OperatorUids.graph(env);
        assertThat(OperatorUids.withoutUid(graph)).isEmpty();
        assertThat(OperatorUids.uids(graph))
                .contains("discovery-normalize", "discovery-detect", "discovery-track")
                .doesNotHaveDuplicates();
    }

    @Test
    void anOperatorWithoutAUidIsFound() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        RawTopics.bounded(env, List.of(), java.time.Duration.ofSeconds(1))
                .map(r -> r.topic)
                .name("unnamed-state")
                .sinkTo(CollectingSink.create("topics"))
                .uid("topics-sink");
        assertThat(OperatorUids.withoutUid(OperatorUids.graph(env)))
                .containsExactly("unnamed-state");
    }
}
