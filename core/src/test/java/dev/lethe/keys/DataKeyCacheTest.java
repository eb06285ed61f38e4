package dev.lethe.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;

class DataKeyCacheTest {

    private final MutableClock clock = new MutableClock();

    @Test
    void forgetsAKeyOnceItsTimeToLiveIsOver() {
        DataKeyCache cache = new DataKeyCache(10, Duration.ofMinutes(5), clock);
        SecretKey key = DataKeys.newDataKey();
        cache.put("contact:1", key);

        clock.advance(Duration.ofMinutes(5).minusMillis(1));
        assertThat(cache.get("contact:1")).isSameAs(key);
        clock.advance(Duration.ofMillis(1));
        assertThat(cache.get("contact:1")).isNull();
    }

    @Test
    void aTimeToLiveTooLongToAddNeverExpires() {
        DataKeyCache cache = new DataKeyCache(10, Duration.ofMillis(Long.MAX_VALUE), clock);
        SecretKey key = DataKeys.newDataKey();
        cache.put("contact:1", key);

        clock.advance(Duration.ofDays(365 * 100));
        assertThat(cache.get("contact:1")).isSameAs(key);
    }

    @Test
    void holdsAtMostItsCapacityDroppingTheLeastRecentlyUsed() {
        DataKeyCache cache = new DataKeyCache(2, Duration.ofMinutes(5), clock);
        cache.put("contact:1", DataKeys.newDataKey());
        cache.put("contact:2", DataKeys.newDataKey());
        cache.get("contact:1");

        cache.put("contact:3", DataKeys.newDataKey());

        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.get("contact:2")).isNull();
        assertThat(cache.get("contact:1")).isNotNull();
    }

    @Test
    void anErasedSubjectsKeyIsDroppedAndNeverCachedAgain() {
        DataKeyCache cache = new DataKeyCache(10, Duration.ofMinutes(5), clock);
        cache.put("contact:1", DataKeys.newDataKey());

        cache.markErased("contact:1");
        cache.put("contact:1", DataKeys.newDataKey());

        assertThat(cache.get("contact:1")).isNull();
        assertThat(cache.knownErased("contact:1")).isTrue();
    }

    @Test
    void aCacheOfSizeZeroHoldsNothing() {
        DataKeyCache cache = new DataKeyCache(0, Duration.ofMinutes(5), clock);

        cache.put("contact:1", DataKeys.newDataKey());

        assertThat(cache.get("contact:1")).isNull();
    }

    static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
