package dev.lethe.jobs.discovery;

/**
 * Where one row's personal data is after one change: the ids and JSON of its location documents
 * (none after a delete), in LSN order per row. A Flink POJO passed from {@link DetectLocations} to
 * {@link TrackLocations}. In flight only: never kept in state.
 */
public class LocatedRow {

    /** The row's entity id, {@code tickets/42}: the key. */
    public String recordId;

    /** LSN of the change: the version of every document written for it. */
    public long lsn;

    /** Whether the row is gone (hard delete). */
    public boolean deleted;

    /** Ids of the row's location documents now. */
    public String[] documentIds = new String[0];

    /** The documents' JSON, index for index with {@link #documentIds}. */
    public byte[][] documents = new byte[0][];

    public String originTopic;
    public int originPartition;
    public long originOffset;

    public LocatedRow() {}

    /** Names the row, never its data. */
    @Override
    public String toString() {
        return recordId
                + "@"
                + lsn
                + (deleted ? " deleted" : " " + documentIds.length + " locations");
    }
}
