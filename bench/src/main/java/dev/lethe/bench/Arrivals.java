package dev.lethe.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.local.Http;
import dev.lethe.local.StackSettings;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How the benchmarks that run Lethe's jobs see their output arrive: an index's document count, a
 * job's consumer-group lag on the raw topics, the topics' end offsets.
 */
final class Arrivals {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Arrivals() {}

    /** The documents in {@code index} ({@code _count}, as searchable now); -1 if unreadable. */
    static long count(StackSettings s, String index) {
        return count(s, index, null);
    }

    /** The documents in {@code index} whose keyword {@code field} is {@code value}; -1 likewise. */
    static long count(StackSettings s, String index, String field, String value) {
        try {
            return count(
                    s,
                    index,
                    JSON.writeValueAsString(Map.of("query", Map.of("term", Map.of(field, value)))));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** With {@code query} null, a {@code GET} of the count of all documents. */
    private static long count(StackSettings s, String index, String query) {
        String auth = Http.basic(s.elasticsearchUser(), s.elasticsearchPassword().orElse(null));
        URI uri = URI.create(s.elasticsearchUrl() + "/" + index + "/_count");
        try {
            Http.Response r = query == null ? Http.get(uri, auth) : Http.post(uri, query, auth);
            if (!r.ok()) {
                return -1; // the index may not exist yet
            }
            return JSON.readTree(r.body()).path("count").asLong(-1);
        } catch (Exception e) {
            return -1;
        }
    }

    /** The job's consumer group's lag on the raw topics (offsets committed at checkpoints). */
    static long lag(StackSettings s, JobSettings settings) throws Exception {
        Map<TopicPartition, Long> ends = endOffsets(s, settings.rawTopics());
        try (Admin admin = Admin.create(s.kafkaClient())) {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(settings.jobName())
                            .partitionsToOffsetAndMetadata()
                            .get();
            long lag = 0;
            for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                lag += e.getValue() - (c == null ? 0 : c.offset());
            }
            return lag;
        }
    }

    /** The end offset of every partition of {@code topics}. */
    static Map<TopicPartition, Long> endOffsets(StackSettings s, List<String> topics)
            throws Exception {
        try (Admin admin = Admin.create(s.kafkaClient())) {
            Map<TopicPartition, OffsetSpec> specs = new LinkedHashMap<>();
            for (var d : admin.describeTopics(topics).allTopicNames().get().values()) {
                d.partitions()
                        .forEach(
                                p ->
                                        specs.put(
                                                new TopicPartition(d.name(), p.partition()),
                                                OffsetSpec.latest()));
            }
            Map<TopicPartition, Long> ends = new LinkedHashMap<>();
            for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e :
                    admin.listOffsets(specs).all().get().entrySet()) {
                ends.put(e.getKey(), e.getValue().offset());
            }
            return ends;
        }
    }
}
