package dev.lethe.catalog;

import java.util.Objects;

/**
 * One column of one helpdesk table, written {@code table.column}.
 *
 * @param table the table, without schema
 * @param column the column
 */
public record ColumnRef(String table, String column) {

    public ColumnRef {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(column, "column");
    }

    /** Parses {@code table.column}; empty parts or a missing dot are rejected. */
    public static ColumnRef parse(String tableDotColumn) {
        int dot = tableDotColumn.indexOf('.');
        if (dot <= 0
                || dot == tableDotColumn.length() - 1
                || tableDotColumn.indexOf('.', dot + 1) >= 0) {
            throw new IllegalArgumentException(
                    "expected <table>.<column>, got '" + tableDotColumn + "'");
        }
        return new ColumnRef(tableDotColumn.substring(0, dot), tableDotColumn.substring(dot + 1));
    }

    @Override
    public String toString() {
        return table + "." + column;
    }
}
