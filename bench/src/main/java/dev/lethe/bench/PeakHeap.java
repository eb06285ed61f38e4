package dev.lethe.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The peak heap of this JVM while something runs, two ways: the used heap sampled by a thread of
 * its own every {@code every} (what the run had allocated and not yet collected at its fullest),
 * and the heap left after each garbage collection during the run, from the collectors'
 * notifications (what the run held; garbage is not counted). Started before the run, closed after
 * it.
 */
final class PeakHeap implements AutoCloseable {

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final Set<String> heapPools = new HashSet<>();
    private final AtomicLong peakUsed = new AtomicLong();
    private final AtomicLong peakAfterGc = new AtomicLong();
    private final AtomicInteger samples = new AtomicInteger();
    private final AtomicInteger collections = new AtomicInteger();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener = this::collected;
    private final Thread sampler;
    private volatile boolean running = true;

    private PeakHeap(Duration every) {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heapPools.add(pool.getName());
            }
        }
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(listener, null, null);
                emitters.add(emitter);
            }
        }
        long sleepNanos = Math.max(every.toNanos(), 100_000);
        sample();
        sampler =
                new Thread(
                        () -> {
                            while (running) {
                                sample();
                                try {
                                    Thread.sleep(
                                            sleepNanos / 1_000_000, (int) (sleepNanos % 1_000_000));
                                } catch (InterruptedException e) {
                                    return;
                                }
                            }
                        },
                        "peak-heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** Starts sampling the used heap every {@code every} and listening to collections. */
    static PeakHeap start(Duration every) {
        return new PeakHeap(every);
    }

    private void sample() {
        peakUsed.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
        samples.incrementAndGet();
    }

    private void collected(Notification n, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())
                || !running) {
            return;
        }
        GarbageCollectionNotificationInfo info =
                GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
        peakAfterGc.accumulateAndGet(heapUsed(info.getGcInfo().getMemoryUsageAfterGc()), Math::max);
        collections.incrementAndGet();
    }

    /** The used bytes of the heap's pools in a collector's per-pool usage. */
    long heapUsed(Map<String, MemoryUsage> byPool) {
        long used = 0;
        for (Map.Entry<String, MemoryUsage> e : byPool.entrySet()) {
            if (heapPools.contains(e.getKey())) {
                used += e.getValue().getUsed();
            }
        }
        return used;
    }

    /** The most used heap sampled so far, bytes. */
    long peakUsed() {
        return peakUsed.get();
    }

    /** The most heap left after a collection during the run, bytes; 0 if none ran. */
    long peakAfterGc() {
        return peakAfterGc.get();
    }

    /** How many samples were taken. */
    int samples() {
        return samples.get();
    }

    /** How many collections ended during the run. */
    int collections() {
        return collections.get();
    }

    /** Takes a last sample and stops: the peaks stay as they were then. */
    @Override
    public void close() {
        sample();
        running = false;
        sampler.interrupt();
        try {
            sampler.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (NotificationEmitter emitter : emitters) {
            try {
                emitter.removeNotificationListener(listener);
            } catch (ListenerNotFoundException e) {
                // already gone
            }
        }
    }

    /** The used heap after three collections, bytes (what is held, as RetentionBench measures). */
    static long usedAfterGc() throws InterruptedException {
        Runtime r = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return r.totalMemory() - r.freeMemory();
    }
}
