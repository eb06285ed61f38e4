package dev.lethe.jobs.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.events.ChangeEvent;
import dev.lethe.events.DeadLetter;
import dev.lethe.jobs.kafka.RawRecord;
import dev.lethe.jobs.testing.DebeziumLog;
import dev.lethe.normalize.ChangeNormalizer;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.util.OutputTag;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

class NormalizeRawRecordsTest {

    private static RawRecord truncateOf(String table) {
        DebeziumLog log = new DebeziumLog(Instant.parse("2025-03-01T10:00:00Z"));
        log.begin().truncate(table).commit();
        return log.records().get(0);
    }

    @Test
    void aTruncateIsADeadLetterForAJobThatDoesNotRecordIt() throws Exception {
        try (var h =
                ProcessFunctionTestHarnesses.forProcessFunction(
                        new NormalizeRawRecords(
                                "discovery/normalize", ChangeNormalizer.forHelpdesk()))) {
            h.processElement(truncateOf("tickets"), 0);

            assertThat(side(h, NormalizeRawRecords.DEAD_LETTERS))
                    .singleElement()
                    .satisfies(
                            d -> {
                                assertThat(d.getReason()).isEqualTo("TRUNCATE");
                                assertThat(d.getJob()).isEqualTo("discovery/normalize");
                                assertThat(d.getDetail()).contains("tickets");
                            });
            assertThat(side(h, NormalizeRawRecords.TRUNCATES)).isEmpty();
            assertThat(h.extractOutputValues()).isEmpty();
        }
    }

    @Test
    void theAuditJobsNormalizerMakesATruncateAnEntryDraftInstead() throws Exception {
        try (var h =
                ProcessFunctionTestHarnesses.forProcessFunction(
                        new NormalizeRawRecords("audit/normalize", ChangeNormalizer.forHelpdesk())
                                .recordingTruncates())) {
            RawRecord truncate = truncateOf("tickets");
            h.processElement(truncate, 0);
            // a table the normalizer does not know stays a dead letter
            h.processElement(truncateOf("invoices"), 0);

            assertThat(side(h, NormalizeRawRecords.TRUNCATES))
                    .singleElement()
                    .satisfies(
                            e -> {
                                assertThat(e.getEntityId()).isEqualTo("schema/tickets");
                                assertThat(e.getOp()).isEqualTo("TRUNCATE");
                                assertThat(e.getSourceOffset()).isEqualTo(truncate.offset);
                            });
            assertThat(side(h, NormalizeRawRecords.DEAD_LETTERS))
                    .extracting(DeadLetter::getReason, d -> d.getDetail().contains("invoices"))
                    .containsExactly(Tuple.tuple("TRUNCATE", true));
        }
    }

    private static <T> List<T> side(
            OneInputStreamOperatorTestHarness<RawRecord, ChangeEvent> h, OutputTag<T> tag) {
        var records = h.getSideOutput(tag);
        return records == null
                ? List.of()
                : records.stream().map(StreamRecord::getValue).filter(Objects::nonNull).toList();
    }
}
