package dev.lethe.jobs.retention;

import dev.lethe.jobs.purge.PurgeExecutor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Resources for the retention job's topology on a MiniCluster: the test's purge executor; no
 * erasure requests to process and no receipts to publish, the relay's rounds counted per run.
 */
final class TestRetentionResources {

    private static final Map<String, AtomicInteger> RELAY_ROUNDS = new ConcurrentHashMap<>();

    private TestRetentionResources() {}

    static RetentionResources of(String run, PurgeExecutor.Factory executor) {
        return new RetentionResources(
                executor,
                () ->
                        new ProcessErasures.Processor() {
                            @Override
                            public void processPending() {}

                            @Override
                            public void close() {}
                        },
                () ->
                        new PublishReceipts.Relay() {
                            @Override
                            public int publishPending(int max) {
                                RELAY_ROUNDS
                                        .computeIfAbsent(run, r -> new AtomicInteger())
                                        .incrementAndGet();
                                return 0;
                            }

                            @Override
                            public void close() {}
                        });
    }

    /** How many rounds the relay of {@code run} has made. */
    static int relayRounds(String run) {
        AtomicInteger rounds = RELAY_ROUNDS.get(run);
        return rounds == null ? 0 : rounds.get();
    }

    static void forget(String run) {
        RELAY_ROUNDS.remove(run);
    }
}
