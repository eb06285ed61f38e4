package dev.lethe.jobs.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.kafka.RawRecord;
import dev.lethe.jobs.testing.CollectingSink;
import dev.lethe.jobs.testing.OfflineSettings;
import dev.lethe.jobs.testing.OperatorUids;
import dev.lethe.jobs.testing.RawTopics;
import dev.lethe.keys.InMemorySubjectKeyStore;
import java.util.List;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.junit.jupiter.api.Test;

/** Every operator of the audit topology has a uid of its own: its savepoint state keeps to it. */
class AuditJobUidsTest {

    @Test
    void everyOperatorHasAUid() {
        StreamGraph graph = auditJob();
        assertThat(OperatorUids.withoutUid(graph)).isEmpty();
        assertThat(OperatorUids.uids(graph))
                .contains(
                        "audit-normalize",
                        "audit-resolve-subjects",
                        "audit-protect",
                        "audit-table-shapes",
                        "audit-actor-join",
                        "audit-row-entries",
                        "audit-truncate-entries",
                        "audit-chain",
                        "audit-lethe-actions",
                        "audit-deduplicate-actions",
                        "audit-log-sequencer")
                .doesNotHaveDuplicates();
    }

    /** Every change passes the table shapes: in the normalizer's task, without an exchange. */
    @Test
    void theTableShapesRunInTheNormalizersTask() {
        JobGraph job = auditJob().getJobGraph();
        assertThat(job.getVertices())
                .extracting(JobVertex::getName)
                .anySatisfy(name -> assertThat(name).contains("normalize -> ", "table-shapes"));
    }

    private static StreamGraph auditJob() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
        JobSettings settings = OfflineSettings.of();
        DataStream<RawRecord> raw = RawTopics.bounded(env, List.of(), settings.idleTimeout());
        AuditJob.defineWorkflow(
                env,
                raw,
                raw, // the action records' source: the same test source will do
                new AuditJob.AuditSinks(
                        CollectingSink.create("log"),
                        CollectingSink.create("tree-heads"),
                        CollectingSink.create("dead-letters"),
                        CollectingSink.create("index")),
                new AuditResources(
                        null,
                        InMemorySubjectKeyStore::new,
                        AuditTestData.STATE_KEYS,
                        () -> {
                            throw new IllegalStateException("not opened in this test");
                        }),
                settings);
        return OperatorUids.graph(env);
    }
}
