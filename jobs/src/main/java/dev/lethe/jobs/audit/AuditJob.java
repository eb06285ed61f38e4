package dev.lethe.jobs.audit;

import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.events.AuditCheckpoint;
import dev.lethe.events.AuditEntry;
import dev.lethe.events.ChangeEvent;
import dev.lethe.events.DeadLetter;
import dev.lethe.jobs.LetheJob;
import dev.lethe.jobs.changes.ActorSeen;
import dev.lethe.jobs.changes.ChangePosition;
import dev.lethe.jobs.changes.NormalizeRawRecords;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.config.MasterKeys;
import dev.lethe.jobs.elasticsearch.DeadLetterRejectedDocuments;
import dev.lethe.jobs.elasticsearch.ElasticsearchConnection;
import dev.lethe.jobs.elasticsearch.ElasticsearchSink;
import dev.lethe.jobs.kafka.AvroRecords;
import dev.lethe.jobs.kafka.LetheTopics;
import dev.lethe.jobs.kafka.RawRecord;
import dev.lethe.jobs.kafka.RawRecordDeserializer;
import dev.lethe.jobs.kafka.RawTopicsSource;
import dev.lethe.jobs.kafka.Replays;
import dev.lethe.jobs.state.EntityKeys;
import dev.lethe.normalize.ChangeNormalizer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The audit job: every change of the helpdesk, exactly once, with who and why, hash-chained per
 * entity, in one ordered log with signed Merkle checkpoints.
 *
 * <pre>
 * raw topics -> normalize -> resolve subjects (by resolution key: a thread by its ticket)
 *          |              -> protect personal data -> actor join (by tx) -> chain (by entity)
 *          |  contacts, agents (broadcast) --/                                   /
 *          \-> positions (entity, LSN: source order) ---------------------------/
 *   -> log sequencer (parallelism 1) -> lethe.audit (Kafka, exactly once) + lethe-audit (ES)
 *                                    \-> lethe.audit.checkpoints (Kafka, exactly once)
 * normalize -> table shapes (by table: a change of a table's columns) -----------\
 * normalize truncates -> actor join -> (bypass the chain) ------------------------+
 * lethe.purge.receipts + lethe.audit.requests -> Lethe's actions as entries ------+
 *   -> dedup (by entity) -> log sequencer (chained like every change)
 * normalize rejects, unreadable action records, Elasticsearch rejects -> lethe.deadletter
 * </pre>
 *
 * <p>Subjects come from the changelog alone: no operator queries the helpdesk's own tables per
 * change (the key store is in Lethe's own schema). A row's subject is found by {@link
 * ResolveRowSubjects} (a thread's through the versions of its ticket's {@code contact_id}), the
 * people free text names by {@link SubjectIdentifiers} in {@link ProtectPersonalData}, as of the
 * change's LSN; replaying the raw topics into a fresh log attributes every entry alike (see
 * docs/adr/0008-subjects-from-the-changelog.md). Resolving may reorder one entity's changes; the
 * chain puts them back in the order of the positions, which bypass it.
 *
 * <p>Topic values are Avro single-object encoded ({@code AuditEntry.fromByteBuffer}, {@code
 * AuditCheckpoint.fromByteBuffer}, {@code DeadLetter.fromByteBuffer}); audit keys are the entity
 * id.
 */
public final class AuditJob {

    /** How long (event time) a transaction's actor is kept for late changes. */
    static final long ACTOR_RETENTION_MS = 60_000;

    /** Kafka transactions must outlive a checkpoint; at most the broker's maximum (1 h). */
    static final Duration TRANSACTION_TIMEOUT = Duration.ofMinutes(15);

    /**
     * How long a network buffer between operators waits to fill before it is sent (Flink's default
     * is 100 ms per exchange, and a change crosses five): auditors search the index for what just
     * happened. Under load buffers fill long before.
     */
    static final Duration NETWORK_BUFFER_TIMEOUT = Duration.ofMillis(5);

    /** The longest an entry waits in the index sink's buffer before it is sent. */
    static final Duration INDEX_MAX_TIME_IN_BUFFER = Duration.ofMillis(100);

    /** Purge receipts of Lethe's purge executor (Avro {@code PurgeReceipt}). */
    public static final String PURGE_RECEIPTS_TOPIC = "lethe.purge.receipts";

    /**
     * Records of data-subject requests Lethe carried out (JSON, {@code ./lethe subject export}).
     */
    public static final String AUDIT_REQUESTS_TOPIC = "lethe.audit.requests";

    /**
     * The sinks' parts of their transactional ids: Flink's Kafka sink names each transaction {@code
     * <job name>-<this>-<subtask>-<n>} ({@link #transactionalIdPrefix}). Only the exactly-once
     * sinks, the log and its checkpoints, open transactions; the local broker grants their ids to
     * the audit job's Kafka user only (dev.lethe.stack.KafkaAcls). Renaming one would leave the old
     * transactions open and need a grant of its own.
     */
    public static final String LOG_TRANSACTIONS = "lethe-audit-log";

    public static final String CHECKPOINT_TRANSACTIONS = "lethe-audit-checkpoints";

    static final String DEAD_LETTER_TRANSACTIONS = "lethe-audit-dead-letters";

    private AuditJob() {}

    /** Where the audit job writes. */
    public record AuditSinks(
            Sink<AuditEntry> log,
            Sink<AuditCheckpoint> checkpoints,
            Sink<DeadLetter> deadLetters,
            Sink<AuditEntry> index) {}

    /**
     * Submits the job: {@code --name value} options of {@link LetheJob#AUDIT} (the shared ones of
     * {@link JobSettings} and the audit job's own, {@link JobSettings#AUDIT_OPTIONS}).
     */
    public static void main(String[] args) throws Exception {
        LetheJob.AUDIT.main(args);
    }

    /**
     * Builds the job on {@code env} with the real Kafka source and sinks and submits it
     * (asynchronously). What it writes to must exist: {@link #setUp} (the bootstrap {@link
     * dev.lethe.jobs.LetheJob#setUp} runs).
     */
    public static JobClient submit(StreamExecutionEnvironment env, JobSettings settings)
            throws Exception {
        return submit(env, settings, ChangeNormalizer.forHelpdesk());
    }

    /**
     * {@link #submit(StreamExecutionEnvironment, JobSettings)} with {@code normalizer} reading the
     * raw records: the normalizer of one version of the job. Tests deploy an older version's, then
     * the fixed one from its savepoint, to see dead letters of the old one replayed through the new
     * one.
     */
    public static JobClient submit(
            StreamExecutionEnvironment env, JobSettings settings, ChangeNormalizer normalizer)
            throws Exception {
        env.enableCheckpointing(settings.checkpointInterval().toMillis());
        env.setBufferTimeout(NETWORK_BUFFER_TIMEOUT.toMillis());
        defineWorkflow(
                env,
                rawRecords(env, settings),
                letheActionRecords(env, settings),
                sinks(settings),
                resources(settings),
                settings,
                normalizer);
        return env.executeAsync(settings.jobName());
    }

    /**
     * The job's part of the bootstrap: the Lethe topics and the audit index, created if missing.
     */
    public static void setUp(JobSettings settings) throws Exception {
        LetheTopics.ensure(
                settings.kafkaBootstrap(),
                dev.lethe.jobs.kafka.TopicReplication.BROKER_DEFAULT,
                List.of(
                        settings.auditTopic(),
                        settings.auditCheckpointTopic(),
                        PURGE_RECEIPTS_TOPIC,
                        AUDIT_REQUESTS_TOPIC),
                List.of(settings.deadLetterTopic()));
        try (ElasticsearchConnection.Clients clients =
                new ElasticsearchConnection(
                                settings.elasticsearchUrl(), settings.elasticsearchUser())
                        .open()) {
            AuditDocuments.ensureIndex(clients, settings.auditIndex());
        }
    }

    /** The production resources: catalog, key store in Postgres, state master key, signing keys. */
    public static AuditResources resources(JobSettings settings) {
        return AuditResources.production(
                settings.catalogPath(),
                settings.postgresJdbcUrl(),
                settings.postgresUser(),
                MasterKeys.DEFAULT_FILE,
                Path.of(MasterKeys.DEFAULT_FILE).getParent().toString());
    }

    /**
     * The topology. Tests drive it with a bounded source and collecting sinks.
     *
     * @param raw the raw Debezium records, with timestamps and watermarks assigned (commit time)
     */
    public static void defineWorkflow(
            StreamExecutionEnvironment env,
            DataStream<RawRecord> raw,
            AuditSinks sinks,
            AuditResources resources,
            JobSettings settings) {
        defineWorkflow(env, raw, null, sinks, resources, settings);
    }

    /**
     * The topology with Lethe's own action records (purge receipts, export records) chained into
     * the same log.
     *
     * @param actionRecords records of {@link #PURGE_RECEIPTS_TOPIC} and {@link
     *     #AUDIT_REQUESTS_TOPIC}, or null for none
     */
    public static void defineWorkflow(
            StreamExecutionEnvironment env,
            DataStream<RawRecord> raw,
            DataStream<RawRecord> actionRecords,
            AuditSinks sinks,
            AuditResources resources,
            JobSettings settings) {
        defineWorkflow(
                env,
                raw,
                actionRecords,
                sinks,
                resources,
                settings,
                ChangeNormalizer.forHelpdesk());
    }

    /** The topology with {@code normalizer} reading the raw records (a version of the job's). */
    public static void defineWorkflow(
            StreamExecutionEnvironment env,
            DataStream<RawRecord> raw,
            DataStream<RawRecord> actionRecords,
            AuditSinks sinks,
            AuditResources resources,
            JobSettings settings,
            ChangeNormalizer normalizer) {
        // Records pass between chained operators without a deep copy (Avro copies were a tenth of
        // the job's CPU). Safe here: every operator emits new records and never changes a record
        // after emitting it (the sequencer sets an entry's index and hashes before it emits it);
        // the operators that keep records (protect's batch and held changes, the actor join, the
        // chain) only read them, and records that cross a network exchange are deserialized fresh.
        env.getConfig().enableObjectReuse();
        SingleOutputStreamOperator<ChangeEvent> changes =
                raw.process(new NormalizeAndDraftTableEntries("audit/normalize", normalizer))
                        .name("normalize")
                        // chained to the source: each partition's records stay in order
                        .setParallelism(RawTopicsSource.PARALLELISM)
                        .uid("audit-normalize");
        DataStream<ActorSeen> actors = changes.getSideOutput(NormalizeRawRecords.ACTORS);
        DataStream<DeadLetter> rejected = changes.getSideOutput(NormalizeRawRecords.DEAD_LETTERS);
        // a TRUNCATE of a known table: an entry of schema/<table>, with its transaction's actor
        DataStream<AuditEntry> truncates =
                changes.getSideOutput(NormalizeAndDraftTableEntries.TRUNCATES);

        // the columns each table's changes show: a change of them is an entry of schema/<table>.
        // Keyed by table in the normalizer's own task (parallelism 1, so every key is its own):
        // every change passes here, and a network exchange would serialize each one once more
        DataStream<AuditEntry> shapeChanges =
                DataStreamUtils.reinterpretAsKeyedStream(
                                changes, ChangeEvent::getTable, Types.STRING)
                        .process(new TrackTableShapes())
                        .returns(AuditEntryType.TYPE)
                        .name("table-shapes")
                        .setParallelism(RawTopicsSource.PARALLELISM)
                        .uid("audit-table-shapes");

        // refuses, here on the client, a catalog whose subject paths it cannot follow
        PersonalDataCatalog catalog = resources.openCatalog();
        RowSubjectPaths paths = RowSubjectPaths.of(catalog);
        DataStream<SubjectedChange> subjected =
                changes.keyBy(paths::resolutionKey, EntityKeys.TYPE)
                        .process(new ResolveRowSubjects(resources))
                        .returns(SubjectedChange.class)
                        .name("resolve-subjects")
                        .uid("audit-resolve-subjects");
        Set<String> describing = SubjectIdentifiers.describingTables(catalog);
        DataStream<ChangeEvent> identifierChanges =
                changes.filter(c -> describing.contains(c.getTable()))
                        .name("subject-identifier-changes")
                        .setParallelism(RawTopicsSource.PARALLELISM) // chained: order kept
                        .uid("audit-subject-identifier-changes")
                        .broadcast();

        DataStream<AuditEntry> drafts =
                subjected
                        .connect(identifierChanges)
                        .transform(
                                "protect-personal-data",
                                AuditEntryType.TYPE,
                                new ProtectPersonalData(resources))
                        // uid unchanged; the operator had no state before it learnt identifiers
                        .uid("audit-protect");

        DataStream<AuditEntry> withActor =
                drafts.union(truncates)
                        .keyBy(ActorJoin::transactionOf)
                        .connect(actors.keyBy(a -> a.txId))
                        .process(new ActorJoin(ACTOR_RETENTION_MS))
                        .returns(AuditEntryType.TYPE)
                        .name("actor-join")
                        .uid("audit-actor-join");
        // truncates have no row, no position: they bypass the chain, like Lethe's actions
        DataStream<AuditEntry> rowEntries =
                withActor
                        .filter(e -> !SchemaEntries.TRUNCATE.equals(e.getKind()))
                        .name("row-entries")
                        .uid("audit-row-entries");
        DataStream<AuditEntry> truncatesWithActor =
                withActor
                        .filter(e -> SchemaEntries.TRUNCATE.equals(e.getKind()))
                        .name("truncate-entries")
                        .uid("audit-truncate-entries");

        DataStream<ChangePosition> positions =
                changes.map(ChangePosition::of)
                        .returns(ChangePosition.class)
                        .name("positions")
                        // chained to the normalizer: each entity's positions in source order
                        .setParallelism(RawTopicsSource.PARALLELISM)
                        .uid("audit-positions")
                        // a replayed dead letter's position once more, marked: it may be older
                        // than what its entity's chain has logged since
                        .union(changes.getSideOutput(NormalizeRawRecords.REPLAYED));

        DataStream<AuditEntry> ordered =
                positions
                        .keyBy(p -> p.entityId, EntityKeys.TYPE)
                        .connect(rowEntries.keyBy(AuditEntry::getEntityId, EntityKeys.TYPE))
                        .process(new OrderEntityChanges())
                        .returns(AuditEntryType.TYPE)
                        // name and uid unchanged since the operator's first version: savepoints
                        .name("chain")
                        .uid("audit-chain");

        // entries that are no row's change: the tables' migrations (as the trigger reports them
        // and as their changes show them) and truncates, and Lethe's own actions; each carries an
        // action id, so a redelivered one is dropped
        DataStream<AuditEntry> tableEvents =
                shapeChanges.union(
                        truncatesWithActor,
                        changes.getSideOutput(NormalizeAndDraftTableEntries.MIGRATIONS));
        DataStream<AuditEntry> letheEntries = tableEvents;
        if (actionRecords != null) {
            SingleOutputStreamOperator<AuditEntry> actions =
                    actionRecords
                            .process(
                                    new RecordLetheActions(
                                            PURGE_RECEIPTS_TOPIC, AUDIT_REQUESTS_TOPIC))
                            .returns(AuditEntryType.TYPE)
                            .name("lethe-actions")
                            .uid("audit-lethe-actions");
            rejected = rejected.union(actions.getSideOutput(NormalizeRawRecords.DEAD_LETTERS));
            letheEntries = tableEvents.union(actions);
        }
        DataStream<AuditEntry> unique =
                letheEntries
                        .keyBy(AuditEntry::getEntityId, EntityKeys.TYPE)
                        .process(new DeduplicateActions())
                        .returns(AuditEntryType.TYPE)
                        .name("deduplicate-actions")
                        .uid("audit-deduplicate-actions");
        DataStream<AuditEntry> toSequence = ordered.union(unique);
        SingleOutputStreamOperator<AuditEntry> log =
                toSequence
                        .keyBy(AuditEntry::getEntityId, EntityKeys.TYPE)
                        .process(
                                new LogSequencer(
                                        settings.auditCheckpointEvery(),
                                        settings.auditCheckpointInterval().toMillis(),
                                        resources.signingKeys()))
                        .returns(AuditEntryType.TYPE)
                        .setParallelism(1)
                        .setMaxParallelism(1)
                        .name("log-sequencer")
                        .uid("audit-log-sequencer");

        log.sinkTo(sinks.log()).name("audit-log").uid("audit-log-sink");
        // its own task: waiting for Elasticsearch's answers must not stop the sequencer
        log.sinkTo(sinks.index()).name("audit-index").uid("audit-index-sink").disableChaining();
        log.getSideOutput(LogSequencer.CHECKPOINTS)
                .sinkTo(sinks.checkpoints())
                .name("audit-checkpoints")
                .uid("audit-checkpoints-sink");
        rejected.sinkTo(sinks.deadLetters()).name("dead-letters").uid("audit-dead-letters-sink");
    }

    /**
     * Lethe's action records ({@link #PURGE_RECEIPTS_TOPIC}, {@link #AUDIT_REQUESTS_TOPIC}) from
     * the earliest offset, read_committed. No watermarks: nothing downstream of them waits for
     * event time.
     */
    public static DataStream<RawRecord> letheActionRecords(
            StreamExecutionEnvironment env, JobSettings settings) {
        KafkaSource<RawRecord> source =
                KafkaSource.<RawRecord>builder()
                        .setProperties(settings.kafkaClient())
                        .setTopics(PURGE_RECEIPTS_TOPIC, AUDIT_REQUESTS_TOPIC)
                        .setGroupId(actionsGroupId(settings))
                        .setStartingOffsets(OffsetsInitializer.earliest())
                        .setDeserializer(new RawRecordDeserializer())
                        .setProperty("isolation.level", "read_committed")
                        .build();
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), "lethe-action-topics")
                .uid("audit-lethe-action-topics");
    }

    /**
     * The consumer group of the source of Lethe's action records: {@code <job name>-actions} (the
     * raw topics' source reads as {@code <job name>}).
     */
    public static String actionsGroupId(JobSettings settings) {
        return settings.jobName() + "-actions";
    }

    /**
     * The raw topics from the earliest offset, event time = commit time per partition, and the
     * audit job's replayed dead letters ({@link Replays}).
     */
    public static DataStream<RawRecord> rawRecords(
            StreamExecutionEnvironment env, JobSettings settings) {
        return RawTopicsSource.of(env, settings, "audit-raw-topics", Replays.AUDIT);
    }

    /** The real sinks: Kafka exactly once for the log and checkpoints, ES, dead letters. */
    public static AuditSinks sinks(JobSettings settings) {
        Sink<AuditEntry> log =
                kafka(
                        settings,
                        settings.auditTopic(),
                        e -> e.getEntityId(),
                        DeliveryGuarantee.EXACTLY_ONCE,
                        LOG_TRANSACTIONS);
        Sink<AuditCheckpoint> checkpoints =
                kafka(
                        settings,
                        settings.auditCheckpointTopic(),
                        c -> Long.toString(c.getCheckpointSeq()),
                        DeliveryGuarantee.EXACTLY_ONCE,
                        CHECKPOINT_TRANSACTIONS);
        Sink<DeadLetter> deadLetters =
                kafka(
                        settings,
                        settings.deadLetterTopic(),
                        d -> d.getSourceTopic(),
                        DeliveryGuarantee.AT_LEAST_ONCE,
                        DEAD_LETTER_TRANSACTIONS);
        Sink<AuditEntry> index =
                ElasticsearchSink.<AuditEntry>builder()
                        .setUrl(settings.elasticsearchUrl(), settings.elasticsearchUser())
                        .setConverter(new AuditDocuments(settings.auditIndex()))
                        .setMaxTimeInBuffer(INDEX_MAX_TIME_IN_BUFFER)
                        // an auditor sees an entry as soon as it is indexed, a backlog is not
                        // slowed: the index keeps Elasticsearch's own refresh
                        .setRefreshWhenCaughtUp(true)
                        .setRejectedDocumentHandler(
                                new DeadLetterRejectedDocuments(
                                        settings.kafkaBootstrap(),
                                        settings.kafkaUser(),
                                        settings.deadLetterTopic(),
                                        "audit/index"))
                        .build();
        return new AuditSinks(log, checkpoints, deadLetters, index);
    }

    /**
     * The prefix of a sink's transactional ids in this job: {@code <job name>-<sink>}, e.g. {@code
     * lethe-audit-lethe-audit-log} for {@link #LOG_TRANSACTIONS} in the local stack's job.
     */
    public static String transactionalIdPrefix(JobSettings settings, String sink) {
        return settings.jobName() + "-" + sink;
    }

    private static <T extends SpecificRecordBase> KafkaSink<T> kafka(
            JobSettings settings,
            String topic,
            AvroRecords.Key<T> key,
            DeliveryGuarantee guarantee,
            String transactionalIdPrefix) {
        Properties producer = settings.kafkaClient();
        producer.setProperty(
                "transaction.timeout.ms", String.valueOf(TRANSACTION_TIMEOUT.toMillis()));
        producer.setProperty("enable.idempotence", "true");
        producer.setProperty("acks", "all");
        LetheTopics.withMessageLimit(producer);
        return KafkaSink.<T>builder()
                .setBootstrapServers(settings.kafkaBootstrap())
                .setKafkaProducerConfig(producer)
                .setDeliveryGuarantee(guarantee)
                .setTransactionalIdPrefix(transactionalIdPrefix(settings, transactionalIdPrefix))
                .setRecordSerializer(new AvroRecords<>(topic, key))
                .build();
    }
}
