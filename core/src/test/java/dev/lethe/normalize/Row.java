package dev.lethe.normalize;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** One helpdesk row as Debezium puts it in a before/after image: column -> JSON value. */
final class Row {

    private final LinkedHashMap<String, Object> columns = new LinkedHashMap<>();

    static Row of(Object... columnsAndValues) {
        Row row = new Row();
        for (int i = 0; i < columnsAndValues.length; i += 2) {
            row.columns.put((String) columnsAndValues[i], columnsAndValues[i + 1]);
        }
        return row;
    }

    /** A copy with the column set (added at the end if it is new). */
    Row with(String column, Object value) {
        Row copy = copy();
        copy.columns.put(column, value);
        return copy;
    }

    /** A copy without the column. */
    Row without(String column) {
        Row copy = copy();
        copy.columns.remove(column);
        return copy;
    }

    Map<String, Object> columns() {
        return Collections.unmodifiableMap(columns);
    }

    private Row copy() {
        Row copy = new Row();
        copy.columns.putAll(columns);
        return copy;
    }
}
