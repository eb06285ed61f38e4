package dev.lethe.normalize;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.discovery.PersonalDataInText;
import dev.lethe.events.Actor;
import dev.lethe.events.SourcePosition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One migration of one helpdesk table, as the {@code lethe.schema} logical-decoding message of the
 * migration's transaction says it (helpdesk migration {@code V6__lethe_schema_migrations.sql}): the
 * command, what it did to the table's columns and publications, and who ran it. Column names and
 * types only, never values.
 *
 * @param command the command tag: {@code ALTER TABLE}, {@code CREATE TABLE}, {@code DROP TABLE},
 *     {@code ALTER PUBLICATION}, ...
 * @param table the table's name after the command (before it, for a dropped table); {@code null}
 *     only when {@code change} is {@value #UNKNOWN}
 * @param change {@value #CREATED}, {@value #DROPPED}, {@value #ALTERED}, {@value #PUBLISHED} (only
 *     its publications changed) or {@value #UNKNOWN} (the trigger could not read the catalog)
 * @param renamedFrom the table's earlier name when the command renamed it, else {@code null}
 * @param added columns added, as {@code name type[ NOT NULL]}
 * @param removed columns removed, same form
 * @param renamed {@code old -> new} per renamed column
 * @param retyped {@code name: old type -> new type} per column whose type or NOT NULL changed
 * @param columns every column after the command, in order
 * @param publications the publications holding the table after the command
 * @param published publications the table was added to
 * @param unpublished publications the table was removed from
 * @param reason why the change is {@value #UNKNOWN}, else {@code null}
 * @param actor who ran the command (withheld where it holds an identifier)
 * @param source the message's position: its LSN, transaction, commit time and raw record
 */
public record SchemaMigration(
        String command,
        String table,
        String change,
        String renamedFrom,
        List<String> added,
        List<String> removed,
        List<String> renamed,
        List<String> retyped,
        List<String> columns,
        List<String> publications,
        List<String> published,
        List<String> unpublished,
        String reason,
        Actor actor,
        SourcePosition source) {

    /** Prefix of the logical-decoding message that describes a migration. */
    public static final String MESSAGE_PREFIX = "lethe.schema";

    public static final String CREATED = "created";
    public static final String DROPPED = "dropped";
    public static final String ALTERED = "altered";
    public static final String PUBLISHED = "published";
    public static final String UNKNOWN = "unknown";

    private static final Set<String> CHANGES =
            Set.of(CREATED, DROPPED, ALTERED, PUBLISHED, UNKNOWN);

    /** PostgreSQL allows 1,600 columns; a message listing more is not the trigger's. */
    private static final int MAX_ITEMS = 1_600;

    /** An identifier is at most 63 bytes; a type name with modifiers stays well within this. */
    private static final int MAX_ITEM_CHARS = 512;

    /** The message content's bound: every list at its largest would not come near it. */
    static final int MAX_CONTENT_BYTES = 4 * 1024 * 1024;

    /** A command tag: upper-case words. */
    private static final Pattern COMMAND = Pattern.compile("[A-Z]+( [A-Z]+){0,3}");

    private static final ObjectMapper JSON = new ObjectMapper();

    public SchemaMigration {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(source, "source");
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        renamed = List.copyOf(renamed);
        retyped = List.copyOf(retyped);
        columns = List.copyOf(columns);
        publications = List.copyOf(publications);
        published = List.copyOf(published);
        unpublished = List.copyOf(unpublished);
    }

    /** Column names as they are listed in {@code columns}: each item's first word. */
    public static List<String> names(List<String> typedColumns) {
        List<String> names = new ArrayList<>(typedColumns.size());
        for (String c : typedColumns) {
            int space = c.indexOf(' ');
            names.add(space < 0 ? c : c.substring(0, space));
        }
        return names;
    }

    /**
     * Reads a {@code lethe.schema} message's content.
     *
     * @throws IllegalArgumentException naming what is wrong (never quoting the content)
     */
    static SchemaMigration read(byte[] content, SourcePosition source) {
        if (content.length > MAX_CONTENT_BYTES) {
            throw new IllegalArgumentException(
                    "schema message content is "
                            + content.length
                            + " bytes, more than any migration's");
        }
        JsonNode m;
        try {
            m = JSON.readTree(content);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("schema message content is not valid JSON");
        } catch (IOException e) {
            throw new UncheckedIOException("reading a byte array cannot fail", e);
        }
        if (m == null || !m.isObject()) {
            throw new IllegalArgumentException("schema message content is not a JSON object");
        }
        String command = text(m, "command", true);
        if (!COMMAND.matcher(command).matches()) {
            throw new IllegalArgumentException("schema message command is not a command tag");
        }
        String change = text(m, "change", true);
        if (!CHANGES.contains(change)) {
            throw new IllegalArgumentException(
                    "schema message change is none of " + new java.util.TreeSet<>(CHANGES));
        }
        String table = text(m, "table", !UNKNOWN.equals(change));
        JsonNode actorNode = m.get("actor");
        if (actorNode == null || !actorNode.isObject()) {
            throw new IllegalArgumentException("schema message has no actor object");
        }
        String actorType = text(actorNode, "type", true);
        Actor actor =
                new Actor(
                        PersonalDataInText.idOrWithheld(actorType),
                        PersonalDataInText.idOrWithheld(text(actorNode, "id", false)),
                        PersonalDataInText.textOrWithheld(text(actorNode, "reason", false)));
        return new SchemaMigration(
                command,
                table,
                change,
                text(m, "renamedFrom", false),
                list(m, "added"),
                list(m, "removed"),
                list(m, "renamed"),
                list(m, "retyped"),
                list(m, "columns"),
                list(m, "publications"),
                list(m, "published"),
                list(m, "unpublished"),
                text(m, "reason", false),
                actor,
                source);
    }

    private static String text(JsonNode node, String field, boolean required) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new IllegalArgumentException("schema message has no " + field);
            }
            return null;
        }
        if (!v.isTextual() && !v.isNumber()) {
            throw new IllegalArgumentException("schema message " + field + " is not a string");
        }
        String text = v.asText();
        if (text.length() > MAX_ITEM_CHARS) {
            throw new IllegalArgumentException(
                    "schema message "
                            + field
                            + " is longer than "
                            + MAX_ITEM_CHARS
                            + " characters");
        }
        if (required && text.isBlank()) {
            throw new IllegalArgumentException("schema message " + field + " is empty");
        }
        return text;
    }

    private static List<String> list(JsonNode m, String field) {
        JsonNode v = m.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new IllegalArgumentException("schema message " + field + " is not an array");
        }
        if (v.size() > MAX_ITEMS) {
            throw new IllegalArgumentException(
                    "schema message " + field + " has more than " + MAX_ITEMS + " items");
        }
        List<String> items = new ArrayList<>(v.size());
        for (JsonNode item : v) {
            if (!item.isTextual() || item.asText().length() > MAX_ITEM_CHARS) {
                throw new IllegalArgumentException(
                        "schema message " + field + " holds an item that is not a short string");
            }
            items.add(item.asText());
        }
        return items;
    }
}
