package dev.lethe.jobs.purge;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the documents of records a retention purge deleted from the locations index soon after
 * the purge: the executor hands over the record ids after its commit ({@link #purged}), a thread of
 * this class deletes their documents every {@code interval}, many records a request ({@link
 * ErasureIndex#forgetRecords}), and expunges deleted documents at the index's own rate.
 *
 * <p>Best effort and only a shortcut: the discovery job deletes the same documents when it sees the
 * delete events (Debezium → Kafka → its watermark, several seconds), so a failed request only loses
 * time; it is logged (record count and error kind, never values) and not retried. Without it, a
 * purge became unsearchable about 7 s after its deadline on the local stack
 * (docs/benchmarks/history/retention.md). The delete events still reach the discovery job
 * afterwards: deleting a document that is gone changes nothing, and since a record's delete event
 * is its last, even a discovery job lagging by more than the window (re-indexing an older change of
 * the record after this removal) ends with the documents deleted.
 */
public final class PurgedLocations implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PurgedLocations.class);

    /**
     * Records a request at most (a ticket's documents are a handful; the search returns 10,000).
     */
    static final int BATCH = 500;

    /** How often the purged records' documents are deleted by default. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(200);

    private final ErasureIndex index;
    private final ConcurrentLinkedQueue<String> purged = new ConcurrentLinkedQueue<>();
    private final ScheduledExecutorService thread;

    private PurgedLocations(ErasureIndex index, ScheduledExecutorService thread) {
        this.index = index;
        this.thread = thread;
    }

    /** Starts removing purged records' documents from {@code index} every {@code interval}. */
    public static PurgedLocations start(ErasureIndex index, Duration interval) {
        ScheduledExecutorService thread =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "lethe-purged-locations");
                            t.setDaemon(true);
                            return t;
                        });
        PurgedLocations locations = new PurgedLocations(index, thread);
        thread.scheduleWithFixedDelay(
                locations::flush, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return locations;
    }

    /** The records (entity ids) a purge deleted, after its transaction committed. */
    public void purged(Collection<String> recordIds) {
        purged.addAll(recordIds);
    }

    /** Deletes the documents of every record handed over so far. */
    void flush() {
        boolean deleted = false;
        while (!purged.isEmpty()) {
            List<String> batch = new ArrayList<>(BATCH);
            String next;
            while (batch.size() < BATCH && (next = purged.poll()) != null) {
                batch.add(next);
            }
            try {
                index.forgetRecords(batch);
                deleted = true;
            } catch (IOException | RuntimeException e) {
                LOG.warn(
                        "cannot remove the documents of {} purged records from the locations"
                                + " index now ({}); the discovery job removes them when it sees"
                                + " the deletes",
                        batch.size(),
                        e.getClass().getSimpleName());
            }
        }
        if (deleted) {
            try {
                index.expungeDeleted();
            } catch (IOException | RuntimeException e) {
                LOG.warn("cannot expunge deleted documents: {}", e.getClass().getSimpleName());
            }
        }
    }

    /** Stops the thread, removes what is still pending, closes the index. */
    @Override
    public void close() throws Exception {
        thread.shutdown();
        thread.awaitTermination(10, TimeUnit.SECONDS);
        try {
            flush();
        } finally {
            index.close();
        }
    }
}
