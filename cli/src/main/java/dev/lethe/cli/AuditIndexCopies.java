package dev.lethe.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.audit.AuditVerifier.IndexedCopy;
import dev.lethe.audit.EntryHasher;
import dev.lethe.jobs.audit.AuditDocuments;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads the Elasticsearch copy of the audit log for the cross-check: for every document its id,
 * {@code logIndex}, stored {@code hash} and the hash of its content (the document read back as an
 * entry and hashed again, so a document edited without touching its {@code hash} is caught too),
 * paged in logIndex order ({@code search_after}).
 */
final class AuditIndexCopies implements AuditVerification.IndexCopies {

    private static final int PAGE = 5_000;

    private final ElasticsearchClient es;
    private final String index;
    private final EntryHasher hasher = new EntryHasher();

    AuditIndexCopies(ElasticsearchClient es, String index) {
        this.es = es;
        this.index = index;
    }

    /**
     * The hash of what the document says (its fields as an entry); an unreadable document hashes to
     * nothing, which the cross-check reports as modified.
     */
    private byte[] contentHash(JsonNode src) {
        if (src == null) {
            return new byte[0];
        }
        try {
            return hasher.hash(AuditDocuments.fromJson(src));
        } catch (RuntimeException unreadable) {
            return new byte[0];
        }
    }

    @Override
    public List<IndexedCopy> read() throws IOException {
        return readFrom(null);
    }

    /** The documents of logIndex {@code from} and above (a range query on logIndex). */
    @Override
    public List<IndexedCopy> readFrom(long from) throws IOException {
        return readFrom(
                Query.of(q -> q.range(r -> r.number(n -> n.field("logIndex").gte((double) from)))));
    }

    /**
     * The audit index's (single) shard's local checkpoint: every write up to it is processed (-1
     * before the first write, or while the index does not exist).
     */
    @Override
    public long checkpoint() throws IOException {
        if (!es.indices().exists(r -> r.index(index)).value()) {
            return -1;
        }
        var stats =
                es.indices()
                        .stats(
                                r ->
                                        r.index(index)
                                                .level(
                                                        co.elastic.clients.elasticsearch._types
                                                                .Level.Shards));
        var indexStats = stats.indices().get(index);
        if (indexStats == null || indexStats.shards() == null || indexStats.shards().isEmpty()) {
            throw new IOException("the audit index " + index + " reports no shard statistics");
        }
        long checkpoint = Long.MAX_VALUE;
        for (var copies : indexStats.shards().values()) {
            for (var shard : copies) {
                if (shard.routing() != null
                        && Boolean.TRUE.equals(shard.routing().primary())
                        && shard.seqNo() != null) {
                    checkpoint = Math.min(checkpoint, shard.seqNo().localCheckpoint());
                }
            }
        }
        if (checkpoint == Long.MAX_VALUE) {
            throw new IOException("the audit index " + index + " reports no primary shard");
        }
        return checkpoint;
    }

    /** Documents below {@code belowLogIndex} whose {@code _seq_no} is in (after, through]. */
    @Override
    public List<IndexedCopy> changedSince(long after, long through, long belowLogIndex)
            throws IOException {
        if (through <= after) {
            return List.of();
        }
        Query written =
                Query.of(
                        q ->
                                q.range(
                                        r ->
                                                r.number(
                                                        n ->
                                                                n.field("_seq_no")
                                                                        .gt((double) after)
                                                                        .lte((double) through))));
        Query verified =
                Query.of(
                        q ->
                                q.range(
                                        r ->
                                                r.number(
                                                        n ->
                                                                n.field("logIndex")
                                                                        .lt(
                                                                                (double)
                                                                                        belowLogIndex))));
        return readFrom(Query.of(q -> q.bool(b -> b.filter(written).filter(verified))));
    }

    private List<IndexedCopy> readFrom(Query query) throws IOException {
        if (!es.indices().exists(r -> r.index(index)).value()) {
            throw new IllegalArgumentException(
                    "the audit index " + index + " does not exist; pass --no-index to skip it");
        }
        es.indices().refresh(r -> r.index(index));
        List<IndexedCopy> copies = new ArrayList<>();
        SearchAfterPages.forEach(
                es,
                index,
                query,
                List.of(
                        SearchAfterPages.asc("logIndex"),
                        SearchAfterPages.asc("entityId"),
                        SearchAfterPages.asc("seq")),
                List.of(), // whole documents: each one's content is hashed again
                PAGE,
                h -> copies.add(copyOf(h.id(), h.source())));
        return copies;
    }

    /**
     * What the cross-check knows of one document: its {@code logIndex} (-1 if missing), its stored
     * {@code hash} (null if missing or not hex) and the hash of its content.
     */
    IndexedCopy copyOf(String docId, JsonNode src) {
        String hash = src == null ? null : src.path("hash").asText(null);
        byte[] bytes;
        try {
            bytes = hash == null ? null : HexFormat.of().parseHex(hash);
        } catch (IllegalArgumentException notHex) {
            bytes = null;
        }
        java.time.Instant captured =
                src != null && src.path("captureTime").canConvertToLong()
                        ? java.time.Instant.ofEpochMilli(src.path("captureTime").asLong())
                        : null;
        return new IndexedCopy(
                docId,
                src == null ? -1 : src.path("logIndex").asLong(-1),
                bytes,
                contentHash(src),
                captured);
    }
}
