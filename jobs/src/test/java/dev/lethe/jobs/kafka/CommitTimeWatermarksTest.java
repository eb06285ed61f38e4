package dev.lethe.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

class CommitTimeWatermarksTest {

    private static final long IDLE_MS = 5_000;

    /** Heads whose answers the test sets, recording what was asked. */
    private static final class Heads implements PartitionHeads {
        boolean caughtUp;
        boolean restSettled;
        final List<String> asked = new ArrayList<>();
        final List<String> delivered = new ArrayList<>();

        @Override
        public boolean caughtUp(String partition, long next, long since) {
            asked.add(partition + "@" + next + " since " + since);
            return caughtUp;
        }

        @Override
        public boolean restSettled(long since) {
            asked.add("rest since " + since);
            return restSettled;
        }

        @Override
        public void delivered(String partition) {
            delivered.add(partition);
        }
    }

    private static final class Output implements WatermarkOutput {
        long last = Long.MIN_VALUE;
        boolean idle;

        @Override
        public void emitWatermark(Watermark watermark) {
            last = watermark.getTimestamp();
            idle = false;
        }

        @Override
        public void markIdle() {
            idle = true;
        }

        @Override
        public void markActive() {}
    }

    private long now = 1_000_000;
    private final Heads heads = new Heads();
    private final Output out = new Output();
    private final CommitTimeWatermarks.Generator generator =
            new CommitTimeWatermarks.Generator(IDLE_MS, () -> now, heads);

    private void read(String topic, int partition, long offset, long commitTime) {
        RawRecord r = new RawRecord(topic, partition, offset, null, null, commitTime, commitTime);
        generator.onEvent(r, r.eventTime(), out);
    }

    @Test
    void aPartitionFollowsItsLatestCommitTime() {
        read("helpdesk.public.tickets", 0, 41, 500_000);
        generator.onPeriodicEmit(out);
        assertThat(out.last).isEqualTo(499_999);
        assertThat(heads.delivered).containsExactly("helpdesk.public.tickets-0");
    }

    @Test
    void aQuietPartitionTheReaderHasNotReadToItsEndHoldsItsWatermark() {
        // a backlog: the consumer hands out other partitions' records and leaves this one unread
        read("helpdesk.public.tickets", 0, 41, 500_000);
        now += IDLE_MS * 4;
        heads.caughtUp = false;
        generator.onPeriodicEmit(out);
        assertThat(out.last).isEqualTo(499_999);
        assertThat(heads.asked).containsExactly("helpdesk.public.tickets-0@42 since 1000000");
    }

    @Test
    void aQuietPartitionReadToItsEndFollowsTheClock() {
        read("helpdesk.public.tickets", 0, 41, 500_000);
        now += IDLE_MS - 1;
        heads.caughtUp = true;
        generator.onPeriodicEmit(out);
        assertThat(out.last).as("not quiet long enough").isEqualTo(499_999);
        now += 1;
        generator.onPeriodicEmit(out);
        assertThat(out.last).isEqualTo(now - IDLE_MS);
    }

    @Test
    void aGeneratorWithoutRecordsHoldsTheMinimumUntilTheRestIsSettledThenLeavesIt() {
        // a split not read from yet, or the source's main output (which never gets a record)
        now += IDLE_MS * 4;
        generator.onPeriodicEmit(out);
        assertThat(out.idle).isFalse();
        assertThat(heads.asked).containsExactly("rest since 1000000");
        heads.restSettled = true;
        generator.onPeriodicEmit(out);
        assertThat(out.idle).as("left out of the minimum").isTrue();
        assertThat(out.last)
                .as("never a watermark of its own: the wall clock is no evidence")
                .isEqualTo(Long.MIN_VALUE);
        read("helpdesk.public.agents", 0, 0, 700_000);
        generator.onPeriodicEmit(out);
        assertThat(out.idle).as("counts again with its first record").isFalse();
        assertThat(out.last).isEqualTo(699_999);
    }

    @Test
    void aReplayedDeadLetterNeitherMovesNorHoldsEventTimeAndItsSplitGoesIdleWhenQuiet() {
        RawRecord replay =
                new RawRecord("helpdesk.public.contacts", 0, 3, null, null, 100_000, 100_000);
        replay.replayOf = "lethe.deadletter/0@12";
        generator.onEvent(replay, replay.eventTime(), out);
        generator.onPeriodicEmit(out);
        assertThat(out.last)
                .as("no watermark from a commit time long past")
                .isEqualTo(Long.MIN_VALUE);
        assertThat(heads.delivered).as("the position named is another partition's").isEmpty();

        heads.restSettled = true;
        now += IDLE_MS;
        generator.onEvent(replay, replay.eventTime(), out); // another replay: still not a record
        generator.onPeriodicEmit(out);
        assertThat(out.idle).as("the replay topic's partition, quiet: left out").isTrue();
        assertThat(out.last).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void fixedHeadsAreCaughtUpAtTheLastRecordAndSettledWhenEveryPartitionDelivered() {
        PartitionHeads fixed =
                PartitionHeads.fixed(
                                java.util.Map.of(
                                        "t-0", 3L,
                                        "t-1", 0L,
                                        "u-0", 2L))
                        .create();
        assertThat(fixed.caughtUp("t-0", 2, 0)).isFalse();
        assertThat(fixed.caughtUp("t-0", 3, 0)).isTrue();
        fixed.delivered("t-0");
        assertThat(fixed.restSettled(0)).as("u-0 has records to come").isFalse();
        fixed.delivered("u-0");
        assertThat(fixed.restSettled(0)).isTrue();
    }

    @Test
    void aPartitionIsSettledWhenEmptyOrTheJobsCommittedOffsetIsAtItsEnd() {
        KafkaPartitionHeads.Look look =
                new KafkaPartitionHeads.Look(
                        0,
                        java.util.Map.of("empty-0", 7L, "read-0", 9L, "behind-0", 9L, "new-0", 4L),
                        java.util.Map.of("empty-0", 7L, "read-0", 0L, "behind-0", 0L, "new-0", 0L),
                        java.util.Map.of("read-0", 9L, "behind-0", 8L));
        assertThat(look.settled("empty-0")).isTrue();
        assertThat(look.settled("read-0")).isTrue();
        assertThat(look.settled("behind-0")).isFalse();
        assertThat(look.settled("new-0")).as("a new job has committed nothing").isFalse();
    }
}
