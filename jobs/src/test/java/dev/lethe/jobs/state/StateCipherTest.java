package dev.lethe.jobs.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.keys.MasterKey;
import dev.lethe.keys.MasterKeySource;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StateCipherTest {

    private static final byte[] VALUE = "anna.mueller@gmx.de".getBytes(StandardCharsets.UTF_8);

    private static MasterKey key(int fill) {
        byte[] bytes = new byte[MasterKey.LENGTH_BYTES];
        Arrays.fill(bytes, (byte) fill);
        return MasterKey.of(bytes);
    }

    private static MasterKeySource only(MasterKey key) {
        return () -> key;
    }

    /** A source whose current key is {@code current} and that still knows {@code older}. */
    private static MasterKeySource rotated(MasterKey current, MasterKey older) {
        return new MasterKeySource() {
            @Override
            public MasterKey current() {
                return current;
            }

            @Override
            public Optional<MasterKey> byId(String id) {
                return Optional.of(current)
                        .filter(k -> k.id().equals(id))
                        .or(() -> Optional.of(older).filter(k -> k.id().equals(id)));
            }
        };
    }

    @Test
    void aSealedValueOpensAndHoldsNoPlaintext() {
        StateCipher cipher = new StateCipher(only(key(1)), "test/state");
        byte[] sealed = cipher.seal(VALUE);
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("anna");
        assertThat(cipher.open(sealed)).isEqualTo(VALUE);
        // a fresh IV each time
        assertThat(cipher.seal(VALUE)).isNotEqualTo(sealed);
    }

    @Test
    void aValueSealedForOnePurposeDoesNotOpenForAnother() {
        byte[] sealed = new StateCipher(only(key(1)), "test/a").seal(VALUE);
        assertThatThrownBy(() -> new StateCipher(only(key(1)), "test/b").open(sealed))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("test/b")
                .hasMessageNotContaining("anna");
    }

    @Test
    void anAlteredValueDoesNotOpen() {
        StateCipher cipher = new StateCipher(only(key(1)), "test/state");
        byte[] sealed = cipher.seal(VALUE);
        sealed[sealed.length - 1] ^= 1;
        assertThatThrownBy(() -> cipher.open(sealed)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void stateSealedBeforeAMasterKeyRotationOpensWithASourceThatKnowsTheOlderKey() {
        MasterKey older = key(1);
        byte[] sealed = new StateCipher(only(older), "test/state").seal(VALUE);

        assertThat(new StateCipher(rotated(key(2), older), "test/state").open(sealed))
                .isEqualTo(VALUE);
        assertThatThrownBy(() -> new StateCipher(only(key(2)), "test/state").open(sealed))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(older.id());
    }
}
