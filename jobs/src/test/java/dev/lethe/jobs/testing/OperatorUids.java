package dev.lethe.jobs.testing;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;

/**
 * The operators of a topology and their uids: a savepoint's state is matched to operators by uid,
 * so an operator without one (Flink would derive it from the graph's shape) loses its state when
 * the graph changes anywhere.
 */
public final class OperatorUids {

    private OperatorUids() {}

    /** The graph of what was defined on {@code env} (the definitions stay, for a second look). */
    public static StreamGraph graph(StreamExecutionEnvironment env) {
        return env.getStreamGraph(false);
    }

    /** The names of the operators without a uid of their own. */
    public static List<String> withoutUid(StreamGraph graph) {
        List<String> missing = new ArrayList<>();
        for (StreamNode node : graph.getStreamNodes()) {
            if (node.getTransformationUID() == null || node.getTransformationUID().isBlank()) {
                missing.add(node.getOperatorName());
            }
        }
        return missing;
    }

    /** Every operator's uid. */
    public static List<String> uids(StreamGraph graph) {
        List<String> uids = new ArrayList<>();
        for (StreamNode node : graph.getStreamNodes()) {
            uids.add(node.getTransformationUID());
        }
        return uids;
    }
}
