package dev.lethe.jobs.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.jobs.changes.TruncatedTable;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;

class TrackLocationsTest {

    private static final long TOMBSTONE = 60_000;
    private static final String TICKET = "tickets/7";

    private static LocatedRow row(long lsn, String... ids) {
        return row(TICKET, lsn, ids);
    }

    private static LocatedRow row(String recordId, long lsn, String... ids) {
        LocatedRow r = new LocatedRow();
        r.recordId = recordId;
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

    private static KeyedBroadcastOperatorTestHarness<
                    String, LocatedRow, TruncatedTable, LocationUpdate>
            harness(OperatorSubtaskState restore) throws Exception {
        var h =
                new KeyedBroadcastOperatorTestHarness<>(
                        new CoBroadcastWithKeyedOperator<>(
                                new TrackLocations(TOMBSTONE), List.of(TrackLocations.TRUNCATES)),
                        (LocatedRow r) -> r.recordId,
                        Types.STRING,
                        1,
                        1,
                        0);
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    /**
     * The keyed state entries of the harness's operator (heap backend), as the keyed harness has.
     */
    private static int stateEntries(
            KeyedBroadcastOperatorTestHarness<String, LocatedRow, TruncatedTable, LocationUpdate>
                    h) {
        var operator =
                (org.apache.flink.streaming.api.operators.AbstractStreamOperator<?>)
                        h.getOperator();
        return ((org.apache.flink.runtime.state.heap.HeapKeyedStateBackend<?>)
                        operator.getKeyedStateBackend())
                .numKeyValueStateEntries();
    }

    private static KeyedBroadcastOperatorTestHarness<
                    String, LocatedRow, TruncatedTable, LocationUpdate>
            harness() throws Exception {
        return harness(null);
    }

    private static List<String> drain(
            KeyedBroadcastOperatorTestHarness<String, LocatedRow, TruncatedTable, LocationUpdate>
                    h) {
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
            assertThat(stateEntries(h)).isEqualTo(2);

            h.processElement(new StreamRecord<>(deletedRow(30)));
            assertThat(drain(h)).containsExactlyInAnyOrder("delete a v30", "delete b v30");
            // only the tombstone LSN is left, and its timer
            assertThat(stateEntries(h)).isEqualTo(1);
            assertThat(h.numProcessingTimeTimers()).isEqualTo(1);

            // a late replay of the insert is recognised as older and does nothing
            h.processElement(new StreamRecord<>(row(10, "a", "b")));
            assertThat(drain(h)).isEmpty();

            h.setProcessingTime(TOMBSTONE);
            assertThat(stateEntries(h)).isZero();
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
        try (var restored = harness(snapshot)) {
            restored.processElement(new StreamRecord<>(row(20, "b")));
            assertThat(drain(restored)).containsExactly("delete a v20", "index b v20");
        }
    }

    private static TruncatedTable truncate(String table, long lsn) {
        return new TruncatedTable(table, lsn, "helpdesk.public." + table, 0, 99);
    }

    @Test
    void aTruncateDeletesTheLocationsOfEveryRowOfItsTableChangedBeforeIt() throws Exception {
        try (var h = harness()) {
            h.processElement(new StreamRecord<>(row("tickets/7", 10, "t7/a", "t7/b")));
            h.processElement(new StreamRecord<>(row("tickets/8", 12, "t8/a")));
            h.processElement(new StreamRecord<>(row("contacts/7", 11, "c7/a")));
            h.processElement(new StreamRecord<>(row("tickets/9", 40, "t9/a"))); // after it
            drain(h);

            h.processBroadcastElement(new StreamRecord<>(truncate("tickets", 30)));
            assertThat(drain(h))
                    .containsExactlyInAnyOrder(
                            "delete t7/a v30", "delete t7/b v30", "delete t8/a v30");
            // the truncated rows leave no state; the other table's and the newer row's stay
            assertThat(stateEntries(h)).isEqualTo(4);

            // a row located before the truncate and released after it is not indexed
            h.processElement(new StreamRecord<>(row("tickets/10", 20, "t10/a")));
            assertThat(drain(h)).isEmpty();
            // a row written after it is, and a second copy of the truncate does nothing
            h.processElement(new StreamRecord<>(row("tickets/7", 50, "t7/new")));
            h.processBroadcastElement(new StreamRecord<>(truncate("tickets", 30)));
            assertThat(drain(h)).containsExactly("index t7/new v50");
        }
    }

    @Test
    void aTableTruncatedBeforeARestoreStaysTruncated() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.processBroadcastElement(new StreamRecord<>(truncate("tickets", 30)));
            snapshot = h.snapshot(1, 100);
        }
        try (var restored = harness(snapshot)) {
            restored.processElement(new StreamRecord<>(row("tickets/10", 20, "t10/a")));
            restored.processElement(new StreamRecord<>(row("tickets/11", 31, "t11/a")));
            assertThat(drain(restored)).containsExactly("index t11/a v31");
        }
    }
}
