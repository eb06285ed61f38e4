package dev.lethe.jobs.discovery;

import dev.lethe.discovery.LocationDocument;
import dev.lethe.jobs.elasticsearch.DocumentOperation;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.connector.base.sink.writer.ElementConverter;

/**
 * One write to the {@value LocationDocument#INDEX} index: index a location document, or delete one
 * that a row no longer has, both with the change's LSN as external version so a late or replayed
 * event never brings back an older state. A Flink POJO.
 */
public class LocationUpdate {

    public String documentId;

    /** The document's JSON; null for a delete. */
    public byte[] document;

    /** The source LSN: Elasticsearch's external version. */
    public long version;

    public String originTopic;
    public int originPartition;
    public long originOffset;

    public LocationUpdate() {}

    static LocationUpdate index(LocatedRow row, String id, byte[] json) {
        LocationUpdate u = of(row, id);
        u.document = json;
        return u;
    }

    static LocationUpdate delete(LocatedRow row, String id) {
        return of(row, id);
    }

    /**
     * The delete of a location of a row its table's truncate removed: at the truncate's LSN (a
     * newer document of the same id stays), from the truncate's raw record.
     */
    static LocationUpdate truncated(dev.lethe.jobs.changes.TruncatedTable truncate, String id) {
        return of(id, truncate.lsn, truncate.topic, truncate.partition, truncate.offset);
    }

    private static LocationUpdate of(LocatedRow row, String id) {
        return of(id, row.lsn, row.originTopic, row.originPartition, row.originOffset);
    }

    private static LocationUpdate of(
            String id, long version, String topic, int partition, long offset) {
        LocationUpdate u = new LocationUpdate();
        u.documentId = id;
        u.version = version;
        u.originTopic = topic;
        u.originPartition = partition;
        u.originOffset = offset;
        return u;
    }

    public boolean isDelete() {
        return document == null;
    }

    /** Names the document, never its content. */
    @Override
    public String toString() {
        return (isDelete() ? "delete " : "index ") + documentId + " v" + version;
    }

    /** The sink's converter: a versioned bulk operation on {@code index}. */
    public static final class Converter
            implements ElementConverter<LocationUpdate, DocumentOperation> {

        private static final long serialVersionUID = 1L;

        private final String index;

        public Converter(String index) {
            this.index = index;
        }

        @Override
        public DocumentOperation apply(LocationUpdate u, SinkWriter.Context context) {
            DocumentOperation op =
                    u.isDelete()
                            ? DocumentOperation.delete(index, u.documentId)
                            : DocumentOperation.index(index, u.documentId, u.document);
            op = op.withExternalVersion(u.version);
            return u.originTopic == null
                    ? op
                    : op.withOrigin(u.originTopic, u.originPartition, u.originOffset);
        }
    }
}
