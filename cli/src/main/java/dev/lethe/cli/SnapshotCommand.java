package dev.lethe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.local.Http;
import dev.lethe.local.LocalStack;
import dev.lethe.local.StackOptions;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "snapshot",
        description = {
            "Asks the capture connector for an incremental snapshot of captured tables (Debezium's"
                    + " execute-snapshot signal, written to the helpdesk database's lethe_signal"
                    + " table): every row of each table reaches the audit log as a SNAPSHOT change,"
                    + " chunk by chunk, while capture goes on. For a table added to the catalog and"
                    + " to capture after the initial snapshot. ./lethe status shows its progress.",
            "Exit code 0 when the request is written, 2 for a table that cannot be snapshotted."
        },
        mixinStandardHelpOptions = true)
final class SnapshotCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(
            names = "--table",
            required = true,
            paramLabel = "TABLE",
            description =
                    "A captured table of the catalog, e.g. tickets or public.tickets; repeat for"
                            + " more (one snapshot, in the order given).")
    List<String> tables;

    @Option(names = "--json", description = "Print the request as one JSON object.")
    boolean json;

    @Mixin StackOptions options;

    @Override
    public Integer call() throws Exception {
        StackSettings s = options.resolve();
        JsonNode registered = registeredConfig(s);
        JsonNode live = liveConfig(s);
        JsonNode config = live != null ? live : registered;
        List<String> collections =
                SnapshotSignals.collections(
                        tables,
                        PersonalDataCatalog.loadDefault(),
                        SnapshotSignals.captured(config));
        if (live != null
                && !SnapshotSignals.SIGNAL_COLLECTION.equals(
                        live.path("signal.data.collection").asText())) {
            throw new LocalStack.StackException(
                    "the connector '"
                            + StackSettings.CONNECTOR
                            + "' runs without signal.data.collection="
                            + SnapshotSignals.SIGNAL_COLLECTION
                            + ": run ./lethe up, which registers connectors/register-helpdesk.json"
                            + " again");
        }
        String id;
        try (Connection c = StackProbe.connectPostgres(s)) {
            id = SnapshotSignals.send(c, collections);
        }
        String connector = connectorState(s);
        if (json) {
            ObjectNode root = JSON.createObjectNode();
            root.put("signal", id);
            root.put("type", "execute-snapshot");
            root.put("snapshot", "incremental");
            var list = root.putArray("collections");
            collections.forEach(list::add);
            root.put("connector", connector);
            System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        } else {
            System.out.println(
                    "requested an incremental snapshot of "
                            + String.join(", ", collections)
                            + " (signal "
                            + id
                            + "); ./lethe status shows its progress");
            if (!"RUNNING".equals(connector)) {
                System.out.println(
                        "the connector is "
                                + connector
                                + ": the snapshot starts when it runs again and reads the request");
            }
        }
        return 0;
    }

    /** The connector's configuration as this checkout registers it. */
    private static JsonNode registeredConfig(StackSettings s) throws IOException {
        Path file = s.home().resolve("connectors/register-helpdesk.json");
        if (!Files.isRegularFile(file)) {
            throw new LocalStack.StackException(
                    "connectors/register-helpdesk.json not found under "
                            + s.home()
                            + ": run ./lethe from the Lethe checkout or set -Dlethe.home");
        }
        return JSON.readTree(file.toFile()).path("config");
    }

    /** The configuration the connector runs with, or null when Connect does not answer. */
    private static JsonNode liveConfig(StackSettings s) {
        try {
            Http.Response r = Http.get(s.connectorUrl("config"), null);
            return r.ok() ? JSON.readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String connectorState(StackSettings s) {
        try {
            Http.Response r = Http.get(s.connectorUrl("status"), null);
            if (r.status() == 404) {
                return "not registered";
            }
            return r.ok()
                    ? JSON.readTree(r.body()).path("connector").path("state").asText("unknown")
                    : "unknown (Connect answered HTTP " + r.status() + ")";
        } catch (IOException e) {
            return "unknown (Connect did not answer)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
