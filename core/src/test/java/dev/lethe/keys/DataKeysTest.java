package dev.lethe.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;

class DataKeysTest {

    private static final MasterKey MASTER = masterKey((byte) 1);

    @Test
    void unwrapsWhatItWrapped() {
        SecretKey dataKey = DataKeys.newDataKey();

        byte[] wrapped = DataKeys.wrap(MASTER, "contact:1", dataKey);

        assertThat(wrapped).hasSize(61);
        assertThat(DataKeys.unwrap(MASTER, "contact:1", wrapped).getEncoded())
                .isEqualTo(dataKey.getEncoded());
    }

    @Test
    void aWrappedKeyMovedToAnotherSubjectDoesNotUnwrap() {
        byte[] wrapped = DataKeys.wrap(MASTER, "contact:1", DataKeys.newDataKey());

        assertThatThrownBy(() -> DataKeys.unwrap(MASTER, "contact:2", wrapped))
                .isInstanceOf(SubjectKeyStoreException.class)
                .hasMessageContaining("does not unwrap");
    }

    @Test
    void aWrappedKeyDoesNotUnwrapWithAnotherMasterKey() {
        byte[] wrapped = DataKeys.wrap(MASTER, "contact:1", DataKeys.newDataKey());

        assertThatThrownBy(() -> DataKeys.unwrap(masterKey((byte) 2), "contact:1", wrapped))
                .isInstanceOf(SubjectKeyStoreException.class);
    }

    private static MasterKey masterKey(byte fill) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, fill);
        return MasterKey.of(bytes);
    }
}
