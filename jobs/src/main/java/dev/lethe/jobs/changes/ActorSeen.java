package dev.lethe.jobs.changes;

/** A transaction's {@code lethe.actor} message, with its commit time. A Flink POJO. */
public class ActorSeen {

    public long txId;
    public long lsn;
    public long commitTimeMillis;
    public String type;
    public String id;
    public String reason;

    public ActorSeen() {}

    public ActorSeen(
            long txId, long lsn, long commitTimeMillis, String type, String id, String reason) {
        this.txId = txId;
        this.lsn = lsn;
        this.commitTimeMillis = commitTimeMillis;
        this.type = type;
        this.id = id;
        this.reason = reason;
    }

    @Override
    public String toString() {
        return "actor of tx " + txId + ": " + type;
    }
}
