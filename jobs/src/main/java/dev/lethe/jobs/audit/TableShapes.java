package dev.lethe.jobs.audit;

import dev.lethe.events.SourcePosition;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * When the columns a table's changes show change: the migrations the changelog shows (a column
 * added, dropped or renamed). Flink-free; {@link TrackTableShapes} keeps one {@link Shape} per
 * table.
 *
 * <p>Rules, per table, for a change showing the column set {@code C} at LSN {@code L}, against the
 * established shape (columns {@code E}, established by the change at LSN {@code Le}):
 *
 * <ul>
 *   <li><b>First change seen</b> (no shape yet): {@code C} is established at {@code L}, and no
 *       schema change is reported. So a table's first changes, and a job started on empty state,
 *       write nothing more to the log than before; a migration made while no state was kept is not
 *       reported (docs/operations.md, "Schema changes").
 *   <li><b>Same columns</b> ({@code C = E}): nothing; the established LSN stays the one that
 *       established it.
 *   <li><b>Other columns, later</b> ({@code C ≠ E}, {@code L > Le}): a {@link SchemaChange}
 *       (columns added {@code C \ E}, removed {@code E \ C}, first LSN {@code L}), and {@code C} is
 *       established at {@code L}. A rename is one column removed and one added, in one change.
 *   <li><b>Other columns, earlier</b> ({@code C ≠ E}, {@code L ≤ Le}): a straggler, read late from
 *       another partition (a table's rows spread over its topic's partitions, read interleaved):
 *       nothing. Every change made before a migration has an LSN below every change made after it,
 *       and {@code Le} is the LSN of a change after the last migration seen, so a straggler never
 *       makes the shape flap back.
 * </ul>
 *
 * <p>The first LSN is that of the first change of the new shape that was <em>read</em>; with
 * several partitions an earlier change of the same shape may be read after it. Either way the
 * migration committed before it. A column's type change does not show here: a change carries values
 * as text (column name to string), not their types.
 */
public final class TableShapes {

    private TableShapes() {}

    /**
     * The columns of a table's changes (sorted) and the LSN of the change that established them.
     * Column names only, never a value.
     */
    public record Shape(List<String> columns, long lsn) {

        private static final int FORMAT = 1;

        public Shape {
            columns = List.copyOf(new TreeSet<>(columns));
        }

        /** A shape of these columns (in any order) established at {@code lsn}. */
        public static Shape of(Collection<String> columns, long lsn) {
            return new Shape(List.copyOf(columns), lsn);
        }

        /** Whether {@code other} is the same set of columns. */
        public boolean hasColumns(Set<String> other) {
            if (other.size() != columns.size()) {
                return false;
            }
            for (String c : columns) {
                if (!other.contains(c)) {
                    return false;
                }
            }
            return true;
        }

        /** The shape as state: format 1, LSN, column count, each column (modified UTF-8). */
        public byte[] toBytes() {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + columns.size() * 16);
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeByte(FORMAT);
                out.writeLong(lsn);
                out.writeInt(columns.size());
                for (String c : columns) {
                    out.writeUTF(c);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }

        /** A shape written by {@link #toBytes()}. */
        public static Shape fromBytes(byte[] bytes) {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
                int format = in.readUnsignedByte();
                if (format != FORMAT) {
                    throw new IllegalStateException(
                            "table shape state of unknown format " + format);
                }
                long lsn = in.readLong();
                int n = in.readInt();
                List<String> columns = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    columns.add(in.readUTF());
                }
                return new Shape(columns, lsn);
            } catch (IOException e) {
                throw new IllegalStateException("unreadable table shape state", e);
            }
        }
    }

    /**
     * The columns of {@code table} changed: {@code added} and {@code removed} (sorted, either may
     * be empty, not both), {@code columns} the new set (sorted), first seen in the change at {@code
     * source} (its LSN, commit time and raw record).
     */
    public record SchemaChange(
            String table,
            List<String> added,
            List<String> removed,
            List<String> columns,
            SourcePosition source) {

        public SchemaChange {
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(source, "source");
            added = List.copyOf(added);
            removed = List.copyOf(removed);
            columns = List.copyOf(columns);
        }

        /** The LSN of the first change of the new shape read. */
        public long firstLsn() {
            return source.getLsn();
        }
    }

    /**
     * What one change did: the shape to keep from now on ({@code next}, null when it stays as it
     * was) and the schema change to report ({@code change}, null for none).
     */
    public record Seen(Shape next, SchemaChange change) {

        static final Seen NOTHING = new Seen(null, null);
    }

    /**
     * Decides for one change of {@code table} showing {@code columns}, at {@code source}, against
     * the {@code established} shape (null: none yet).
     */
    public static Seen see(
            Shape established, String table, Set<String> columns, SourcePosition source) {
        long lsn = source.getLsn();
        if (established == null) {
            return new Seen(Shape.of(columns, lsn), null);
        }
        if (established.hasColumns(columns) || lsn <= established.lsn()) {
            return Seen.NOTHING;
        }
        Shape next = Shape.of(columns, lsn);
        List<String> added = new ArrayList<>();
        for (String c : next.columns()) {
            if (!established.columns().contains(c)) {
                added.add(c);
            }
        }
        List<String> removed = new ArrayList<>();
        for (String c : established.columns()) {
            if (!columns.contains(c)) {
                removed.add(c);
            }
        }
        return new Seen(next, new SchemaChange(table, added, removed, next.columns(), source));
    }
}
