package dev.lethe.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TransactionLedgerTest {

    private static final long NONE = Long.MIN_VALUE;

    private final TransactionLedger ledger = new TransactionLedger();

    @Test
    void aTransactionIsCompleteWhenEveryCountedEventAndItsMessageAreRead() {
        ledger.message("771", 1_000);
        ledger.change("771", 1, 1_000);
        assertThat(ledger.release(NONE)).as("no END yet").isEqualTo(NONE);
        ledger.end("771", 2, 1_000, 0);
        assertThat(ledger.release(NONE)).as("one of two events").isEqualTo(NONE);
        ledger.change("771", 2, 1_000);
        assertThat(ledger.release(NONE)).isEqualTo(1_000);
        assertThat(ledger.completed()).isEqualTo(1);
        assertThat(ledger.tracked()).isZero();
    }

    @Test
    void eventsReadAfterTheirEndCountToo() {
        ledger.end("771", 3, 1_000, 0);
        ledger.message("771", 1_000);
        ledger.change("771", 3, 1_000);
        ledger.change("771", 1, 1_000);
        assertThat(ledger.release(NONE)).isEqualTo(NONE);
        ledger.change("771", 2, 1_000);
        assertThat(ledger.release(NONE)).isEqualTo(1_000);
    }

    @Test
    void aRedeliveredEventIsCountedOnce() {
        ledger.message("771", 1_000);
        ledger.change("771", 1, 1_000);
        ledger.change("771", 1, 1_000); // Debezium sent it again
        ledger.end("771", 2, 1_000, 0);
        assertThat(ledger.release(NONE)).isEqualTo(NONE);
        ledger.change("771", 2, 1_000);
        assertThat(ledger.release(NONE)).isEqualTo(1_000);
        // and everything of it that comes again after it left is ignored
        ledger.change("771", 2, 1_000);
        ledger.end("771", 2, 1_000, 0);
        assertThat(ledger.tracked()).isZero();
    }

    @Test
    void onlyTheCompletePrefixInCommitOrderLeaves() {
        ledger.message("771", 1_000);
        ledger.end("771", 1, 1_000, 0);
        ledger.message("772", 2_000);
        ledger.change("772", 1, 2_000);
        ledger.end("772", 1, 2_000, 0);
        assertThat(ledger.release(NONE))
                .as("772 is complete, but 771 before it is not")
                .isEqualTo(NONE);
        ledger.change("771", 1, 1_000);
        assertThat(ledger.release(NONE)).isEqualTo(2_000);
    }

    @Test
    void aTransactionWaitsForItsActorMessageUnlessALaterOneProvesItHasNone() {
        ledger.change("771", 1, 1_000);
        ledger.end("771", 1, 1_000, 0);
        assertThat(ledger.release(NONE)).as("its message may still come").isEqualTo(NONE);
        ledger.change("772", 1, 2_000);
        ledger.end("772", 1, 2_000, 0);
        assertThat(ledger.release(NONE)).isEqualTo(NONE);
        ledger.message("772", 2_000); // the message topic is past 771: it had none
        assertThat(ledger.release(NONE)).isEqualTo(2_000);
    }

    @Test
    void aLookAtTheEndOfTheMessageTopicAfterItsEndProvesItHasNone() {
        ledger.change("771", 1, 1_000);
        ledger.end("771", 1, 1_000, 50);
        assertThat(ledger.awaitingMessageSince()).isEqualTo(50);
        ledger.messagesReadBefore(50); // a look taken no later than its END was read: no proof
        assertThat(ledger.release(NONE)).isEqualTo(NONE);
        ledger.messagesReadBefore(51);
        assertThat(ledger.release(NONE)).isEqualTo(1_000);
        assertThat(ledger.awaitingMessageSince()).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void anEndCountingNoMessageNeedsNone() {
        ledger.change("771", 1, 1_000);
        ledger.end("771", 1, 0, 1_000, 0);
        assertThat(ledger.release(NONE)).isEqualTo(1_000);
    }

    @Test
    void anEndCountingAMessageWaitsForIt() {
        ledger.change("771", 2, 1_000);
        ledger.end("771", 1, 1, 1_000, 0);
        assertThat(ledger.release(NONE)).isEqualTo(NONE);
        ledger.message("771", 1_000);
        assertThat(ledger.release(NONE)).isEqualTo(1_000);
    }

    @Test
    void anEndCountingAMessageWaitsForItEvenWhenALookFindsTheMessageTopicReadToItsEnd() {
        // the connector writes the message before the END, but to another partition: the END can
        // be appended, read and looked past before the message is (seen on a fresh stack, the
        // first transaction after start logged with actor "unknown")
        ledger.change("768", 1, 1_000);
        ledger.end("768", 1, 1, 1_000, 50);
        ledger.messagesReadBefore(60);
        assertThat(ledger.release(NONE)).as("its END says it has a message").isEqualTo(NONE);
        assertThat(ledger.awaitingMessageSince())
                .as("no look can prove that it has none")
                .isEqualTo(Long.MIN_VALUE);
        ledger.message("768", 1_000);
        assertThat(ledger.release(NONE)).isEqualTo(1_000);
    }

    @Test
    void aTransactionWithoutChangesTheJobReadsNeedsNoMessage() {
        ledger.end("771", 0, 1_000, 0); // e.g. only a signal row
        assertThat(ledger.release(NONE)).isEqualTo(1_000);
    }

    @Test
    void theFallbackWatermarkPassesWhatCannotCompleteAndBoundsTheLedger() {
        // its first events were before the job's start: it can never complete
        ledger.message("771", 1_000);
        ledger.end("771", 5, 1_000, 0);
        ledger.message("772", 2_000);
        ledger.change("772", 1, 2_000);
        ledger.end("772", 1, 2_000, 0);
        // changes of transactions whose END never comes (transaction metadata off)
        ledger.change("900", 1, 1_500);
        assertThat(ledger.release(NONE)).isEqualTo(NONE);
        assertThat(ledger.release(1_500)).isEqualTo(2_000);
        assertThat(ledger.passed()).isEqualTo(1);
        assertThat(ledger.completed()).isEqualTo(1);
        assertThat(ledger.tracked()).isZero();
        // what the fallback has passed is not tracked again
        ledger.change("901", 1, 1_200);
        assertThat(ledger.tracked()).isZero();
    }

    @Test
    void theLedgerSurvivesASnapshot() throws Exception {
        ledger.message("771", 1_000);
        ledger.change("771", 2, 1_000);
        ledger.end("771", 2, 1_000, 0);
        ledger.change("772", 1, 2_000);
        TransactionLedger restored = TransactionLedger.restore(ledger.snapshot());
        assertThat(restored.tracked()).isEqualTo(2);
        restored.change("771", 2, 1_000); // counted before the snapshot: not again
        assertThat(restored.release(NONE)).isEqualTo(NONE);
        restored.change("771", 1, 1_000);
        assertThat(restored.release(NONE)).isEqualTo(1_000);
        restored.message("772", 2_000);
        restored.end("772", 1, 2_000, 0);
        assertThat(restored.release(NONE)).isEqualTo(2_000);
    }
}
