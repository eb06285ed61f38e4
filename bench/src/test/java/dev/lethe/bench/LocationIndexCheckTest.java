package dev.lethe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class LocationIndexCheckTest {

    @Test
    void locationsOfARecordTheDatabaseNoLongerHoldsAreStale() {
        LocationIndexCheck.Result r =
                LocationIndexCheck.compare(
                        Set.of("contacts/1", "tickets/7"),
                        Set.of("contacts/1", "tickets/7", "tickets/8", "comments/3"));
        assertThat(r.stale()).containsExactly("comments/3", "tickets/8");
        assertThat(r.missing()).isEmpty();
        assertThat(r.ok()).isFalse();
        assertThat(r.summary()).contains("2 with locations but no longer in the database");
    }

    @Test
    void aLiveContactWithoutLocationsIsMissingOtherTablesMayHaveNone() {
        LocationIndexCheck.Result r =
                LocationIndexCheck.compare(
                        Set.of("contacts/1", "contacts/2", "consents/5"), Set.of("contacts/1"));
        assertThat(r.missing()).containsExactly("contacts/2");
        assertThat(r.stale()).isEmpty();
        assertThat(r.ok()).isFalse();
    }

    @Test
    void theSameRecordsOnBothSidesPass() {
        LocationIndexCheck.Result r =
                LocationIndexCheck.compare(
                        Set.of("contacts/1", "tickets/7"), Set.of("contacts/1", "tickets/7"));
        assertThat(r.ok()).isTrue();
        assertThat(r.liveRecords()).isEqualTo(2);
        assertThat(r.indexedRecords()).isEqualTo(2);
    }
}
