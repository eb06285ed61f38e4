package dev.lethe.jobs.elasticsearch;

import dev.lethe.jobs.config.MasterKeys;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.flink.connector.base.sink.writer.ElementConverter;

/**
 * Builds an {@link ElasticsearchSink}. Required: {@link #setConnection} (or {@link #setUrl}) and
 * {@link #setConverter}; everything else has a {@code DEFAULT_*}.
 */
public final class ElasticsearchSinkBuilder<InputT> {

    public static final int DEFAULT_MAX_BATCH_SIZE = 1000;

    /**
     * The refresh interval of the indexes Lethe's jobs write to ({@code index.refresh_interval},
     * set by {@link WriteHeavyIndex}): what a caught-up job writes is searchable within it, and
     * Elasticsearch refreshes at most this often whatever the write rate (a refresh per request
     * made a small segment each, and the merges and soft-delete bookkeeping grew with them).
     */
    public static final String CAUGHT_UP_REFRESH_INTERVAL = "200ms";

    public static final long DEFAULT_MAX_BATCH_SIZE_IN_BYTES = 5L * 1024 * 1024;
    public static final int DEFAULT_MAX_IN_FLIGHT_REQUESTS = 2;
    public static final int DEFAULT_MAX_BUFFERED_REQUESTS = 10_000;
    public static final long DEFAULT_MAX_TIME_IN_BUFFER_MS = 1000;
    public static final long DEFAULT_MAX_RECORD_SIZE_IN_BYTES = 1024L * 1024;
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(100);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);

    private ElementConverter<InputT, DocumentOperation> converter;
    private ElasticsearchConnection connection;
    private RejectedDocumentHandler rejectedHandler = RejectedDocumentHandler.logging();
    private int maxBatchSize = DEFAULT_MAX_BATCH_SIZE;
    private long maxBatchSizeInBytes = DEFAULT_MAX_BATCH_SIZE_IN_BYTES;
    private int maxInFlightRequests = DEFAULT_MAX_IN_FLIGHT_REQUESTS;
    private int maxBufferedRequests = DEFAULT_MAX_BUFFERED_REQUESTS;
    private long maxTimeInBufferMs = DEFAULT_MAX_TIME_IN_BUFFER_MS;
    private long maxRecordSizeInBytes = DEFAULT_MAX_RECORD_SIZE_IN_BYTES;
    private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    private MasterKeys masterKeys = MasterKeys.fromProcess(MasterKeys.DEFAULT_FILE);
    private boolean refreshWhenCaughtUp;

    ElasticsearchSinkBuilder() {}

    /** Turns each element into one bulk operation (index or delete). */
    public ElasticsearchSinkBuilder<InputT> setConverter(
            ElementConverter<InputT, DocumentOperation> converter) {
        this.converter = converter;
        return this;
    }

    public ElasticsearchSinkBuilder<InputT> setConnection(ElasticsearchConnection connection) {
        this.connection = connection;
        return this;
    }

    /** Shorthand for {@code setConnection(new ElasticsearchConnection(url, user))}. */
    public ElasticsearchSinkBuilder<InputT> setUrl(URI url, String user) {
        return setConnection(new ElasticsearchConnection(url, user));
    }

    public ElasticsearchSinkBuilder<InputT> setRejectedDocumentHandler(
            RejectedDocumentHandler handler) {
        this.rejectedHandler = handler;
        return this;
    }

    public ElasticsearchSinkBuilder<InputT> setMaxBatchSize(int maxBatchSize) {
        this.maxBatchSize = maxBatchSize;
        return this;
    }

    public ElasticsearchSinkBuilder<InputT> setMaxBatchSizeInBytes(long bytes) {
        this.maxBatchSizeInBytes = bytes;
        return this;
    }

    public ElasticsearchSinkBuilder<InputT> setMaxInFlightRequests(int requests) {
        this.maxInFlightRequests = requests;
        return this;
    }

    public ElasticsearchSinkBuilder<InputT> setMaxBufferedRequests(int operations) {
        this.maxBufferedRequests = operations;
        return this;
    }

    public ElasticsearchSinkBuilder<InputT> setMaxTimeInBuffer(Duration time) {
        this.maxTimeInBufferMs = time.toMillis();
        return this;
    }

    public ElasticsearchSinkBuilder<InputT> setMaxRecordSizeInBytes(long bytes) {
        this.maxRecordSizeInBytes = bytes;
        return this;
    }

    /** Retries of transient failures wait {@code initial}, doubling up to {@code max}. */
    public ElasticsearchSinkBuilder<InputT> setBackoff(Duration initial, Duration max) {
        this.initialBackoff = initial;
        this.maxBackoff = max;
        return this;
    }

    /**
     * The master key that seals buffered operations in checkpoints; default: the process's ({@code
     * LETHE_MASTER_KEY}, else {@value MasterKeys#DEFAULT_FILE} under {@code lethe.data}), opened on
     * the TaskManager at the first checkpoint or restore.
     */
    public ElasticsearchSinkBuilder<InputT> setMasterKeys(MasterKeys masterKeys) {
        this.masterKeys = masterKeys;
        return this;
    }

    /**
     * Whether a request the writer sends before its batch is full (flushed by time: the job has
     * caught up) waits until what it wrote is searchable ({@code refresh=wait_for}): at the index's
     * next scheduled refresh, never forcing one, so the index refreshes once per interval however
     * many requests arrive ({@link #CAUGHT_UP_REFRESH_INTERVAL} on Lethe's indexes); full batches
     * (a backlog) do not wait. Default false.
     */
    public ElasticsearchSinkBuilder<InputT> setRefreshWhenCaughtUp(boolean refresh) {
        this.refreshWhenCaughtUp = refresh;
        return this;
    }

    /**
     * @throws IllegalArgumentException listing every invalid setting
     */
    public ElasticsearchSink<InputT> build() {
        List<String> problems = new ArrayList<>();
        if (converter == null) {
            problems.add("setConverter(..) is required: how each element becomes an operation");
        }
        if (connection == null) {
            problems.add("setConnection(..) or setUrl(..) is required: where Elasticsearch is");
        }
        if (rejectedHandler == null) {
            problems.add("the rejected-document handler must not be null");
        }
        if (masterKeys == null) {
            problems.add("the master keys must not be null: they seal checkpointed documents");
        }
        if (maxBatchSize <= 0) {
            problems.add("maxBatchSize must be > 0, got " + maxBatchSize);
        }
        if (maxBatchSizeInBytes <= 0) {
            problems.add("maxBatchSizeInBytes must be > 0, got " + maxBatchSizeInBytes);
        }
        if (maxInFlightRequests <= 0) {
            problems.add("maxInFlightRequests must be > 0, got " + maxInFlightRequests);
        }
        if (maxBufferedRequests < maxBatchSize) {
            problems.add(
                    "maxBufferedRequests ("
                            + maxBufferedRequests
                            + ") must be >= maxBatchSize ("
                            + maxBatchSize
                            + ")");
        }
        if (maxTimeInBufferMs <= 0) {
            problems.add("maxTimeInBuffer must be > 0 ms, got " + maxTimeInBufferMs);
        }
        if (maxRecordSizeInBytes <= 0 || maxRecordSizeInBytes > maxBatchSizeInBytes) {
            problems.add(
                    "maxRecordSizeInBytes must be > 0 and <= maxBatchSizeInBytes ("
                            + maxBatchSizeInBytes
                            + "), got "
                            + maxRecordSizeInBytes);
        }
        if (initialBackoff == null
                || maxBackoff == null
                || initialBackoff.isNegative()
                || initialBackoff.isZero()
                || maxBackoff.compareTo(initialBackoff) < 0) {
            problems.add(
                    "backoff must be 0 < initial <= max, got "
                            + initialBackoff
                            + " .. "
                            + maxBackoff);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(
                    "invalid Elasticsearch sink: " + String.join("; ", problems));
        }
        return new ElasticsearchSink<>(
                Objects.requireNonNull(converter),
                maxBatchSize,
                maxInFlightRequests,
                maxBufferedRequests,
                maxBatchSizeInBytes,
                maxTimeInBufferMs,
                maxRecordSizeInBytes,
                connection,
                rejectedHandler,
                initialBackoff,
                maxBackoff,
                masterKeys,
                refreshWhenCaughtUp);
    }
}
