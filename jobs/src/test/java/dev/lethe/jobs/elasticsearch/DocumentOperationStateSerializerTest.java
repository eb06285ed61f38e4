package dev.lethe.jobs.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.jobs.config.MasterKeys;
import dev.lethe.keys.MasterKey;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.RequestEntryWrapper;
import org.junit.jupiter.api.Test;

class DocumentOperationStateSerializerTest {

    /** A fixed master key, as a job would open from env or the key file. */
    static final MasterKeys TEST_MASTER_KEYS = masterKeys(7);

    private static final String DISTINCTIVE_EMAIL = "zofia.wisniewska-odbiorca@example.eu";

    private static MasterKeys masterKeys(int fill) {
        return () -> {
            byte[] bytes = new byte[MasterKey.LENGTH_BYTES];
            Arrays.fill(bytes, (byte) fill);
            MasterKey key = MasterKey.of(bytes);
            return () -> key;
        };
    }

    /** What a writer holds at a checkpoint: a location document naming a person, and a delete. */
    private static BufferedRequestState<DocumentOperation> bufferedLocationOfAPerson() {
        DocumentOperation index =
                DocumentOperation.index(
                                "lethe-locations",
                                "contacts:42:email",
                                ("{\"subject\":\"contact:42\",\"value\":\""
                                                + DISTINCTIVE_EMAIL
                                                + "\",\"column\":\"email\"}")
                                        .getBytes(StandardCharsets.UTF_8))
                        .withExternalVersion(1234)
                        .withOrigin("helpdesk.public.contacts", 0, 17);
        DocumentOperation delete =
                DocumentOperation.delete("lethe-locations", "contacts:41:email")
                        .withExternalVersion(1235);
        return new BufferedRequestState<>(
                List.of(
                        new RequestEntryWrapper<>(index, index.sizeInBytes()),
                        new RequestEntryWrapper<>(delete, delete.sizeInBytes())));
    }

    private static List<DocumentOperation> operations(BufferedRequestState<DocumentOperation> s) {
        return s.getBufferedRequestEntries().stream()
                .map(RequestEntryWrapper::getRequestEntry)
                .toList();
    }

    @Test
    void aSnapshotOfBufferedOperationsHoldsNoPlaintextAndRestoresIntact() throws Exception {
        BufferedRequestState<DocumentOperation> buffered = bufferedLocationOfAPerson();
        DocumentOperationStateSerializer serializer =
                new DocumentOperationStateSerializer(TEST_MASTER_KEYS);

        byte[] snapshot = serializer.serialize(buffered);

        String asText = new String(snapshot, StandardCharsets.ISO_8859_1);
        assertThat(asText)
                .doesNotContain(DISTINCTIVE_EMAIL)
                .doesNotContain("zofia")
                .doesNotContain("contacts:42")
                .doesNotContain("lethe-locations");
        // a new serializer, as after a restart: same master key, everything back
        BufferedRequestState<DocumentOperation> restored =
                new DocumentOperationStateSerializer(TEST_MASTER_KEYS)
                        .deserialize(serializer.getVersion(), snapshot);
        assertThat(operations(restored)).isEqualTo(operations(buffered));
        assertThat(restored.getStateSize()).isEqualTo(buffered.getStateSize());
    }

    @Test
    void aSnapshotDoesNotOpenWithAnotherMasterKey() throws Exception {
        byte[] snapshot =
                new DocumentOperationStateSerializer(TEST_MASTER_KEYS)
                        .serialize(bufferedLocationOfAPerson());
        DocumentOperationStateSerializer otherKey =
                new DocumentOperationStateSerializer(masterKeys(8));

        assertThatThrownBy(() -> otherKey.deserialize(otherKey.getVersion(), snapshot))
                .hasMessageContaining(DocumentOperationStateSerializer.PURPOSE)
                .hasMessageNotContaining(DISTINCTIVE_EMAIL);
    }

    @Test
    void theUnsealedVersionOneIsRefusedByNameNotMisread() {
        DocumentOperationStateSerializer serializer =
                new DocumentOperationStateSerializer(TEST_MASTER_KEYS);

        assertThat(serializer.getVersion()).isEqualTo(2);
        assertThatThrownBy(() -> serializer.deserialize(1, new byte[] {0, 0, 0, 0}))
                .hasMessageContaining("version 1");
    }

    @Test
    void theMasterKeyIsOpenedOnlyWhenStateIsWritten() throws Exception {
        int[] opened = {0};
        MasterKeys counting =
                () -> {
                    opened[0]++;
                    return TEST_MASTER_KEYS.open();
                };
        DocumentOperationStateSerializer serializer =
                new DocumentOperationStateSerializer(counting);
        assertThat(opened[0]).isZero();

        serializer.serialize(bufferedLocationOfAPerson());
        serializer.serialize(bufferedLocationOfAPerson());

        assertThat(opened[0]).isEqualTo(1);
    }
}
