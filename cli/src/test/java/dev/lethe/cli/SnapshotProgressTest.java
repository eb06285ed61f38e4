package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.cli.SnapshotProgress.Notification;
import dev.lethe.cli.SnapshotProgress.RunReport;
import dev.lethe.cli.SnapshotProgress.Runs;
import dev.lethe.cli.SnapshotProgress.TableReport;
import dev.lethe.cli.SnapshotProgress.Total;
import dev.lethe.local.ComponentHealth;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SnapshotProgressTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-05-04T12:00:00Z");
    private static final String TABLES = "public.accounts,public.contacts,public.tickets";

    /** A notification as the connector's sink channel writes it (JSON converter, no schemas). */
    private static byte[] notification(
            String aggregate, String type, long secondsAfterT0, Map<String, String> data)
            throws Exception {
        var n = JSON.createObjectNode();
        n.put("id", "n-" + type + "-" + secondsAfterT0);
        n.put("aggregate_type", aggregate);
        n.put("type", type);
        var d = n.putObject("additional_data");
        d.put("connector_name", "helpdesk");
        data.forEach(d::put);
        n.put("timestamp", T0.plusSeconds(secondsAfterT0).toEpochMilli());
        return JSON.writeValueAsBytes(n);
    }

    private static List<Notification> parse(byte[]... values) {
        List<Notification> out = new ArrayList<>();
        for (byte[] v : values) {
            out.add(Notification.parse(v).orElseThrow());
        }
        return out;
    }

    /** The initial snapshot of three tables, the second one being read at T0 + 100 s. */
    private static List<Notification> initialRunning() throws Exception {
        String init = SnapshotProgress.INITIAL;
        return parse(
                notification(init, "STARTED", 0, Map.of()),
                notification(
                        init,
                        "IN_PROGRESS",
                        1,
                        Map.of(
                                "current_collection_in_progress",
                                "public.accounts",
                                "data_collections",
                                TABLES)),
                notification(
                        init,
                        "TABLE_SCAN_COMPLETED",
                        21,
                        Map.of(
                                "scanned_collection", "public.accounts",
                                "data_collections", TABLES,
                                "total_rows_scanned", "20000",
                                "status", "SUCCEEDED")),
                notification(
                        init,
                        "IN_PROGRESS",
                        21,
                        Map.of(
                                "current_collection_in_progress",
                                "public.contacts",
                                "data_collections",
                                TABLES)));
    }

    /** 40,000 contacts read since the table started; estimates of every table. */
    private static SnapshotProgress.Counts counts() {
        return new SnapshotProgress.Counts() {
            @Override
            public long rowsSoFar(SnapshotProgress.Run run, SnapshotProgress.Scan scan) {
                assertThat(scan.table).isEqualTo("public.contacts");
                assertThat(scan.startedAt).isEqualTo(T0.plusSeconds(21));
                return 40_000;
            }

            @Override
            public Optional<Total> total(String table) {
                return Optional.of(
                        switch (table) {
                            case "public.contacts" -> new Total(120_000, false);
                            case "public.tickets" -> new Total(500_000, true);
                            default -> new Total(19_000, false);
                        });
            }
        };
    }

    @Test
    void anInitialSnapshotShowsEachTablesRowsRateAndExpectedEnd() throws Exception {
        Runs runs = SnapshotProgress.replay(initialRunning());
        assertThat(runs.incremental()).isNull();
        Instant now = T0.plusSeconds(101);

        RunReport r = SnapshotProgress.report(runs.initial(), counts(), now);

        assertThat(r.kind()).isEqualTo("initial");
        assertThat(r.state()).isEqualTo("running");
        assertThat(r.tables())
                .extracting(TableReport::table, TableReport::state, TableReport::rowsDone)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("public.accounts", "done", 20_000L),
                        org.assertj.core.groups.Tuple.tuple("public.contacts", "running", 40_000L),
                        org.assertj.core.groups.Tuple.tuple("public.tickets", "pending", 0L));
        TableReport accounts = r.tables().get(0);
        assertThat(accounts.total()).isEqualTo(new Total(20_000, true));
        assertThat(accounts.rowsPerSecond()).isCloseTo(1000.0, within(0.01)); // 20,000 in 20 s
        TableReport contacts = r.tables().get(1);
        // 40,000 rows in the 80 s since the table started: 500/s; 80,000 left: 160 s
        assertThat(contacts.rowsPerSecond()).isCloseTo(500.0, within(0.01));
        assertThat(contacts.expectedEnd()).isEqualTo(now.plusSeconds(160));
        assertThat(contacts.total()).isEqualTo(new Total(120_000, false));
        // the snapshot: 60,000 rows in 101 s; left 80,000 + 500,000 at that rate
        assertThat(r.rowsDone()).isEqualTo(60_000);
        assertThat(r.rowsPerSecond()).isCloseTo(60_000 / 101.0, within(0.01));
        assertThat(r.expectedEnd())
                .isEqualTo(now.plusMillis((long) (580_000 * 1000 / (60_000 / 101.0))));

        assertThat(SnapshotProgress.tableText(contacts))
                .isEqualTo(
                        "public.contacts 40000 of ~120000 rows (33%), 500 rows/s, ends"
                                + " ~2026-05-04T12:04:21Z");
        assertThat(SnapshotProgress.summary(r, null))
                .startsWith(
                        "initial snapshot running since 2026-05-04T12:00:00Z: 1 of 3 tables done,"
                                + " 60000 rows, 594 rows/s; public.contacts 40000 of ~120000")
                .contains("; all done ~");
        assertThat(SnapshotProgress.health(r, null)).isEqualTo("running");
    }

    @Test
    void aCompletedSnapshotSaysWhen() throws Exception {
        String init = SnapshotProgress.INITIAL;
        List<Notification> ns = new ArrayList<>(initialRunning());
        ns.addAll(
                parse(
                        notification(
                                init,
                                "TABLE_SCAN_COMPLETED",
                                261,
                                Map.of(
                                        "scanned_collection", "public.contacts",
                                        "total_rows_scanned", "120000",
                                        "status", "SUCCEEDED")),
                        notification(
                                init,
                                "IN_PROGRESS",
                                261,
                                Map.of("current_collection_in_progress", "public.tickets")),
                        notification(
                                init,
                                "TABLE_SCAN_COMPLETED",
                                300,
                                Map.of(
                                        "scanned_collection", "public.tickets",
                                        "total_rows_scanned", "0",
                                        "status", "SUCCEEDED")),
                        notification(init, "COMPLETED", 301, Map.of()),
                        // a later restart of the connector needed no snapshot
                        notification(init, "SKIPPED", 9000, Map.of())));

        RunReport r =
                SnapshotProgress.report(
                        SnapshotProgress.replay(ns).initial(), noCounts(), T0.plusSeconds(9999));

        assertThat(r.state()).isEqualTo("completed");
        assertThat(r.endedAt()).isEqualTo(T0.plusSeconds(301));
        assertThat(r.rowsDone()).isEqualTo(140_000);
        assertThat(r.expectedEnd()).isNull();
        assertThat(SnapshotProgress.summary(r, null))
                .isEqualTo(
                        "initial snapshot completed 2026-05-04T12:05:01Z (3 tables, 140000 rows,"
                                + " 465 rows/s)");
        assertThat(SnapshotProgress.health(r, null)).isEqualTo("completed");
        JsonNode json = SnapshotProgress.json(JSON, r);
        assertThat(json.path("status").asText()).isEqualTo("completed");
        assertThat(json.path("completedAt").asText()).isEqualTo("2026-05-04T12:05:01Z");
        assertThat(json.path("tables").get(1).path("totalKind").asText()).isEqualTo("exact");
        assertThat(json.path("tables").get(1).path("rowsDone").asLong()).isEqualTo(120_000);
    }

    @Test
    void anIncrementalSnapshotCountsItsChunks() throws Exception {
        String inc = SnapshotProgress.INCREMENTAL;
        Map<String, String> chunk =
                Map.of(
                        "data_collections", "public.consents",
                        "current_collection_in_progress", "public.consents",
                        "maximum_key", "5000",
                        "last_processed_key", "1024");
        List<Notification> ns =
                parse(
                        notification(
                                inc, "STARTED", 0, Map.of("data_collections", "public.consents")),
                        notification(inc, "IN_PROGRESS", 2, chunk),
                        notification(inc, "IN_PROGRESS", 4, chunk),
                        notification(inc, "IN_PROGRESS", 6, chunk));
        SnapshotProgress.Counts counts =
                new SnapshotProgress.Counts() {
                    @Override
                    public long rowsSoFar(SnapshotProgress.Run run, SnapshotProgress.Scan scan) {
                        return SnapshotProgress.chunkRows(1024).applyAsLong(scan);
                    }

                    @Override
                    public Optional<Total> total(String table) {
                        return Optional.of(new Total(5000, false));
                    }
                };

        RunReport r =
                SnapshotProgress.report(
                        SnapshotProgress.replay(ns).incremental(), counts, T0.plusSeconds(6));

        TableReport consents = r.tables().get(0);
        assertThat(consents.state()).isEqualTo("running");
        assertThat(consents.rowsDone()).isEqualTo(3072);
        assertThat(consents.rowsApproximate()).isTrue();
        assertThat(consents.startedAt()).isEqualTo(T0); // before its first chunk was notified
        assertThat(consents.rowsPerSecond()).isCloseTo(512.0, within(0.01));
        assertThat(SnapshotProgress.tableText(consents))
                .isEqualTo(
                        "public.consents ~3072 of ~5000 rows (61%), 512 rows/s, ends ~2026-05-04T12:00:09Z");

        ns.addAll(
                parse(
                        notification(
                                inc,
                                "TABLE_SCAN_COMPLETED",
                                8,
                                Map.of(
                                        "data_collections", "public.consents",
                                        "scanned_collection", "public.consents",
                                        "total_rows_scanned", "4100",
                                        "status", "SUCCEEDED")),
                        notification(inc, "COMPLETED", 8, Map.of())));
        r =
                SnapshotProgress.report(
                        SnapshotProgress.replay(ns).incremental(), counts, T0.plusSeconds(60));
        assertThat(SnapshotProgress.summary(null, r))
                .isEqualTo(
                        "incremental snapshot of public.consents completed 2026-05-04T12:00:08Z (1"
                                + " table, 4100 rows, 513 rows/s)");
    }

    @Test
    void aFailedTableOrAnAbortedSnapshotNeedsAttention() throws Exception {
        String inc = SnapshotProgress.INCREMENTAL;
        List<Notification> ns =
                parse(
                        notification(
                                inc, "STARTED", 0, Map.of("data_collections", "public.tickets")),
                        notification(
                                inc,
                                "TABLE_SCAN_COMPLETED",
                                1,
                                Map.of(
                                        "scanned_collection", "public.tickets",
                                        "total_rows_scanned", "0",
                                        "status", "SQL_EXCEPTION")),
                        notification(inc, "COMPLETED", 1, Map.of()));

        RunReport r =
                SnapshotProgress.report(SnapshotProgress.replay(ns).incremental(), noCounts(), T0);

        assertThat(r.attention()).isTrue();
        assertThat(SnapshotProgress.health(null, r)).isEqualTo("attention");
        assertThat(SnapshotProgress.summary(null, r))
                .endsWith("; public.tickets FAILED (SQL_EXCEPTION)");
    }

    @Test
    void nothingNotifiedSaysSo() {
        Runs runs = SnapshotProgress.replay(parse());
        assertThat(runs.initial()).isNull();
        assertThat(SnapshotProgress.health(null, null)).isEqualTo("none");
        assertThat(SnapshotProgress.summary(null, null)).startsWith("no snapshot notified");
        assertThat(Notification.parse("not json".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(Notification.parse("{\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8))).isEmpty();
    }

    @Test
    void statusShowsTheSnapshotEntryWithoutChangingTheExitCode() throws Exception {
        RunReport r =
                SnapshotProgress.report(
                        SnapshotProgress.replay(initialRunning()).initial(),
                        counts(),
                        T0.plusSeconds(101));
        List<ComponentHealth> all =
                List.of(
                        new ComponentHealth(
                                "kafka", "127.0.0.1:19092", true, true, null, "1 broker(s)"));
        SnapshotReadings.Reports reports = new SnapshotReadings.Reports(r, null);

        ByteArrayOutputStream json = new ByteArrayOutputStream();
        int rc =
                StatusCommand.print(
                        all,
                        StatusCommand.Findings.NONE.withSnapshot(reports),
                        true,
                        new PrintStream(json, true, StandardCharsets.UTF_8));
        assertThat(rc).isZero();
        JsonNode root = JSON.readTree(json.toString(StandardCharsets.UTF_8));
        assertThat(root.has("kafka")).isTrue();
        JsonNode snapshot = root.path("snapshot");
        assertThat(snapshot.path("address").asText()).isEqualTo("lethe.capture.notifications");
        assertThat(snapshot.path("health").asText()).isEqualTo("healthy");
        assertThat(snapshot.path("status").asText()).isEqualTo("running");
        assertThat(snapshot.path("incremental").isNull()).isTrue();
        JsonNode contacts = snapshot.path("initial").path("tables").get(1);
        assertThat(contacts.path("table").asText()).isEqualTo("public.contacts");
        assertThat(contacts.path("rowsDone").asLong()).isEqualTo(40_000);
        assertThat(contacts.path("total").asLong()).isEqualTo(120_000);
        assertThat(contacts.path("totalKind").asText()).isEqualTo("estimate");
        assertThat(contacts.path("rowsPerSecond").asDouble()).isEqualTo(500.0);
        assertThat(contacts.path("expectedEnd").asText()).isEqualTo("2026-05-04T12:04:21Z");

        ByteArrayOutputStream text = new ByteArrayOutputStream();
        StatusCommand.print(
                all,
                StatusCommand.Findings.NONE.withSnapshot(reports),
                false,
                new PrintStream(text, true, StandardCharsets.UTF_8));
        assertThat(text.toString(StandardCharsets.UTF_8))
                .contains("snapshot       running    lethe.capture.notifications")
                .contains("public.contacts 40000 of ~120000 rows (33%), 500 rows/s")
                .contains("public.tickets 0 of 500000 rows (0%), pending");
    }

    @Test
    void aTablesRawTopicIsItsCollectionUnderThePrefix() {
        assertThat(SnapshotReadings.topicOf("public.tickets")).isEqualTo("helpdesk.public.tickets");
        assertThat(SnapshotReadings.topicOf("helpdesk.public.tickets"))
                .isEqualTo("helpdesk.public.tickets");
    }

    private static SnapshotProgress.Counts noCounts() {
        return new SnapshotProgress.Counts() {
            @Override
            public long rowsSoFar(SnapshotProgress.Run run, SnapshotProgress.Scan scan) {
                return 0;
            }

            @Override
            public Optional<Total> total(String table) {
                return Optional.empty();
            }
        };
    }
}
