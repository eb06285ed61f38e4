package dev.lethe.jobs.testing;

import java.util.List;
import java.util.Objects;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;

/** What an operator under a test harness emitted on a side output. */
public final class SideOutputs {

    private SideOutputs() {}

    /** The values emitted on {@code tag}, in order; none when the tag was never used. */
    public static <T> List<T> of(AbstractStreamOperatorTestHarness<?> harness, OutputTag<T> tag) {
        var records = harness.getSideOutput(tag);
        return records == null
                ? List.of()
                : records.stream().map(StreamRecord::getValue).filter(Objects::nonNull).toList();
    }
}
