package dev.lethe.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.audit.Completeness.RawChange;
import dev.lethe.audit.CompletenessWatermark.Pending;
import dev.lethe.audit.CompletenessWatermark.Run;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CompletenessWatermarkTest {

    private static final String CONTACTS = "helpdesk.public.contacts";
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final Duration BOUND = Duration.ofSeconds(60);

    /** A raw change of contacts committed {@code committedSec} seconds after T0. */
    private static RawChange raw(String entity, long lsn, long offset, long committedSec) {
        return new RawChange(entity, lsn, CONTACTS, 0, offset, T0.plusSeconds(committedSec));
    }

    /** One run: the log's entries, then the raw topic's records [from, end), at {@code now}. */
    private static final class Runner {
        final CompletenessWatermark w;
        long rawEnd;
        long logEnd;

        Runner() {
            this.w = new CompletenessWatermark();
        }

        Run run(Instant now, Object... items) {
            w.begin(now);
            for (Object o : items) {
                if (o instanceof Entry e) {
                    w.logged(e.entityId(), e.lsn(), e.logIndex(), e.commitTime());
                    logEnd++;
                }
            }
            w.entriesRead(logEnd);
            long from = w.startPartition(CONTACTS, 0, 0, Long.MAX_VALUE);
            for (Object o : items) {
                if (o instanceof RawChange c && c.offset() >= from) {
                    w.captured(c);
                    rawEnd = Math.max(rawEnd, c.offset() + 1);
                }
            }
            w.partitionRead(CONTACTS, 0, rawEnd);
            return w.finish(BOUND);
        }
    }

    private record Entry(String entityId, long lsn, long logIndex, Instant commitTime) {}

    /** A change entry at logIndex, committed {@code committedSec} seconds after T0. */
    private static Entry entry(String entity, long lsn, long logIndex, long committedSec) {
        return new Entry(entity, lsn, logIndex, T0.plusSeconds(committedSec));
    }

    /** Contact 1's change at LSN 100 (raw offset 0) with its entry at log index 0, both at T0. */
    private static Object[] contact1LoggedAndCaptured() {
        return new Object[] {entry("contacts/1", 100, 0, 0), raw("contacts/1", 100, 0, 0)};
    }

    /**
     * Contact 1's change (LSN 100, raw offset 0, log index 0, at T0) and contact 2's (LSN 150, raw
     * offset 1, log index 1, a second later), each logged and captured.
     */
    private static Object[] twoContactsLoggedAndCaptured() {
        return new Object[] {
            entry("contacts/1", 100, 0, 0),
            entry("contacts/2", 150, 1, 1),
            raw("contacts/1", 100, 0, 0),
            raw("contacts/2", 150, 1, 1)
        };
    }

    @Test
    void everyChangeWithItsEntryIsChecked() {
        Runner r = new Runner();

        Run run = r.run(T0, twoContactsLoggedAndCaptured());

        assertThat(run.complete()).isTrue();
        assertThat(run.checked()).isEqualTo(2);
        assertThat(run.pending()).isZero();
        assertThat(run.logIndex()).isEqualTo(1);
    }

    @Test
    void aMissingEntryPastTheBoundIsAGapNamedWithItsRawPosition() {
        Runner r = new Runner();
        Run first =
                r.run(
                        T0,
                        entry("contacts/1858", 200, 0, 1),
                        raw("contacts/1858", 100, 5713, 0),
                        raw("contacts/1858", 200, 5714, 1));
        assertThat(first.gaps()).isEmpty();
        assertThat(first.pending()).isEqualTo(1);

        // later: the log moved on well past its commit time, and the bound has passed
        Run later =
                r.run(
                        T0.plusSeconds(120),
                        entry("contacts/7", 300, 1, 100),
                        raw("contacts/7", 300, 5715, 100));

        assertThat(later.complete()).isFalse();
        assertThat(later.gaps())
                .extracting(p -> p.change().describe())
                .containsExactly("contacts/1858 at LSN 100 (helpdesk.public.contacts-0@5713)");
        assertThat(later.pending()).isZero();
        assertThat(r.w.gapsTotal()).isEqualTo(1);
        assertThat(r.w.openGaps()).hasSize(1);
    }

    @Test
    void anEntryArrivingLateWithinTheBoundIsNoGap() {
        Runner r = new Runner();
        Run first = r.run(T0, raw("contacts/1", 100, 0, 0), raw("contacts/2", 150, 1, 1));
        assertThat(first.pending()).isEqualTo(2);
        assertThat(first.oldestPending()).isEqualTo(T0);

        Run second =
                r.run(
                        T0.plusSeconds(30),
                        entry("contacts/2", 150, 0, 1),
                        entry("contacts/1", 100, 1, 0),
                        entry("contacts/3", 400, 2, 200),
                        raw("contacts/3", 400, 2, 200));

        assertThat(second.complete()).isTrue();
        assertThat(second.checked()).isEqualTo(3);
        assertThat(second.pending()).isZero();
    }

    @Test
    void aPendingChangeStaysPendingWhileTheLogIsBehindIt() {
        Runner r = new Runner();
        r.run(T0, entry("contacts/2", 150, 0, 1), raw("contacts/1", 100, 0, 0));

        // long past the bound, but the log has not committed anything after the change's time
        Run later = r.run(T0.plusSeconds(3600), entry("contacts/3", 160, 1, 2));

        assertThat(later.gaps()).isEmpty();
        assertThat(later.pending()).isEqualTo(1);
    }

    @Test
    void anotherPartitionFarAheadDoesNotMakeAPendingChangeAGap() {
        CompletenessWatermark w = new CompletenessWatermark();
        w.begin(T0);
        w.entriesRead(0);
        w.startPartition(CONTACTS, 0, 0, 10);
        w.captured(raw("contacts/1", 100, 3, 0));
        w.partitionRead(CONTACTS, 0, 4);
        w.finish(BOUND);

        // an hour later: tickets logged an hour ahead, contacts only up to offset 2
        w.begin(T0.plusSeconds(3600));
        w.logged("tickets/5", 900, 0, T0.plusSeconds(3600), "helpdesk.public.tickets", 0, 80L);
        w.logged("contacts/9", 90, 1, T0.plusSeconds(-1), CONTACTS, 0, 2L);
        w.startPartition(CONTACTS, 0, 0, 4);
        w.partitionRead(CONTACTS, 0, 4);
        Run behind = w.finish(BOUND);
        assertThat(behind.gaps()).isEmpty();
        assertThat(behind.pending()).isEqualTo(1);

        // contacts logged past offset 3: the change there is missing
        w.begin(T0.plusSeconds(3660));
        w.logged("contacts/7", 200, 2, T0.plusSeconds(5), CONTACTS, 0, 4L);
        w.startPartition(CONTACTS, 0, 0, 5);
        w.captured(raw("contacts/7", 200, 4, 5));
        w.partitionRead(CONTACTS, 0, 5);
        Run passed = w.finish(BOUND);
        assertThat(passed.gaps())
                .extracting(p -> p.change().describe())
                .containsExactly("contacts/1 at LSN 100 (helpdesk.public.contacts-0@3)");
    }

    @Test
    void anEntryAfterItsGapWasReportedIsLate() {
        Runner r = new Runner();
        r.run(T0, raw("contacts/1", 100, 0, 0));
        Run gap = r.run(T0.plusSeconds(120), entry("contacts/2", 150, 0, 200));
        assertThat(gap.gaps()).hasSize(1);

        Run late = r.run(T0.plusSeconds(180), entry("contacts/1", 100, 1, 0));

        assertThat(late.complete()).isTrue();
        assertThat(late.late()).extracting(p -> p.change().offset()).containsExactly(0L);
        assertThat(late.doubles()).isEmpty();
        assertThat(r.w.openGaps()).isEmpty();
        assertThat(r.w.lateTotal()).isEqualTo(1);
    }

    @Test
    void aDoubleInOneRunIsNamedWithBothLogIndexes() {
        Runner r = new Runner();

        Run run =
                r.run(
                        T0,
                        entry("contacts/1", 100, 0, 0),
                        entry("contacts/1", 100, 1, 0),
                        raw("contacts/1", 100, 0, 0));

        assertThat(run.complete()).isFalse();
        assertThat(run.doubles())
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.entityId()).isEqualTo("contacts/1");
                            assertThat(d.lsn()).isEqualTo(100);
                            assertThat(d.logIndexes()).containsExactly(0L, 1L);
                        });
        assertThat(r.w.doublesTotal()).isEqualTo(1);
    }

    @Test
    void anEntryRepeatingAChangeCheckedByAnEarlierRunIsADouble() {
        Runner r = new Runner();
        r.run(
                T0,
                entry("contacts/1", 100, 0, 0),
                entry("contacts/1", 200, 1, 1),
                raw("contacts/1", 100, 0, 0),
                raw("contacts/1", 200, 1, 1));

        Run again = r.run(T0.plusSeconds(10), entry("contacts/1", 100, 2, 0));

        assertThat(again.doubles())
                .singleElement()
                .satisfies(d -> assertThat(d.logIndexes()).containsExactly(2L));
    }

    @Test
    void anEntryOutOfLsnOrderForAPendingChangeIsNoDouble() {
        // the audit job lets an entry overdue for an earlier one leave first, then the earlier one
        Runner r = new Runner();
        r.run(
                T0,
                entry("contacts/1", 200, 0, 1),
                raw("contacts/1", 100, 0, 0),
                raw("contacts/1", 200, 1, 1));

        Run late = r.run(T0.plusSeconds(30), entry("contacts/1", 100, 1, 0));

        assertThat(late.complete()).isTrue();
        assertThat(late.checked()).isEqualTo(1);
        assertThat(r.w.checkedTotal()).isEqualTo(2);
    }

    @Test
    void aRedeliveredRawEventIsNotAChangeOfItsOwn() {
        Runner r = new Runner();
        r.run(T0, contact1LoggedAndCaptured());

        // Debezium delivers again after a connector restart: same change, same LSN
        Run again = r.run(T0.plusSeconds(200), raw("contacts/1", 100, 1, 0));

        assertThat(again.redelivered()).isEqualTo(1);
        assertThat(again.pending()).isZero();
        assertThat(again.complete()).isTrue();
    }

    @Test
    void entriesOlderThanTheRawTopicsAreCountedNotDoubles() {
        Runner r = new Runner();

        Run run =
                r.run(
                        T0,
                        entry("contacts/1", 50, 0, 0),
                        entry("contacts/9", 60, 1, 0),
                        entry("contacts/1", 100, 2, 0),
                        raw("contacts/1", 100, 0, 0));

        assertThat(run.complete()).isTrue();
        assertThat(run.beyondRawRetention()).isEqualTo(2);
    }

    @Test
    void aRestartFromTheSavedStateReadsOnlyNewRecords() throws Exception {
        Runner r = new Runner();
        r.run(
                T0,
                entry("contacts/1", 100, 0, 0),
                raw("contacts/1", 100, 0, 0),
                raw("contacts/2", 150, 1, 1));
        String saved = r.w.toJson().toString();

        CompletenessWatermark restored =
                CompletenessWatermark.fromJson(new ObjectMapper().readTree(saved));

        assertThat(restored.toJson().toString()).isEqualTo(saved);
        assertThat(restored.logIndex()).isEqualTo(0);
        assertThat(restored.entriesOffset()).isEqualTo(1);
        restored.begin(T0.plusSeconds(10));
        assertThat(restored.startPartition(CONTACTS, 0, 0, 5)).isEqualTo(2);
        restored.logged("contacts/2", 150, 1, T0.plusSeconds(1));
        restored.partitionRead(CONTACTS, 0, 2);
        Run run = restored.finish(BOUND);
        assertThat(run.entries()).isEqualTo(1);
        assertThat(run.checked()).isEqualTo(1);
        assertThat(run.doubles()).isEmpty();
        assertThat(run.pending()).isZero();
    }

    @Test
    void afterTheLogWasReadBackTheEntriesCheckedBeforeAreNotCountedAgain() {
        Runner r = new Runner();
        r.run(T0, twoContactsLoggedAndCaptured());

        r.w.begin(T0.plusSeconds(10));
        r.w.logReadBack("lethe.audit ends at offset 1, before offset 2", 0);
        r.w.logged("contacts/1", 100, 0, T0);
        r.w.logged("contacts/3", 170, 2, T0.plusSeconds(2));
        assertThat(r.w.startPartition(CONTACTS, 0, 0, 3)).isEqualTo(2);
        r.w.captured(raw("contacts/3", 170, 2, 2));
        r.w.partitionRead(CONTACTS, 0, 3);
        Run run = r.w.finish(BOUND);

        assertThat(run.problems()).singleElement().asString().startsWith("the log: ");
        assertThat(run.doubles()).isEmpty();
        assertThat(run.entries()).isEqualTo(1);
        assertThat(run.checked()).isEqualTo(1);
    }

    @Test
    void aReplayedEntryWithTheSameLogIndexIsADouble() {
        Runner r = new Runner();

        Run run =
                r.run(
                        T0,
                        entry("contacts/1", 100, 0, 0),
                        entry("contacts/1", 100, 0, 0),
                        raw("contacts/1", 100, 0, 0));

        assertThat(run.doubles())
                .singleElement()
                .satisfies(d -> assertThat(d.logIndexes()).containsExactly(0L, 0L));
    }

    @Test
    void aTruncatedRawTopicIsReportedAndReadAgainFromItsStart() {
        Runner r = new Runner();
        r.run(T0, contact1LoggedAndCaptured());
        r.w.partitionRead(CONTACTS, 0, 250);

        r.w.begin(T0.plusSeconds(10));
        long from = r.w.startPartition(CONTACTS, 0, 0, 100);
        r.w.partitionRead(CONTACTS, 0, 100);
        Run run = r.w.finish(BOUND);

        assertThat(from).isZero();
        assertThat(run.complete()).isFalse();
        assertThat(run.problems())
                .singleElement()
                .asString()
                .contains("helpdesk.public.contacts-0 ends at offset 100, before offset 250");
    }

    @Test
    void rawRecordsDeletedBeforeTheyWereCheckedAreReported() {
        Runner r = new Runner();
        r.run(T0, contact1LoggedAndCaptured());

        r.w.begin(T0.plusSeconds(10));
        long from = r.w.startPartition(CONTACTS, 0, 40, 90);
        r.w.partitionRead(CONTACTS, 0, 90);
        Run run = r.w.finish(BOUND);

        assertThat(from).isEqualTo(40);
        assertThat(run.problems())
                .singleElement()
                .asString()
                .contains("offsets 1 to 39 were deleted before they were checked");
        assertThat(r.w.problemsTotal()).isEqualTo(1);
    }

    @Test
    void aRawPartitionThatIsGoneIsReported() {
        Runner r = new Runner();
        r.run(T0, raw("contacts/1", 100, 0, 0));

        r.w.begin(T0.plusSeconds(10));
        Run run = r.w.finish(BOUND);

        assertThat(run.problems())
                .singleElement()
                .asString()
                .isEqualTo(
                        "helpdesk.public.contacts-0 no longer exists: the raw topic was deleted");
    }

    @Test
    void aStateOfAnotherFormatIsRefused() throws Exception {
        assertThatThrownBy(
                        () ->
                                CompletenessWatermark.fromJson(
                                        new ObjectMapper().readTree("{\"format\":9}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("format 9");
    }

    @Test
    void pendingChangesKeepWhenTheyWereFirstSeen() throws Exception {
        Runner r = new Runner();
        r.run(T0, raw("contacts/1", 100, 0, 0));

        CompletenessWatermark restored =
                CompletenessWatermark.fromJson(
                        new ObjectMapper().readTree(r.w.toJson().toString()));

        assertThat(restored.pending())
                .extracting(Pending::firstSeen, p -> p.change().offset())
                .containsExactly(org.assertj.core.groups.Tuple.tuple(T0, 0L));
    }
}
