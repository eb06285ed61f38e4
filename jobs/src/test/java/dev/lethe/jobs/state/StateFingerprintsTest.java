package dev.lethe.jobs.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.keys.MasterKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class StateFingerprintsTest {

    private static final byte[] VALUE = "anna.mueller@gmx.de".getBytes(StandardCharsets.UTF_8);

    private static MasterKey key(int fill) {
        byte[] bytes = new byte[MasterKey.LENGTH_BYTES];
        Arrays.fill(bytes, (byte) fill);
        return MasterKey.of(bytes);
    }

    private static byte[] hmac(byte[] key, byte[]... parts) throws Exception {
        Mac m = Mac.getInstance("HmacSHA256");
        m.init(new SecretKeySpec(key, "HmacSHA256"));
        for (byte[] p : parts) {
            m.update(p);
        }
        return m.doFinal();
    }

    @Test
    void isTheDocumentedKeyedHashNotAPlainOne() throws Exception {
        MasterKey master = key(1);
        byte[] derived =
                hmac(
                        master.key().getEncoded(),
                        "lethe.flink-state-fingerprint.v1:test/docs"
                                .getBytes(StandardCharsets.UTF_8),
                        new byte[] {1});
        long expected = ByteBuffer.wrap(hmac(derived, VALUE)).getLong();

        assertThat(new StateFingerprints(() -> master, "test/docs").of(VALUE)).isEqualTo(expected);
    }

    @Test
    void dependsOnTheBytesThePurposeAndTheMasterKey() {
        StateFingerprints f = new StateFingerprints(() -> key(1), "test/docs");
        long once = f.of(VALUE);
        assertThat(f.of(VALUE)).isEqualTo(once);
        assertThat(new StateFingerprints(() -> key(1), "test/docs").of(VALUE)).isEqualTo(once);
        assertThat(f.of("anna.mueller@gmx.at".getBytes(StandardCharsets.UTF_8))).isNotEqualTo(once);
        assertThat(new StateFingerprints(() -> key(1), "test/other").of(VALUE)).isNotEqualTo(once);
        assertThat(new StateFingerprints(() -> key(2), "test/docs").of(VALUE)).isNotEqualTo(once);
    }

    @Test
    void followsARotationOfTheMasterKey() {
        MasterKey[] current = {key(1)};
        StateFingerprints f = new StateFingerprints(() -> current[0], "test/docs");
        long before = f.of(VALUE);
        current[0] = key(2);
        assertThat(f.of(VALUE))
                .isNotEqualTo(before)
                .isEqualTo(new StateFingerprints(() -> key(2), "test/docs").of(VALUE));
    }
}
