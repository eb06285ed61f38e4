package dev.lethe.jobs.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class TrackLocationsTest {

    private static final long TOMBSTONE = 60_000;
    private static final String TICKET = "tickets/7";

    private static LocatedRow row(long lsn, String... ids) {
        LocatedRow r = new LocatedRow();
        r.recordId = TICKET;
        r.lsn = lsn;
        r.documentIds = ids;
        r.documents = new byte[ids.length][];
        for (int i = 0; i < ids.length; i++) {
            r.documents[i] = ("{\"id\":\"" + ids[i] + "\"}").getBytes(StandardCharsets.UTF_8);
        }
        r.originTopic = "helpdesk.public.tickets";
        return r;
    }

    private static LocatedRow deletedRow(long lsn) {
        LocatedRow r = row(lsn);
        r.deleted = true;
        return r;
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, LocatedRow, LocationUpdate>
            harness() throws Exception {
        var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new TrackLocations(TOMBSTONE)),
                        (LocatedRow r) -> r.recordId,
                        Types.STRING);
        h.open();
        return h;
    }

    private static List<String> drain(
            KeyedOneInputStreamOperatorTestHarness<String, LocatedRow, LocationUpdate> h) {
        List<String> out = h.extractOutputValues().stream().map(LocationUpdate::toString).toList();
        h.getOutput().clear();
        return out;
    }

    @Test
    void anUpdateThatRemovesAMentionDeletesThatLocation() throws Exception {
        try (var h = harness()) {
            h.processElement(new StreamRecord<>(row(10, "t/contact_id", "t/description/phone@40")));
            assertThat(drain(h))
                    .containsExactly("index t/contact_id v10", "index t/description/phone@40 v10");

            h.processElement(new StreamRecord<>(row(20, "t/contact_id")));
            assertThat(drain(h))
                    .containsExactly("delete t/description/phone@40 v20", "index t/contact_id v20");
        }
    }

    @Test
    void aDeleteRemovesEveryLocationAndStateGoesBackToZero() throws Exception {
        try (var h = harness()) {
            h.setProcessingTime(0);
            h.processElement(new StreamRecord<>(row(10, "a", "b")));
            drain(h);
            assertThat(h.numKeyedStateEntries()).isEqualTo(2);

            h.processElement(new StreamRecord<>(deletedRow(30)));
            assertThat(drain(h)).containsExactlyInAnyOrder("delete a v30", "delete b v30");
            // only the tombstone LSN is left, and its timer
            assertThat(h.numKeyedStateEntries()).isEqualTo(1);
            assertThat(h.numProcessingTimeTimers()).isEqualTo(1);

            // a late replay of the insert is recognised as older and does nothing
            h.processElement(new StreamRecord<>(row(10, "a", "b")));
            assertThat(drain(h)).isEmpty();

            h.setProcessingTime(TOMBSTONE);
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numProcessingTimeTimers()).isZero();
        }
    }

    @Test
    void anOlderChangeArrivingLateIsSkipped() throws Exception {
        try (var h = harness()) {
            h.processElement(new StreamRecord<>(row(20, "a")));
            h.processElement(new StreamRecord<>(row(15, "a", "old")));
            h.processElement(new StreamRecord<>(row(20, "a", "same-lsn-replayed")));
            assertThat(drain(h)).containsExactly("index a v20");
        }
    }

    @Test
    void theRememberedIdsSurviveARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.processElement(new StreamRecord<>(row(10, "a", "b")));
            snapshot = h.snapshot(1, 100);
        }
        var restored =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new TrackLocations(TOMBSTONE)),
                        (LocatedRow r) -> r.recordId,
                        Types.STRING);
        restored.initializeState(snapshot);
        restored.open();
        try (restored) {
            restored.processElement(new StreamRecord<>(row(20, "b")));
            assertThat(drain(restored)).containsExactly("delete a v20", "index b v20");
        }
    }
}
