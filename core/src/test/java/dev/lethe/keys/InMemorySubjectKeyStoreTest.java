package dev.lethe.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class InMemorySubjectKeyStoreTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

    private final InMemorySubjectKeyStore store =
            new InMemorySubjectKeyStore(Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void givesEachSubjectOneKey() {
        assertThat(store.find("contact:1")).isEmpty();

        var key = store.getOrCreate("contact:1");

        assertThat(store.getOrCreate("contact:1")).isSameAs(key);
        assertThat(store.find("contact:1")).containsSame(key);
        assertThat(store.getOrCreate("contact:2").getEncoded()).isNotEqualTo(key.getEncoded());
        assertThat(key.getEncoded()).hasSize(32);
    }

    @Test
    void shreddingIsFinalAndIdempotent() {
        store.getOrCreate("contact:1");

        assertThat(store.shred("contact:1", "dsar-1", "gdpr-art-17")).isTrue();
        assertThat(store.shred("contact:1", "dsar-2", "retention")).isFalse();

        assertThat(store.find("contact:1")).isEmpty();
        assertThat(store.isErased("contact:1")).isTrue();
        assertThat(store.erasure("contact:1"))
                .contains(new Erasure("contact:1", NOW, "dsar-1", "gdpr-art-17"));
        assertThatThrownBy(() -> store.getOrCreate("contact:1"))
                .isInstanceOf(SubjectErasedException.class);
        assertThat(store.subjectsWithKeys()).isEmpty();
    }

    @Test
    void aSubjectErasedBeforeItHadAKeyNeverGetsOne() {
        assertThat(store.shred("contact:9", "dsar-1", "gdpr-art-17")).isTrue();

        assertThatThrownBy(() -> store.getOrCreate("contact:9"))
                .isInstanceOf(SubjectErasedException.class);
    }
}
