package dev.lethe.jobs.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Reads {@code source.ts_ms} (the commit time) from a Debezium envelope without building a tree:
 * skips {@code before}/{@code after} and stops at the value. Anything unreadable gives {@link
 * RawRecord#NO_COMMIT_TIME}; the normalizer rejects such records with the proper reason later.
 */
public final class CommitTimes {

    private static final JsonFactory JSON = new JsonFactory();

    private CommitTimes() {}

    public static long read(byte[] value) {
        if (value == null || value.length == 0) {
            return RawRecord.NO_COMMIT_TIME;
        }
        try (JsonParser p = JSON.createParser(value)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return RawRecord.NO_COMMIT_TIME;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken token = p.nextToken();
                if (field.equals("source") && token == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String inner = p.currentName();
                        JsonToken t = p.nextToken();
                        if (inner.equals("ts_ms") && t == JsonToken.VALUE_NUMBER_INT) {
                            return p.getLongValue();
                        }
                        p.skipChildren();
                    }
                    return RawRecord.NO_COMMIT_TIME;
                }
                p.skipChildren();
            }
        } catch (IOException e) {
            return RawRecord.NO_COMMIT_TIME;
        }
        return RawRecord.NO_COMMIT_TIME;
    }
}
