package dev.lethe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.local.LocalStack;
import dev.lethe.normalize.HelpdeskTables;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Requests of incremental snapshots through Debezium's source signalling channel: a row in the
 * helpdesk database's {@code lethe_signal} table (the connector's {@code signal.data.collection}),
 * which Debezium reads from the WAL like any change and answers by snapshotting the named tables
 * chunk by chunk while capture goes on. A request names tables only, never a value.
 */
final class SnapshotSignals {

    static final String SCHEMA = "public";
    static final String SIGNAL_TABLE = "lethe_signal";

    /** The connector's {@code signal.data.collection}. */
    static final String SIGNAL_COLLECTION = SCHEMA + "." + SIGNAL_TABLE;

    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private SnapshotSignals() {}

    /**
     * The tables of the connector's {@code table.include.list} (comma-separated regular expressions
     * over {@code schema.table}) that the jobs read: those whose snapshot reaches the audit log.
     */
    static Set<String> captured(JsonNode connectorConfig) {
        String include = connectorConfig.path("table.include.list").asText("");
        List<Pattern> patterns = new ArrayList<>();
        for (String p : include.split(",")) {
            if (!p.isBlank()) {
                patterns.add(Pattern.compile(p.trim()));
            }
        }
        Set<String> captured = new TreeSet<>();
        for (String table : HelpdeskTables.COLUMNS.keySet()) {
            if (patterns.stream().anyMatch(p -> p.matcher(SCHEMA + "." + table).matches())) {
                captured.add(table);
            }
        }
        return captured;
    }

    /**
     * The data collections ({@code public.<table>}) of a request, in the order given, each once.
     *
     * @throws IllegalArgumentException naming the first table that cannot be snapshotted and what
     *     to do about it
     */
    static List<String> collections(
            List<String> tables, PersonalDataCatalog catalog, Set<String> captured) {
        if (tables == null || tables.isEmpty()) {
            throw new IllegalArgumentException(
                    "name at least one table: ./lethe snapshot --table tickets");
        }
        Set<String> out = new LinkedHashSet<>();
        for (String given : tables) {
            String table =
                    given.startsWith(SCHEMA + ".") ? given.substring(SCHEMA.length() + 1) : given;
            if (!NAME.matcher(table).matches()) {
                throw new IllegalArgumentException(
                        "--table must name a table of schema public like tickets or public.tickets"
                                + " (lower-case letters, digits, _), got '"
                                + given
                                + "'");
            }
            if (catalog.table(table).isEmpty()) {
                throw new IllegalArgumentException(
                        "table "
                                + table
                                + " is not in the personal-data catalog: declare and classify its"
                                + " columns in config/personal-data-catalog.yaml, capture it, then"
                                + " snapshot it");
            }
            if (!captured.contains(table)) {
                throw new IllegalArgumentException(
                        "table "
                                + table
                                + " is in the catalog but not captured (captured: "
                                + String.join(", ", captured)
                                + "): add it to table.include.list in"
                                + " connectors/register-helpdesk.json and to the tables the jobs"
                                + " read (dev.lethe.normalize.HelpdeskTables), run ./lethe up,"
                                + " then snapshot it");
            }
            out.add(SCHEMA + "." + table);
        }
        return List.copyOf(out);
    }

    /** The signal's {@code data}: {@code {"data-collections": [...], "type": "incremental"}}. */
    static String data(List<String> collections) {
        ObjectNode data = JSON.createObjectNode();
        var list = data.putArray("data-collections");
        collections.forEach(list::add);
        data.put("type", "incremental");
        try {
            return JSON.writeValueAsString(data);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes an {@code execute-snapshot} signal for {@code collections}; Debezium starts the
     * snapshot when it reads the row from the WAL (at once while the connector runs, else when it
     * runs again).
     *
     * @return the signal's id (Debezium's notifications of the snapshot carry it)
     * @throws LocalStack.StackException when the database has no signalling table
     */
    static String send(Connection c, List<String> collections) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL"); ) {
            ps.setString(1, SIGNAL_COLLECTION);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !rs.getBoolean(1)) {
                    throw new LocalStack.StackException(
                            "the helpdesk database has no signalling table "
                                    + SIGNAL_COLLECTION
                                    + ": ./lethe up creates it (helpdesk migration V4); on a"
                                    + " database whose schema Lethe does not migrate, create it as"
                                    + " docs/operations.md says (\"Adopting an existing"
                                    + " helpdesk\")");
                }
            }
        }
        String id = "lethe-snapshot-" + UUID.randomUUID();
        try (PreparedStatement ps =
                c.prepareStatement(
                        "INSERT INTO "
                                + SIGNAL_COLLECTION
                                + " (id, type, data) VALUES (?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, "execute-snapshot");
            ps.setString(3, data(collections));
            ps.executeUpdate();
        }
        return id;
    }
}
