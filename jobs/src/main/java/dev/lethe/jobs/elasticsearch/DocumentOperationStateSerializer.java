package dev.lethe.jobs.elasticsearch;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriterStateSerializer;

/** Buffered operations in a checkpoint (what was accepted but not yet acknowledged). */
final class DocumentOperationStateSerializer
        extends AsyncSinkWriterStateSerializer<DocumentOperation> {

    private static final int VERSION = 1;

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
