package dev.lethe.jobs.elasticsearch;

import dev.lethe.jobs.config.MasterKeys;
import dev.lethe.jobs.state.StateCipher;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Objects;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriterStateSerializer;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;

/**
 * Buffered operations in a checkpoint (what was accepted but not yet acknowledged). Their documents
 * hold personal values, so the whole serialized state is sealed with {@link StateCipher} (purpose
 * {@value #PURPOSE}, key derived from the master key): a checkpoint or savepoint holds no document
 * content, index name or id in plaintext, and opens only where the master key is.
 *
 * <p>Version 2 is the sealed form; version 1 (plaintext, never released) is not read.
 */
final class DocumentOperationStateSerializer
        extends AsyncSinkWriterStateSerializer<DocumentOperation> {

    /** The {@link StateCipher} purpose of the sink's buffered operations. */
    static final String PURPOSE = "elasticsearch-sink/buffered-operations";

    private static final int VERSION = 2;

    private final MasterKeys masterKeys;
    private StateCipher cipher;

    /**
     * @param masterKeys opened on first use (on the TaskManager, at the first checkpoint or
     *     restore), never before
     */
    DocumentOperationStateSerializer(MasterKeys masterKeys) {
        this.masterKeys = Objects.requireNonNull(masterKeys, "masterKeys");
    }

    @Override
    public byte[] serialize(BufferedRequestState<DocumentOperation> state) throws IOException {
        return cipher().seal(super.serialize(state));
    }

    @Override
    public BufferedRequestState<DocumentOperation> deserialize(int version, byte[] serialized)
            throws IOException {
        if (version != VERSION) {
            throw new IOException(
                    "Elasticsearch sink state of version "
                            + version
                            + " is not readable (this sink reads version "
                            + VERSION
                            + ", sealed)");
        }
        return super.deserialize(version, cipher().open(serialized));
    }

    private synchronized StateCipher cipher() throws IOException {
        if (cipher == null) {
            try {
                cipher = new StateCipher(masterKeys.open(), PURPOSE);
            } catch (Exception e) {
                throw new IOException(
                        "the master key for the Elasticsearch sink's state did not open", e);
            }
        }
        return cipher;
    }

    @Override
    protected void serializeRequestToStream(DocumentOperation op, DataOutputStream out)
            throws IOException {
        out.writeByte(op.kind().ordinal());
        out.writeUTF(op.index());
        out.writeUTF(op.id());
        if (op.kind() == DocumentOperation.Kind.INDEX) {
            out.writeInt(op.source().length);
            out.write(op.source());
        }
        out.writeByte(op.versioning().ordinal());
        out.writeLong(op.version());
        out.writeBoolean(op.hasOrigin());
        if (op.hasOrigin()) {
            out.writeUTF(op.originTopic());
            out.writeInt(op.originPartition());
            out.writeLong(op.originOffset());
        }
    }

    @Override
    protected DocumentOperation deserializeRequestFromStream(long size, DataInputStream in)
            throws IOException {
        DocumentOperation.Kind kind = DocumentOperation.Kind.values()[in.readByte()];
        String index = in.readUTF();
        String id = in.readUTF();
        DocumentOperation op;
        if (kind == DocumentOperation.Kind.INDEX) {
            byte[] source = new byte[in.readInt()];
            in.readFully(source);
            op = DocumentOperation.index(index, id, source);
        } else {
            op = DocumentOperation.delete(index, id);
        }
        DocumentOperation.Versioning versioning =
                DocumentOperation.Versioning.values()[in.readByte()];
        long version = in.readLong();
        if (versioning != DocumentOperation.Versioning.NONE) {
            op = op.withVersion(versioning, version);
        }
        if (in.readBoolean()) {
            op = op.withOrigin(in.readUTF(), in.readInt(), in.readLong());
        }
        return op;
    }

    @Override
    public int getVersion() {
        return VERSION;
    }
}
