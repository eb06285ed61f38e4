package dev.lethe.normalize;

import static dev.lethe.normalize.DebeziumRecords.insertOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.events.DeadLetter;
import dev.lethe.normalize.DebeziumRecords.RawRecord;
import dev.lethe.normalize.Normalized.Rejected;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

    private static final Instant NOW = Instant.parse("2025-03-15T16:05:00Z");

    @Test
    void deadLetterKeepsReasonPositionAndRawBytes() {
        RawRecord record =
                insertOf("invoices", Row.of("id", 1L, "total", "10.00")).at(2, 5_120L).toRecord();
        Rejected rejected =
                (Rejected)
                        ChangeNormalizer.forHelpdesk()
                                .normalize(
                                        record.topic(),
                                        record.partition(),
                                        record.offset(),
                                        record.key(),
                                        record.value());

        DeadLetter letter =
                DeadLetters.of(
                        rejected,
                        "audit/normalize",
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        record.key(),
                        record.value(),
                        NOW);

        assertThat(letter.getJob()).isEqualTo("audit/normalize");
        assertThat(letter.getReason()).isEqualTo(Rejected.SCHEMA_CHANGE);
        assertThat(letter.getDetail()).isEqualTo(rejected.detail());
        assertThat(letter.getSourceTopic()).isEqualTo("helpdesk.public.invoices");
        assertThat(letter.getSourcePartition()).isEqualTo(2);
        assertThat(letter.getSourceOffset()).isEqualTo(5_120L);
        assertThat(letter.getRawKey()).isEqualTo(ByteBuffer.wrap(record.key()));
        assertThat(letter.getRawValue()).isEqualTo(ByteBuffer.wrap(record.value()));
        assertThat(letter.getFailedAt()).isEqualTo(NOW);
    }

    @Test
    void aValueTooLargeToTravelAgainStaysInItsTopicAndTheLetterSaysWhere() {
        byte[] huge = new byte[DeadLetters.MAX_KEPT_VALUE_BYTES + 1];
        Rejected rejected = new Rejected(Rejected.EVENT_TOO_LARGE, "values add up to too much");

        DeadLetter letter =
                DeadLetters.of(
                        rejected,
                        "audit/normalize",
                        "helpdesk.public.tickets",
                        0,
                        77L,
                        "{\"id\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        huge,
                        NOW);

        assertThat(letter.getRawValue()).isNull();
        assertThat(letter.getRawKey()).isNotNull();
        assertThat(letter.getDetail())
                .startsWith("values add up to too much")
                .contains("raw value of " + huge.length + " bytes not kept")
                .contains("helpdesk.public.tickets")
                .contains("offset 77");
    }

    @Test
    void tombstoneDeadLetterHasNoRawValue() {
        Rejected rejected =
                new Rejected(Rejected.NOT_A_CHANGE, "record has no value (a tombstone)");

        DeadLetter letter =
                DeadLetters.of(
                        rejected,
                        "audit/normalize",
                        "helpdesk.public.contacts",
                        0,
                        7L,
                        null,
                        null,
                        NOW);

        assertThat(letter.getRawKey()).isNull();
        assertThat(letter.getRawValue()).isNull();
        assertThat(letter.getReason()).isEqualTo(Rejected.NOT_A_CHANGE);
    }
}
