package dev.lethe.audit;

/**
 * One thing wrong with the audit log, located as precisely as the log allows. Fields that do not
 * apply are {@code -1} ({@code position}, {@code logIndex}), {@code 0} ({@code seq}, {@code
 * checkpointSeq}) or {@code null} ({@code entityId}). The detail names positions, entities and
 * sequence numbers, never values.
 *
 * @param kind what is wrong
 * @param position 0-based position of the entry in the log as read (differs from logIndex when
 *     entries were removed, inserted or moved)
 * @param logIndex the entry's (or first missing) logIndex
 * @param entityId the entity whose chain is concerned
 * @param seq the entry's (or first missing) seq in that chain
 * @param checkpointSeq the checkpoint concerned
 * @param detail a sentence for people
 */
public record Problem(
        ProblemKind kind,
        long position,
        long logIndex,
        String entityId,
        long seq,
        long checkpointSeq,
        String detail) {

    static Problem atEntry(ProblemKind kind, long position, Entry entry, String detail) {
        return new Problem(kind, position, entry.logIndex, entry.entityId, entry.seq, 0, detail);
    }

    static Problem atCheckpoint(ProblemKind kind, long checkpointSeq, String detail) {
        return new Problem(kind, -1, -1, null, 0, checkpointSeq, detail);
    }

    Problem withKind(ProblemKind newKind, String newDetail) {
        return new Problem(newKind, position, logIndex, entityId, seq, checkpointSeq, newDetail);
    }

    boolean isAboutEntry() {
        return position >= 0;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(kind.name());
        if (position >= 0) {
            s.append(" at position ").append(position);
        }
        if (logIndex >= 0) {
            s.append(" logIndex ").append(logIndex);
        }
        if (entityId != null) {
            s.append(" entity ").append(entityId);
        }
        if (seq > 0) {
            s.append(" seq ").append(seq);
        }
        if (checkpointSeq > 0) {
            s.append(" checkpoint ").append(checkpointSeq);
        }
        return s.append(": ").append(detail).toString();
    }

    /** The identifying fields of an entry, copied out of the Avro record. */
    record Entry(long logIndex, String entityId, long seq) {}
}
