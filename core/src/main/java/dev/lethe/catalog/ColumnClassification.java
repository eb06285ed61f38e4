package dev.lethe.catalog;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A column classified at run time ({@code ./lethe catalog classify contacts.nickname --category
 * name}), on top of the catalog file: what it holds and whether it is personal, who decided and
 * when. Applied by {@link PersonalDataCatalog#withClassifications}; kept in {@link
 * ColumnClassifications} (schema {@code lethe}), whence the jobs read it without a restart.
 *
 * @param table the governed table (no schema)
 * @param column the column
 * @param category what it holds
 * @param personal whether its values are personal data of the row's subject
 * @param classifiedBy who classified it (a user name or {@code type:id})
 * @param classifiedAt when
 * @param note why, or an empty string
 */
public record ColumnClassification(
        String table,
        String column,
        DataCategory category,
        boolean personal,
        String classifiedBy,
        Instant classifiedAt,
        String note) {

    /** A plain SQL identifier, as the catalog's tables and columns are. */
    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    public ColumnClassification {
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(classifiedAt, "classifiedAt");
        requireName("table", table);
        requireName("column", column);
        if (classifiedBy == null || classifiedBy.isBlank()) {
            throw new IllegalArgumentException("a classification names who made it");
        }
        note = note == null ? "" : note;
    }

    /** {@code table.column}. */
    public String qualifiedName() {
        return table + "." + column;
    }

    /**
     * Reads {@code table.column} as the catalog writes a column.
     *
     * @throws IllegalArgumentException naming what is wrong (never echoing more than the name)
     */
    public static ColumnRef parseColumn(String qualified) {
        int dot = qualified == null ? -1 : qualified.indexOf('.');
        if (dot <= 0 || dot != qualified.lastIndexOf('.') || dot == qualified.length() - 1) {
            throw new IllegalArgumentException(
                    "expected TABLE.COLUMN (e.g. contacts.nickname), in lower case");
        }
        String table = qualified.substring(0, dot);
        String column = qualified.substring(dot + 1);
        requireName("table", table);
        requireName("column", column);
        return new ColumnRef(table, column);
    }

    private static void requireName(String what, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    what + " must be a plain lower-case SQL identifier ([a-z_][a-z0-9_]*)");
        }
    }

    /** The catalog's declaration of the column this classification makes. */
    ColumnSpec toSpec() {
        String why =
                "classified by "
                        + classifiedBy
                        + " at "
                        + classifiedAt
                        + (note.isEmpty() ? "" : ": " + note);
        return new ColumnSpec(
                new ColumnRef(table, column),
                category,
                personal,
                null,
                category == DataCategory.FREE_TEXT,
                null,
                null,
                false,
                why);
    }
}
