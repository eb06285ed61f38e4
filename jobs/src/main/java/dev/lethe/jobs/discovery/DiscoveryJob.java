package dev.lethe.jobs.discovery;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.discovery.LocationDocument;
import dev.lethe.discovery.PhoneDetector;
import dev.lethe.discovery.SubjectDirectory;
import dev.lethe.events.ChangeEvent;
import dev.lethe.events.DeadLetter;
import dev.lethe.jobs.LetheJob;
import dev.lethe.jobs.changes.NormalizeRawRecords;
import dev.lethe.jobs.changes.TruncatedTable;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.config.MasterKeys;
import dev.lethe.jobs.elasticsearch.DeadLetterRejectedDocuments;
import dev.lethe.jobs.elasticsearch.ElasticsearchConnection;
import dev.lethe.jobs.elasticsearch.ElasticsearchSink;
import dev.lethe.jobs.elasticsearch.WriteHeavyIndex;
import dev.lethe.jobs.kafka.LetheTopics;
import dev.lethe.jobs.kafka.RawRecord;
import dev.lethe.jobs.kafka.RawTopicsSource;
import dev.lethe.jobs.kafka.Replays;
import dev.lethe.jobs.state.EntityKeys;
import dev.lethe.normalize.ChangeNormalizer;
import dev.lethe.normalize.EntityId;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The discovery job: an always-current index of where each person's data lives.
 *
 * <pre>
 * raw topics -> normalize -> keyBy(entity) -> detect locations (+ broadcast: contacts, agents,
 *   accounts' regions and custom-field definitions feed the directory of known subjects and
 *   encrypted fields)
 *   -> keyBy(entity) -> track locations (ids of last time; deletes what a row no longer has)
 *   -> lethe-locations (Elasticsearch, external version = source LSN)
 * normalize rejects, uncatalogued columns, Elasticsearch rejects -> lethe.deadletter
 * </pre>
 *
 * Run: {@code DiscoveryJob --kafka-bootstrap .. --elasticsearch-url .. --postgres-url ..} (the
 * shared options of {@link JobSettings}; the job name defaults to {@value #JOB_NAME}).
 */
public final class DiscoveryJob {

    /** The Flink job name and Kafka consumer group, unless {@code --job-name} says otherwise. */
    public static final String JOB_NAME = "lethe-discovery";

    /**
     * How long a network buffer between operators waits to fill before it is sent (Flink's default
     * is 100 ms per exchange): a DPO searches for what just happened. Under load buffers fill long
     * before.
     */
    static final Duration NETWORK_BUFFER_TIMEOUT = Duration.ofMillis(5);

    /** The longest a location waits in the index sink's buffer before it is sent. */
    static final Duration INDEX_MAX_TIME_IN_BUFFER = Duration.ofMillis(100);

    private DiscoveryJob() {}

    /** Where the discovery job writes. */
    public record DiscoverySinks(Sink<LocationUpdate> locations, Sink<DeadLetter> deadLetters) {}

    /**
     * Submits the job: {@code --name value} options of {@link LetheJob#DISCOVERY} (the shared ones
     * of {@link JobSettings}).
     */
    public static void main(String[] args) throws Exception {
        LetheJob.DISCOVERY.main(args);
    }

    /** The settings {@link #main} reads from these arguments. */
    public static JobSettings settings(String[] args) {
        return LetheJob.DISCOVERY.settings(List.of(args));
    }

    /**
     * Builds the job and submits it. What it writes to must exist: {@link #setUp} (the bootstrap
     * {@link dev.lethe.jobs.LetheJob#setUp} runs).
     */
    public static JobClient submit(StreamExecutionEnvironment env, JobSettings settings)
            throws Exception {
        env.enableCheckpointing(settings.checkpointInterval().toMillis());
        env.setBufferTimeout(NETWORK_BUFFER_TIMEOUT.toMillis());
        defineWorkflow(env, rawRecords(env, settings), sinks(settings), settings);
        return env.executeAsync(settings.jobName());
    }

    /**
     * The job's part of the bootstrap: the dead-letter topic and the {@value
     * LocationDocument#INDEX} index, created if missing (an index of an earlier version brought up
     * to date).
     */
    public static void setUp(JobSettings settings) throws Exception {
        LetheTopics.ensure(
                settings.kafkaBootstrap(),
                dev.lethe.jobs.kafka.TopicReplication.BROKER_DEFAULT,
                List.of(),
                List.of(settings.deadLetterTopic()));
        try (ElasticsearchConnection.Clients clients =
                new ElasticsearchConnection(
                                settings.elasticsearchUrl(), settings.elasticsearchUser())
                        .open()) {
            upgradeIndex(clients, LocationDocument.INDEX, settings.catalogPath());
        }
    }

    /**
     * {@link #ensureIndex}, then the documents an earlier version wrote brought up to date
     * (full-name keys, {@link FullNameBackfill}); returns how many documents were rewritten.
     */
    public static long upgradeIndex(
            ElasticsearchConnection.Clients clients, String index, String catalogFile)
            throws IOException {
        ensureIndex(clients, index);
        return FullNameBackfill.run(clients.client(), index, catalog(catalogFile));
    }

    /**
     * Creates {@code index} with {@link LocationDocument#indexDefinition()}; if it exists (written
     * by an earlier version), adds the fields its mapping lacks, since the strict mapping would
     * reject documents carrying them ({@code fullName}); both get the {@link WriteHeavyIndex}
     * settings.
     */
    public static void ensureIndex(ElasticsearchConnection.Clients clients, String index)
            throws IOException {
        var es = clients.client();
        if (es.indices().exists(r -> r.index(index)).value()) {
            String mappings =
                    new ObjectMapper()
                            .readTree(LocationDocument.indexDefinition())
                            .get("mappings")
                            .toString();
            es.indices().putMapping(r -> r.index(index).withJson(new StringReader(mappings)));
            WriteHeavyIndex.apply(clients, index);
            return;
        }
        try {
            es.indices()
                    .create(
                            r ->
                                    r.index(index)
                                            .withJson(
                                                    new StringReader(
                                                            LocationDocument.indexDefinition())));
        } catch (co.elastic.clients.elasticsearch._types.ElasticsearchException e) {
            if (!"resource_already_exists_exception".equals(e.error().type())) {
                throw e;
            }
        }
        WriteHeavyIndex.apply(clients, index);
    }

    /**
     * The topology; tests drive it with a bounded source and collecting sinks.
     *
     * @param raw the raw Debezium records
     */
    public static void defineWorkflow(
            StreamExecutionEnvironment env,
            DataStream<RawRecord> raw,
            DiscoverySinks sinks,
            JobSettings settings) {
        SingleOutputStreamOperator<ChangeEvent> changes =
                raw.process(
                                new NormalizeRawRecords(
                                                "discovery/normalize",
                                                ChangeNormalizer.forHelpdesk())
                                        .forwardingTruncates())
                        .name("normalize")
                        // chained to the source: each partition's records stay in order
                        .setParallelism(RawTopicsSource.PARALLELISM)
                        .uid("discovery-normalize");
        DataStream<DeadLetter> rejected = changes.getSideOutput(NormalizeRawRecords.DEAD_LETTERS);

        Set<String> directoryTables = directoryTables(settings.catalogPath());
        BroadcastStream<ChangeEvent> directory =
                changes.filter(c -> directoryTables.contains(c.getTable()))
                        .name("subjects-and-fields")
                        .setParallelism(RawTopicsSource.PARALLELISM) // chained: order kept
                        .uid("discovery-directory-changes")
                        .broadcast(DetectLocations.DIRECTORY);

        SingleOutputStreamOperator<LocatedRow> located =
                changes.keyBy(EntityId::of, EntityKeys.TYPE)
                        .connect(directory)
                        .process(
                                new DetectLocations(
                                                settings.catalogPath(),
                                                PhoneDetector.DEFAULT_REGIONS,
                                                MasterKeys.fromProcess(MasterKeys.DEFAULT_FILE))
                                        .readingOversizedFrom(
                                                settings.postgresJdbcUrl(),
                                                settings.postgresUser()))
                        .name("detect-locations")
                        .uid("discovery-detect");

        // a TRUNCATE of a known table: its rows' locations go (uid and state unchanged since the
        // operator took no second input)
        BroadcastStream<TruncatedTable> truncates =
                changes.getSideOutput(NormalizeRawRecords.TRUNCATED)
                        .broadcast(TrackLocations.TRUNCATES);
        DataStream<LocationUpdate> updates =
                located.keyBy(r -> r.recordId, EntityKeys.TYPE)
                        .connect(truncates)
                        .process(new TrackLocations(TrackLocations.DEFAULT_TOMBSTONE_MILLIS))
                        .name("track-locations")
                        .uid("discovery-track");

        updates.sinkTo(sinks.locations()).name("locations-index").uid("discovery-locations-sink");
        rejected.union(located.getSideOutput(DetectLocations.DEAD_LETTERS))
                .sinkTo(sinks.deadLetters())
                .name("dead-letters")
                .uid("discovery-dead-letters-sink");
    }

    /** The tables whose changes feed the directory, per the catalog. */
    static Set<String> directoryTables(String catalogFile) {
        PersonalDataCatalog catalog = catalog(catalogFile);
        SubjectDirectory d = new SubjectDirectory(catalog, PhoneDetector.DEFAULT_REGIONS);
        Set<String> tables = new TreeSet<>();
        for (String t : catalog.tables()) {
            if (d.describes(t)) {
                tables.add(t);
            }
        }
        return tables;
    }

    private static PersonalDataCatalog catalog(String catalogFile) {
        return catalogFile == null || catalogFile.isBlank()
                ? PersonalDataCatalog.loadDefault()
                : PersonalDataCatalog.load(Path.of(catalogFile));
    }

    /** The raw topics from the earliest offset, and discovery's replayed dead letters. */
    public static DataStream<RawRecord> rawRecords(
            StreamExecutionEnvironment env, JobSettings settings) {
        return RawTopicsSource.of(env, settings, "discovery-raw-topics", Replays.DISCOVERY);
    }

    /** The real sinks: the locations index and the dead-letter topic. */
    public static DiscoverySinks sinks(JobSettings settings) {
        Sink<LocationUpdate> locations =
                ElasticsearchSink.<LocationUpdate>builder()
                        .setUrl(settings.elasticsearchUrl(), settings.elasticsearchUser())
                        .setConverter(new LocationUpdate.Converter(LocationDocument.INDEX))
                        .setMaxTimeInBuffer(INDEX_MAX_TIME_IN_BUFFER)
                        // a DPO finds a change as soon as it is indexed, a backlog is not slowed
                        .setRefreshWhenCaughtUp(true)
                        .setRejectedDocumentHandler(
                                new DeadLetterRejectedDocuments(
                                        settings.kafkaBootstrap(),
                                        settings.kafkaUser(),
                                        settings.deadLetterTopic(),
                                        "discovery/index"))
                        .build();
        Sink<DeadLetter> deadLetters =
                KafkaSink.<DeadLetter>builder()
                        .setBootstrapServers(settings.kafkaBootstrap())
                        .setKafkaProducerConfig(
                                LetheTopics.withMessageLimit(settings.kafkaClient()))
                        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                        .setRecordSerializer(
                                KafkaRecordSerializationSchema.<DeadLetter>builder()
                                        .setTopic(settings.deadLetterTopic())
                                        .setKeySerializationSchema(new DeadLetterKey())
                                        .setValueSerializationSchema(new DeadLetterValue())
                                        .build())
                        .build();
        return new DiscoverySinks(locations, deadLetters);
    }

    /** Dead-letter key: the source topic. A class, not a lambda, so Flink can see its type. */
    static final class DeadLetterKey implements SerializationSchema<DeadLetter> {
        private static final long serialVersionUID = 1L;

        @Override
        public byte[] serialize(DeadLetter d) {
            return d.getSourceTopic().getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Dead-letter value: Avro single-object encoding ({@code DeadLetter.fromByteBuffer}). */
    static final class DeadLetterValue implements SerializationSchema<DeadLetter> {
        private static final long serialVersionUID = 1L;

        @Override
        public byte[] serialize(DeadLetter d) {
            return avroBytes(d);
        }
    }

    static byte[] avroBytes(DeadLetter letter) {
        try {
            ByteBuffer b = letter.toByteBuffer();
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new IllegalStateException("a dead letter always encodes", e);
        }
    }
}
