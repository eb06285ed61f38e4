package dev.lethe.jobs.changes;

/**
 * A committed {@code TRUNCATE} of a table the normalizer knows: every row of {@code table} with a
 * change before {@code lsn} is gone. Its raw record's position, for the operations it causes. A
 * Flink POJO.
 */
public class TruncatedTable {

    public String table;
    public long lsn;
    public String topic;
    public int partition;
    public long offset;

    public TruncatedTable() {}

    public TruncatedTable(String table, long lsn, String topic, int partition, long offset) {
        this.table = table;
        this.lsn = lsn;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
    }

    @Override
    public String toString() {
        return "truncate of " + table + " at lsn " + lsn;
    }
}
