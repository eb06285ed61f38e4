package dev.lethe.jobs.retention;

import static dev.lethe.jobs.retention.RetentionTestData.RETRY_MS;
import static dev.lethe.jobs.retention.RetentionTestData.WINDOW_MS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.jobs.purge.PurgeOutcome;
import dev.lethe.jobs.retention.RetentionTestData.FakeHelpdesk;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Random histories of soft deletes, restores, re-deletes, legal holds and passing time over a few
 * tickets. Whatever the history: no ticket is purged before its window ends, none that was restored
 * or is held, every ticket soft deleted and not held is purged once its window (plus a retry) has
 * passed, and replaying every command again changes nothing.
 */
class RetentionHistoryPropertiesTest {

    enum Kind {
        SOFT_DELETE,
        RESTORE,
        HOLD,
        RELEASE,
        WAIT
    }

    record Step(Kind kind, int ticket, long millis) {}

    @Provide
    Arbitrary<List<Step>> histories() {
        Arbitrary<Step> step =
                net.jqwik.api.Combinators.combine(
                                Arbitraries.of(Kind.class),
                                Arbitraries.integers().between(1, 3),
                                Arbitraries.longs().between(1, 2 * WINDOW_MS))
                        .as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(25);
    }

    @Property(tries = 200)
    void noPrematureNoWrongNoMissedPurgeAndReplayIsANoOp(@ForAll("histories") List<Step> history)
            throws Exception {
        FakeHelpdesk helpdesk = new FakeHelpdesk();
        Map<Long, Long> deletedAt = new HashMap<>();
        Set<Long> purged = new HashSet<>();
        try (var h = TrackRetentionTest.harness(helpdesk, null, 0)) {
            for (long t = 1; t <= 3; t++) {
                helpdesk.insert(t);
                h.processElement(new StreamRecord<>(RetentionTestData.inserted(t)));
            }
            for (Step step : history) {
                long now = h.getProcessingTime();
                long id = step.ticket();
                if (purged.contains(id) && step.kind() != Kind.WAIT) {
                    continue; // the row is gone: nobody can change it any more
                }
                switch (step.kind()) {
                    case SOFT_DELETE:
                        helpdesk.softDelete(id, now);
                        deletedAt.put(id, now);
                        h.processElement(
                                new StreamRecord<>(RetentionTestData.softDeleted(id, now)));
                        break;
                    case RESTORE:
                        helpdesk.restore(id);
                        deletedAt.remove(id);
                        h.processElement(new StreamRecord<>(RetentionTestData.restored(id)));
                        break;
                    case HOLD:
                        helpdesk.held.add(id);
                        break;
                    case RELEASE:
                        helpdesk.held.remove(id);
                        break;
                    default:
                        long before = helpdesk.purged.size();
                        h.setProcessingTime(now + step.millis());
                        for (Long p :
                                helpdesk.purged.subList((int) before, helpdesk.purged.size())) {
                            // never premature, never restored, never held (the fake's state at
                            // the time of the purge is what we tracked)
                            assertThat(deletedAt).containsKey(p);
                            assertThat(deletedAt.get(p) + WINDOW_MS)
                                    .isLessThanOrEqualTo(h.getProcessingTime());
                            purged.add(p);
                            deletedAt.remove(p);
                        }
                }
                assertThat(helpdesk.purged).doesNotHaveDuplicates();
            }
            // release all holds and let every window and retry pass: nothing is missed
            helpdesk.held.clear();
            long before = helpdesk.purged.size();
            h.setProcessingTime(h.getProcessingTime() + WINDOW_MS + 2 * RETRY_MS);
            purged.addAll(helpdesk.purged.subList((int) before, helpdesk.purged.size()));
            for (long t = 1; t <= 3; t++) {
                boolean softDeleted =
                        helpdesk.rows.contains(t) && helpdesk.deletedAt.containsKey(t);
                assertThat(softDeleted).as("ticket %d soft deleted and not purged", t).isFalse();
                assertThat(purged.contains(t)).isEqualTo(!helpdesk.rows.contains(t));
            }
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numProcessingTimeTimers()).isZero();

            // replay: every command executed again changes nothing
            int purgedCount = helpdesk.purged.size();
            for (var command : List.copyOf(helpdesk.commands)) {
                PurgeOutcome again = helpdesk.execute(command);
                assertThat(
                                again.done()
                                        ? again.replay()
                                        : !again.retryLater()
                                                || helpdesk.rows.contains(command.rowId()))
                        .isTrue();
            }
            assertThat(helpdesk.purged).hasSize(purgedCount);
        }
    }
}
