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

    /**
     * Keyed fingerprints of the documents' content without {@code lastChanged} and {@code
     * sourceLsn} ({@link dev.lethe.discovery.LocationDocument#contentJson()}), index for index with
     * {@link #documentIds}: equal when a change left the location as it was. Empty, or 0 at an
     * index, when not known: that document is always written.
     */
    public long[] fingerprints = new long[0];

    public String originTopic;
    public int originPartition;
    public long originOffset;

    public LocatedRow() {}

    /** The fingerprint of document {@code i}, 0 if not known. */
    long fingerprint(int i) {
        return i < fingerprints.length ? fingerprints[i] : 0L;
    }

    /** Names the row, never its data. */
    @Override
    public String toString() {
        return recordId
                + "@"
                + lsn
                + (deleted ? " deleted" : " " + documentIds.length + " locations");
    }
}
