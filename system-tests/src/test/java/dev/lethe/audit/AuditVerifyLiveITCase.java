package dev.lethe.audit;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.core.SearchResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.events.AuditEntry;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.config.Secrets;
import dev.lethe.jobs.elasticsearch.ElasticsearchConnection;
import dev.lethe.jobs.kafka.AvroRecords;
import dev.lethe.local.StackSettings;
import dev.lethe.simulator.LoadResult;
import dev.lethe.testing.AuditTestJobs;
import dev.lethe.testing.SetUpAndSubmit;
import dev.lethe.testing.SharedStack;
import dev.lethe.testing.SteadyLoad;
import dev.lethe.testing.TestJobArgs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * {@code audit verify} on a live log: under a steady load, with the audit job committing the log of
 * record with its 10 s checkpoints while the index copy runs ahead, 20 runs — whole-log,
 * incremental from a kept state ({@code --state}) and from a pinned head ({@code --from}) — each
 * exit 0 (the documents ahead of the horizon are pending, not problems), and the audit monitor,
 * watching the same log meanwhile, verifies its tree heads and raises nothing; in the same run an
 * index document changed inside the verified range and a record forged into the audit topic are
 * each named, by the whole-log and by the incremental verification.
 */
class AuditVerifyLiveITCase {

    private static final ObjectMapper JSON = new ObjectMapper();

    @org.junit.jupiter.api.io.TempDir java.nio.file.Path stateDir;

    @Test
    void verifyUnderLoadRaisesNoFalseAlarmAndStillNamesTampering() throws Exception {
        StackSettings s = SharedStack.settings();
        System.setProperty(Secrets.ELASTICSEARCH_PASSWORD, s.elasticsearchPassword().orElseThrow());
        String run = AuditTestJobs.run("live-verify");
        java.nio.file.Path state = stateDir.resolve("verifier-state.json");
        List<String> args =
                TestJobArgs.of(s, dev.lethe.local.ComponentRole.AUDIT, run, "audit-" + run, "10s");
        args.addAll(
                List.of(
                        "--audit-topic", "lethe.audit." + run,
                        "--audit-checkpoint-topic", "lethe.audit.checkpoints." + run,
                        "--audit-index", "lethe-audit-" + run,
                        "--audit-checkpoint-every", "200",
                        "--audit-checkpoint-interval", "5s"));
        JobSettings settings = JobSettings.parse(args.toArray(String[]::new));
        JobClient job = SetUpAndSubmit.audit(SetUpAndSubmit.flinkOf(s), settings);
        try {
            // the log exists before the first verification
            AuditTestJobs.entries(
                    settings.auditTopic(), e -> true, l -> !l.isEmpty(), Duration.ofMinutes(3));
            CompletableFuture<LoadResult> loading =
                    SteadyLoad.start(s, 100, Duration.ofSeconds(120), run.hashCode());
            Thread.sleep(5_000);
            long pendingSeen = 0;
            List<String> runs = new ArrayList<>();
            String firstHead = null;
            // the audit monitor watches the same log meanwhile, every tree head
            dev.lethe.cli.AuditMonitors.Watch watch =
                    dev.lethe.cli.AuditMonitors.watch(
                            s,
                            settings.auditTopic(),
                            settings.auditCheckpointTopic(),
                            settings.auditIndex(),
                            stateDir);
            // 20 runs: whole-log and incremental (--state) verifications alternate, the last one
            // from the tree head the first run pinned (--from)
            for (int i = 0; i < 20; i++) {
                List<String> extra =
                        i == 19
                                ? List.of("--from", firstHead)
                                : i % 2 == 1 ? List.of("--state", state.toString()) : List.of();
                AuditTestJobs.Cli verify = verify(s, settings, extra);
                JsonNode report = JSON.readTree(verify.out());
                if (firstHead == null) {
                    firstHead = report.path("latestCheckpoint").path("hash").asText();
                }
                if (i % 2 == 1 && i > 1 && i < 19) {
                    assertThat(report.path("from").path("checkpointSeq").asLong())
                            .as("run " + i + " continues from the head the last one kept")
                            .isPositive();
                    assertThat(
                                    report.path("from").path("treeSize").asLong()
                                            + report.path("entries").asLong())
                            .as(
                                    "run "
                                            + i
                                            + " reads only the entries after that head, up to"
                                            + " its horizon: "
                                            + verify.out())
                            .isEqualTo(report.path("horizon").path("logIndex").asLong() + 1);
                }
                runs.add(
                        report.path("horizon")
                                + " pending "
                                + report.path("index").path("pending"));
                assertThat(verify.code()).as("run " + i + ": " + verify.out()).isZero();
                assertThat(report.path("index").has("pending")).isTrue();
                pendingSeen += report.path("index").path("pending").asLong();
                Thread.sleep(3_000);
            }
            assertThat(loading.get().total()).as("the load ran").isGreaterThan(1000);
            dev.lethe.cli.AuditMonitors.Outcome watched = watch.stop();
            assertThat(watched.verifications())
                    .as("the monitor verified tree heads under the load: " + watched)
                    .isGreaterThan(3);
            assertThat(watched.findings())
                    .as("the monitor raised nothing under the load: " + watched)
                    .isZero();
            assertThat(pendingSeen)
                    .as("premise: the index was ahead of the log at some horizon: " + runs)
                    .isPositive();

            // an index document inside the horizon, changed
            List<AuditEntry> log =
                    AuditTestJobs.entries(
                            settings.auditTopic(), e -> true, l -> false, Duration.ofSeconds(3));
            AuditEntry victim = log.get(log.size() / 2);
            String docId;
            try (ElasticsearchConnection.Clients es =
                    new ElasticsearchConnection(s.elasticsearchUrl(), s.elasticsearchUser())
                            .open(s.elasticsearchPassword().orElseThrow())) {
                es.client().indices().refresh(r -> r.index(settings.auditIndex()));
                SearchResponse<ObjectNode> hit =
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
                                                                                                        victim
                                                                                                                .getLogIndex()))),
                                        ObjectNode.class);
                docId = hit.hits().hits().get(0).id();
                ObjectNode doc = hit.hits().hits().get(0).source();
                doc.put("op", "DELETE".equals(doc.path("op").asText()) ? "UPDATE" : "DELETE");
                es.client()
                        .index(
                                x ->
                                        x.index(settings.auditIndex())
                                                .id(docId)
                                                .document(doc)
                                                .refresh(
                                                        co.elastic.clients.elasticsearch._types
                                                                .Refresh.True));
            }
            // the whole-log verification, and the incremental one (the document lies in the range
            // its state already verified: it is found as rewritten since)
            for (List<String> extra :
                    List.of(List.<String>of(), List.of("--state", state.toString()))) {
                AuditTestJobs.Cli changed = verify(s, settings, extra);
                assertThat(changed.code()).as(changed.out()).isEqualTo(1);
                assertThat(JSON.readTree(changed.out()).path("index").path("problems"))
                        .as(changed.out())
                        .anySatisfy(
                                p -> {
                                    assertThat(p.path("kind").asText()).isEqualTo("MODIFIED");
                                    assertThat(p.path("docId").asText()).isEqualTo(docId);
                                });
            }

            // a record forged into the audit topic by a client that may produce there
            AuditEntry forged = AuditEntry.newBuilder(log.get(log.size() - 1)).build();
            forged.setOp("DELETE".equals(forged.getOp()) ? "UPDATE" : "DELETE");
            Properties pp = s.kafkaClient();
            try (KafkaProducer<byte[], byte[]> p =
                    new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
                p.send(
                                new ProducerRecord<>(
                                        settings.auditTopic(),
                                        forged.getEntityId()
                                                .getBytes(java.nio.charset.StandardCharsets.UTF_8),
                                        AvroRecords.bytes(forged)))
                        .get();
            }
            for (List<String> extra :
                    List.of(List.<String>of(), List.of("--state", state.toString()))) {
                AuditTestJobs.Cli forgery = verify(s, settings, extra);
                assertThat(forgery.code()).as(forgery.out()).isEqualTo(1);
                assertThat(JSON.readTree(forgery.out()).path("problems"))
                        .as(forgery.out())
                        .anySatisfy(
                                p ->
                                        assertThat(p.path("entityId").asText())
                                                .isEqualTo(forged.getEntityId()));
            }
        } finally {
            job.cancel().get();
        }
    }

    private static AuditTestJobs.Cli verify(
            StackSettings s, JobSettings settings, List<String> extra) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "audit",
                                "verify",
                                "--json",
                                "--audit-topic",
                                settings.auditTopic(),
                                "--audit-checkpoint-topic",
                                settings.auditCheckpointTopic(),
                                "--audit-index",
                                settings.auditIndex(),
                                "--data-dir",
                                s.dataDir().toString()));
        args.addAll(extra);
        return AuditTestJobs.cli(args);
    }
}
