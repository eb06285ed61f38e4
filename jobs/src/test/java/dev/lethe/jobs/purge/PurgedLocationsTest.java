package dev.lethe.jobs.purge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.discovery.LocationDocument;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PurgedLocationsTest {

    /** Records each request; fails the requests whose first record is in {@code failFor}. */
    static final class RecordingIndex implements ErasureIndex {
        final List<List<String>> requests = new ArrayList<>();
        final List<String> failFor = new ArrayList<>();
        int expunges;
        boolean closed;

        @Override
        public List<LocationDocument> locationsOf(String subjectId, String ownRecord) {
            return List.of();
        }

        @Override
        public void forget(String subjectId, Collection<String> recordIds) {
            throw new AssertionError("a retention purge forgets records, not subjects");
        }

        @Override
        public synchronized void forgetRecords(Collection<String> recordIds) throws IOException {
            List<String> request = List.copyOf(recordIds);
            if (failFor.contains(request.get(0))) {
                throw new IOException("index unavailable");
            }
            requests.add(request);
        }

        @Override
        public synchronized void expungeDeleted() {
            expunges++;
        }

        @Override
        public void close() {
            closed = true;
        }

        synchronized List<String> forgotten() {
            return requests.stream().flatMap(List::stream).toList();
        }
    }

    private static PurgedLocations notByItself(RecordingIndex index) {
        return PurgedLocations.start(index, Duration.ofHours(1));
    }

    @Test
    void purgedRecordsAreForgottenInBatchesThenExpunged() throws Exception {
        RecordingIndex index = new RecordingIndex();
        List<String> tickets =
                IntStream.rangeClosed(1, PurgedLocations.BATCH + 1)
                        .mapToObj(i -> "tickets/" + i)
                        .toList();
        try (PurgedLocations locations = notByItself(index)) {
            locations.purged(tickets);
            locations.flush();
            assertThat(index.requests)
                    .extracting(List::size)
                    .containsExactly(PurgedLocations.BATCH, 1);
            assertThat(index.forgotten()).containsExactlyElementsOf(tickets);
            assertThat(index.expunges).isEqualTo(1);

            locations.flush();
            assertThat(index.requests).hasSize(2);
            assertThat(index.expunges).isEqualTo(1);
        }
    }

    @Test
    void aFailedRequestIsLeftToTheDiscoveryJobAndTheNextOnesStillGo() throws Exception {
        RecordingIndex index = new RecordingIndex();
        index.failFor.add("tickets/1");
        try (PurgedLocations locations = notByItself(index)) {
            locations.purged(List.of("tickets/1", "threads/7"));
            locations.flush();
            assertThat(index.requests).isEmpty();
            locations.purged(List.of("tickets/2"));
            locations.flush();
            assertThat(index.forgotten()).containsExactly("tickets/2");
        }
    }

    @Test
    void closingRemovesWhatIsPendingAndClosesTheIndex() throws Exception {
        RecordingIndex index = new RecordingIndex();
        PurgedLocations locations = notByItself(index);
        locations.purged(List.of("tickets/3", "comments/9"));
        locations.close();
        assertThat(index.forgotten()).containsExactly("tickets/3", "comments/9");
        assertThat(index.closed).isTrue();
    }

    @Test
    void onItsOwnThreadRecordsAreForgottenWithinTheInterval() throws Exception {
        RecordingIndex index = new RecordingIndex();
        try (PurgedLocations locations = PurgedLocations.start(index, Duration.ofMillis(20))) {
            locations.purged(List.of("tickets/4"));
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (index.forgotten().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(index.forgotten()).containsExactly("tickets/4");
        }
    }
}
