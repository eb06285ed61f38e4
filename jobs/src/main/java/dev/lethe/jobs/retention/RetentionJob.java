package dev.lethe.jobs.retention;

import com.zaxxer.hikari.HikariDataSource;
import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.discovery.LocationDocument;
import dev.lethe.events.ChangeEvent;
import dev.lethe.jobs.LetheJob;
import dev.lethe.jobs.audit.AuditJob;
import dev.lethe.jobs.audit.AuditResources;
import dev.lethe.jobs.changes.NormalizeRawRecords;
import dev.lethe.jobs.config.FileStores;
import dev.lethe.jobs.config.HelpdeskDataSources;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.elasticsearch.ElasticsearchConnection;
import dev.lethe.jobs.kafka.LetheTopics;
import dev.lethe.jobs.kafka.RawRecord;
import dev.lethe.jobs.kafka.RawTopicsSource;
import dev.lethe.jobs.kafka.Replays;
import dev.lethe.jobs.purge.ElasticsearchErasureIndex;
import dev.lethe.jobs.purge.ErasureProcessor;
import dev.lethe.jobs.purge.JdbcPurgeExecutor;
import dev.lethe.jobs.purge.PurgeExecutor;
import dev.lethe.jobs.purge.PurgeOutcome;
import dev.lethe.jobs.purge.PurgedLocations;
import dev.lethe.jobs.purge.ReceiptRelay;
import dev.lethe.jobs.state.EntityKeys;
import dev.lethe.normalize.ChangeNormalizer;
import dev.lethe.normalize.EntityId;
import dev.lethe.retention.RetentionPolicy;
import dev.lethe.retention.RetentionSchemaCheck;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * The retention job: every helpdesk record's retention window, and the purge when it ends.
 *
 * <pre>
 * raw topics -> normalize -> tables with rules -> keyBy(record) -> track retention
 *   (state + processing-time timer per record; at the deadline the purge executor runs, guarded,
 *    in one database transaction with its receipt in lethe.purge_log)
 * ticks (1/s) -> publish receipts (outbox lethe.purge_log -> lethe.purge.receipts), parallelism 1
 * </pre>
 *
 * The executor runs inside the tracking operator (synchronously, in {@code onTimer}): purges are
 * rare, and running them there lets the operator know the outcome (a held record is retried, a done
 * one forgotten) without a feedback loop.
 */
public final class RetentionJob {

    private RetentionJob() {}

    /**
     * Submits the job: {@code --name value} options of {@link LetheJob#RETENTION} (the shared ones
     * of {@link JobSettings} and the retention job's own, {@link RetentionSettings#OPTIONS}).
     */
    public static void main(String[] args) throws Exception {
        LetheJob.RETENTION.main(args);
    }

    /** With the shipped policy and default intervals. */
    public static JobClient submit(StreamExecutionEnvironment env, JobSettings settings)
            throws Exception {
        return submit(env, settings, RetentionSettings.defaults());
    }

    /**
     * The job's part of the bootstrap: the receipt topic and the purge tables, created if missing,
     * and the policy checked against the helpdesk's schema (a rule that could never be carried out
     * stops here, naming the rule).
     */
    public static void setUp(JobSettings settings, RetentionSettings retention) throws Exception {
        RetentionPolicy policy = policy(settings, retention);
        LetheTopics.ensure(
                settings.kafkaBootstrap(),
                dev.lethe.jobs.kafka.TopicReplication.BROKER_DEFAULT,
                List.of(retention.receiptTopic()),
                List.of());
        try (Connection c =
                HelpdeskDataSources.connect(settings.postgresJdbcUrl(), settings.postgresUser())) {
            dev.lethe.jobs.purge.PurgeSchema.create(c);
            RetentionSchemaCheck.require(c, policy);
        }
    }

    /** {@link #setUp} with the shipped policy and default intervals. */
    public static void setUp(JobSettings settings) throws Exception {
        setUp(settings, RetentionSettings.defaults());
    }

    /**
     * Validates the policy, builds the job and submits it. What it writes to must exist: {@link
     * #setUp} (the bootstrap {@link dev.lethe.jobs.LetheJob#setUp} runs).
     */
    public static JobClient submit(
            StreamExecutionEnvironment env, JobSettings settings, RetentionSettings retention)
            throws Exception {
        RetentionPolicy policy = policy(settings, retention);
        env.enableCheckpointing(settings.checkpointInterval().toMillis());
        defineWorkflow(
                env, rawRecords(env, settings), policy, resources(settings, retention), retention);
        return env.executeAsync(settings.jobName());
    }

    /**
     * The outbox relay: ticks (one per relay interval) -> process erasures -> publish receipts
     * (outbox lethe.purge_log -> the receipt topic), parallelism 1.
     */
    private static void defineReceiptRelay(
            StreamExecutionEnvironment env,
            ProcessErasures.ProcessorFactory erasures,
            PublishReceipts.RelayFactory relay,
            RetentionSettings retention) {
        env.fromSource(
                        new DataGeneratorSource<>(
                                i -> i,
                                Long.MAX_VALUE,
                                RateLimiterStrategy.perSecond(
                                        1000.0 / retention.relayInterval().toMillis()),
                                Types.LONG),
                        org.apache.flink.api.common.eventtime.WatermarkStrategy.noWatermarks(),
                        "relay-ticks")
                .uid("retention-relay-ticks")
                .setParallelism(1)
                .map(new ProcessErasures(erasures))
                .name("process-erasures")
                .uid("retention-process-erasures")
                .setParallelism(1)
                .map(new PublishReceipts(relay))
                .name("publish-receipts")
                .uid("retention-publish-receipts")
                .setParallelism(1)
                .sinkTo(new DiscardingSink<>())
                .name("published")
                .uid("retention-published");
    }

    /** The policy, validated against the catalog (a clear error before anything starts). */
    public static RetentionPolicy policy(JobSettings settings, RetentionSettings retention) {
        PersonalDataCatalog catalog =
                settings.catalogFile()
                        .map(f -> PersonalDataCatalog.load(java.nio.file.Path.of(f)))
                        .orElseGet(PersonalDataCatalog::loadDefault);
        return RetentionPolicy.loadOrDefault(retention.policyPath(), catalog);
    }

    /**
     * The whole topology: the records' retention and their purges, and the receipt relay (with the
     * erasure requests it processes on its ticks). Tests drive it with their own source and fake
     * resources.
     *
     * @return the purges' outcomes (a sink of the job's own is attached)
     */
    public static DataStream<PurgeOutcome> defineWorkflow(
            StreamExecutionEnvironment env,
            DataStream<RawRecord> raw,
            RetentionPolicy policy,
            RetentionResources resources,
            RetentionSettings retention) {
        Set<String> tables = policy.tables();
        DataStream<PurgeOutcome> outcomes =
                raw.process(
                                new NormalizeRawRecords(
                                        "retention/normalize", ChangeNormalizer.forHelpdesk()))
                        .name("normalize")
                        // chained to the source: each partition's records stay in order
                        .setParallelism(RawTopicsSource.PARALLELISM)
                        .uid("retention-normalize")
                        .filter(c -> tables.contains(c.getTable()))
                        .name("governed-tables")
                        .setParallelism(RawTopicsSource.PARALLELISM) // chained: order kept
                        .uid("retention-governed-tables")
                        .keyBy((ChangeEvent c) -> EntityId.of(c), EntityKeys.TYPE)
                        .process(
                                new TrackRetention(
                                        policy,
                                        resources.executor(),
                                        retention.retryInterval().toMillis()))
                        .name("track-retention")
                        .uid("retention-track");
        outcomes.sinkTo(new DiscardingSink<>()).name("outcomes").uid("retention-outcomes");
        defineReceiptRelay(env, resources.erasures(), resources.relay(), retention);
        return outcomes;
    }

    /** The JDBC executor, opened on the TaskManager. */
    /** What the job's operators open on the TaskManager, from the settings. */
    public static RetentionResources resources(JobSettings settings, RetentionSettings retention) {
        return new RetentionResources(
                executor(settings, retention),
                erasures(settings, retention),
                relay(settings, retention));
    }

    /** The outbox relay, opened on the TaskManager as the job's Kafka user. */
    static PublishReceipts.RelayFactory relay(JobSettings settings, RetentionSettings retention) {
        return () -> {
            HikariDataSource pool = dataSource(settings, "receipt-relay");
            return PublishReceipts.Relay.of(
                    new ReceiptRelay(
                                    pool,
                                    settings.kafkaBootstrap(),
                                    settings.kafkaUser(),
                                    retention.receiptTopic())
                            .closing(pool));
        };
    }

    static PurgeExecutor.Factory executor(JobSettings settings, RetentionSettings retention) {
        return () -> {
            PersonalDataCatalog catalog =
                    settings.catalogFile()
                            .map(f -> PersonalDataCatalog.load(java.nio.file.Path.of(f)))
                            .orElseGet(PersonalDataCatalog::loadDefault);
            HikariDataSource pool = dataSource(settings, "purge");
            return new JdbcPurgeExecutor(
                            pool,
                            catalog,
                            RetentionPolicy.loadOrDefault(retention.policyPath(), catalog),
                            Clock.systemUTC())
                    .closing(pool)
                    .deletingFilesIn(FileStores.fromProcess())
                    .removingLocations(
                            PurgedLocations.start(
                                    locationsIndex(settings), PurgedLocations.DEFAULT_INTERVAL));
        };
    }

    /**
     * The erasure processor, opened on the TaskManager: the audit job's key store (same master key:
     * env {@code LETHE_MASTER_KEY} else {@code ${lethe.data}/secrets/master.key}) and the locations
     * index (deleted documents expunged at most once a minute).
     */
    static ProcessErasures.ProcessorFactory erasures(
            JobSettings settings, RetentionSettings retention) {
        AuditResources.KeyStoreFactory keys = AuditJob.resources(settings).keyStore();
        return () -> {
            PersonalDataCatalog catalog =
                    settings.catalogFile()
                            .map(f -> PersonalDataCatalog.load(java.nio.file.Path.of(f)))
                            .orElseGet(PersonalDataCatalog::loadDefault);
            ElasticsearchErasureIndex index = locationsIndex(settings);
            HikariDataSource pool = dataSource(settings, "erasure");
            return ProcessErasures.Processor.of(
                    new ErasureProcessor(
                                    pool,
                                    catalog,
                                    RetentionPolicy.loadOrDefault(retention.policyPath(), catalog),
                                    keys.open(),
                                    index,
                                    Clock.systemUTC(),
                                    retention.retryInterval())
                            .deletingFilesIn(FileStores.fromProcess())
                            .closing(pool));
        };
    }

    /** The locations index; deleted documents expunged at most once a minute. */
    static ElasticsearchErasureIndex locationsIndex(JobSettings settings) throws Exception {
        return new ElasticsearchErasureIndex(
                new ElasticsearchConnection(
                                settings.elasticsearchUrl(), settings.elasticsearchUser())
                        .open(),
                LocationDocument.INDEX,
                Duration.ofMinutes(1),
                Clock.systemUTC());
    }

    /** A pool of 2 for one operator instance, closed with what it is given to. */
    static HikariDataSource dataSource(JobSettings settings, String purpose) {
        return (HikariDataSource)
                HelpdeskDataSources.pooled(
                        settings.postgresJdbcUrl(), settings.postgresUser(), "lethe-" + purpose, 2);
    }

    /** The raw topics from the earliest offset (a new job sees every soft delete ever made). */
    static DataStream<RawRecord> rawRecords(StreamExecutionEnvironment env, JobSettings settings) {
        return RawTopicsSource.of(env, settings, "retention-raw-topics", Replays.RETENTION);
    }
}
