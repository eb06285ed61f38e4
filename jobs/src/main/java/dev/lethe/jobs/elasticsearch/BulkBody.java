package dev.lethe.jobs.elasticsearch;

import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.json.JsonpMapper;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import jakarta.json.stream.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The wire form of one bulk request, written and read without the Java client's request model.
 *
 * <p>Measured (JFR, docs/benchmarks/history/discovery.md): building a {@code BulkRequest} of 1,000
 * operations through the client's builders and JSON-P generator, sending it as 2,000 chunked
 * buffers, and reading the full answer (index, id, version, shards, sequence numbers for every
 * item) into the client's model cost the sink a large part of its CPU next to a plain {@code _bulk}
 * loader. Here the action lines are written directly, the documents appended as they are (already
 * JSON), the body sent as one byte array, and Elasticsearch asked ({@value #FILTER_PATH}) to answer
 * only what {@link BulkOutcome} reads: each item's status and error.
 */
final class BulkBody {

    /** The {@code filter_path} of a bulk request: what {@link BulkOutcome} needs, no more. */
    static final String FILTER_PATH = "took,errors,items.*._index,items.*.status,items.*.error";

    private static final byte[] NEWLINE = {'\n'};

    private BulkBody() {}

    /** NDJSON: per operation an action line, and for an index operation its document line. */
    static byte[] ndjson(List<DocumentOperation> operations) {
        int size = 0;
        for (DocumentOperation op : operations) {
            size += (int) op.sizeInBytes() + 64;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        JsonStringEncoder json = JsonStringEncoder.getInstance();
        for (DocumentOperation op : operations) {
            boolean delete = op.kind() == DocumentOperation.Kind.DELETE;
            out.writeBytes(
                    ascii(delete ? "{\"delete\":{\"_index\":\"" : "{\"index\":{\"_index\":\""));
            out.writeBytes(json.quoteAsUTF8(op.index()));
            out.writeBytes(ascii("\",\"_id\":\""));
            out.writeBytes(json.quoteAsUTF8(op.id()));
            out.write('"');
            if (op.versioning() != DocumentOperation.Versioning.NONE) {
                out.writeBytes(ascii(",\"version\":" + op.version() + ",\"version_type\":\""));
                out.writeBytes(
                        ascii(
                                op.versioning() == DocumentOperation.Versioning.EXTERNAL
                                        ? "external"
                                        : "external_gte"));
                out.write('"');
            }
            out.writeBytes(ascii("}}\n"));
            if (!delete) {
                byte[] source = op.source();
                for (byte b : source) {
                    if (b == '\n' || b == '\r') {
                        throw new IllegalArgumentException(
                                "document "
                                        + op.index()
                                        + "/"
                                        + op.id()
                                        + " spans lines; a bulk request needs one line per"
                                        + " document");
                    }
                }
                out.writeBytes(source);
                out.writeBytes(NEWLINE);
            }
        }
        return out.toByteArray();
    }

    /** Reads a bulk answer (full or filtered by {@link #FILTER_PATH}) into the client's model. */
    static BulkResponse parse(InputStream answer, JsonpMapper mapper) {
        try (JsonParser parser = mapper.jsonProvider().createParser(answer)) {
            return BulkResponse._DESERIALIZER.deserialize(parser, mapper);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
