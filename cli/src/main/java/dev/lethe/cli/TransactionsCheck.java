package dev.lethe.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The audit monitor's look at the transactions on the log ({@link HangingTransactions} decides):
 * the coordinators' open transactions ({@code listTransactions} filtered to {@link
 * HangingTransactions#OPEN_STATES}, then {@code describeTransactions}), then the active producers
 * of each partition of the log's topics ({@code describeProducers}), then the transactional ids of
 * producers open on a partition that no coordinator holds open there.
 *
 * <p>The Kafka user needs DESCRIBE on the transactional ids (a coordinator lists only those) and
 * READ on the log's topics ({@code describeProducers}); on the local broker Lethe's own user, the
 * monitor's, has both (dev.lethe.stack.KafkaAcls), and nothing here writes.
 */
final class TransactionsCheck {

    /** How long one request to the brokers may take (Kafka unreachable: the check is skipped). */
    static final Duration TIMEOUT = Duration.ofSeconds(15);

    /** Reads the brokers' view of the transactions on {@code topics} (a fixed one in tests). */
    @FunctionalInterface
    interface Source {
        HangingTransactions.View read(Collection<String> topics) throws Exception;
    }

    private final Source source;
    private final List<String> topics;

    /** The transactions on {@code topics}, read with a new admin client of {@code client}. */
    TransactionsCheck(Properties client, List<String> topics) {
        this(t -> read(client, t), topics);
    }

    TransactionsCheck(Source source, List<String> topics) {
        this.source = source;
        this.topics = List.copyOf(topics);
    }

    /** The topics whose partitions are looked at. */
    List<String> topics() {
        return topics;
    }

    /** One look at {@code now}: the transactions open on the topics, and which are hanging. */
    HangingTransactions.Report run(Duration bound, Instant now) throws Exception {
        return HangingTransactions.judge(source.read(topics), topics, bound, now);
    }

    /** Reads the view with an admin client of {@code client}'s settings, closed after. */
    static HangingTransactions.View read(Properties client, Collection<String> topics)
            throws Exception {
        Properties p = new Properties();
        p.putAll(client);
        p.setProperty("request.timeout.ms", String.valueOf(TIMEOUT.toMillis()));
        p.setProperty("default.api.timeout.ms", String.valueOf(TIMEOUT.toMillis()));
        Admin admin = Admin.create(p);
        try {
            return read(admin, topics);
        } finally {
            admin.close(Duration.ofSeconds(5));
        }
    }

    /**
     * Reads the view: coordinators first, then the partitions (see {@link HangingTransactions}).
     */
    static HangingTransactions.View read(Admin admin, Collection<String> topics) throws Exception {
        Collection<TransactionListing> listed =
                get(
                        admin.listTransactions(
                                        new ListTransactionsOptions()
                                                .filterStates(HangingTransactions.OPEN_STATES))
                                .all());
        Map<String, TransactionDescription> described = new HashMap<>();
        if (!listed.isEmpty()) {
            Set<String> ids = new HashSet<>();
            listed.forEach(l -> ids.add(l.transactionalId()));
            var result = admin.describeTransactions(ids);
            for (String id : ids) {
                try {
                    described.put(id, get(result.description(id)));
                } catch (TransactionalIdNotFoundException e) {
                    // ended and expired since it was listed
                }
            }
        }
        List<TopicPartition> partitions = partitions(admin, topics);
        Map<TopicPartition, List<ProducerState>> producers = new HashMap<>();
        if (!partitions.isEmpty()) {
            get(admin.describeProducers(partitions).all())
                    .forEach((tp, state) -> producers.put(tp, state.activeProducers()));
        }
        Set<Long> unmatched = new HashSet<>();
        producers.forEach(
                (tp, states) -> {
                    for (ProducerState s : states) {
                        if (s.currentTransactionStartOffset().isPresent()
                                && described.values().stream()
                                        .noneMatch(
                                                d ->
                                                        d.producerId() == s.producerId()
                                                                && d.topicPartitions()
                                                                        .contains(tp))) {
                            unmatched.add(s.producerId());
                        }
                    }
                });
        Map<Long, String> ids = new HashMap<>();
        if (!unmatched.isEmpty()) {
            for (TransactionListing l :
                    get(
                            admin.listTransactions(
                                            new ListTransactionsOptions()
                                                    .filterProducerIds(unmatched))
                                    .all())) {
                ids.put(l.producerId(), l.transactionalId());
            }
        }
        return new HangingTransactions.View(described, producers, ids);
    }

    /** The partitions of those of {@code topics} that exist (a log not yet created has none). */
    private static List<TopicPartition> partitions(Admin admin, Collection<String> topics)
            throws Exception {
        List<TopicPartition> out = new ArrayList<>();
        Map<String, KafkaFuture<TopicDescription>> described =
                admin.describeTopics(topics).topicNameValues();
        for (String topic : topics) {
            try {
                get(described.get(topic))
                        .partitions()
                        .forEach(p -> out.add(new TopicPartition(topic, p.partition())));
            } catch (UnknownTopicOrPartitionException e) {
                // not created yet: nothing written, nothing open
            }
        }
        return out;
    }

    /** The future's value within {@link #TIMEOUT}; its failure's cause thrown as it is. */
    private static <T> T get(KafkaFuture<T> f) throws Exception {
        try {
            return f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }
}
