package dev.lethe.jobs.elasticsearch;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * One operation of a bulk request: index a JSON document or delete one, optionally with an external
 * version so a late or replayed event never overwrites a newer one (Elasticsearch answers 409 and
 * keeps the newer document; the sink counts that as done, not as an error).
 *
 * <p>{@code origin*} say where the event came from (Kafka topic, partition, offset), so a document
 * Elasticsearch rejects can be sent to the dead-letter topic with its position. They are optional.
 *
 * <p>Immutable; the source bytes are not copied, callers must not change them afterwards.
 */
public final class DocumentOperation implements Serializable {

    private static final long serialVersionUID = 1L;

    /** What the operation does. */
    public enum Kind {
        INDEX,
        DELETE
    }

    /** How {@link #version()} is compared with the stored document's version. */
    public enum Versioning {
        /** No version check: last write wins. */
        NONE,
        /** Applied only if the version is greater than the stored one. */
        EXTERNAL,
        /** Applied if the version is greater than or equal to the stored one (replays rewrite). */
        EXTERNAL_GTE
    }

    private final Kind kind;
    private final String index;
    private final String id;
    private final byte[] source;
    private final Versioning versioning;
    private final long version;
    private final String originTopic;
    private final int originPartition;
    private final long originOffset;

    private DocumentOperation(
            Kind kind,
            String index,
            String id,
            byte[] source,
            Versioning versioning,
            long version,
            String originTopic,
            int originPartition,
            long originOffset) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.index = requireText(index, "index");
        this.id = requireText(id, "id");
        if (kind == Kind.INDEX && (source == null || source.length == 0)) {
            throw new IllegalArgumentException("an index operation needs a JSON document");
        }
        this.source = kind == Kind.INDEX ? source : null;
        this.versioning = Objects.requireNonNull(versioning, "versioning");
        if (versioning != Versioning.NONE && version < 0) {
            throw new IllegalArgumentException(
                    "an external version must be >= 0, got " + version + " for id " + id);
        }
        this.version = version;
        this.originTopic = originTopic;
        this.originPartition = originPartition;
        this.originOffset = originOffset;
    }

    /** Index {@code jsonSource} as document {@code id} of {@code index}; last write wins. */
    public static DocumentOperation index(String index, String id, byte[] jsonSource) {
        return new DocumentOperation(
                Kind.INDEX, index, id, jsonSource, Versioning.NONE, -1, null, -1, -1);
    }

    /** Delete document {@code id} of {@code index}; last write wins. */
    public static DocumentOperation delete(String index, String id) {
        return new DocumentOperation(
                Kind.DELETE, index, id, null, Versioning.NONE, -1, null, -1, -1);
    }

    /** This operation, applied only if {@code version} is newer than the stored document's. */
    public DocumentOperation withExternalVersion(long version) {
        return new DocumentOperation(
                kind,
                index,
                id,
                source,
                Versioning.EXTERNAL,
                version,
                originTopic,
                originPartition,
                originOffset);
    }

    /** This operation with an explicit version comparison. */
    public DocumentOperation withVersion(Versioning versioning, long version) {
        return new DocumentOperation(
                kind,
                index,
                id,
                source,
                versioning,
                version,
                originTopic,
                originPartition,
                originOffset);
    }

    /** This operation, remembering the Kafka position of the event it came from. */
    public DocumentOperation withOrigin(String topic, int partition, long offset) {
        return new DocumentOperation(
                kind,
                index,
                id,
                source,
                versioning,
                version,
                Objects.requireNonNull(topic, "topic"),
                partition,
                offset);
    }

    public Kind kind() {
        return kind;
    }

    public String index() {
        return index;
    }

    public String id() {
        return id;
    }

    /** The JSON document of an index operation; null for a delete. */
    public byte[] source() {
        return source;
    }

    public Versioning versioning() {
        return versioning;
    }

    /** The external version; meaningless when {@link #versioning()} is NONE. */
    public long version() {
        return version;
    }

    public boolean hasOrigin() {
        return originTopic != null;
    }

    /** Kafka topic of the event this operation came from, or null. */
    public String originTopic() {
        return originTopic;
    }

    public int originPartition() {
        return originPartition;
    }

    public long originOffset() {
        return originOffset;
    }

    /** What the operation weighs in a bulk request (document plus metadata), for batching. */
    public long sizeInBytes() {
        return (source == null ? 0 : source.length) + index.length() + id.length() + 64L;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DocumentOperation)) {
            return false;
        }
        DocumentOperation that = (DocumentOperation) o;
        return kind == that.kind
                && version == that.version
                && originPartition == that.originPartition
                && originOffset == that.originOffset
                && index.equals(that.index)
                && id.equals(that.id)
                && Arrays.equals(source, that.source)
                && versioning == that.versioning
                && Objects.equals(originTopic, that.originTopic);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, index, id, versioning, version, Arrays.hashCode(source));
    }

    /** Names the document, never its content. */
    @Override
    public String toString() {
        return kind
                + " "
                + index
                + "/"
                + id
                + (versioning == Versioning.NONE ? "" : " v" + version);
    }

    private static String requireText(String value, String what) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("a document operation needs a non-empty " + what);
        }
        return value;
    }
}
