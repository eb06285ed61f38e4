package dev.lethe.retention;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a retention policy against the live helpdesk schema before the retention job starts, so
 * that a rule that could never be carried out stops the job naming the rule instead of failing and
 * being retried at every deadline:
 *
 * <ul>
 *   <li>the rule's table, its {@code since} column (a date or timestamp) and its {@code when}
 *       columns exist;
 *   <li>every anonymized column exists; {@code null} only where the column is nullable; {@code
 *       redacted} and {@code placeholder} only on text columns (long enough for the replacement),
 *       {@code empty} on text or JSON; no constant replacement on a column with a unique index or a
 *       foreign key (a second anonymized row, or the constant itself, would break it);
 *   <li>CHECK and NOT NULL constraints: the anonymization is tried on a temporary copy of the table
 *       (its constraints, one of its rows) inside a transaction that is always rolled back;
 *       temporary tables are not replicated, so capture sees nothing of it.
 * </ul>
 */
public final class RetentionSchemaCheck {

    private static final Set<String> TEXT =
            Set.of("text", "character varying", "character", "citext");
    private static final Set<String> JSON = Set.of("json", "jsonb");
    private static final Set<String> TIME =
            Set.of("timestamp with time zone", "timestamp without time zone", "date");

    private RetentionSchemaCheck() {}

    /** Every problem of {@code policy} on the schema {@code c} sees; empty if it fits. */
    public static List<String> problems(Connection c, RetentionPolicy policy) throws SQLException {
        List<String> problems = new ArrayList<>();
        for (RetentionRule rule : policy.rules()) {
            String name = "retention rule " + rule.id();
            Map<String, Column> columns = columns(c, rule.table());
            if (columns.isEmpty()) {
                problems.add(name + ": table " + rule.table() + " does not exist");
                continue;
            }
            Column since = columns.get(rule.since());
            if (since == null) {
                problems.add(
                        name
                                + ": since column "
                                + rule.table()
                                + "."
                                + rule.since()
                                + " does not exist");
            } else if (!TIME.contains(since.type())) {
                problems.add(
                        name
                                + ": since column "
                                + rule.table()
                                + "."
                                + rule.since()
                                + " is "
                                + since.type()
                                + ", not a date or timestamp");
            }
            for (String w : rule.when().keySet()) {
                if (!columns.containsKey(w)) {
                    problems.add(
                            name + ": when column " + rule.table() + "." + w + " does not exist");
                }
            }
            if (rule.action() != PurgeAction.ANONYMIZE) {
                continue;
            }
            boolean fits = true;
            for (Map.Entry<String, AnonymizeMethod> a : rule.anonymize().entrySet()) {
                String where = name + ": anonymize " + rule.table() + "." + a.getKey();
                Column col = columns.get(a.getKey());
                if (col == null) {
                    problems.add(where + ": the column does not exist");
                    fits = false;
                    continue;
                }
                String problem = problem(c, rule.table(), col, a.getValue());
                if (problem != null) {
                    problems.add(where + " with " + method(a.getValue()) + ": " + problem);
                    fits = false;
                }
            }
            if (fits) {
                trial(c, rule, columns).ifPresent(p -> problems.add(name + ": " + p));
            }
        }
        return problems;
    }

    /**
     * Throws if the policy does not fit the schema.
     *
     * @throws RetentionPolicyException listing every problem
     */
    public static void require(Connection c, RetentionPolicy policy) throws SQLException {
        List<String> problems = problems(c, policy);
        if (!problems.isEmpty()) {
            throw new RetentionPolicyException(
                    "against the helpdesk schema " + c.getSchema(), problems, null);
        }
    }

    private record Column(String name, String type, boolean nullable, Integer maxLength) {}

    private static Map<String, Column> columns(Connection c, String table) throws SQLException {
        Map<String, Column> columns = new java.util.LinkedHashMap<>();
        try (PreparedStatement s =
                c.prepareStatement(
                        "SELECT column_name, data_type, is_nullable = 'YES',"
                                + " character_maximum_length FROM information_schema.columns"
                                + " WHERE table_schema = current_schema() AND table_name = ?"
                                + " ORDER BY ordinal_position")) {
            s.setString(1, table);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    int max = r.getInt(4);
                    Integer maxLength = r.wasNull() ? null : max;
                    columns.put(
                            r.getString(1),
                            new Column(r.getString(1), r.getString(2), r.getBoolean(3), maxLength));
                }
            }
        }
        return columns;
    }

    private static String problem(Connection c, String table, Column col, AnonymizeMethod m)
            throws SQLException {
        if (m == AnonymizeMethod.NULL) {
            return col.nullable() ? null : "the column is NOT NULL (use empty or redacted)";
        }
        boolean text = TEXT.contains(col.type());
        boolean json = JSON.contains(col.type());
        if (m == AnonymizeMethod.EMPTY ? !(text || json) : !text) {
            return "the column is " + col.type() + ", which cannot hold the replacement";
        }
        String replacement = m.replacement(table, "9223372036854775807", json);
        if (text && col.maxLength() != null && replacement.length() > col.maxLength()) {
            return "the column holds at most " + col.maxLength() + " characters";
        }
        if (m != AnonymizeMethod.PLACEHOLDER && constrained(c, table, col.name(), "u")) {
            return "the column has a unique constraint or index: every anonymized row would get"
                    + " the same value (use placeholder)";
        }
        if (constrained(c, table, col.name(), "f")) {
            return "the column is a foreign key (use null)";
        }
        return null;
    }

    /** Whether a constraint ({@code u}nique, {@code f}oreign key) or unique index covers it. */
    private static boolean constrained(Connection c, String table, String column, String type)
            throws SQLException {
        String sql =
                type.equals("u")
                        ? "SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
                                + " AND a.attnum = ANY (i.indkey) WHERE i.indisunique"
                                + " AND i.indrelid = to_regclass(?) AND a.attname = ?"
                        : "SELECT 1 FROM pg_constraint k JOIN pg_attribute a ON a.attrelid ="
                                + " k.conrelid AND a.attnum = ANY (k.conkey) WHERE k.contype = 'f'"
                                + " AND k.conrelid = to_regclass(?) AND a.attname = ?";
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, quote(table));
            s.setString(2, column);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    /**
     * The anonymization tried on a temporary copy of the table with its CHECK and NOT NULL
     * constraints and one row (none: nothing to try), rolled back whatever happens.
     */
    private static java.util.Optional<String> trial(
            Connection c, RetentionRule rule, Map<String, Column> columns) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        Savepoint start = c.setSavepoint();
        try (Statement s = c.createStatement()) {
            String copy = "lethe_retention_check";
            s.execute(
                    "CREATE TEMP TABLE "
                            + copy
                            + " (LIKE "
                            + quote(rule.table())
                            + " INCLUDING CONSTRAINTS INCLUDING DEFAULTS) ON COMMIT DROP");
            int rows =
                    s.executeUpdate(
                            "INSERT INTO "
                                    + copy
                                    + " SELECT * FROM "
                                    + quote(rule.table())
                                    + " LIMIT 1");
            if (rows == 0) {
                return java.util.Optional.empty();
            }
            StringBuilder sql = new StringBuilder("UPDATE " + copy + " SET ");
            List<String> values = new ArrayList<>();
            for (Map.Entry<String, AnonymizeMethod> a : rule.anonymize().entrySet()) {
                if (!values.isEmpty()) {
                    sql.append(", ");
                }
                boolean json = JSON.contains(columns.get(a.getKey()).type());
                sql.append(quote(a.getKey())).append(" = ?");
                values.add(a.getValue().replacement(rule.table(), "1", json));
            }
            try (PreparedStatement u = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < values.size(); i++) {
                    u.setObject(i + 1, values.get(i), java.sql.Types.OTHER);
                }
                u.executeUpdate();
            }
            return java.util.Optional.empty();
        } catch (SQLException e) {
            // the constraint's name, never the row's values
            return java.util.Optional.of(
                    "anonymizing a row breaks a constraint of "
                            + rule.table()
                            + " (SQL state "
                            + e.getSQLState()
                            + constraintOf(e)
                            + ")");
        } finally {
            c.rollback(start);
            c.rollback();
            c.setAutoCommit(auto);
        }
    }

    private static String constraintOf(SQLException e) {
        if (e instanceof org.postgresql.util.PSQLException p
                && p.getServerErrorMessage() != null
                && p.getServerErrorMessage().getConstraint() != null) {
            return ", constraint " + p.getServerErrorMessage().getConstraint();
        }
        if (e instanceof org.postgresql.util.PSQLException p
                && p.getServerErrorMessage() != null
                && p.getServerErrorMessage().getColumn() != null) {
            return ", column " + p.getServerErrorMessage().getColumn();
        }
        return "";
    }

    private static String method(AnonymizeMethod m) {
        return m.name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String quote(String identifier) {
        if (!identifier.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("not a plain identifier: " + identifier);
        }
        return "\"" + identifier + "\"";
    }
}
