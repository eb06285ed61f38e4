package dev.lethe.bench;

import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.audit.Actor;
import dev.lethe.audit.AuditEntryBinary;
import dev.lethe.events.AuditEntry;
import dev.lethe.jobs.audit.AuditDocuments;
import dev.lethe.jobs.audit.AuditJob;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.config.Secrets;
import dev.lethe.jobs.elasticsearch.DocumentOperation;
import dev.lethe.jobs.elasticsearch.ElasticsearchConnection;
import dev.lethe.jobs.elasticsearch.ElasticsearchSinkBuilder;
import dev.lethe.local.CaptureTopics;
import dev.lethe.local.Http;
import dev.lethe.local.LetheJobs;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The audit job on a running stack (started without jobs): backlog throughput from the raw topics
 * to the audit log in Kafka and to the audit index, against a raw {@code _bulk} load of the same
 * documents, then commit-to-searchable latency at half the measured rate.
 */
final class AuditPipelineBench {

    /** The actor id of the backlog's transactions. */
    static final String BACKLOG_ACTOR = "audit-bench-backlog";

    /** The actor id of the update backlog's transactions (subjects whose keys exist). */
    static final String UPDATES_ACTOR = "audit-bench-updates";

    /**
     * The actor id of the warm backlog: new people again, while the job runs warm (its JVM compiled
     * and its pools open, like the raw loader's after its warm-up).
     */
    static final String WARM_NEW_ACTOR = "audit-bench-new-warm";

    /** The actor id of the steady phase's transactions. */
    static final String STEADY_ACTOR = "audit-bench-steady";

    private static final int RAW_PER_REQUEST = ElasticsearchSinkBuilder.DEFAULT_MAX_BATCH_SIZE;
    private static final int RAW_IN_FLIGHT =
            ElasticsearchSinkBuilder.DEFAULT_MAX_IN_FLIGHT_REQUESTS;

    private final StackSettings s;
    private final PrintStream out;
    private final List<String> rows;
    private final JobSettings settings;

    /** Backlog entries read from the audit topic (read_committed), in log order. */
    private final List<AuditEntry> backlog =
            java.util.Collections.synchronizedList(new ArrayList<>());

    private final AtomicLong firstBacklogEntryAt = new AtomicLong();
    private final AtomicLong backlogInKafkaAt = new AtomicLong();

    /** Entries read from the audit topic per actor of a held backlog (updates, warm inserts). */
    private final Map<String, AtomicLong> heldRead = new ConcurrentHashMap<>();

    /** When the reader had read all entries of a held backlog, per actor. */
    private final Map<String, Long> heldInKafkaAt = new ConcurrentHashMap<>();

    /** How many entries of a held backlog to wait for, per actor. */
    private final Map<String, Long> heldTarget = new ConcurrentHashMap<>();

    /** Commit-to-visible latency (ms) of every steady entry read from the audit topic. */
    private final List<Long> kafkaLatencies =
            java.util.Collections.synchronizedList(new ArrayList<>());

    private volatile int backlogChanges;

    /** The update backlog's entries as read from the audit topic (for its raw baseline). */
    private final List<AuditEntry> updates =
            java.util.Collections.synchronizedList(new ArrayList<>());

    /** The stack's Kafka, while {@link #run} runs. */
    private Admin admin;

    /** The stack's processes by component, for the CPU each phase used. */
    private final java.util.function.Supplier<Map<String, Long>> pids;

    AuditPipelineBench(
            StackSettings s,
            PrintStream out,
            List<String> rows,
            java.util.function.Supplier<Map<String, Long>> pids) {
        this.s = s;
        this.pids = pids;
        this.out = out;
        this.rows = rows;
        this.settings = new LetheJobs(s, out).jobSettings("lethe-audit");
    }

    private void row(String measure, String value) {
        String r = MeasureTable.row(measure, value);
        rows.add(r);
        out.println(r);
    }

    void run(
            int changes,
            int rowsPerTx,
            int steadySeconds,
            int samplesPerSecond,
            int warmRounds,
            int updateRounds)
            throws Exception {
        this.backlogChanges = changes;
        String password = s.elasticsearchPassword().orElse(null);
        if (password != null) {
            System.setProperty(Secrets.ELASTICSEARCH_PASSWORD, password);
        }
        System.setProperty("LETHE_POSTGRES_PASSWORD", s.postgresPassword());
        Properties ap = s.kafkaClient();
        try (Admin admin = Admin.create(ap);
                ElasticsearchConnection.Clients es =
                        new ElasticsearchConnection(s.elasticsearchUrl(), s.elasticsearchUser())
                                .open(password)) {
            // the backlog: committed and in the raw topic before the job runs
            this.admin = admin;
            String topic = CaptureTopics.tableTopic("contacts");
            long before = endOffset(admin, topic);
            long w0 = System.nanoTime();
            writeBacklog(changes, rowsPerTx);
            double writeSeconds = (System.nanoTime() - w0) / 1e9;
            long d0 = System.nanoTime();
            while (endOffset(admin, topic) < before + changes) {
                deadline(d0, 10, "Debezium did not deliver the backlog");
                Thread.sleep(100);
            }
            row(
                    "backlog",
                    String.format(
                            "%d contact inserts, %d a transaction (each with its actor), written"
                                    + " in %.1f s, in the raw topic %.1f s later, before the audit"
                                    + " job runs",
                            changes, rowsPerTx, writeSeconds, (System.nanoTime() - d0) / 1e9));

            Map<String, Long> cpu0 = ProcessCpu.millis(pids.get());
            long t0 = System.nanoTime();
            JobClient job = submit();
            long submitted = System.nanoTime();
            // after submit: it creates the audit topic (a consumer subscribed to a topic that
            // does not exist yet sees it only at its next metadata refresh)
            AtomicBoolean reading = new AtomicBoolean(true);
            Thread reader = new Thread(() -> readAuditTopic(reading), "bench-audit-reader");
            reader.setDaemon(true);
            reader.start();
            out.printf(
                    "audit job %s submitted in %.1f s%n", job.getJobID(), (submitted - t0) / 1e9);
            try {
                long firstInEs = 0;
                long allInEs = 0;
                while (allInEs == 0 || backlogInKafkaAt.get() == 0) {
                    deadline(t0, 15, "the audit job did not audit the backlog");
                    if (allInEs == 0) {
                        long n = countActor(es, BACKLOG_ACTOR);
                        long now = System.nanoTime();
                        if (n > 0 && firstInEs == 0) {
                            firstInEs = now;
                        }
                        if (n >= changes) {
                            allInEs = now;
                        }
                    }
                    Thread.sleep(100);
                }
                Map<String, Long> used = ProcessCpu.between(cpu0, ProcessCpu.millis(pids.get()));
                long firstInKafka = firstBacklogEntryAt.get();
                long allInKafka = backlogInKafkaAt.get();
                double esFromStart = changes / ((allInEs - t0) / 1e9);
                double esFromFirst = changes / ((allInEs - firstInEs) / 1e9);
                double kafkaFromStart = changes / ((allInKafka - t0) / 1e9);
                double kafkaFromFirst = changes / ((allInKafka - firstInKafka) / 1e9);
                row(
                        "audit job: backlog → `lethe.audit` (Kafka, read_committed)",
                        String.format(
                                "%.0f changes/s from the first visible entry (%.1f s); %.0f/s from"
                                        + " job submission (%.1f s)",
                                kafkaFromFirst,
                                (allInKafka - firstInKafka) / 1e9,
                                kafkaFromStart,
                                (allInKafka - t0) / 1e9));
                row(
                        "audit job: backlog → `lethe-audit` (Elasticsearch, `_count`)",
                        String.format(
                                "%.0f changes/s from the first counted document (%.1f s); %.0f/s"
                                        + " from job submission (%.1f s)",
                                esFromFirst,
                                (allInEs - firstInEs) / 1e9,
                                esFromStart,
                                (allInEs - t0) / 1e9));

                row(
                        "CPU per change of the first backlog (ms; from job submission until all"
                                + " were in both places, incl. the job's start)",
                        ProcessCpu.perItem(used, changes));
                RawBaseline raw = rawBaseline(es, backlog, "contact inserts");
                double rawRate = raw.rate();
                row(
                        "**audit job, new people, cold: first backlog (ES, from first document) / raw**",
                        String.format(
                                "**%.1f %%** (target ≥ 70 %%); from job submission %.1f %%",
                                100 * esFromFirst / rawRate, 100 * esFromStart / rawRate));
                double kafkaRate = Math.min(kafkaFromFirst, esFromFirst);
                steady(es, kafkaRate / 2, steadySeconds, samplesPerSecond);
                for (int round = 1; round <= warmRounds; round++) {
                    BacklogRates warmNew = warmNewPeopleBacklog(es, round, changes, rowsPerTx);
                    row(
                            "**audit job, new people, warm round " + round + " (ES) / raw**",
                            ratios(warmNew, raw));
                }
                if (updateRounds > 0) {
                    BacklogRates known = updateBacklog(es, changes, rowsPerTx, updateRounds);
                    RawBaseline rawUpdates = rawBaseline(es, updates, "contact updates");
                    row(
                            "**audit job, known people (ES) / raw of the same update documents**",
                            ratios(known, rawUpdates));
                    row(
                            "audit job, known people (ES) / raw of the insert documents (as"
                                    + " reported before 2026-11-29 13:30: smaller documents against"
                                    + " larger ones)",
                            ratios(known, raw));
                }
                checkpointSize(job.getJobID().toHexString());
            } finally {
                reading.set(false);
                job.cancel().get(1, TimeUnit.MINUTES);
            }
        }
    }

    /**
     * The job's last completed Flink checkpoint (Flink's REST API) against the entities audited so
     * far: the per-entity state (chain position, chain head) is snapshotted in full at every
     * checkpoint with the heap state backend, so its size and duration grow with every entity ever
     * changed (operations.md: use RocksDB with incremental checkpoints at scale).
     */
    private void checkpointSize(String jobId) throws Exception {
        long entities;
        try (Connection c = StackProbe.connectPostgres(s);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM contacts")) {
            rs.next();
            entities = rs.getLong(1);
        }
        // the next checkpoint after the last backlog, so it holds every entity audited
        long d0 = System.nanoTime();
        JsonNode latest = null;
        long firstId = -1;
        while (System.nanoTime() - d0 < Duration.ofSeconds(60).toNanos()) {
            Http.Response r =
                    Http.get(s.flinkUrl().resolve("/jobs/" + jobId + "/checkpoints"), null);
            JsonNode done = new ObjectMapper().readTree(r.body()).path("latest").path("completed");
            if (done.has("id")) {
                if (firstId < 0) {
                    firstId = done.path("id").asLong();
                } else if (done.path("id").asLong() > firstId) {
                    latest = done;
                    break;
                }
            }
            Thread.sleep(500);
        }
        if (latest == null) {
            row("last Flink checkpoint", "none completed within 60 s of the last backlog");
            return;
        }
        long bytes = latest.path("state_size").asLong();
        row(
                "last Flink checkpoint (heap state backend, full snapshot) after the backlogs",
                String.format(
                        "%.1f MB in %d ms for ≈ %d entities in the log (%.0f bytes per entity;"
                                + " contacts in the helpdesk)",
                        bytes / 1e6,
                        latest.path("end_to_end_duration").asLong(),
                        entities,
                        (double) bytes / Math.max(1, entities)));
    }

    /**
     * A backlog of {@code changes} new people written while the job runs warm: capture paused while
     * it is written, timed from resuming it (so capture is included) until all are audited.
     *
     * @return the rates into Elasticsearch
     */
    private BacklogRates warmNewPeopleBacklog(
            ElasticsearchConnection.Clients es, int round, int changes, int rowsPerTx)
            throws Exception {
        String actor = WARM_NEW_ACTOR + "-" + round;
        return heldBacklog(
                es,
                actor,
                changes,
                "warm backlog, round "
                        + round
                        + ": "
                        + changes
                        + " contact inserts of new people (keys created), "
                        + rowsPerTx
                        + " a transaction, job running warm, capture paused while written,"
                        + " timed from resuming it",
                st -> {
                    for (int done = 0; done < changes; done += rowsPerTx) {
                        insertContacts(st, actor, Math.min(rowsPerTx, changes - done));
                        st.getConnection().commit();
                    }
                });
    }

    /**
     * {@code rounds} updates of each first-backlog contact (their subject keys exist and are
     * cached), held back like {@link #warmNewPeopleBacklog}.
     *
     * @return the rates into Elasticsearch
     */
    private BacklogRates updateBacklog(
            ElasticsearchConnection.Clients es, int changes, int rowsPerTx, int rounds)
            throws Exception {
        return heldBacklog(
                es,
                UPDATES_ACTOR,
                (long) changes * rounds,
                "update backlog: "
                        + rounds
                        + " updates of each of the "
                        + changes
                        + " backlog contacts (subject keys exist), "
                        + rowsPerTx
                        + " a transaction, capture paused while written, timed from resuming it",
                st -> {
                    Connection c = st.getConnection();
                    List<Long> ids = new ArrayList<>();
                    try (ResultSet rs =
                            st.executeQuery(
                                    "SELECT id FROM contacts WHERE email LIKE 'audit-%' AND"
                                            + " email NOT LIKE 'audit-w%' ORDER BY id LIMIT "
                                            + changes)) {
                        while (rs.next()) {
                            ids.add(rs.getLong(1));
                        }
                    }
                    c.commit();
                    if (ids.size() != changes) {
                        throw new IllegalStateException(
                                "found " + ids.size() + " backlog contacts");
                    }
                    for (int round = 0; round < rounds; round++) {
                        String locale = round % 2 == 0 ? "de-DE" : "fr-FR";
                        for (int done = 0; done < ids.size(); done += rowsPerTx) {
                            List<Long> part =
                                    ids.subList(done, Math.min(ids.size(), done + rowsPerTx));
                            emitActor(st, UPDATES_ACTOR);
                            st.execute(
                                    "UPDATE contacts SET locale = '"
                                            + locale
                                            + "' WHERE id BETWEEN "
                                            + part.get(0)
                                            + " AND "
                                            + part.get(part.size() - 1)
                                            + " AND email LIKE 'audit-%' AND email NOT LIKE"
                                            + " 'audit-w%'");
                            c.commit();
                        }
                    }
                });
    }

    /**
     * A backlog's ratios to the raw loader: from resuming capture, and by indexing rate; then the
     * ratio that CPU allows when both saturate the same cores (raw loader's CPU per document / the
     * backlog's CPU per change, every process counted), also with the Flink TaskManager's CPU left
     * out on both sides: the most any audit job could reach on this machine.
     */
    private static String ratios(BacklogRates rates, RawBaseline raw) {
        double rawRate = raw.rate();
        String ceiling =
                String.format(
                        "; CPU-bound ceiling on these cores %.0f %%, with the Flink job's CPU left"
                                + " out %.0f %%",
                        100 * raw.cpu().perItem(true) / rates.cpu().perItem(true),
                        100 * raw.cpu().perItem(false) / rates.cpu().perItem(false));
        return String.format(
                "**%.1f %%** (%.0f / %.0f; target ≥ 70 %%); by indexing rate %s%s",
                100 * rates.fromResume() / rawRate,
                rates.fromResume(),
                rawRate,
                Double.isNaN(rates.indexing())
                        ? "n/a"
                        : String.format(
                                "%.1f %% (%.0f / %.0f)",
                                100 * rates.indexing() / rawRate, rates.indexing(), rawRate),
                ceiling);
    }

    /** Writes into the helpdesk in one transaction-per-batch session. */
    private interface BacklogWriter {
        void write(Statement st) throws Exception;
    }

    /**
     * A backlog held back by pausing the Debezium connector while {@code writer} writes it, timed
     * from resuming the connector until all {@code total} entries of {@code actor} are in the audit
     * index and in the audit topic.
     *
     * @return the rates into Elasticsearch
     */
    private BacklogRates heldBacklog(
            ElasticsearchConnection.Clients es,
            String actor,
            long total,
            String label,
            BacklogWriter writer)
            throws Exception {
        heldTarget.put(actor, total);
        String topic = CaptureTopics.tableTopic("contacts");
        long before = endOffset(admin, topic);
        connector("pause");
        Thread.sleep(3000); // the task stops polling at its next batch
        double decodeSeconds;
        try (RawWalDecoder raw = new RawWalDecoder(s, "lethe_bench_audit_raw")) {
            try (Connection c = StackProbe.connectPostgres(s);
                    Statement st = c.createStatement()) {
                c.setAutoCommit(false);
                writer.write(st);
            }
            // the capture baseline: the same changes decoded from the WAL without Debezium
            decodeSeconds = raw.read(total);
        }
        long indexed0 = indexTotal(es);
        Map<String, Long> cpu0 = ProcessCpu.millis(pids.get());
        long t0 = System.nanoTime();
        connector("resume");
        out.printf("%s: backlog written, capture resumed%n", actor);
        long allInEs = 0;
        long captured = 0;
        long firstIndexed = 0;
        long indexedAtFirst = 0;
        long allIndexed = 0;
        while (allInEs == 0 || !heldInKafkaAt.containsKey(actor)) {
            deadline(t0, 15, "the audit job did not audit the backlog of " + actor);
            if (captured == 0 && endOffset(admin, topic) >= before + total) {
                captured = System.nanoTime();
            }
            if (allIndexed == 0) {
                long indexed = indexTotal(es) - indexed0;
                if (firstIndexed == 0 && indexed > 0) {
                    firstIndexed = System.nanoTime();
                    indexedAtFirst = indexed;
                }
                if (indexed >= total) {
                    allIndexed = System.nanoTime();
                }
            }
            // an entity's documents are <entity>#<seq>: every change is its own document
            if (allInEs == 0 && countActor(es, actor) >= total) {
                allInEs = System.nanoTime();
            }
            Thread.sleep(100);
        }
        double indexingRate =
                allIndexed > firstIndexed
                        ? (total - indexedAtFirst) / ((allIndexed - firstIndexed) / 1e9)
                        : Double.NaN;
        Map<String, Long> used = ProcessCpu.between(cpu0, ProcessCpu.millis(pids.get()));
        long inKafka = heldInKafkaAt.get(actor);
        double esRate = total / ((allInEs - t0) / 1e9);
        row(
                label,
                String.format(
                        "%d changes; captured (raw topic) in %s; Kafka: %.0f changes/s (%.1f s);"
                                + " ES: %.0f changes/s (%.1f s)",
                        total,
                        captured == 0
                                ? "(not seen before the audit finished)"
                                : String.format("%.1f s", (captured - t0) / 1e9),
                        total / ((inKafka - t0) / 1e9),
                        (inKafka - t0) / 1e9,
                        esRate,
                        (allInEs - t0) / 1e9));
        row(
                "raw `pgoutput` decode of the same "
                        + total
                        + " changes (baseline, capture paused)",
                String.format(
                        "%.0f changes/s (%.1f s); audit job (ES) / raw decode: %.1f %%",
                        total / decodeSeconds,
                        decodeSeconds,
                        100 * esRate / (total / decodeSeconds)));
        row(
                "CPU per change of the "
                        + actor
                        + " backlog (ms; from resuming capture until all"
                        + " were in both places, incl. the benchmark's polling)",
                ProcessCpu.perItem(used, total));
        row(
                "indexing rate of the "
                        + actor
                        + " backlog (Elasticsearch's own count of indexed documents, `_stats`,"
                        + " polled every 100 ms: from the first poll that saw some until all; no"
                        + " connector resume, capture start or index refresh in it, like the raw"
                        + " loader's rate)",
                Double.isNaN(indexingRate)
                        ? "all indexed between two polls"
                        : String.format(
                                "%.0f changes/s (%d documents in %.1f s)",
                                indexingRate,
                                total - indexedAtFirst,
                                (allIndexed - firstIndexed) / 1e9));
        return new BacklogRates(esRate, indexingRate, new CpuUse(used, total));
    }

    /**
     * A held backlog's rates into Elasticsearch: from resuming capture until all are searchable,
     * and Elasticsearch's indexing rate from the first document indexed until the last.
     */
    private record BacklogRates(double fromResume, double indexing, CpuUse cpu) {}

    /** CPU (ms) per process used for {@code items} changes or documents. */
    private record CpuUse(Map<String, Long> byProcess, long items) {

        /** CPU (ms, all processes) per item, or without the Flink TaskManager's. */
        double perItem(boolean withFlink) {
            long total = 0;
            for (Map.Entry<String, Long> e : byProcess.entrySet()) {
                if (withFlink || !e.getKey().equals("flink")) {
                    total += e.getValue();
                }
            }
            return (double) total / items;
        }
    }

    /** Documents indexed into the audit index so far (primaries; deletes not subtracted). */
    private long indexTotal(ElasticsearchConnection.Clients es) throws Exception {
        return es.client()
                .indices()
                .stats(r -> r.index(settings.auditIndex()).metric("indexing"))
                .all()
                .primaries()
                .indexing()
                .indexTotal();
    }

    private void connector(String action) throws Exception {
        Http.Response r = dev.lethe.local.Http.put(s.connectorUrl(action), "", null);
        if (!r.ok()) {
            throw new IllegalStateException("could not " + action + " the connector");
        }
    }

    /** Submits the audit job with the stack's settings (exactly-once checkpoints, a fresh id). */
    private JobClient submit() throws Exception {
        Configuration conf = new Configuration();
        conf.setString("$internal.pipeline.job-id", new JobID().toHexString());
        conf.set(
                CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE,
                CheckpointingMode.EXACTLY_ONCE);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createRemoteEnvironment(
                        s.flinkUrl().getHost(), s.flinkUrl().getPort(), conf);
        AuditJob.setUp(settings);
        return AuditJob.submit(env, settings);
    }

    private void writeBacklog(int changes, int rowsPerTx) throws Exception {
        try (Connection c = StackProbe.connectPostgres(s);
                Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            for (int done = 0; done < changes; done += rowsPerTx) {
                insertContacts(st, BACKLOG_ACTOR, Math.min(rowsPerTx, changes - done));
                c.commit();
            }
        }
    }

    /** Inserts {@code n} contacts in the current transaction; returns the highest id. */
    private static long insertContacts(Statement st, String actor, int n) throws Exception {
        emitActor(st, actor);
        // warm rounds' contacts are told apart from the first backlog's (the update backlog)
        String prefix =
                actor.startsWith(WARM_NEW_ACTOR)
                        ? "audit-w" + actor.substring(WARM_NEW_ACTOR.length()) + "-"
                        : "audit-";
        try (ResultSet rs =
                st.executeQuery(
                        "WITH c AS (INSERT INTO contacts (first_name, last_name, email, phone,"
                                + " twitter_handle) SELECT 'Bénédicte', 'Østergård',"
                                + " '"
                                + prefix
                                + "' || g || '-' || txid_current() || '@example.eu',"
                                + " '+49 30 ' || (1000000 + g), '@audit' || g"
                                + " FROM generate_series(1, "
                                + n
                                + ") g RETURNING id) SELECT max(id) FROM c")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Sets the actor of the current transaction (a transactional logical-decoding message). */
    private static void emitActor(Statement st, String actor) throws Exception {
        Actor.system(actor, "audit benchmark").emit(st.getConnection());
    }

    /** Reads the audit log read_committed: counts backlog entries, times steady ones. */
    private void readAuditTopic(AtomicBoolean reading) {
        Properties p = s.kafkaClient();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-audit-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "1000");
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            // assigned, not subscribed: no group coordination, no rebalance to stall on
            List<org.apache.kafka.common.TopicPartition> partitions = new ArrayList<>();
            for (var info : c.partitionsFor(settings.auditTopic(), Duration.ofSeconds(30))) {
                partitions.add(
                        new org.apache.kafka.common.TopicPartition(info.topic(), info.partition()));
            }
            c.assign(partitions);
            c.seekToBeginning(partitions);
            long lastReport = System.nanoTime();
            while (reading.get()) {
                if (System.nanoTime() - lastReport > 10_000_000_000L) {
                    lastReport = System.nanoTime();
                    out.printf(
                            "audit reader: %d backlog entries, held backlogs %s%n",
                            backlog.size(), heldRead);
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(50))) {
                    long now = System.nanoTime();
                    long wall = System.currentTimeMillis();
                    AuditEntry e = AuditEntryBinary.fromSingleObject(r.value());
                    String actor = e.getActor() == null ? null : e.getActor().getId();
                    if (BACKLOG_ACTOR.equals(actor)) {
                        firstBacklogEntryAt.compareAndSet(0, now);
                        backlog.add(e);
                        if (backlog.size() >= backlogChanges) {
                            backlogInKafkaAt.compareAndSet(0, now);
                        }
                    } else if (UPDATES_ACTOR.equals(actor)
                            || (actor != null && actor.startsWith(WARM_NEW_ACTOR))) {
                        if (UPDATES_ACTOR.equals(actor)) {
                            updates.add(e);
                        }
                        long read =
                                heldRead.computeIfAbsent(actor, a -> new AtomicLong())
                                        .incrementAndGet();
                        if (read >= heldTarget.getOrDefault(actor, Long.MAX_VALUE)) {
                            heldInKafkaAt.putIfAbsent(actor, now);
                        }
                    } else if (STEADY_ACTOR.equals(actor)) {
                        kafkaLatencies.add(wall - e.getCommitTime().toEpochMilli());
                    }
                }
            }
        } catch (Exception e) {
            out.println("audit topic reader stopped: " + e);
            e.printStackTrace(out);
        }
    }

    private long countActor(ElasticsearchConnection.Clients es, String actor) throws Exception {
        return es.client()
                .count(
                        r ->
                                r.index(settings.auditIndex())
                                        .query(q -> q.term(t -> t.field("actor.id").value(actor))))
                .count();
    }

    /** A raw loader's rate (documents/s) and CPU (ms, all processes) per document. */
    private record RawBaseline(double rate, CpuUse cpu) {}

    /**
     * The same documents (the audit job's documents of {@code read}'s entries) by a raw `_bulk`
     * loader; best of two after a warm-up.
     */
    private RawBaseline rawBaseline(
            ElasticsearchConnection.Clients es, List<AuditEntry> read, String what)
            throws Exception {
        String index = "lethe-bench-audit-raw";
        List<AuditEntry> entries;
        synchronized (read) {
            entries = new ArrayList<>(read);
        }
        AuditDocuments converter = new AuditDocuments(index);
        List<DocumentOperation> ops = new ArrayList<>(entries.size());
        for (AuditEntry e : entries) {
            ops.add(converter.apply(e, null));
        }
        double[] seconds = new double[3];
        @SuppressWarnings("unchecked")
        Map<String, Long>[] rawCpu = new Map[3];
        for (int run = 0; run < 3; run++) { // the first is a warm-up
            if (es.client().indices().exists(r -> r.index(index)).value()) {
                es.client().indices().delete(r -> r.index(index));
            }
            AuditDocuments.ensureIndex(es, index);
            RawBulkLoader raw =
                    new RawBulkLoader(
                            s.elasticsearchUrl(),
                            s.elasticsearchUser(),
                            s.elasticsearchPassword().orElse(null));
            Map<String, Long> cpu0 = ProcessCpu.millis(pids.get());
            seconds[run] = raw.load(ops, RAW_PER_REQUEST, RAW_IN_FLIGHT);
            rawCpu[run] = ProcessCpu.between(cpu0, ProcessCpu.millis(pids.get()));
            es.client().indices().refresh(r -> r.index(index));
            long count = es.client().count(r -> r.index(index)).count();
            if (count != ops.size()) {
                throw new IllegalStateException(
                        "raw load indexed " + count + " of " + ops.size() + " documents");
            }
        }
        es.client().indices().delete(r -> r.index(index));
        double best = Math.min(seconds[1], seconds[2]);
        row(
                "raw `_bulk` loader (baseline), the same "
                        + ops.size()
                        + " audit documents ("
                        + what
                        + "), "
                        + RAW_PER_REQUEST
                        + " a request, "
                        + RAW_IN_FLIGHT
                        + " in flight",
                String.format(
                        "%.0f documents/s (best of %.0f, %.0f after a warm-up)",
                        ops.size() / best, ops.size() / seconds[1], ops.size() / seconds[2]));
        int bestRun = seconds[1] <= seconds[2] ? 1 : 2;
        row(
                "CPU per document of the best raw load of the "
                        + what
                        + " (ms; the loader runs in the benchmark's JVM)",
                ProcessCpu.perItem(rawCpu[bestRun], ops.size()));
        return new RawBaseline(ops.size() / best, new CpuUse(rawCpu[bestRun], ops.size()));
    }

    /**
     * Writes at {@code rate} changes/s for {@code seconds}; samples one change per transaction and
     * times it from its source commit time until a search of the audit index finds it.
     */
    private void steady(
            ElasticsearchConnection.Clients es, double rate, int seconds, int transactionsPerSecond)
            throws Exception {
        int perTx = Math.max(1, (int) Math.round(rate / transactionsPerSecond));
        long tickNanos = TimeUnit.SECONDS.toNanos(1) / transactionsPerSecond;
        Map<String, Boolean> pending = new ConcurrentHashMap<>();
        List<Long> esLatencies = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean searching = new AtomicBoolean(true);
        AtomicLong searches = new AtomicLong();
        Thread searcher =
                new Thread(
                        () -> search(es, pending, esLatencies, searching, searches),
                        "bench-audit-searcher");
        searcher.start();
        long written = 0;
        int sampled = 0;
        long w0 = System.nanoTime();
        try (Connection c = StackProbe.connectPostgres(s);
                Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            long tick = System.nanoTime();
            long end = tick + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < end) {
                long id = insertContacts(st, STEADY_ACTOR, perTx);
                c.commit();
                written += perTx;
                pending.put("contacts/" + id, Boolean.TRUE);
                sampled++;
                tick += tickNanos;
                long sleep = tick - System.nanoTime();
                if (sleep > 0) {
                    TimeUnit.NANOSECONDS.sleep(sleep);
                }
            }
        }
        double writeSeconds = (System.nanoTime() - w0) / 1e9;
        long d0 = System.nanoTime();
        while (!pending.isEmpty() && System.nanoTime() - d0 < TimeUnit.MINUTES.toNanos(2)) {
            Thread.sleep(100);
        }
        searching.set(false);
        searcher.join();
        Thread.sleep(Duration.ofSeconds(12).toMillis()); // the last Kafka transaction's checkpoint
        row(
                "steady writes (half the slower backlog rate)",
                String.format(
                        "%d changes in %.1f s (%.0f/s, asked %.0f/s), %d a transaction,"
                                + " %d transactions/s",
                        written,
                        writeSeconds,
                        written / writeSeconds,
                        rate,
                        perTx,
                        transactionsPerSecond));
        long[] esMs = esLatencies.stream().mapToLong(Long::longValue).toArray();
        row(
                "**commit → searchable in `lethe-audit`** (source commit time to a search hit;"
                        + " one sampled change per transaction, searched every 50 ms)",
                String.format(
                        "**p50 %d ms, p95 %d ms, p99 %d ms** (%d samples, %d never found,"
                                + " %d searches; target p99 ≤ 2 s)",
                        pct(esMs, 50),
                        pct(esMs, 95),
                        pct(esMs, 99),
                        esMs.length,
                        pending.size(),
                        searches.get()));
        // found in about commit order: the halves show whether the job was still warming up
        long[] early = Arrays.copyOfRange(esMs, 0, esMs.length / 2);
        long[] late = Arrays.copyOfRange(esMs, esMs.length / 2, esMs.length);
        row(
                "commit → searchable, first and second half of the samples",
                String.format(
                        "p50 %d / %d ms, p99 %d / %d ms",
                        pct(early, 50), pct(late, 50), pct(early, 99), pct(late, 99)));
        long[] kMs = kafkaLatencies.stream().mapToLong(Long::longValue).toArray();
        row(
                "commit → visible in `lethe.audit` (Kafka, read_committed; every steady change)",
                String.format(
                        "p50 %d ms, p95 %d ms, p99 %d ms (%d entries of %d written)",
                        pct(kMs, 50), pct(kMs, 95), pct(kMs, 99), kMs.length, written));
    }

    private void search(
            ElasticsearchConnection.Clients es,
            Map<String, Boolean> pending,
            List<Long> latencies,
            AtomicBoolean searching,
            AtomicLong searches) {
        try {
            while (searching.get()) {
                List<co.elastic.clients.elasticsearch._types.FieldValue> ids = new ArrayList<>();
                pending.keySet()
                        .forEach(
                                k ->
                                        ids.add(
                                                co.elastic.clients.elasticsearch._types.FieldValue
                                                        .of(k)));
                if (!ids.isEmpty()) {
                    SearchResponse<ObjectNode> r =
                            es.client()
                                    .search(
                                            q ->
                                                    q.index(settings.auditIndex())
                                                            .size(ids.size())
                                                            .source(
                                                                    src ->
                                                                            src.filter(
                                                                                    f ->
                                                                                            f
                                                                                                    .includes(
                                                                                                            "entityId",
                                                                                                            "commitTime")))
                                                            .query(
                                                                    qq ->
                                                                            qq.terms(
                                                                                    t ->
                                                                                            t.field(
                                                                                                            "entityId")
                                                                                                    .terms(
                                                                                                            v ->
                                                                                                                    v
                                                                                                                            .value(
                                                                                                                                    ids)))),
                                            ObjectNode.class);
                    long now = System.currentTimeMillis();
                    searches.incrementAndGet();
                    for (Hit<ObjectNode> h : r.hits().hits()) {
                        String entity = h.source().path("entityId").asText();
                        if (pending.remove(entity) != null) {
                            latencies.add(now - h.source().path("commitTime").asLong());
                        }
                    }
                }
                Thread.sleep(50);
            }
        } catch (Exception e) {
            throw new IllegalStateException("searching the audit index failed", e);
        }
    }

    private static long pct(long[] values, int percentile) {
        if (values.length == 0) {
            return -1;
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int at = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, at)];
    }

    private static void deadline(long since, int minutes, String what) {
        if (System.nanoTime() - since > TimeUnit.MINUTES.toNanos(minutes)) {
            throw new IllegalStateException(what + " in " + minutes + " min");
        }
    }

    private static long endOffset(Admin admin, String topic) throws Exception {
        TopicPartition tp = new TopicPartition(topic, 0);
        return admin.listOffsets(Map.of(tp, OffsetSpec.latest()))
                .partitionResult(tp)
                .get(10, TimeUnit.SECONDS)
                .offset();
    }
}
