package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch._types.Refresh;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.audit.TreeHeadWitness;
import dev.lethe.events.AuditEntry;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.elasticsearch.ElasticsearchConnection;
import dev.lethe.local.StackSettings;
import dev.lethe.testing.AuditTestJobs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit monitor on a real log: it verifies each new signed tree head incrementally, {@code
 * status} shows what it verified through; an index document changed inside the verified range
 * becomes a finding (status: attention, naming the document) at the next tree head and, restored,
 * lets the monitor go on; a record forged into the audit topic is reported within a tree-head
 * interval plus 10 s (and the capture latency); a checkpoints topic whose records were deleted is
 * ROLLED_BACK.
 */
class AuditMonitorITCase {

    @TempDir Path stateDir;

    @Test
    void theMonitorVerifiesEachNewTreeHeadAndReportsAChangedIndexDocument() throws Exception {
        try (MonitoredAuditRun r = MonitoredAuditRun.start("monitor", stateDir, (m, s) -> m)) {
            StackSettings shared = r.shared;
            JobSettings settings = r.settings;
            r.change(0);
            r.change(1);
            AuditMonitor.State verified = r.awaitState(st -> st.checkpointSeq() > 0);
            assertThat(verified.attention()).as(verified.summary()).isFalse();
            assertThat(new TreeHeadWitness(stateDir.resolve("witness.jsonl")).latest())
                    .as("the verified tree head is witnessed")
                    .hasValueSatisfying(
                            h ->
                                    assertThat(h.getCheckpointSeq())
                                            .isEqualTo(verified.checkpointSeq()));
            assertThat(statusLine(verified))
                    .contains("monitor")
                    .contains("verified through tree head " + verified.checkpointSeq());

            // an index document inside the verified range, changed
            String docId;
            ObjectNode original;
            try (ElasticsearchConnection.Clients es =
                    new ElasticsearchConnection(
                                    shared.elasticsearchUrl(), shared.elasticsearchUser())
                            .open(shared.elasticsearchPassword().orElseThrow())) {
                es.client().indices().refresh(x -> x.index(settings.auditIndex()));
                var hit =
                        es.client()
                                .search(
                                        q ->
                                                q.index(settings.auditIndex())
                                                        .query(
                                                                t ->
                                                                        t.term(
                                                                                f ->
                                                                                        f.field(
                                                                                                        "logIndex")
                                                                                                .value(
                                                                                                        0))),
                                        ObjectNode.class)
                                .hits()
                                .hits()
                                .get(0);
                docId = hit.id();
                original = hit.source().deepCopy();
            }
            ObjectNode doc = original.deepCopy();
            doc.put("op", "DELETE".equals(doc.path("op").asText()) ? "UPDATE" : "DELETE");
            index(shared, settings, docId, doc);
            r.change(2); // a new tree head
            AuditMonitor.State finding = r.awaitState(AuditMonitor.State::attention);
            assertThat(finding.finding()).contains("MODIFIED").contains(docId);
            assertThat(finding.checkpointSeq())
                    .as("still verified through the last good head")
                    .isEqualTo(verified.checkpointSeq());
            assertThat(statusLine(finding)).contains("ATTENTION").contains(docId);
            assertThat(finding.findings()).isPositive();

            // the document restored: the monitor goes on from the last good head
            index(shared, settings, docId, original);
            r.change(3);
            AuditMonitor.State resumed =
                    r.awaitState(
                            st -> !st.attention() && st.checkpointSeq() > verified.checkpointSeq());
            assertThat(r.monitor.headFile()).as("it keeps the head it verified").exists();

            // a record forged into the audit topic, seen at the next tree head: within one
            // tree-head interval (2 s here) plus 10 s, plus the time a change takes from commit
            // to the log on a loaded machine (the test commits one a second until then)
            List<AuditEntry> log =
                    AuditTestJobs.entries(
                            settings.auditTopic(), e -> true, l -> false, Duration.ofSeconds(3));
            AuditEntry forged = AuditEntry.newBuilder(log.get(log.size() - 1)).build();
            forged.setOp("DELETE".equals(forged.getOp()) ? "UPDATE" : "DELETE");
            long forgedAt = System.nanoTime();
            r.append(forged);
            int[] next = {4};
            AuditMonitor.State forgery =
                    r.awaitStateChanging(
                            st -> st.attention() && st.findings() > resumed.findings(), next);
            double seconds = (System.nanoTime() - forgedAt) / 1e9;
            assertThat(forgery.finding()).as(forgery.summary()).contains(forged.getEntityId());
            assertThat(forgery.checkpointSeq()).isEqualTo(resumed.checkpointSeq());
            assertThat(seconds).as("seconds from the forgery to the finding").isLessThan(20);

            // the checkpoints topic rolled back (records deleted, as far as Kafka allows)
            try (Admin admin = Admin.create(shared.kafkaClient())) {
                TopicPartition tp = new TopicPartition(settings.auditCheckpointTopic(), 0);
                long end =
                        admin.listOffsets(Map.of(tp, OffsetSpec.latest()))
                                .partitionResult(tp)
                                .get()
                                .offset();
                admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(end))).all().get();
            }
            AuditMonitor.State rolledBack =
                    r.awaitStateChanging(
                            st -> st.finding() != null && st.finding().contains("ROLLED_BACK"),
                            next);
            assertThat(rolledBack.finding()).contains("no longer holds the verified tree head");
        }
    }

    private static void index(StackSettings s, JobSettings settings, String docId, ObjectNode doc)
            throws Exception {
        try (ElasticsearchConnection.Clients es =
                new ElasticsearchConnection(s.elasticsearchUrl(), s.elasticsearchUser())
                        .open(s.elasticsearchPassword().orElseThrow())) {
            es.client()
                    .index(
                            x ->
                                    x.index(settings.auditIndex())
                                            .id(docId)
                                            .document(doc)
                                            .refresh(Refresh.True));
        }
    }

    private static String statusLine(AuditMonitor.State state) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StatusCommand.print(
                List.of(),
                StatusCommand.Findings.NONE.withMonitor(state),
                false,
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
