package dev.lethe.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Registers a connector from its {@code register-<name>.json} through Connect's REST API. The
 * distributed herder joins its group asynchronously, so the PUT is retried until accepted.
 */
public final class ConnectorRegistration {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ConnectorRegistration() {}

    public static void register(URI connect, Path registrationFile, Duration timeout)
            throws Exception {
        JsonNode reg = JSON.readTree(registrationFile.toFile());
        String name = reg.path("name").asText();
        if (name.isEmpty() || !reg.path("config").isObject()) {
            throw new IllegalArgumentException(
                    registrationFile + " must be {\"name\": ..., \"config\": {...}}");
        }
        URI uri = connect.resolve("/connectors/" + name + "/config");
        String body = JSON.writeValueAsString(reg.path("config"));
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                Http.Response r = Http.put(uri, body, null);
                if (r.ok()) {
                    return;
                }
                last = "HTTP " + r.status() + ": " + r.body();
                if (r.status() == 400 || r.status() == 422) {
                    throw new IllegalStateException(
                            "Connect rejected " + registrationFile + ": " + r.body());
                }
            } catch (java.io.IOException e) {
                last = StackProbe.reason(e);
            }
            Thread.sleep(500);
        }
        throw new LocalStack.StackException(
                "could not register connector '" + name + "' at " + connect + ": " + last);
    }
}
