package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.local.LocalStack;
import dev.lethe.normalize.HelpdeskTables;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SnapshotSignalsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final PersonalDataCatalog catalog = PersonalDataCatalog.loadDefault();

    /** The connector as this checkout registers it (tests run in the cli module's directory). */
    private static JsonNode registered() throws Exception {
        return JSON.readTree(Path.of("../connectors/register-helpdesk.json").toFile())
                .path("config");
    }

    @Test
    void theConnectorCapturesEveryTableTheJobsReadAndNamesTheSignalTable() throws Exception {
        JsonNode config = registered();
        assertThat(SnapshotSignals.captured(config))
                .containsExactlyInAnyOrderElementsOf(HelpdeskTables.COLUMNS.keySet());
        assertThat(config.path("signal.data.collection").asText())
                .isEqualTo(SnapshotSignals.SIGNAL_COLLECTION);
        assertThat(config.path("signal.enabled.channels").asText()).contains("source");
        assertThat(config.path("notification.sink.topic.name").asText())
                .isEqualTo(SnapshotProgress.NOTIFICATION_TOPIC);
        assertThat(config.path("notification.enabled.channels").asText()).contains("sink");
    }

    @Test
    void aRequestNamesEachTableOnceWithItsSchema() throws Exception {
        Set<String> captured = SnapshotSignals.captured(registered());
        assertThat(
                        SnapshotSignals.collections(
                                List.of("tickets", "public.consents", "tickets"),
                                catalog,
                                captured))
                .containsExactly("public.tickets", "public.consents");
    }

    @Test
    void refusesWhatItCannotSnapshotSayingWhatToDo() throws Exception {
        Set<String> captured = SnapshotSignals.captured(registered());
        assertThatThrownBy(() -> SnapshotSignals.collections(List.of(), catalog, captured))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--table tickets");
        assertThatThrownBy(
                        () ->
                                SnapshotSignals.collections(
                                        List.of("tickets; DROP TABLE contacts"), catalog, captured))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--table must name a table of schema public");
        assertThatThrownBy(
                        () ->
                                SnapshotSignals.collections(
                                        List.of("other.tickets"), catalog, captured))
                .hasMessageContaining("--table must name a table of schema public");
        assertThatThrownBy(
                        () -> SnapshotSignals.collections(List.of("invoices"), catalog, captured))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("table invoices is not in the personal-data catalog")
                .hasMessageContaining("config/personal-data-catalog.yaml");
        assertThatThrownBy(
                        () ->
                                SnapshotSignals.collections(
                                        List.of("lethe_heartbeat"), catalog, captured))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("table lethe_heartbeat is in the catalog but not captured")
                .hasMessageContaining("table.include.list");
        // a catalog table the running connector does not capture
        assertThatThrownBy(
                        () ->
                                SnapshotSignals.collections(
                                        List.of("consents"), catalog, Set.of("tickets")))
                .hasMessageStartingWith("table consents is in the catalog but not captured");
    }

    @Test
    void writesAnIncrementalExecuteSnapshotSignal() throws Exception {
        FakeDb db = new FakeDb(true);

        String id =
                SnapshotSignals.send(db.connection(), List.of("public.consents", "public.tickets"));

        assertThat(id).startsWith("lethe-snapshot-");
        assertThat(db.statements)
                .containsExactly(
                        "SELECT to_regclass(?) IS NOT NULL",
                        "INSERT INTO public.lethe_signal (id, type, data) VALUES (?, ?, ?)");
        assertThat(db.parameters.get(0)).containsExactly("public.lethe_signal");
        List<Object> insert = db.parameters.get(1);
        assertThat(insert.get(0)).isEqualTo(id);
        assertThat(insert.get(1)).isEqualTo("execute-snapshot");
        JsonNode data = JSON.readTree((String) insert.get(2));
        assertThat(data.path("type").asText()).isEqualTo("incremental");
        assertThat(data.path("data-collections"))
                .extracting(JsonNode::asText)
                .containsExactly("public.consents", "public.tickets");
        assertThat(db.updates).isEqualTo(1);
    }

    @Test
    void aDatabaseWithoutTheSignalTableIsToldWhereToFindItsDefinition() {
        FakeDb db = new FakeDb(false);

        assertThatThrownBy(() -> SnapshotSignals.send(db.connection(), List.of("public.tickets")))
                .isInstanceOf(LocalStack.StackException.class)
                .hasMessageContaining("no signalling table public.lethe_signal")
                .hasMessageContaining("docs/operations.md");
        assertThat(db.updates).isZero();
    }

    /** A JDBC connection that records its statements and their parameters. */
    private static final class FakeDb {
        final List<String> statements = new ArrayList<>();
        final List<List<Object>> parameters = new ArrayList<>();
        final boolean signalTableExists;
        int updates;

        FakeDb(boolean signalTableExists) {
            this.signalTableExists = signalTableExists;
        }

        Connection connection() {
            return proxy(
                    Connection.class,
                    (method, args) ->
                            switch (method) {
                                case "prepareStatement" -> statement((String) args[0]);
                                case "close" -> null;
                                default -> throw new UnsupportedOperationException(method);
                            });
        }

        private PreparedStatement statement(String sql) {
            statements.add(sql);
            Map<Integer, Object> params = new TreeMap<>();
            List<Object> recorded = new ArrayList<>();
            parameters.add(recorded);
            return proxy(
                    PreparedStatement.class,
                    (method, args) ->
                            switch (method) {
                                case "setString" -> {
                                    params.put((Integer) args[0], args[1]);
                                    recorded.clear();
                                    recorded.addAll(params.values());
                                    yield null;
                                }
                                case "executeQuery" -> result();
                                case "executeUpdate" -> {
                                    updates++;
                                    yield 1;
                                }
                                case "close" -> null;
                                default -> throw new UnsupportedOperationException(method);
                            });
        }

        private ResultSet result() {
            boolean[] read = {false};
            return proxy(
                    ResultSet.class,
                    (method, args) ->
                            switch (method) {
                                case "next" -> {
                                    boolean first = !read[0];
                                    read[0] = true;
                                    yield first;
                                }
                                case "getBoolean" -> signalTableExists;
                                case "close" -> null;
                                default -> throw new UnsupportedOperationException(method);
                            });
        }

        interface Handler {
            Object handle(String method, Object[] args) throws Exception;
        }

        private static <T> T proxy(Class<T> type, Handler h) {
            return type.cast(
                    Proxy.newProxyInstance(
                            type.getClassLoader(),
                            new Class<?>[] {type},
                            (p, m, a) -> h.handle(m.getName(), a)));
        }
    }
}
