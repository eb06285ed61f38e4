package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.cli.SubjectFinder.Person;
import dev.lethe.discovery.LocationDocument;
import dev.lethe.discovery.TestLocations;
import dev.lethe.events.AuditEntry;
import dev.lethe.server.AccessRecord;
import dev.lethe.server.AuditQuery;
import dev.lethe.server.Backend;
import dev.lethe.server.LetheServer;
import dev.lethe.server.TestServers;
import dev.lethe.testing.CapturedOutput;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands that read personal data or the audit log go through Lethe's server (a real one on a
 * canned backend) and print exactly what their direct path prints for the same answer; without a
 * sign-in they say how to sign in or break the glass; options that point at other stores need
 * {@code --break-glass}.
 */
class FrontDoorTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant AT = Instant.parse("2026-03-14T09:26:53Z");

    static final CannedBackend backend = new CannedBackend();
    static LetheServer server;

    @TempDir Path dataDir;
    @RegisterExtension final CapturedOutput output = new CapturedOutput();
    private InputStream originalIn;

    @BeforeAll
    static void startServer() throws Exception {
        server = TestServers.start(backend);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void capture() {
        originalIn = System.in;
        backend.recorded.clear();
    }

    @AfterEach
    void restore() {
        System.setIn(originalIn);
    }

    private String[] stack(int port, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(
                List.of("--data-dir", dataDir.toString(), "--server-port", Integer.toString(port)));
        return all.toArray(String[]::new);
    }

    private int lethe(String... args) {
        return Lethe.run(stack(server.port(), args));
    }

    private void signIn(String user) {
        System.setIn(
                new ByteArrayInputStream(
                        (TestServers.PASSWORD + "\n").getBytes(StandardCharsets.UTF_8)));
        assertThat(lethe("login", "--username", user, "--password-stdin")).isZero();
        output.resetOut();
    }

    private String output() {
        String s = output.out();
        output.resetOut();
        return s;
    }

    /** What {@code print} writes to standard output. */
    private String printed(ThrowingRunnable print) throws Exception {
        output.resetOut();
        print.run();
        return output();
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void withoutASignInEachCommandSaysHowToSignInOrBreakTheGlass() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Files.createDirectories(dataDir.resolve("out"));
        List<String[]> commands =
                List.of(
                        new String[] {"subject", "find", "anna@example.eu", "--purpose", "DSAR-1"},
                        new String[] {
                            "subject",
                            "export",
                            "contact:7",
                            "--out",
                            dataDir.resolve("out").toString(),
                            "--reason",
                            "DSAR-1"
                        },
                        new String[] {"subject", "erase", "--status"},
                        new String[] {"subject", "erase", "contact:7", "--reason", "Art. 17 #1"},
                        new String[] {"audit", "log"},
                        new String[] {"audit", "verify"},
                        new String[] {"audit", "prove", "contacts/7#1"},
                        new String[] {"purges"},
                        new String[] {"purges", "--backlog"});
        for (String[] c : commands) {
            output.resetErr();
            assertThat(Lethe.run(stack(closed, c))).as(String.join(" ", c)).isEqualTo(2);
            assertThat(output.err())
                    .as(String.join(" ", c))
                    .contains("./lethe login")
                    .contains("--break-glass");
        }
    }

    @Test
    void optionsThatPointAtOtherStoresNeedTheBreakGlass() {
        List<String[]> commands =
                List.of(
                        new String[] {"subject", "find", "ada", "--index", "other"},
                        new String[] {"audit", "log", "--audit-topic", "other"},
                        new String[] {"audit", "verify", "--no-index"},
                        new String[] {"audit", "prove", "--consistency", "1", "2"},
                        new String[] {"subject", "erase", "contact:7", "--request-id", "r-9"});
        for (String[] c : commands) {
            output.resetErr();
            assertThat(lethe(c)).as(String.join(" ", c)).isEqualTo(2);
            assertThat(output.err())
                    .as(String.join(" ", c))
                    .contains("reads the stores directly")
                    .contains("--break-glass REASON");
        }
    }

    @Test
    void aBreakGlassReasonIsCheckedBeforeAnythingIsRead() {
        assertThat(lethe("subject", "find", "ada", "--break-glass", "asked by ada@example.org"))
                .isEqualTo(2);
        assertThat(output.err()).contains("--break-glass looks like");
        output.resetErr();
        assertThat(lethe("purges", "--break-glass", " ")).isEqualTo(2);
        assertThat(output.err()).contains("needs a reason");
    }

    @Test
    void aBreakGlassAccessIsRecordedLikeAnyOtherWithItsOwnRole() throws Exception {
        AccessRecord a =
                AccessRecord.breakGlass(
                        "root", "INC-7 server down", "find", List.of("contact:7"), 1, "email", AT);
        JsonNode n = JSON.readTree(a.toJson());
        assertThat(n.path("type").asText()).isEqualTo(AccessRecord.TYPE);
        assertThat(n.path("user").asText()).isEqualTo("root");
        assertThat(n.path("role").asText()).isEqualTo("break-glass");
        assertThat(n.path("issuer").asText()).isEqualTo("local-secrets");
        assertThat(n.path("purpose").asText()).isEqualTo("INC-7 server down");
        assertThat(n.path("subjectIds").get(0).asText()).isEqualTo("contact:7");
    }

    @Test
    void findThroughTheServerPrintsWhatTheDirectPathPrints() throws Exception {
        signIn("dpo1");
        SubjectQuery q = SubjectQuery.parse("ada@example.org");
        JsonNode direct = SubjectFindCommand.toJson(q, backend.people());

        assertThat(lethe("subject", "find", "ada@example.org", "--purpose", "DSAR-1", "--json"))
                .isZero();
        String viaServer = output();
        assertThat(viaServer)
                .isEqualTo(printed(() -> SubjectFindCommand.print(direct, true, System.out)));
        // her contact row is hers; her email in the text of a ticket without her as requester
        // is a mention in someone else's record
        JsonNode located = JSON.readTree(viaServer).at("/people/0/locations");
        assertThat(located.at("/0/record").asText()).isEqualTo("contacts/7");
        assertThat(located.at("/0/mention").isBoolean()).isTrue();
        assertThat(located.at("/0/mention").asBoolean()).isFalse();
        assertThat(located.at("/1/record").asText()).isEqualTo("tickets/3");
        assertThat(located.at("/1/mention").asBoolean()).isTrue();

        assertThat(lethe("subject", "find", "ada@example.org", "--purpose", "DSAR-1")).isZero();
        String text = output();
        assertThat(text)
                .isEqualTo(printed(() -> SubjectFindCommand.print(direct, false, System.out)));
        assertThat(text)
                .contains("contact:7  Ada Lovelace  (2 locations)")
                .contains("  email   ada@example.org")
                .contains(
                        "  contacts/7             contacts         email                    "
                                + "contact_detail  declared             1.00  "
                                + "2026-03-14T09:26:53Z     ada@example.org")
                .contains("body@12")
                .contains("[soft-deleted]");
        assertThat(backend.recorded).hasSize(2);
        assertThat(backend.recorded.get(0).purpose()).isEqualTo("DSAR-1");
        assertThat(backend.recorded.get(0).user()).isEqualTo("dpo1");

        assertThat(lethe("subject", "find", "nobody@example.org", "--purpose", "DSAR-1"))
                .isEqualTo(SubjectFindCommand.NOT_FOUND);
        assertThat(output()).isEqualTo("nobody found\n");
        output.resetErr();
        assertThat(lethe("subject", "find", "ada@example.org")).isEqualTo(2);
        assertThat(output.err()).contains("--purpose is required");
    }

    @Test
    void anExportThroughTheServerUnpacksTheChosenFormats() throws Exception {
        signIn("dpo1");
        Path dir = dataDir.resolve("export");
        assertThat(
                        lethe(
                                "subject",
                                "export",
                                "contact:7",
                                "--out",
                                dir.toString(),
                                "--reason",
                                "DSAR-5",
                                "--format",
                                "json,html"))
                .isZero();
        assertThat(output())
                .isEqualTo(
                        "contact:7: 3 items (1 mentions in other people's records) -> ["
                                + dir.resolve("contact-7-export.json")
                                + ", "
                                + dir.resolve("contact-7-export.html")
                                + "]\n");
        assertThat(Files.readString(dir.resolve("contact-7-export.html"))).isEqualTo("<html>");
        assertThat(dir.resolve("contact-7-export.csv")).doesNotExist();
        assertThat(backend.recorded).extracting(AccessRecord::action).containsExactly("export");

        // an email is looked up first (a find, recorded), then exported
        assertThat(
                        lethe(
                                "subject",
                                "export",
                                "ada@example.org",
                                "--out",
                                dir.toString(),
                                "--reason",
                                "DSAR-5"))
                .isZero();
        assertThat(backend.recorded)
                .extracting(AccessRecord::action)
                .containsExactly("export", "find", "export");
        output.resetErr();
        assertThat(lethe("subject", "export", "contact:7", "--out", dir.toString())).isEqualTo(2);
        assertThat(output.err()).contains("--reason is required");
    }

    @Test
    void erasureRequestsStatusAndDryRunThroughTheServer() throws Exception {
        signIn("dpo1");
        assertThat(lethe("subject", "erase", "contact:9", "--reason", "Art. 17 request 9"))
                .isZero();
        assertThat(output()).isEqualTo("erasure request r-1 recorded for contact:9\n");
        assertThat(backend.recorded.get(0).action()).isEqualTo("erasure-request");

        assertThat(lethe("subject", "erase", "--status")).isZero();
        String status = output();
        assertThat(status)
                .isEqualTo(
                        printed(
                                () ->
                                        SubjectEraseCommand.printStatus(
                                                backend.erasureRequests(), null)));
        assertThat(status)
                .contains("r-1")
                .contains("OVERDUE pending")
                .contains("2026-03-14T09:26:53");

        assertThat(lethe("subject", "erase", "contact:666", "--reason", "again")).isEqualTo(2);
        assertThat(output.err())
                .contains("refused: contact:666 is already erased; nothing was recorded");

        assertThat(lethe("subject", "erase", "contact:7", "--dry-run", "--reason", "DSAR-3"))
                .isZero();
        String preview = output();
        assertThat(preview)
                .isEqualTo(
                        printed(
                                () ->
                                        SubjectEraseCommand.printPreview(
                                                backend.erasurePreview("contact:7"), System.out)));
        assertThat(preview)
                .isEqualTo(
                        "dry run: an erasure of contact:7 would now\n"
                                + "  delete  contacts/7\n"
                                + "  delete  tickets/3 (with the record it belongs to)\n"
                                + "  redact  ticket_comments/11 body (mentions in someone else's"
                                + " record)\n"
                                + "  shred   the data key of contact:7\n"
                                + "blocked: tickets/12 is still open (solve or close it)\n");
    }

    @Test
    void purgesThroughTheServerPrintWhatTheDirectPathPrints() throws Exception {
        signIn("auditor1");
        assertThat(lethe("purges", "--limit", "3")).isZero();
        String text = output();
        assertThat(text)
                .isEqualTo(
                        printed(
                                () ->
                                        PurgesCommand.printPurges(
                                                backend.purges(
                                                                null, null, null, null, null, null,
                                                                3)
                                                        .path("purges"))));
        assertThat(text)
                .contains("tickets/3")
                .contains("erasure r-1")
                .contains("(receipt not yet published)");
        assertThat(lethe("purges", "--scheduled")).isZero();
        assertThat(output())
                .isEqualTo(
                        printed(
                                () ->
                                        PurgesCommand.printScheduled(
                                                backend.scheduledPurges(
                                                        50, java.util.Optional.empty()))))
                .contains("tickets/4");
        assertThat(lethe("purges", "--backlog", "--json")).isZero();
        assertThat(JSON.readTree(output())).isEqualTo(backend.purgeBacklog());
        assertThat(lethe("purges", "--backlog")).isZero();
        assertThat(output())
                .isEqualTo(printed(() -> PurgesCommand.printBacklog(backend.purgeBacklog(), false)))
                .contains("Backlog: 2 purges waiting for approval");
    }

    @Test
    void theAuditLogThroughTheServerPrintsWhatTheDirectPathPrints() throws Exception {
        signIn("auditor1");
        backend.queries.clear();
        AuditTestLogs log = backend.log;
        AuditEntryText format = new AuditEntryText(AuditEntryText.PersonalValues.NONE);
        for (int limit : new int[] {3, 0}) {
            for (boolean json : new boolean[] {false, true}) {
                List<String> args =
                        new ArrayList<>(
                                List.of("audit", "log", "--limit", Integer.toString(limit)));
                if (json) {
                    args.add("--json");
                }
                assertThat(lethe(args.toArray(String[]::new))).isZero();
                String viaServer = output();
                ByteArrayOutputStream direct = new ByteArrayOutputStream();
                AuditLogCommand.print(
                        AuditLogCommand.select(log.entries, AuditEntryFilter.all(), limit),
                        format,
                        json,
                        new PrintStream(direct, true, StandardCharsets.UTF_8));
                assertThat(viaServer)
                        .as("--limit " + limit + (json ? " --json" : ""))
                        .isEqualTo(direct.toString(StandardCharsets.UTF_8));
            }
        }
        // the text form is the JSON form's: the same as an entry printed from the log
        for (AuditEntry e : log.entries) {
            assertThat(AuditEntryText.text(format.json(e))).isEqualTo(format.text(e));
        }
        // a limit reads newest first (the console's order) below a cursor; --limit 0 oldest
        // first above one, page after page
        assertThat(backend.queries)
                .filteredOn(q -> q.order() == AuditQuery.Order.NEWEST)
                .anyMatch(q -> q.before() != null)
                .allMatch(q -> q.after() == null && q.limit() <= 3);
        assertThat(backend.queries)
                .filteredOn(AuditQuery::oldestFirst)
                .hasSize(2 * 3) // twice (text, --json): pages 0-1, 2-3, 4
                .allMatch(q -> q.before() == null && q.limit() == AuditQuery.MAX_LIMIT)
                .anyMatch(q -> q.after() != null);
        assertThat(lethe("audit", "log", "--since", "2h ago", "--limit", "1")).isZero();
        assertThat(backend.queries.get(backend.queries.size() - 1).since()).isNotNull();
    }

    @Test
    void verificationAndProofsThroughTheServer() throws Exception {
        signIn("auditor1");
        assertThat(lethe("audit", "verify")).isZero();
        assertThat(output())
                .isEqualTo(AuditVerification.text(backend.verifyLog(null)))
                .startsWith("OK: 5 entries, 1 signed checkpoints (1 verified), Merkle root ab12")
                .contains("latest checkpoint 1 (treeSize 5), hash cd34");
        assertThat(lethe("audit", "verify", "--json")).isZero();
        assertThat(JSON.readTree(output())).isEqualTo(backend.verifyLog(null));

        assertThat(lethe("audit", "prove", "contacts/7#3")).isZero();
        assertThat(output())
                .isEqualTo(PrettyJson.of(backend.inclusionProof("contacts/7", 3)) + "\n");
        assertThat(lethe("audit", "prove", "contacts/8#3")).isEqualTo(2);
        assertThat(lethe("audit", "prove", "12")).isEqualTo(2);
        assertThat(output.err()).contains("<entityId>#<seq>");
    }

    @Test
    void anExpiredAccessTokenIsReplacedWithTheSignInsRefreshTokenUntilTheSignInEnds()
            throws Exception {
        signIn("auditor1");
        Path kept = dataDir.resolve("cli-token.json");
        assertThat(java.nio.file.Files.getPosixFilePermissions(kept))
                .containsExactlyInAnyOrder(
                        java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        com.fasterxml.jackson.databind.node.ObjectNode t =
                (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(kept.toFile());
        String expired = t.get("access_token").asText();
        t.put("expires_at", Instant.now().minusSeconds(1).toString()); // as 15 minutes later
        java.nio.file.Files.writeString(kept, t.toString());

        assertThat(lethe("audit", "log", "--json", "--limit", "1")).isZero();
        JsonNode refreshed = JSON.readTree(kept.toFile());
        assertThat(refreshed.get("access_token").asText()).isNotEqualTo(expired);
        assertThat(Instant.parse(refreshed.get("expires_at").asText())).isAfter(Instant.now());
        // the sign-in's end is kept, not pushed back by the refresh
        assertThat(Instant.parse(refreshed.get("refresh_expires_at").asText()))
                .isBefore(Instant.parse(t.get("refresh_expires_at").asText()).plusSeconds(2));

        // a sign-in that has ended (here: a refresh token the server does not take)
        t.put("refresh_token", "not.a.token");
        java.nio.file.Files.writeString(kept, t.toString());
        output.resetErr();
        assertThat(lethe("audit", "log", "--json", "--limit", "1")).isNotZero();
        assertThat(output.err()).contains("the sign-in has ended").contains("./lethe login");
    }

    @Test
    void theWrongRoleIsTheServersRefusal() throws Exception {
        signIn("auditor1");
        assertThat(lethe("subject", "find", "ada@example.org", "--purpose", "DSAR-1")).isEqualTo(1);
        assertThat(output.err()).contains("the server refused (HTTP 403)");
        assertThat(backend.recorded).isEmpty();
    }

    /** Canned answers in the JSON the direct paths build. */
    static final class CannedBackend implements Backend {

        final List<AccessRecord> recorded = new CopyOnWriteArrayList<>();
        final List<AuditQuery> queries = new CopyOnWriteArrayList<>();
        final AuditTestLogs log = new AuditTestLogs();

        // the console's and the admin's: no command of the command line calls them
        @Override
        public JsonNode erasureRequest(String requestId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public JsonNode retryErasure(String requestId, String by) {
            throw new UnsupportedOperationException();
        }

        @Override
        public JsonNode approveErasure(String requestId, String approver) {
            throw new UnsupportedOperationException();
        }

        @Override
        public JsonNode rejectErasure(String requestId, String by, String reason) {
            throw new UnsupportedOperationException();
        }

        @Override
        public JsonNode status() {
            throw new UnsupportedOperationException();
        }

        @Override
        public JsonNode catalog() {
            throw new UnsupportedOperationException();
        }

        @Override
        public JsonNode retentionPolicy() {
            throw new UnsupportedOperationException();
        }

        @Override
        public JsonNode deadLetters(Instant since) {
            throw new UnsupportedOperationException();
        }

        CannedBackend() {
            log.contactCreated(42, "anna@example.eu", AuditTestLogs.agent(7), 0);
            log.contactCreated(43, "ben@example.eu", AuditTestLogs.agent(8), 1);
            log.ticketStatusChanged(9, 42, "open", "pending", AuditTestLogs.agent(7), 2);
            log.contactEmailChanged(
                    42, "anna@example.eu", "anna@new.eu", AuditTestLogs.customer(42, "moved"), 3);
            log.ticketStatusChanged(9, 42, "pending", "closed", AuditTestLogs.agent(8), 4);
        }

        List<Person> people() {
            Map<String, java.util.Set<String>> ids = new TreeMap<>();
            ids.put("email", new TreeSet<>(List.of("ada@example.org")));
            return List.of(
                    new Person(
                            "contact:7",
                            "Ada Lovelace",
                            ids,
                            List.of(
                                    location("contacts/7", "email", "ada@example.org", null, false),
                                    location("tickets/3", "body", null, 12, true))));
        }

        private static LocationDocument location(
                String record, String column, String value, Integer start, boolean deleted) {
            TestLocations.Builder b =
                    start == null
                            ? TestLocations.declared("contact:7", record, column, "email", value)
                            : TestLocations.found(
                                            "contact:7", record, column, "email", value, start)
                                    .id(LocationDocument.declaredId(record, column))
                                    .detector("email-regex")
                                    .confidence(0.875)
                                    .span(start, start + 15);
            return b.category("contact_detail")
                    .reason("test")
                    .lastChanged(AT)
                    .softDeleted(deleted)
                    .build();
        }

        @Override
        public Found find(String query) {
            SubjectQuery q = SubjectQuery.parse(query);
            List<Person> people = query.startsWith("nobody") ? List.of() : people();
            return new Found(
                    SubjectFindCommand.toJson(q, people),
                    SubjectFindCommand.shown(people),
                    SubjectFindCommand.kind(q));
        }

        @Override
        public void record(AccessRecord access) {
            recorded.add(access);
        }

        /**
         * The log newest first (oldest first with {@code order=oldest}), in pages of at most two
         * (so that the command pages on); a full page names the next, as the real backend does.
         */
        @Override
        public AuditPage auditEntries(AuditQuery q, boolean values) {
            queries.add(q);
            AuditEntryText format = new AuditEntryText(AuditEntryText.PersonalValues.NONE);
            int size = Math.min(q.limit(), 2);
            ArrayNode entries = JSON.createArrayNode();
            long last = -1;
            List<AuditEntry> inOrder = new ArrayList<>(log.entries);
            if (!q.oldestFirst()) {
                java.util.Collections.reverse(inOrder);
            }
            for (AuditEntry e : inOrder) {
                if (entries.size() < size && q.withinCursors(e.getLogIndex())) {
                    entries.add(format.json(e));
                    last = e.getLogIndex();
                }
            }
            boolean more = entries.size() == size && (q.oldestFirst() ? last >= 0 : last > 0);
            return new AuditPage(entries, more ? LetheServer.cursorAfter(last) : null, List.of());
        }

        @Override
        public Export export(String subjectId, String requestedBy, String purpose)
                throws Exception {
            if (!subjectId.equals("contact:7")) {
                throw new IllegalArgumentException("nobody with that subject id");
            }
            ByteArrayOutputStream zip = new ByteArrayOutputStream();
            try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(zip)) {
                for (String[] f :
                        List.of(
                                new String[] {
                                    "json", "{\"items\": 3, \"mentionsInOtherRecords\": 1}"
                                },
                                new String[] {"csv", "table,record"},
                                new String[] {"html", "<html>"})) {
                    z.putNextEntry(new java.util.zip.ZipEntry("contact-7-export." + f[0]));
                    z.write(f[1].getBytes(StandardCharsets.UTF_8));
                    z.closeEntry();
                }
            }
            return new Export(zip.toByteArray(), "contact-7-export.zip", 3);
        }

        @Override
        public JsonNode verifyLog(dev.lethe.server.VerificationProgress progress) {
            ObjectNode n =
                    JSON.createObjectNode()
                            .put("ok", true)
                            .put("entries", 5)
                            .put("checkpoints", 1)
                            .put("checkpointsVerified", 1)
                            .put("merkleRoot", "ab12");
            n.putObject("latestCheckpoint")
                    .put("checkpointSeq", 1)
                    .put("treeSize", 5)
                    .put("hash", "cd34");
            n.putArray("problems");
            n.put("trustedKeys", "06e3fd8fda29bb60 (/keys/a.pem)");
            return n;
        }

        @Override
        public JsonNode inclusionProof(String entityId, long seq) {
            if (!entityId.equals("contacts/7")) {
                throw new IllegalArgumentException("no entry contacts/8#3 in the log");
            }
            ObjectNode n = JSON.createObjectNode().put("type", "lethe.audit.inclusion-proof/1");
            n.put("leafIndex", 2).putArray("path").add("aa").add("bb");
            return n;
        }

        @Override
        public JsonNode purges(
                String outcome,
                String table,
                String rule,
                Instant since,
                Instant until,
                Long before,
                int limit) {
            ObjectNode n = JSON.createObjectNode();
            ArrayNode list = n.putArray("purges");
            list.addObject()
                    .put("seq", 2)
                    .put("executedAt", AT.toString())
                    .put("outcome", "done")
                    .put("action", "DELETE")
                    .put("table", "tickets")
                    .put("entityId", "tickets/3")
                    .put("rule", "tickets-closed")
                    .putNull("requestId")
                    .put("reason", "closed 3 years ago")
                    .put("receiptPublished", true);
            list.addObject()
                    .put("seq", 1)
                    .put("executedAt", AT.minusSeconds(60).toString())
                    .put("outcome", "done")
                    .put("action", "DELETE")
                    .put("table", "contacts")
                    .put("entityId", "contacts/9")
                    .putNull("rule")
                    .put("requestId", "r-1")
                    .put("reason", "Art. 17")
                    .put("receiptPublished", false);
            n.putNull("next");
            return n;
        }

        @Override
        public JsonNode scheduledPurges(int limit, java.util.Optional<String> after) {
            ObjectNode n = JSON.createObjectNode();
            n.putNull("next");
            n.putArray("scheduled")
                    .addObject()
                    .put("deadline", AT.toString())
                    .put("action", "DELETE")
                    .put("entityId", "tickets/4")
                    .put("rule", "tickets-closed");
            return n;
        }

        @Override
        public JsonNode purgeBacklog() {
            ObjectNode n =
                    JSON.createObjectNode()
                            .put("adoptedAt", AT.toString())
                            .put("approved", false)
                            .put("purges", 2);
            n.putArray("byRule")
                    .addObject()
                    .put("table", "tickets")
                    .put("rule", "tickets-closed")
                    .put("purges", 2)
                    .put("earliestDeadline", AT.minusSeconds(86400).toString());
            return n;
        }

        @Override
        public JsonNode erasureRequests() {
            ObjectNode n = JSON.createObjectNode();
            n.putArray("requests")
                    .addObject()
                    .put("requestId", "r-1")
                    .put("subjectId", "contact:9")
                    .put("status", "pending")
                    .putNull("statusReason")
                    .put("recordsFound", 0)
                    .put("recordsPurged", 0)
                    .put("requestedAt", AT.toString())
                    .put("dueAt", AT.plusSeconds(3600).toString())
                    .putNull("completedAt")
                    .put("daysLeft", -1)
                    .put("overdue", true)
                    .put("reason", "Art. 17 request 9");
            return n;
        }

        @Override
        public JsonNode requestErasure(String subjectId, String reason, String requestedBy) {
            if (subjectId.equals("contact:666")) {
                throw new IllegalStateException("refused: contact:666 is already erased");
            }
            return JSON.createObjectNode().put("requestId", "r-1").put("subjectId", subjectId);
        }

        @Override
        public List<JsonNode> accessesOf(String subjectId) {
            return List.of();
        }

        @Override
        public JsonNode erasurePreview(String subjectId) {
            ObjectNode n = JSON.createObjectNode().put("subjectId", subjectId);
            n.putArray("delete")
                    .add(
                            JSON.createObjectNode()
                                    .put("table", "contacts")
                                    .put("record", "contacts/7"))
                    .add(
                            JSON.createObjectNode()
                                    .put("table", "tickets")
                                    .put("record", "tickets/3")
                                    .put("detail", "deleted with the record it belongs to"));
            n.putArray("anonymize");
            ObjectNode redact =
                    n.putArray("redact")
                            .addObject()
                            .put("table", "ticket_comments")
                            .put("record", "ticket_comments/11");
            redact.putArray("columns").add("body");
            redact.put("detail", "mentions in someone else's record");
            n.putArray("blockers")
                    .addObject()
                    .put("kind", "open-ticket")
                    .put("record", "tickets/12")
                    .put("detail", "tickets/12 is still open: solve or close it");
            n.put("keyShredded", true);
            n.put("canProceed", false);
            return n;
        }
    }
}
