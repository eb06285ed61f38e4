package dev.lethe.jobs.purge;

import dev.lethe.discovery.LocationDocument;
import java.io.IOException;
import java.util.Collection;
import java.util.List;

/**
 * What the erasure processor asks of the discovery index ({@value LocationDocument#INDEX}): where a
 * person's data is, and to forget the records it purged.
 */
public interface ErasureIndex extends AutoCloseable {

    /**
     * The locations of a subject's data: every document attributed to them, and every document
     * holding one of their own identifiers (email, phone, handle) not attributed to someone else.
     * {@code ownRecord} is the subject's own row ({@code contacts/42}), where their own identifiers
     * are.
     */
    List<LocationDocument> locationsOf(String subjectId, String ownRecord) throws IOException;

    /**
     * Deletes the documents of the given records and those attributed to the subject (the discovery
     * job deletes them too when it sees the delete events; this makes it immediate).
     */
    void forget(String subjectId, Collection<String> recordIds) throws IOException;

    /**
     * Deletes the documents of the given records only (records a retention purge deleted); they
     * disappear from searches at the index's next refresh. The discovery job deletes them too when
     * it sees the delete events; this makes it sooner.
     */
    void forgetRecords(Collection<String> recordIds) throws IOException;

    /**
     * Expunges deleted documents from the index's segments ({@code _forcemerge?
     * only_expunge_deletes=true}), at most once per the implementation's interval.
     */
    void expungeDeleted() throws IOException;

    @Override
    default void close() throws Exception {}

    /** No index (tests of the database side; a stack without discovery). */
    ErasureIndex NONE =
            new ErasureIndex() {
                @Override
                public List<LocationDocument> locationsOf(String subjectId, String ownRecord) {
                    return List.of();
                }

                @Override
                public void forget(String subjectId, Collection<String> recordIds) {}

                @Override
                public void forgetRecords(Collection<String> recordIds) {}

                @Override
                public void expungeDeleted() {}
            };
}
