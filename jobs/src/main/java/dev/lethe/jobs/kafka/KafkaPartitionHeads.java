package dev.lethe.jobs.kafka;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PartitionHeads} from the brokers: end offsets (read_committed, as the source reads),
 * earliest offsets and the job's committed offsets (its consumer group), looked up by Kafka's Admin
 * client on a daemon thread of its own, never on the task's thread. A look is taken when a caller
 * needs one newer than what it has and the last is at least {@link #MIN_LOOK_INTERVAL_MS} old; the
 * thread and its Admin client end after {@link #IDLE_CLOSE_MS} without a question (the job was
 * cancelled), and start again on the next.
 */
public final class KafkaPartitionHeads implements PartitionHeads {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaPartitionHeads.class);

    static final long MIN_LOOK_INTERVAL_MS = 500;
    static final long IDLE_CLOSE_MS = 30_000;
    private static final long CALL_TIMEOUT_MS = 5_000;

    private final String bootstrap;
    private final String user;
    private final List<String> topics;
    private final String groupId;
    private final LongSupplier clock;
    private final Set<String> delivered = ConcurrentHashMap.newKeySet();

    private volatile Look last;
    private long lastQuestion;
    private long lookRequestedAt = Long.MIN_VALUE / 2;
    private Thread looker;

    /** What the brokers answered, as of {@code takenAt} (the look's start). */
    record Look(
            long takenAt,
            Map<String, Long> ends,
            Map<String, Long> earliest,
            Map<String, Long> committed) {

        boolean settled(String partition) {
            long end = ends.getOrDefault(partition, 0L);
            return end <= earliest.getOrDefault(partition, 0L)
                    || committed.getOrDefault(partition, -1L) >= end;
        }
    }

    KafkaPartitionHeads(
            String bootstrap,
            String user,
            List<String> topics,
            String groupId,
            LongSupplier clock) {
        this.bootstrap = bootstrap;
        this.user = user;
        this.topics = List.copyOf(topics);
        this.groupId = groupId;
        this.clock = clock;
    }

    /**
     * The factory of the raw topics' heads for the job reading as {@code groupId}, looked up as the
     * Kafka user {@code user} (empty: the process's, {@link KafkaClients#forUser}).
     */
    public static Factory factory(
            String bootstrap, String user, List<String> topics, String groupId) {
        List<String> copy = List.copyOf(topics);
        return () ->
                new KafkaPartitionHeads(bootstrap, user, copy, groupId, System::currentTimeMillis);
    }

    @Override
    public boolean caughtUp(String partition, long next, long since) {
        Look look = recent(since);
        return look != null && look.ends.containsKey(partition) && next >= look.ends.get(partition);
    }

    @Override
    public boolean restSettled(long since) {
        Look look = recent(since);
        if (look == null) {
            return false;
        }
        for (String partition : look.ends.keySet()) {
            if (!delivered.contains(partition) && !look.settled(partition)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void delivered(String partition) {
        delivered.add(partition);
    }

    /** The last look if it was taken after {@code since}; else null, and a new one is asked for. */
    private synchronized Look recent(long since) {
        long now = clock.getAsLong();
        lastQuestion = now;
        Look look = last;
        if (look != null && look.takenAt > since) {
            return look;
        }
        if (now - lookRequestedAt >= MIN_LOOK_INTERVAL_MS) {
            lookRequestedAt = now;
            if (looker == null || !looker.isAlive()) {
                looker = new Thread(this::lookLoop, "lethe-partition-heads");
                looker.setDaemon(true);
                looker.start();
            } else {
                notifyAll();
            }
        }
        return null;
    }

    /** Takes a look whenever one is asked for; ends (closing its client) when none is asked. */
    private void lookLoop() {
        Properties props = KafkaClients.forUser(bootstrap, user);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) CALL_TIMEOUT_MS);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) CALL_TIMEOUT_MS);
        try (Admin admin = Admin.create(props)) {
            long served = Long.MIN_VALUE;
            while (true) {
                long requested;
                synchronized (this) {
                    while (lookRequestedAt == served) {
                        if (clock.getAsLong() - lastQuestion >= IDLE_CLOSE_MS) {
                            looker = null;
                            return;
                        }
                        wait(MIN_LOOK_INTERVAL_MS);
                    }
                    requested = lookRequestedAt;
                }
                served = requested;
                try {
                    last = look(admin, clock.getAsLong());
                } catch (Exception e) {
                    // the brokers cannot answer: no look, so no partition counts as caught up
                    LOG.debug("looking up the raw partitions' offsets failed: {}", e.toString());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            synchronized (this) {
                if (looker == Thread.currentThread()) {
                    looker = null;
                }
            }
        }
    }

    private Look look(Admin admin, long takenAt) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> first = new HashMap<>();
        for (KafkaFuture<TopicDescription> f :
                admin.describeTopics(topics).topicNameValues().values()) {
            TopicDescription d;
            try {
                d = f.get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    continue; // not created yet (no change of that table so far): nothing to read
                }
                throw e;
            }
            d.partitions()
                    .forEach(
                            p -> {
                                TopicPartition tp = new TopicPartition(d.name(), p.partition());
                                latest.put(tp, OffsetSpec.latest());
                                first.put(tp, OffsetSpec.earliest());
                            });
        }
        ListOffsetsOptions readCommitted = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
        Map<String, Long> ends = offsets(admin.listOffsets(latest, readCommitted).all());
        Map<String, Long> earliest = offsets(admin.listOffsets(first, readCommitted).all());
        Map<String, Long> committed = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> group =
                admin.listConsumerGroupOffsets(groupId)
                        .partitionsToOffsetAndMetadata()
                        .get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        group.forEach(
                (tp, o) -> {
                    if (o != null) {
                        committed.put(PartitionHeads.name(tp.topic(), tp.partition()), o.offset());
                    }
                });
        return new Look(takenAt, ends, earliest, committed);
    }

    private static Map<String, Long> offsets(
            KafkaFuture<Map<TopicPartition, ListOffsetsResultInfo>> f) throws Exception {
        Map<String, Long> out = new HashMap<>();
        f.get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .forEach(
                        (tp, info) ->
                                out.put(
                                        PartitionHeads.name(tp.topic(), tp.partition()),
                                        info.offset()));
        return out;
    }
}
