package dev.lethe.bench;

import dev.lethe.discovery.LocationDocument;
import dev.lethe.jobs.elasticsearch.DocumentOperation;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The baseline: {@link BenchLocations} documents straight into Elasticsearch's {@code _bulk} API,
 * the same index actions the discovery sink sends (index with the LSN as external version), a fixed
 * number of documents per request and of requests in flight. Nothing else: no Flink, no retries, no
 * per-document outcome handling beyond failing on any error.
 */
final class RawBulkLoader {

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI bulk;
    private final String authorization;

    RawBulkLoader(URI elasticsearch, String user, String password) {
        this.bulk = elasticsearch.resolve("/_bulk");
        this.authorization =
                user == null || password == null
                        ? null
                        : "Basic "
                                + Base64.getEncoder()
                                        .encodeToString(
                                                (user + ":" + password)
                                                        .getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Loads documents {@code [from, to)} into {@code index}.
     *
     * @return the seconds it took, from the first request to the last response
     */
    double load(String index, long from, long to, int perRequest, int inFlight) throws Exception {
        return load(from, to, perRequest, inFlight, (a, b) -> body(index, a, b));
    }

    /**
     * Sends {@code operations} (index or delete, with their own index names and versions), as the
     * Lethe sinks would, {@code perRequest} a request.
     *
     * @return the seconds it took, from the first request to the last response
     */
    double load(List<DocumentOperation> operations, int perRequest, int inFlight) throws Exception {
        return load(
                0,
                operations.size(),
                perRequest,
                inFlight,
                (a, b) -> body(operations.subList((int) a, (int) b)));
    }

    private interface Bodies {
        byte[] of(long from, long to);
    }

    private double load(long from, long to, int perRequest, int inFlight, Bodies bodies)
            throws Exception {
        Semaphore slots = new Semaphore(inFlight);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long t0 = System.nanoTime();
        for (long at = from; at < to && failure.get() == null; at += perRequest) {
            byte[] body = bodies.of(at, Math.min(to, at + perRequest));
            slots.acquire();
            send(body)
                    .whenComplete(
                            (ok, e) -> {
                                if (e != null) {
                                    failure.compareAndSet(null, e);
                                }
                                slots.release();
                            });
        }
        slots.acquire(inFlight);
        slots.release(inFlight);
        if (failure.get() != null) {
            throw new IllegalStateException("bulk load failed", failure.get());
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Sends documents {@code [from, to)} as one bulk request and waits for it. */
    void loadOnce(String index, long from, long to) throws Exception {
        send(body(index, from, to)).get();
    }

    private CompletableFuture<Void> send(byte[] body) {
        HttpRequest.Builder r =
                HttpRequest.newBuilder(bulk)
                        .timeout(Duration.ofMinutes(2))
                        .header("Content-Type", "application/x-ndjson")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null) {
            r.header("Authorization", authorization);
        }
        return http.sendAsync(r.build(), HttpResponse.BodyHandlers.ofString())
                .thenAccept(
                        resp -> {
                            String b = resp.body();
                            if (resp.statusCode() != 200) {
                                throw new IllegalStateException(
                                        "bulk request answered HTTP " + resp.statusCode());
                            }
                            // "errors" is the response's second field; a document-level failure
                            // (e.g. a version conflict) fails the benchmark
                            int at = b.indexOf("\"errors\":");
                            if (at < 0 || !b.startsWith("false", at + 9)) {
                                throw new IllegalStateException(
                                        "bulk request had rejected documents: " + errorTypes(b));
                            }
                        });
    }

    /** The distinct error types of a bulk response (never a reason: it may quote a value). */
    private static java.util.Set<String> errorTypes(String response) {
        java.util.Set<String> types = new java.util.TreeSet<>();
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("\"error\":\\{\"type\":\"([a-z_]+)\"")
                        .matcher(response);
        while (m.find()) {
            types.add(m.group(1));
        }
        return types;
    }

    private static byte[] body(List<DocumentOperation> operations) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(operations.size() * 1200);
        for (DocumentOperation op : operations) {
            StringBuilder action =
                    new StringBuilder("{\"")
                            .append(op.kind() == DocumentOperation.Kind.DELETE ? "delete" : "index")
                            .append("\":{\"_index\":\"")
                            .append(op.index())
                            .append("\",\"_id\":\"")
                            .append(op.id())
                            .append('"');
            if (op.versioning() != DocumentOperation.Versioning.NONE) {
                action.append(",\"version\":")
                        .append(op.version())
                        .append(",\"version_type\":\"")
                        .append(
                                op.versioning() == DocumentOperation.Versioning.EXTERNAL
                                        ? "external"
                                        : "external_gte")
                        .append('"');
            }
            action.append("}}\n");
            out.writeBytes(action.toString().getBytes(StandardCharsets.UTF_8));
            if (op.kind() != DocumentOperation.Kind.DELETE) {
                out.writeBytes(op.source());
                out.write('\n');
            }
        }
        return out.toByteArray();
    }

    private static byte[] body(String index, long from, long to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) (to - from) * 600);
        for (long i = from; i < to; i++) {
            LocationDocument d = BenchLocations.document(i);
            String action =
                    "{\"index\":{\"_index\":\""
                            + index
                            + "\",\"_id\":\""
                            + d.id()
                            + "\",\"version\":"
                            + d.sourceLsn()
                            + ",\"version_type\":\"external\"}}\n";
            out.writeBytes(action.getBytes(StandardCharsets.UTF_8));
            out.writeBytes(d.toJson());
            out.write('\n');
        }
        return out.toByteArray();
    }
}
