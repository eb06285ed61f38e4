package dev.lethe.jobs.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.events.DeadLetter;
import dev.lethe.jobs.changes.NormalizeRawRecords;
import dev.lethe.jobs.kafka.RawRecord;
import dev.lethe.jobs.testing.DebeziumLog;
import dev.lethe.jobs.testing.SideOutputs;
import dev.lethe.normalize.ChangeNormalizer;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

class NormalizeAndDraftTableEntriesTest {

    private static NormalizeAndDraftTableEntries normalizer() {
        return new NormalizeAndDraftTableEntries("audit/normalize", ChangeNormalizer.forHelpdesk());
    }

    @Test
    void aTruncateOfAKnownTableIsAnEntryDraftOfItsSchemaChain() throws Exception {
        try (var h = ProcessFunctionTestHarnesses.forProcessFunction(normalizer())) {
            RawRecord truncate = DebeziumLog.truncateOf("tickets");
            h.processElement(truncate, 0);
            // a table the normalizer does not know stays a dead letter
            h.processElement(DebeziumLog.truncateOf("invoices"), 0);

            assertThat(SideOutputs.of(h, NormalizeAndDraftTableEntries.TRUNCATES))
                    .singleElement()
                    .satisfies(
                            e -> {
                                assertThat(e.getEntityId()).isEqualTo("schema/tickets");
                                assertThat(e.getOp()).isEqualTo("TRUNCATE");
                                assertThat(e.getSourceOffset()).isEqualTo(truncate.offset);
                            });
            assertThat(SideOutputs.of(h, NormalizeRawRecords.DEAD_LETTERS))
                    .extracting(DeadLetter::getReason, d -> d.getDetail().contains("invoices"))
                    .containsExactly(Tuple.tuple("TRUNCATE", true));
            assertThat(SideOutputs.of(h, NormalizeRawRecords.TRUNCATED)).isEmpty();
        }
    }

    @Test
    void aMigrationIsAFinishedEntryOfItsTablesSchemaChainWithWhoRanIt() throws Exception {
        try (var h = ProcessFunctionTestHarnesses.forProcessFunction(normalizer())) {
            RawRecord migration = DebeziumLog.nicknameAdded();
            h.processElement(migration, 0);

            assertThat(SideOutputs.of(h, NormalizeAndDraftTableEntries.MIGRATIONS))
                    .singleElement()
                    .satisfies(
                            e -> {
                                assertThat(e.getEntityId()).isEqualTo("schema/contacts");
                                assertThat(e.getKind()).isEqualTo("schema");
                                assertThat(e.getOp()).isEqualTo("ALTER TABLE");
                                assertThat(e.getActor().getType()).isEqualTo("database");
                                assertThat(e.getActor().getId()).isEqualTo("migrator");
                                assertThat(e.getAttributes())
                                        .containsEntry("added", "nickname")
                                        .containsEntry("change", "altered")
                                        .containsEntry(
                                                "columnTypes",
                                                "id bigint NOT NULL; nickname character varying(40)");
                                assertThat(e.getSourceOffset()).isEqualTo(migration.offset);
                                assertThat(e.getLsn()).isNotNull();
                                assertThat(e.getTxId()).isNotNull();
                            });
            assertThat(SideOutputs.of(h, NormalizeRawRecords.DEAD_LETTERS)).isEmpty();
            assertThat(h.extractOutputValues()).isEmpty();
        }
    }
}
