package dev.lethe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.cli.SnapshotProgress.Notification;
import dev.lethe.cli.SnapshotProgress.RunReport;
import dev.lethe.cli.SnapshotProgress.Runs;
import dev.lethe.cli.SnapshotProgress.Total;
import dev.lethe.local.CaptureTopics;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads what {@link SnapshotProgress} computes from: the connector's notifications (the whole
 * topic: a few records per table and snapshot, one per chunk of an incremental snapshot), the raw
 * topic of a table being read by the initial snapshot (its offsets only), and the tables' totals
 * from PostgreSQL.
 */
final class SnapshotReadings {

    /**
     * Tables never analyzed ({@code reltuples = -1}) up to this size are counted exactly ({@code
     * count(*)}); larger ones have no total until autovacuum's ANALYZE.
     */
    static final long EXACT_COUNT_MAX_BYTES = 64L * 1024 * 1024;

    private SnapshotReadings() {}

    /** The latest initial and incremental snapshot, each null when none was notified. */
    record Reports(RunReport initial, RunReport incremental) {}

    static Reports read(StackSettings s, JsonNode connectorConfig) {
        Properties p = s.kafkaClient();
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        try (KafkaConsumer<byte[], byte[]> c =
                        new KafkaConsumer<>(
                                p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                Totals totals = new Totals(s)) {
            Runs runs = SnapshotProgress.replay(notifications(c));
            if (runs.initial() == null && runs.incremental() == null) {
                return new Reports(null, null);
            }
            long chunk = SnapshotProgress.chunkSize(connectorConfig);
            SnapshotProgress.Counts counts =
                    new SnapshotProgress.Counts() {
                        @Override
                        public long rowsSoFar(
                                SnapshotProgress.Run run, SnapshotProgress.Scan scan) {
                            if ("incremental".equals(run.kind)) {
                                return SnapshotProgress.chunkRows(chunk).applyAsLong(scan);
                            }
                            return scan.startedAt == null
                                    ? 0
                                    : recordsSince(c, topicOf(scan.table), scan.startedAt);
                        }

                        @Override
                        public Optional<Total> total(String table) {
                            return totals.of(table);
                        }
                    };
            Instant now = Instant.now();
            return new Reports(
                    SnapshotProgress.report(runs.initial(), counts, now),
                    SnapshotProgress.report(runs.incremental(), counts, now));
        }
    }

    /** {@code public.tickets} -> {@code helpdesk.public.tickets}. */
    static String topicOf(String collection) {
        String[] parts = collection.split("\\.");
        int n = parts.length;
        return n < 2
                ? CaptureTopics.PREFIX + ".public." + collection
                : CaptureTopics.PREFIX + "." + parts[n - 2] + "." + parts[n - 1];
    }

    private static List<Notification> notifications(KafkaConsumer<byte[], byte[]> c) {
        List<Notification> out = new ArrayList<>();
        List<TopicPartition> tps = partitions(c, SnapshotProgress.NOTIFICATION_TOPIC);
        if (tps.isEmpty()) {
            return out;
        }
        c.assign(tps);
        c.seekToBeginning(tps);
        Map<TopicPartition, Long> end = c.endOffsets(tps, Duration.ofSeconds(5));
        Map<TopicPartition, Long> remaining = new HashMap<>();
        for (TopicPartition tp : tps) {
            if (c.position(tp) < end.get(tp)) {
                remaining.put(tp, end.get(tp));
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!remaining.isEmpty() && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                Notification.parse(r.value()).ifPresent(out::add);
            }
            for (TopicPartition tp : List.copyOf(remaining.keySet())) {
                if (c.position(tp) >= remaining.get(tp)) {
                    remaining.remove(tp);
                }
            }
        }
        c.unsubscribe();
        return out;
    }

    /** Records written to {@code topic} at or after {@code since} (offsets, nothing read). */
    private static long recordsSince(KafkaConsumer<byte[], byte[]> c, String topic, Instant since) {
        List<TopicPartition> tps = partitions(c, topic);
        if (tps.isEmpty()) {
            return 0;
        }
        Map<TopicPartition, Long> query = new HashMap<>();
        tps.forEach(tp -> query.put(tp, since.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> from =
                c.offsetsForTimes(query, Duration.ofSeconds(5));
        Map<TopicPartition, Long> end = c.endOffsets(tps, Duration.ofSeconds(5));
        long n = 0;
        for (TopicPartition tp : tps) {
            OffsetAndTimestamp o = from.get(tp);
            n += o == null ? 0 : Math.max(0, end.get(tp) - o.offset());
        }
        return n;
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> c, String topic) {
        List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(5));
        return infos == null
                ? List.of()
                : infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
    }

    /**
     * Row totals from PostgreSQL: {@code pg_class.reltuples} (kept by VACUUM, ANALYZE and CREATE
     * INDEX; an estimate), or an exact {@code count(*)} of a table never analyzed up to {@link
     * #EXACT_COUNT_MAX_BYTES}. Unknown when the database does not answer.
     */
    private static final class Totals implements AutoCloseable {
        private final StackSettings s;
        private final Map<String, Optional<Total>> known = new HashMap<>();
        private Connection connection;
        private boolean unreachable;

        Totals(StackSettings s) {
            this.s = s;
        }

        Optional<Total> of(String collection) {
            return known.computeIfAbsent(collection, this::query);
        }

        private Optional<Total> query(String collection) {
            String[] parts = collection.split("\\.");
            if (parts.length < 2 || unreachable) {
                return Optional.empty();
            }
            String schema = parts[parts.length - 2];
            String table = parts[parts.length - 1];
            try {
                if (connection == null) {
                    connection = StackProbe.connectPostgres(s);
                }
                long estimate;
                long bytes;
                try (PreparedStatement ps =
                        connection.prepareStatement(
                                "SELECT c.reltuples::bigint, pg_relation_size(c.oid) FROM pg_class c"
                                        + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                                        + " WHERE n.nspname = ? AND c.relname = ?")) {
                    ps.setString(1, schema);
                    ps.setString(2, table);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            return Optional.empty();
                        }
                        estimate = rs.getLong(1);
                        bytes = rs.getLong(2);
                    }
                }
                if (estimate >= 0) {
                    return Optional.of(new Total(estimate, false));
                }
                if (bytes > EXACT_COUNT_MAX_BYTES) {
                    return Optional.empty();
                }
                try (Statement st = connection.createStatement();
                        ResultSet rs =
                                st.executeQuery(
                                        "SELECT count(*) FROM "
                                                + quote(schema)
                                                + "."
                                                + quote(table))) {
                    rs.next();
                    return Optional.of(new Total(rs.getLong(1), true));
                }
            } catch (SQLException e) {
                unreachable = connection == null;
                return Optional.empty();
            }
        }

        private static String quote(String identifier) {
            return '"' + identifier.replace("\"", "\"\"") + '"';
        }

        @Override
        public void close() {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException e) {
                    // closing a read-only session: nothing to lose
                }
            }
        }
    }
}
