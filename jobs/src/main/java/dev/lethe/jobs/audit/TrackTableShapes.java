package dev.lethe.jobs.audit;

import dev.lethe.events.AuditEntry;
import dev.lethe.events.ChangeEvent;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Reports each change of a table's columns as an audit entry ({@link TableShapes} decides, {@link
 * SchemaEntries#ofSchemaChange} drafts it). Keyed by table; state per table: its {@link
 * TableShapes.Shape} (column names and one LSN, never a value), so a handful of small entries.
 *
 * <p>Every change passes through here, so the state is mirrored in a map of this instance: a change
 * of the usual shape costs a lookup and a set comparison, not a state read (which with RocksDB
 * would deserialize the shape per change). The map is written with the state and starts empty with
 * every new instance (after a restore each table's shape is read once), and only this operator
 * writes the state, so the two never differ.
 */
public final class TrackTableShapes extends KeyedProcessFunction<String, ChangeEvent, AuditEntry> {

    private static final long serialVersionUID = 1L;

    private transient ValueState<byte[]> shape;
    private transient Map<String, TableShapes.Shape> shapes;
    private transient Counter schemaChanges;

    @Override
    public void open(OpenContext context) {
        shape = getRuntimeContext().getState(new ValueStateDescriptor<>("shape", byte[].class));
        shapes = new HashMap<>();
        schemaChanges = getRuntimeContext().getMetricGroup().counter("numSchemaChanges");
    }

    @Override
    public void processElement(ChangeEvent change, Context ctx, Collector<AuditEntry> out)
            throws Exception {
        String table = ctx.getCurrentKey();
        TableShapes.Shape established = shapes.get(table);
        if (established == null) {
            byte[] stored = shape.value();
            if (stored != null) {
                established = TableShapes.Shape.fromBytes(stored);
                shapes.put(table, established);
            }
        }
        Map<String, String> image =
                change.getAfter() != null ? change.getAfter() : change.getBefore();
        TableShapes.Seen seen =
                TableShapes.see(established, table, image.keySet(), change.getSource());
        if (seen.next() != null) {
            shape.update(seen.next().toBytes());
            shapes.put(table, seen.next());
        }
        if (seen.change() != null) {
            schemaChanges.inc();
            out.collect(SchemaEntries.ofSchemaChange(seen.change()));
        }
    }
}
