package dev.lethe.jobs.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads {@code source.ts_ms} (the commit time) from a Debezium envelope without building a tree.
 * The envelope's {@code before} and {@code after} rows, most of its bytes, are passed over by a
 * scan that follows only strings and nesting (no tokens, names or numbers are parsed; it was a
 * twentieth of the audit job's CPU as a Jackson skip); the small {@code source} object is then read
 * with Jackson. Anything unreadable gives {@link RawRecord#NO_COMMIT_TIME}; the normalizer rejects
 * such records with the proper reason later.
 */
public final class CommitTimes {

    private static final JsonFactory JSON = new JsonFactory();

    private static final byte[] SOURCE = "\"source\"".getBytes(StandardCharsets.US_ASCII);

    private CommitTimes() {}

    public static long read(byte[] value) {
        if (value == null || value.length == 0) {
            return RawRecord.NO_COMMIT_TIME;
        }
        int source = topLevelObject(value, SOURCE);
        if (source < 0) {
            return RawRecord.NO_COMMIT_TIME;
        }
        try (JsonParser p = JSON.createParser(value, source, value.length - source)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return RawRecord.NO_COMMIT_TIME;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken token = p.nextToken();
                if (field.equals("ts_ms") && token == JsonToken.VALUE_NUMBER_INT) {
                    return p.getLongValue();
                }
                p.skipChildren();
            }
        } catch (IOException e) {
            return RawRecord.NO_COMMIT_TIME;
        }
        return RawRecord.NO_COMMIT_TIME;
    }

    /**
     * The offset of the {@code {} that opens the value of the first top-level field named {@code
     * quotedName} (with its quotes, as written) whose value is an object, or -1 when there is none
     * or the document's structure is broken: it must be one object whose brackets match. Inside a
     * JSON string every quote is escaped, so a quote outside one always starts a string; a string
     * at depth 1 followed by a colon is a top-level field name. Strings and nesting are all it
     * follows: the tokens between them are the normalizer's to check.
     */
    static int topLevelObject(byte[] json, byte[] quotedName) {
        int n = json.length;
        int first = skipWhitespace(json, 0);
        if (first >= n || json[first] != '{') {
            return -1;
        }
        // which brackets are open, one bit a level (1 = array): 64 levels, more is given up on
        long arrays = 0;
        int depth = 0;
        for (int i = first; i < n; i++) {
            byte c = json[i];
            if (c == '"') {
                int start = i;
                for (i++; i < n && json[i] != '"'; i++) {
                    if (json[i] == '\\') {
                        i++; // the escaped character, a quote included
                    }
                }
                if (depth == 1
                        && i < n
                        && i - start + 1 == quotedName.length
                        && named(json, start, quotedName)) {
                    int colon = skipWhitespace(json, i + 1);
                    if (colon < n && json[colon] == ':') {
                        int open = skipWhitespace(json, colon + 1);
                        if (open < n && json[open] == '{') {
                            return open;
                        }
                    }
                }
            } else if (c == '{' || c == '[') {
                if (depth == Long.SIZE) {
                    return -1;
                }
                arrays = c == '[' ? arrays | (1L << depth) : arrays & ~(1L << depth);
                depth++;
            } else if (c == '}' || c == ']') {
                if (depth == 0) {
                    return -1;
                }
                depth--;
                boolean array = (arrays & (1L << depth)) != 0;
                if (array != (c == ']') || depth == 0) {
                    return -1; // a bracket closed by the other kind, or the document ended
                }
            }
        }
        return -1;
    }

    private static boolean named(byte[] json, int at, byte[] quotedName) {
        for (int k = 0; k < quotedName.length; k++) {
            if (json[at + k] != quotedName[k]) {
                return false;
            }
        }
        return true;
    }

    private static int skipWhitespace(byte[] json, int i) {
        while (i < json.length
                && (json[i] == ' ' || json[i] == '\n' || json[i] == '\r' || json[i] == '\t')) {
            i++;
        }
        return i;
    }
}
