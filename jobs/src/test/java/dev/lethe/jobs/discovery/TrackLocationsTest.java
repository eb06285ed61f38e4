package dev.lethe.jobs.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.jobs.changes.TruncatedTable;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.util.Collector;
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

    /** A row whose documents have fingerprints: {@code id=fingerprint} each. */
    private static LocatedRow fingerprinted(long lsn, String... idAndFingerprint) {
        String[] ids = new String[idAndFingerprint.length];
        long[] fingerprints = new long[idAndFingerprint.length];
        for (int i = 0; i < ids.length; i++) {
            String[] parts = idAndFingerprint[i].split("=");
            ids[i] = parts[0];
            fingerprints[i] = Long.parseLong(parts[1]);
        }
        LocatedRow r = row(lsn, ids);
        r.fingerprints = fingerprints;
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

    @Test
    void aLocationWhoseContentIsUnchangedIsNotWrittenAgain() throws Exception {
        try (var h = harness()) {
            h.processElement(new StreamRecord<>(fingerprinted(10, "a=1", "b=2")));
            assertThat(drain(h)).containsExactly("index a v10", "index b v10");

            // the row changed elsewhere: nothing to write
            h.processElement(new StreamRecord<>(fingerprinted(20, "a=1", "b=2")));
            assertThat(drain(h)).isEmpty();

            // b changed, c is new, a is unchanged
            h.processElement(new StreamRecord<>(fingerprinted(30, "a=1", "b=3", "c=4")));
            assertThat(drain(h)).containsExactly("index b v30", "index c v30");

            // b goes, then comes back as it was: written again
            h.processElement(new StreamRecord<>(fingerprinted(40, "a=1", "c=4")));
            assertThat(drain(h)).containsExactly("delete b v40");
            h.processElement(new StreamRecord<>(fingerprinted(50, "a=1", "b=3", "c=4")));
            assertThat(drain(h)).containsExactly("index b v50");

            // an unknown fingerprint is always written
            h.processElement(new StreamRecord<>(fingerprinted(60, "a=0", "b=3", "c=4")));
            h.processElement(new StreamRecord<>(fingerprinted(70, "a=0", "b=3", "c=4")));
            assertThat(drain(h)).containsExactly("index a v60", "index a v70");
        }
    }

    @Test
    void theFingerprintsSurviveARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.processElement(new StreamRecord<>(fingerprinted(10, "a=1", "b=2")));
            snapshot = h.snapshot(1, 100);
        }
        try (var restored = harness(snapshot)) {
            restored.processElement(new StreamRecord<>(fingerprinted(20, "a=1", "b=5")));
            assertThat(drain(restored)).containsExactly("index b v20");
        }
    }

    /** Writes a row's state as it was kept before fingerprints: ids and last LSN only. */
    private static final class LegacyTrackLocations
            extends KeyedBroadcastProcessFunction<
                    String, LocatedRow, TruncatedTable, LocationUpdate> {
        private static final long serialVersionUID = 1L;

        @Override
        public void processElement(
                LocatedRow row, ReadOnlyContext ctx, Collector<LocationUpdate> out)
                throws Exception {
            getRuntimeContext()
                    .getListState(
                            new ListStateDescriptor<>(TrackLocations.LEGACY_IDS, String.class))
                    .update(List.of(row.documentIds));
            getRuntimeContext()
                    .getState(new ValueStateDescriptor<>("last-lsn", Long.class))
                    .update(row.lsn);
        }

        @Override
        public void processBroadcastElement(
                TruncatedTable t, Context ctx, Collector<LocationUpdate> out) {}
    }

    @Test
    void stateKeptBeforeFingerprintsIsAdoptedAndItsDocumentsWrittenOnceMore() throws Exception {
        OperatorSubtaskState legacy;
        try (var h =
                new KeyedBroadcastOperatorTestHarness<>(
                        new CoBroadcastWithKeyedOperator<>(
                                new LegacyTrackLocations(), List.of(TrackLocations.TRUNCATES)),
                        (LocatedRow r) -> r.recordId,
                        Types.STRING,
                        1,
                        1,
                        0)) {
            h.open();
            h.processElement(new StreamRecord<>(row(10, "a", "b", "c")));
            h.processElement(new StreamRecord<>(row("tickets/8", 11, "t8/a")));
            legacy = h.snapshot(1, 100);
        }
        try (var restored = harness(legacy)) {
            // an older change is still recognised
            restored.processElement(new StreamRecord<>(fingerprinted(5, "a=1")));
            assertThat(drain(restored)).isEmpty();
            restored.processElement(new StreamRecord<>(fingerprinted(20, "a=1", "b=2")));
            assertThat(drain(restored))
                    .containsExactly("delete c v20", "index a v20", "index b v20");
            restored.processElement(new StreamRecord<>(fingerprinted(30, "a=1", "b=2")));
            assertThat(drain(restored)).isEmpty();
            // a truncate finds the ids of a row not changed since the restore
            restored.processBroadcastElement(new StreamRecord<>(truncate("tickets", 40)));
            assertThat(drain(restored))
                    .containsExactlyInAnyOrder("delete a v40", "delete b v40", "delete t8/a v40");
            assertThat(stateEntries(restored)).isZero();
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
