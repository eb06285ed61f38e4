package dev.lethe.jobs.audit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LsnVersionsTest {

    @Test
    void asOfIsTheGreatestVersionAtOrBelowWhateverOrderTheyCameIn() {
        LsnVersions<String> v = new LsnVersions<>();
        v.put(30, 3_000, "b");
        v.put(10, 1_000, "a");
        v.put(10, 1_000, "a"); // redelivered

        assertThat(v.size()).isEqualTo(2);
        assertThat(v.asOf(9)).isEmpty();
        assertThat(v.asOf(10).orElseThrow().value()).isEqualTo("a");
        assertThat(v.asOf(29).orElseThrow().value()).isEqualTo("a");
        assertThat(v.asOf(30).orElseThrow().value()).isEqualTo("b");
    }

    @Test
    void pruningKeepsTheNewestVersionOlderThanTheHorizonAndWhatFollowsIt() {
        LsnVersions<String> v = new LsnVersions<>();
        v.put(10, 1_000, "a");
        v.put(20, 2_000, "b");
        v.put(30, 3_000, "c");

        assertThat(v.prune(999)).isFalse();
        assertThat(v.prune(2_500)).isTrue();
        assertThat(v.all()).extracting(LsnVersions.Version::value).containsExactly("b", "c");
        assertThat(v.prune(Long.MAX_VALUE)).isTrue();
        assertThat(v.all()).extracting(LsnVersions.Version::value).containsExactly("c");
        assertThat(v.prune(Long.MAX_VALUE)).isFalse();
    }

    @Test
    void aDeletionOlderThanTheHorizonTakesTheWholeHistory() {
        LsnVersions<String> v = new LsnVersions<>();
        v.put(10, 1_000, "a");
        v.put(20, 2_000, null);

        assertThat(v.prune(1_999)).isFalse();
        assertThat(v.prune(2_000)).isTrue();
        assertThat(v.isEmpty()).isTrue();
    }
}
