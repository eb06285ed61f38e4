package dev.lethe.catalog;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the catalog declares about one table.
 *
 * @param name the table, without schema
 * @param subjectPath how to find the data subject of a row
 * @param columns every column of the table by name, in catalog order; unmodifiable
 * @param note the reviewer's note, or an empty string
 */
public record TableSpec(
        String name, SubjectPath subjectPath, Map<String, ColumnSpec> columns, String note) {

    public TableSpec {
        columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
    }

    public Optional<ColumnSpec> column(String column) {
        return Optional.ofNullable(columns.get(column));
    }
}
