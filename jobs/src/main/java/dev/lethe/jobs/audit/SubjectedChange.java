package dev.lethe.jobs.audit;

import dev.lethe.events.ChangeEvent;
import dev.lethe.jobs.kafka.AvroRecords;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * A change with the data subject of its row as {@link ResolveRowSubjects} found it in the
 * changelog: {@code contact:42}, or null when the row has none or none could be found (then {@link
 * AuditDrafts} redacts its personal values as {@code subject-unresolved}). A Flink POJO; the change
 * holds personal values, so it is only ever kept in state sealed ({@link #toBytes}).
 */
public class SubjectedChange {

    public ChangeEvent change;

    /** The row's subject, or null. */
    public String rowSubject;

    public SubjectedChange() {}

    public SubjectedChange(ChangeEvent change, String rowSubject) {
        this.change = change;
        this.rowSubject = rowSubject;
    }

    static SubjectedChange of(ChangeEvent change, Optional<String> rowSubject) {
        return new SubjectedChange(change, rowSubject.orElse(null));
    }

    Optional<String> subject() {
        return Optional.ofNullable(rowSubject);
    }

    /** Subject (or none) and the change's Avro encoding: what a state keeps, sealed. */
    byte[] toBytes() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeBoolean(rowSubject != null);
            if (rowSubject != null) {
                out.writeUTF(rowSubject);
            }
            out.write(AvroRecords.bytes(change));
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("a subjected change always encodes", e);
        }
    }

    static SubjectedChange fromBytes(byte[] bytes) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            String subject = in.readBoolean() ? in.readUTF() : null;
            byte[] rest = in.readAllBytes();
            return new SubjectedChange(ChangeEvent.fromByteBuffer(ByteBuffer.wrap(rest)), subject);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable subjected change", e);
        }
    }

    /** Where the change is and whether it has a subject; never a value. */
    @Override
    public String toString() {
        return change == null
                ? "SubjectedChange[]"
                : "SubjectedChange["
                        + change.getTable()
                        + "@"
                        + change.getSource().getLsn()
                        + (rowSubject == null ? ", no subject]" : ", " + rowSubject + "]");
    }
}
