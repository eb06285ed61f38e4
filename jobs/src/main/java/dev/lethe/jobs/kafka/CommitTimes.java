package dev.lethe.jobs.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads {@code source.ts_ms} (the commit time) and the transaction from a Debezium envelope without
 * building a tree. The envelope's {@code before} and {@code after} rows, most of its bytes, are
 * passed over by a scan that follows only strings and nesting (no tokens, names or numbers are
 * parsed; it was a twentieth of the audit job's CPU as a Jackson skip); the small {@code source}
 * object is then read with Jackson. Anything unreadable gives {@link RawRecord#NO_COMMIT_TIME}; the
 * normalizer rejects such records with the proper reason later.
 */
public final class CommitTimes {

    private static final JsonFactory JSON = new JsonFactory();

    private static final byte[] SOURCE = "\"source\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRANSACTION = "\"transaction\"".getBytes(StandardCharsets.US_ASCII);

    private CommitTimes() {}

    public static long read(byte[] value) {
        return header(value).commitTimeMillis();
    }

    /**
     * What the jobs read of an envelope before the normalizer: the commit time ({@code
     * source.ts_ms}), the transaction ({@code source.txId}, the PostgreSQL transaction id) and the
     * event's position in it ({@code transaction.total_order}, present when the connector provides
     * transaction metadata).
     *
     * @param commitTimeMillis {@link RawRecord#NO_COMMIT_TIME} when unreadable
     * @param transactionId null when the envelope names none (a snapshot read may, too)
     * @param totalOrder -1 when the envelope has no transaction block
     */
    public record Header(long commitTimeMillis, String transactionId, long totalOrder) {
        static final Header NONE = new Header(RawRecord.NO_COMMIT_TIME, null, -1);
    }

    /** The envelope's {@link Header}; anything unreadable is left out, never an exception. */
    public static Header header(byte[] value) {
        if (value == null || value.length == 0) {
            return Header.NONE;
        }
        int[] at = topLevelObjects(value, SOURCE, TRANSACTION);
        long[] commitTime = {RawRecord.NO_COMMIT_TIME};
        String[] transactionId = {null};
        long[] totalOrder = {-1};
        boolean sourceRead =
                at[0] < 0
                        || readFields(
                                value,
                                at[0],
                                (field, token, p) -> {
                                    if (field.equals("ts_ms")
                                            && token == JsonToken.VALUE_NUMBER_INT) {
                                        commitTime[0] = p.getLongValue();
                                    } else if (field.equals("txId")
                                            && token == JsonToken.VALUE_NUMBER_INT) {
                                        transactionId[0] = Long.toString(p.getLongValue());
                                    }
                                });
        if (!sourceRead) {
            return Header.NONE;
        }
        if (at[1] >= 0
                && !readFields(
                        value,
                        at[1],
                        (field, token, p) -> {
                            if (field.equals("total_order")
                                    && token == JsonToken.VALUE_NUMBER_INT) {
                                totalOrder[0] = p.getLongValue();
                            }
                        })) {
            totalOrder[0] = -1;
        }
        return new Header(commitTime[0], transactionId[0], totalOrder[0]);
    }

    /** What to do with one field of an object: its name, first token, and the parser on it. */
    private interface FieldReader {
        void read(String field, JsonToken token, JsonParser parser) throws IOException;
    }

    /** Hands each field of the object opening at {@code at} to {@code reader}; false if broken. */
    private static boolean readFields(byte[] value, int at, FieldReader reader) {
        try (JsonParser p = JSON.createParser(value, at, value.length - at)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return true;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken token = p.nextToken();
                reader.read(field, token, p);
                p.skipChildren();
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * For each name, the offset of the {@code {} that opens the value of the first top-level field
     * of that name (with its quotes, as written) whose value is an object, or -1 when there is none
     * or the document's structure is broken: it must be one object whose brackets match (up to the
     * point where every name is found). One pass over the document, whatever the number of names.
     * Inside a
     * JSON string every quote is escaped, so a quote outside one always starts a string; a string
     * at depth 1 followed by a colon is a top-level field name. Strings and nesting are all it
     * follows: the tokens between them are the normalizer's to check.
     */
    static int[] topLevelObjects(byte[] json, byte[]... quotedNames) {
        int[] found = new int[quotedNames.length];
        java.util.Arrays.fill(found, -1);
        int missing = quotedNames.length;
        int n = json.length;
        int first = skipWhitespace(json, 0);
        if (first >= n || json[first] != '{') {
            return found;
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
                int name = depth == 1 && i < n ? nameAt(json, start, i, quotedNames) : -1;
                if (name >= 0 && found[name] < 0) {
                    int colon = skipWhitespace(json, i + 1);
                    if (colon < n && json[colon] == ':') {
                        int open = skipWhitespace(json, colon + 1);
                        if (open < n && json[open] == '{') {
                            found[name] = open;
                            if (--missing == 0) {
                                return found;
                            }
                        }
                    }
                }
            } else if (c == '{' || c == '[') {
                if (depth == Long.SIZE) {
                    return unfound(found);
                }
                arrays = c == '[' ? arrays | (1L << depth) : arrays & ~(1L << depth);
                depth++;
            } else if (c == '}' || c == ']') {
                if (depth == 0) {
                    return unfound(found);
                }
                depth--;
                boolean array = (arrays & (1L << depth)) != 0;
                if (array != (c == ']')) {
                    return unfound(found); // a bracket closed by the other kind
                }
                if (depth == 0) {
                    return found; // the document ended: what was found is all there is
                }
            }
        }
        return unfound(found); // the document never ended
    }

    /** Nothing counts of a document whose structure is broken. */
    private static int[] unfound(int[] found) {
        java.util.Arrays.fill(found, -1);
        return found;
    }

    /** Which of the names the string from {@code start} to the quote at {@code end} is, or -1. */
    private static int nameAt(byte[] json, int start, int end, byte[][] quotedNames) {
        for (int k = 0; k < quotedNames.length; k++) {
            if (end - start + 1 == quotedNames[k].length && named(json, start, quotedNames[k])) {
                return k;
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
