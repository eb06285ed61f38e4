package dev.lethe.connectors.capture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.transforms.Transformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka Connect transformation for Debezium change events: the values of encrypted custom fields
 * never leave the helpdesk in plaintext. In the JSON column {@code column} of the tables {@code
 * tables} (by default {@code tickets.custom_fields}), the value of every key that is marked
 * encrypted is replaced, in {@code before} and {@code after}, by {@code lethe-masked:} and a keyed
 * digest (HMAC-SHA256 under {@code secret}, over the key name and the value's JSON text, first 16
 * bytes, base64url). So the raw topics, and everything read from them (the audit log, the discovery
 * index, dead letters), show that such a value changed, never what it is; without the secret the
 * digest cannot be tested against guesses.
 *
 * <p>Which keys are encrypted: the fallback list {@code keys} (the catalog's {@code
 * encrypted_keys}), the definitions table's rows with {@code encrypted = true} read once at start
 * (over {@code definitions.jdbc.*}, when configured), and every definition the stream itself
 * carries as it is inserted or marked encrypted (change events of {@code definitions.table} pass
 * through this transformation in commit order, before the tickets that use them). A key stays
 * masked until the connector restarts after its definition is no longer encrypted. A column value
 * that is not a JSON object is masked whole.
 */
public final class MaskEncryptedFields<R extends ConnectRecord<R>> implements Transformation<R> {

    private static final Logger LOG = LoggerFactory.getLogger(MaskEncryptedFields.class);

    /** What a masked value starts with. */
    public static final String PREFIX = "lethe-masked:";

    /** The least length of the secret (e.g. 32 random bytes in base64url are 43 characters). */
    static final int MIN_SECRET_LENGTH = CaptureSecret.MIN_LENGTH;

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");

    public static final String SECRET = "secret";
    public static final String TABLES = "tables";
    public static final String COLUMN = "column";
    public static final String KEYS = "keys";
    public static final String DEFINITIONS_TABLE = "definitions.table";
    public static final String DEFINITIONS_URL = "definitions.jdbc.url";
    public static final String DEFINITIONS_USER = "definitions.jdbc.user";
    public static final String DEFINITIONS_PASSWORD = "definitions.jdbc.password";

    static final ConfigDef CONFIG =
            CaptureSecret.definition(SECRET, "encrypted values")
                    .define(
                            TABLES,
                            ConfigDef.Type.LIST,
                            "tickets",
                            ConfigDef.Importance.MEDIUM,
                            "Tables whose JSON column holds custom field values.")
                    .define(
                            COLUMN,
                            ConfigDef.Type.STRING,
                            "custom_fields",
                            ConfigDef.Importance.MEDIUM,
                            "The JSON column keyed by custom field name.")
                    .define(
                            KEYS,
                            ConfigDef.Type.LIST,
                            "",
                            ConfigDef.Importance.HIGH,
                            "Keys always masked (the catalog's encrypted_keys).")
                    .define(
                            DEFINITIONS_TABLE,
                            ConfigDef.Type.STRING,
                            "custom_field_definitions",
                            ConfigDef.Importance.MEDIUM,
                            "Table of the field definitions (columns name, encrypted).")
                    .define(
                            DEFINITIONS_URL,
                            ConfigDef.Type.STRING,
                            "",
                            ConfigDef.Importance.MEDIUM,
                            "JDBC URL to read the encrypted definitions at start (empty: none).")
                    .define(
                            DEFINITIONS_USER,
                            ConfigDef.Type.STRING,
                            "",
                            ConfigDef.Importance.LOW,
                            "User for definitions.jdbc.url.")
                    .define(
                            DEFINITIONS_PASSWORD,
                            ConfigDef.Type.PASSWORD,
                            "",
                            ConfigDef.Importance.LOW,
                            "Password for definitions.jdbc.url.");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Set<String> encryptedKeys = ConcurrentHashMap.newKeySet();
    private Set<String> tables = Set.of();
    private String column;
    private String definitionsTable;
    private Mac mac;

    @Override
    public void configure(Map<String, ?> configs) {
        Map<String, Object> values = CONFIG.parse(configs);
        mac = CaptureSecret.hmac(SECRET, values);
        @SuppressWarnings("unchecked")
        List<String> t = (List<String>) values.get(TABLES);
        tables = Set.copyOf(t);
        column = (String) values.get(COLUMN);
        definitionsTable = (String) values.get(DEFINITIONS_TABLE);
        if (!IDENTIFIER.matcher(definitionsTable).matches()) {
            throw new ConfigException(
                    DEFINITIONS_TABLE, definitionsTable, "must be a lower-case SQL identifier");
        }
        @SuppressWarnings("unchecked")
        List<String> keys = (List<String>) values.get(KEYS);
        encryptedKeys.addAll(keys);
        String url = (String) values.get(DEFINITIONS_URL);
        if (!url.isBlank()) {
            encryptedKeys.addAll(
                    readDefinitions(
                            url,
                            (String) values.get(DEFINITIONS_USER),
                            ((Password) values.get(DEFINITIONS_PASSWORD)).value()));
        }
        LOG.info(
                "masking {} encrypted custom field key(s) in {}.{}",
                encryptedKeys.size(),
                tables,
                column);
    }

    private Set<String> readDefinitions(String url, String user, String password) {
        Set<String> found = new HashSet<>();
        try (Connection c = DriverManager.getConnection(url, user, password);
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT name FROM " + definitionsTable + " WHERE encrypted")) {
            while (rs.next()) {
                found.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new ConfigException(
                    "cannot read the encrypted field definitions from "
                            + definitionsTable
                            + " (SQL state "
                            + e.getSQLState()
                            + "); check "
                            + DEFINITIONS_URL
                            + " and its user");
        }
        return found;
    }

    /** The keys masked now (for tests and the log). */
    Set<String> encryptedKeys() {
        return Set.copyOf(encryptedKeys);
    }

    @Override
    public R apply(R record) {
        if (!(record.value() instanceof Struct value)) {
            return record; // tombstones, heartbeats without a struct
        }
        Schema schema = value.schema();
        if (schema.field("source") == null
                || schema.field("after") == null
                || schema.field("before") == null
                || !(value.get("source") instanceof Struct source)
                || source.schema().field("table") == null) {
            return record; // not a row change (e.g. a logical decoding message)
        }
        String table = source.getString("table");
        if (definitionsTable.equals(table)) {
            learn(value.getStruct("after"));
            return record;
        }
        if (!tables.contains(table)) {
            return record;
        }
        Struct before = masked(value.getStruct("before"));
        Struct after = masked(value.getStruct("after"));
        if (before == value.getStruct("before") && after == value.getStruct("after")) {
            return record;
        }
        Struct copy =
                ChangeEventCopies.with(
                        ChangeEventCopies.with(value, "before", before), "after", after);
        return ChangeEventCopies.withValue(record, copy);
    }

    private void learn(Struct definition) {
        if (definition == null
                || definition.schema().field("name") == null
                || definition.schema().field("encrypted") == null) {
            return;
        }
        Object name = definition.get("name");
        if (Boolean.TRUE.equals(definition.get("encrypted")) && name instanceof String n) {
            if (encryptedKeys.add(n)) {
                LOG.info("custom field definition {} is encrypted: its values are masked", n);
            }
        }
    }

    /** The row with its JSON column masked, or the same row when nothing needs masking. */
    private Struct masked(Struct row) {
        if (row == null || row.schema().field(column) == null) {
            return row;
        }
        Object raw = row.get(column);
        if (!(raw instanceof String json)) {
            return row;
        }
        String masked = mask(json);
        if (masked.equals(json)) {
            return row;
        }
        return ChangeEventCopies.with(row, column, masked);
    }

    /** The JSON text with every encrypted key's value replaced by its digest. */
    String mask(String json) {
        JsonNode tree;
        try {
            tree = JSON.readTree(json);
        } catch (java.io.IOException e) {
            tree = null;
        }
        if (!(tree instanceof ObjectNode object)) {
            // not an object of fields: nothing tells which part is safe
            return JSON.getNodeFactory().textNode(digest("", json)).toString();
        }
        List<String> toMask = new ArrayList<>();
        object.fieldNames()
                .forEachRemaining(
                        key -> {
                            if (encryptedKeys.contains(key) && !object.get(key).isNull()) {
                                toMask.add(key);
                            }
                        });
        for (String key : toMask) {
            // a value that merely looks masked is masked again: nothing written passes as is
            object.put(key, digest(key, object.get(key).toString()));
        }
        return toMask.isEmpty() ? json : object.toString();
    }

    private String digest(String key, String valueJson) {
        mac.reset();
        mac.update(key.getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 0);
        byte[] d = mac.doFinal(valueJson.getBytes(StandardCharsets.UTF_8));
        return PREFIX + CaptureSecret.encoded(d);
    }

    @Override
    public ConfigDef config() {
        return CONFIG;
    }

    @Override
    public void close() {}
}
