package dev.lethe.jobs.audit;

import static dev.lethe.jobs.audit.AuditTestData.at;
import static dev.lethe.jobs.audit.AuditTestData.contactInserted;
import static dev.lethe.jobs.audit.AuditTestData.contactPhoneChanged;
import static dev.lethe.jobs.audit.AuditTestData.ticketInserted;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.events.AuditEntry;
import dev.lethe.events.ChangeEvent;
import dev.lethe.events.Operation;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class TrackTableShapesTest {

    private static final String EMAIL = "anna@example.eu";

    @Test
    void aColumnAddedMidStreamIsOneSchemaEntryAndNoValueLeaves() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(record(at(contactInserted(1, EMAIL, "+49 30 1"), 100)));
            h.processElement(record(at(ticketInserted(10, 1, "Invoice", "Hello"), 104)));
            h.processElement(
                    record(at(withNickname(contactInserted(2, EMAIL, "+49 30 2"), "Anni"), 200)));
            h.processElement(
                    record(at(withNickname(contactInserted(3, EMAIL, "+49 30 3"), "Otti"), 208)));

            assertThat(h.extractOutputValues())
                    .singleElement()
                    .satisfies(
                            e -> {
                                assertThat(e.getEntityId()).isEqualTo("schema/contacts");
                                assertThat(e.getOp()).isEqualTo("ALTER");
                                assertThat(e.getAttributes())
                                        .containsEntry("added", "nickname")
                                        .containsEntry("removed", "")
                                        .containsEntry("firstLsn", "200");
                                assertThat(e.getLsn()).isEqualTo(200L);
                                assertThat(e.getSourceOffset()).isEqualTo(2L);
                                String text = e.toString();
                                assertThat(text).doesNotContain(EMAIL, "Anni", "+49");
                            });
            // one shape per table: column names and an LSN
            assertThat(h.numKeyedStateEntries()).isEqualTo(2);
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aDeleteShowsItsColumnsInItsBeforeImage() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(record(at(contactInserted(1, EMAIL, "+49 30 1"), 100)));
            ChangeEvent inserted = withNickname(contactInserted(1, EMAIL, "+49 30 1"), "Anni");
            ChangeEvent deleted =
                    AuditTestData.change(
                            "contacts", 1, Operation.DELETE, inserted.getAfter(), null);
            h.processElement(record(at(deleted, 300)));

            assertThat(h.extractOutputValues())
                    .singleElement()
                    .satisfies(
                            e -> assertThat(e.getAttributes()).containsEntry("added", "nickname"));
        }
    }

    @Test
    void afterRestoreTheShapesDecideAsBefore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            h.processElement(record(at(contactInserted(1, EMAIL, "+49 30 1"), 100)));
            h.processElement(
                    record(at(withNickname(contactInserted(2, EMAIL, "+49 30 2"), "Anni"), 200)));
            assertThat(h.extractOutputValues()).hasSize(1);
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            assertThat(h.numKeyedStateEntries()).isEqualTo(1);
            // a straggler from before the migration, then the shape as it is: nothing
            h.processElement(
                    record(at(contactPhoneChanged(1, EMAIL, "+49 30 1", "+49 30 9"), 150)));
            h.processElement(
                    record(at(withNickname(contactInserted(3, EMAIL, "+49 30 3"), "Otti"), 210)));
            // the column dropped again
            h.processElement(record(at(contactInserted(4, EMAIL, "+49 30 4"), 300)));

            assertThat(h.extractOutputValues())
                    .singleElement()
                    .satisfies(
                            e -> {
                                assertThat(e.getAttributes())
                                        .containsEntry("added", "")
                                        .containsEntry("removed", "nickname")
                                        .containsEntry("firstLsn", "300");
                                assertThat(e.getAttributes())
                                        .containsEntry("actionId", "schema:contacts@300");
                            });
            assertThat(h.numKeyedStateEntries()).isEqualTo(1);
        }
    }

    /** {@code change} as a migration that added {@code nickname} would capture it. */
    static ChangeEvent withNickname(ChangeEvent change, String nickname) {
        ChangeEvent c = ChangeEvent.newBuilder(change).build();
        Map<String, String> after = new LinkedHashMap<>(c.getAfter());
        after.put("nickname", nickname);
        c.setAfter(after);
        return c;
    }

    private static StreamRecord<ChangeEvent> record(ChangeEvent change) {
        return new StreamRecord<>(change, change.getSource().getCommitTime().toEpochMilli());
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, ChangeEvent, AuditEntry> harness()
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new TrackTableShapes()),
                ChangeEvent::getTable,
                Types.STRING);
    }
}
