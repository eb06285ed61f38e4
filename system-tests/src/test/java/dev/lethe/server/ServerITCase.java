package dev.lethe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.cli.Lethe;
import dev.lethe.local.LetheJobs;
import dev.lethe.local.StackProbe;
import dev.lethe.local.StackSettings;
import dev.lethe.testing.SharedStack;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lethe's server as {@code ./lethe up} runs it, on the real stack with the three jobs: users made
 * with {@code ./lethe users add}, signed in through {@code POST /api/v1/token}; a DPO finds a new
 * contact with a purpose, and the access is in the audit log (read back by an auditor through the
 * API and by {@code ./lethe subject accesses}); the wrong role and no token are refused; the
 * server's log holds no searched term.
 */
class ServerITCase {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static StackSettings s;
    static LetheJobs jobs;
    static final String PW = "a long enough password";

    @BeforeAll
    static void stack() throws Exception {
        s = SharedStack.settings();
        jobs = new LetheJobs(s, new PrintStream(new ByteArrayOutputStream(), true));
        assertThat(jobs.startAll()).isEmpty();
    }

    @AfterAll
    static void cancelJobs() throws Exception {
        for (String jid : jobs.runningJobs().values()) {
            HTTP.send(
                    HttpRequest.newBuilder(s.flinkUrl().resolve("/jobs/" + jid + "?mode=cancel"))
                            .method("PATCH", HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    /** Runs {@code ./lethe ARGS} with {@code stdin}; returns its exit code and output. */
    static String[] lethe(String stdin, String... args) {
        PrintStream out = System.out;
        InputStream in = System.in;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            String[] all = new String[args.length + 2];
            System.arraycopy(args, 0, all, 0, args.length);
            all[args.length] = "--data-dir";
            all[args.length + 1] = s.dataDir().toString();
            int code = Lethe.run(all);
            return new String[] {Integer.toString(code), buf.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(out);
            System.setIn(in);
        }
    }

    /** A new contact, committed; returns its id. */
    static long insertContact(String first, String last, String email, String locale)
            throws Exception {
        try (Connection c = StackProbe.connectPostgres(s);
                PreparedStatement ps =
                        c.prepareStatement(
                                "INSERT INTO contacts (first_name, last_name, email, locale)"
                                        + " VALUES (?, ?, ?, ?) RETURNING id")) {
            ps.setString(1, first);
            ps.setString(2, last);
            ps.setString(3, email);
            ps.setString(4, locale);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static HttpResponse<String> send(String method, String path, String token, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(s.serverUrl().resolve(path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        b.method(
                method,
                body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String signIn(String user) throws Exception {
        HttpResponse<String> r =
                send(
                        "POST",
                        "/api/v1/token",
                        null,
                        JSON.createObjectNode()
                                .put("username", user)
                                .put("password", PW)
                                .toString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode t = JSON.readTree(r.body());
        assertThat(t.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(t.get("expires_in").asLong()).isPositive();
        return t.get("access_token").asText();
    }

    @Test
    void aDpoFindIsOnTheRecordForTheAuditorAndOtherRolesAreRefused() throws Exception {
        String[] status = lethe("", "status", "--json");
        JsonNode server = JSON.readTree(status[1]).path("server");
        assertThat(server.path("address").asText()).isEqualTo(s.serverUrl() + "/api/v1");
        assertThat(server.path("healthy").asBoolean()).as(status[1]).isTrue();

        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String dpo = "dana-" + suffix;
        String auditor = "otto-" + suffix;
        assertThat(lethe(PW + "\n", "users", "add", dpo, "--role", "dpo", "--password-stdin")[0])
                .isEqualTo("0");
        assertThat(
                        lethe(
                                PW + "\n",
                                "users",
                                "add",
                                auditor,
                                "--role",
                                "auditor",
                                "--password-stdin")[0])
                .isEqualTo("0");
        String[] list = lethe("", "users", "list");
        assertThat(list[1]).contains(dpo).contains(auditor).doesNotContain("argon2");

        String email = "server-it-" + suffix + "@example.org";
        long id = insertContact("Greta", "Lindqvist", email, "sv-SE");
        String subject = "contact:" + id;
        String q =
                "/api/v1/subjects?q="
                        + URLEncoder.encode(email, StandardCharsets.UTF_8)
                        + "&purpose=DSAR-"
                        + suffix;

        assertThat(send("GET", q, null, null).statusCode()).isEqualTo(401);
        String auditorToken = signIn(auditor);
        HttpResponse<String> wrongRole = send("GET", q, auditorToken, null);
        assertThat(wrongRole.statusCode()).isEqualTo(403);
        assertThat(wrongRole.headers().firstValue("Content-Type").orElse(""))
                .startsWith("application/problem+json");

        String dpoToken = signIn(dpo);
        JsonNode found = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = send("GET", q, dpoToken, null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            found = JSON.readTree(r.body());
            if (found.path("people").size() > 0) {
                break;
            }
            Thread.sleep(500);
        }
        assertThat(found.at("/people/0/subjectId").asText()).isEqualTo(subject);

        // an export is a zip of the three formats, recorded before it is sent
        HttpResponse<byte[]> zip =
                HTTP.send(
                        HttpRequest.newBuilder(
                                        s.serverUrl()
                                                .resolve(
                                                        "/api/v1/subjects/"
                                                                + subject
                                                                + "/exports?purpose=DSAR-"
                                                                + suffix))
                                .header("Authorization", "Bearer " + dpoToken)
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        assertThat(zip.statusCode()).isEqualTo(201);
        java.util.List<String> names = new java.util.ArrayList<>();
        try (java.util.zip.ZipInputStream z =
                new java.util.zip.ZipInputStream(new ByteArrayInputStream(zip.body()))) {
            for (var e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
                names.add(e.getName());
                if (e.getName().endsWith(".json")) {
                    assertThat(new String(z.readAllBytes(), StandardCharsets.UTF_8))
                            .contains(email);
                }
            }
        }
        assertThat(names).anyMatch(n -> n.endsWith(".json"));
        assertThat(names).anyMatch(n -> n.endsWith(".csv"));
        assertThat(names).anyMatch(n -> n.endsWith(".html"));
        assertThat(
                        send(
                                        "POST",
                                        "/api/v1/subjects/" + subject + "/exports?purpose=x",
                                        auditorToken,
                                        null)
                                .statusCode())
                .isEqualTo(403);

        // the access is on the record, read by the auditor: first as recorded, then from the log
        JsonNode logged = null;
        deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r =
                    send("GET", "/api/v1/subjects/" + subject + "/accesses", auditorToken, null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode accesses = JSON.readTree(r.body()).path("accesses");
            // newest first: the export, then the find
            assertThat(accesses.size()).isGreaterThanOrEqualTo(2);
            assertThat(accesses.get(0).path("action").asText()).isEqualTo("export");
            JsonNode find = accesses.get(1);
            assertThat(find.path("action").asText()).isEqualTo("find");
            assertThat(find.path("user").asText()).isEqualTo(dpo);
            assertThat(find.path("purpose").asText()).isEqualTo("DSAR-" + suffix);
            assertThat(find.path("role").asText()).isEqualTo("dpo");
            if (!find.path("pending").asBoolean()) {
                logged = find;
                break;
            }
            Thread.sleep(500);
        }
        assertThat(logged).as("the access entry in the audit log's index").isNotNull();
        assertThat(logged.path("logIndex").asLong()).isNotNegative();
        assertThat(logged.path("action").asText()).isEqualTo("find");

        // the auditor browses the log with the values masked, a page at a time
        JsonNode insert = null;
        deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (insert == null && System.nanoTime() < deadline) {
            HttpResponse<String> r =
                    send("GET", "/api/v1/audit/entries?key=contacts/" + id, auditorToken, null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).doesNotContain(email);
            for (JsonNode e : JSON.readTree(r.body()).path("entries")) {
                if ("INSERT".equals(e.path("op").asText())) {
                    insert = e;
                }
            }
            Thread.sleep(300);
        }
        assertThat(insert).as("the contact's INSERT in the audit log").isNotNull();
        JsonNode emailChange = null;
        for (JsonNode c : insert.path("changes")) {
            if ("email".equals(c.path("column").asText())) {
                emailChange = c;
            }
        }
        assertThat(emailChange.path("after").isNull()).isTrue();
        assertThat(emailChange.path("afterState").asText())
                .matches("masked:contact_detail:[0-9a-f]{16}");
        JsonNode first =
                JSON.readTree(
                        send("GET", "/api/v1/audit/entries?limit=1", auditorToken, null).body());
        assertThat(first.path("entries").size()).isEqualTo(1);
        JsonNode second =
                JSON.readTree(
                        send(
                                        "GET",
                                        "/api/v1/audit/entries?limit=1&after="
                                                + first.path("next").asText(),
                                        auditorToken,
                                        null)
                                .body());
        assertThat(second.at("/entries/0/logIndex").asLong())
                .isLessThan(first.at("/entries/0/logIndex").asLong());

        // the auditor verifies the log in the background and fetches the insert's proof
        HttpResponse<String> started =
                send("POST", "/api/v1/audit/verifications", auditorToken, null);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String verificationId = JSON.readTree(started.body()).path("id").asText();
        JsonNode proof = null;
        deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (proof == null && System.nanoTime() < deadline) {
            HttpResponse<String> r =
                    send(
                            "GET",
                            "/api/v1/audit/proofs/contacts/"
                                    + id
                                    + "/"
                                    + insert.path("seq").asLong(),
                            auditorToken,
                            null);
            if (r.statusCode() == 200) {
                proof = JSON.readTree(r.body());
            } else {
                assertThat(r.statusCode())
                        .as(r.body())
                        .isEqualTo(404); // not under a checkpoint yet
                Thread.sleep(1000);
            }
        }
        assertThat(proof).as("an inclusion proof once a checkpoint covers the entry").isNotNull();
        assertThat(proof.path("type").asText()).startsWith("lethe.audit.inclusion-proof/");
        assertThat(proof.path("logIndex").asLong()).isEqualTo(insert.path("logIndex").asLong());
        assertThat(proof.toString()).doesNotContain(email);
        JsonNode verified = null;
        deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            verified =
                    JSON.readTree(
                            send(
                                            "GET",
                                            "/api/v1/audit/verifications/" + verificationId,
                                            auditorToken,
                                            null)
                                    .body());
            if (!"running".equals(verified.path("status").asText())) {
                break;
            }
            Thread.sleep(500);
        }
        assertThat(verified.path("status").asText()).as(verified.toString()).isEqualTo("done");
        assertThat(verified.path("result").path("ok").asBoolean()).as(verified.toString()).isTrue();

        // a DPO reads the subject's history with its values, and that read is on the record too
        HttpResponse<String> history =
                send(
                        "GET",
                        "/api/v1/audit/entries?subject=" + subject + "&purpose=DSAR-" + suffix,
                        dpoToken,
                        null);
        assertThat(history.statusCode()).as(history.body()).isEqualTo(200);
        assertThat(history.body()).contains(email);
        assertThat(send("GET", "/api/v1/audit/entries?limit=1", dpoToken, null).statusCode())
                .isEqualTo(403);

        // the same through the command line, which goes through the server
        assertThat(lethe(PW + "\n", "login", "--username", auditor, "--password-stdin")[0])
                .isEqualTo("0");
        Path tokenFile = s.dataDir().resolve("cli-token.json");
        assertThat(Files.getPosixFilePermissions(tokenFile))
                .containsExactlyInAnyOrder(
                        java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        String[] accesses = lethe("", "subject", "accesses", subject);
        assertThat(accesses[0]).isEqualTo("0");
        assertThat(accesses[1])
                .contains(dpo)
                .contains("DSAR-" + suffix)
                .contains("find")
                .contains("audit-history")
                .contains("export");

        // the searched term is nowhere in the server's log
        String serverLog = Files.readString(s.logsDir().resolve("server.log"));
        assertThat(serverLog).contains("signed in: " + dpo).doesNotContain(email);
    }

    @Test
    void theCommandLineGoesThroughTheServerOrBreaksTheGlassOnTheRecord() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String dpo = "cleo-" + suffix;
        String auditor = "abel-" + suffix;
        assertThat(lethe(PW + "\n", "users", "add", dpo, "--role", "dpo", "--password-stdin")[0])
                .isEqualTo("0");
        assertThat(
                        lethe(
                                PW + "\n",
                                "users",
                                "add",
                                auditor,
                                "--role",
                                "auditor",
                                "--password-stdin")[0])
                .isEqualTo("0");
        String email = "cli-" + suffix + "@example.org";
        long id = insertContact("Cleo", "Vermeer", email, "nl-NL");
        String subject = "contact:" + id;

        // a DPO's find through the server: the JSON of the direct path, recorded with its purpose
        assertThat(lethe(PW + "\n", "login", "--username", dpo, "--password-stdin")[0])
                .isEqualTo("0");
        JsonNode found = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            String[] find =
                    lethe("", "subject", "find", email, "--purpose", "CLI-" + suffix, "--json");
            if (find[0].equals("0")) {
                found = JSON.readTree(find[1]);
                break;
            }
            Thread.sleep(1_000);
        }
        assertThat(found).as("the new contact is found through the server").isNotNull();
        assertThat(found.at("/people/0/subjectId").asText()).isEqualTo(subject);
        String[] direct =
                lethe(
                        "",
                        "subject",
                        "find",
                        email,
                        "--json",
                        "--break-glass",
                        "ServerITCase INC-" + suffix);
        assertThat(direct[0]).isEqualTo("0");
        assertThat(JSON.readTree(direct[1])).isEqualTo(found);
        assertThat(lethe("", "purges", "--limit", "5")[0]).isEqualTo("0");

        // an auditor's look at the log through the server shows no personal value
        assertThat(lethe(PW + "\n", "login", "--username", auditor, "--password-stdin")[0])
                .isEqualTo("0");
        String[] log = lethe("", "audit", "log", "--subject", subject, "--limit", "5");
        assertThat(log[0]).isEqualTo("0");
        assertThat(log[1]).doesNotContain(email);
        assertThat(lethe("", "subject", "find", email, "--purpose", "CLI-" + suffix)[0])
                .as("an auditor may not find people")
                .isEqualTo("1");

        // both the find through the server and the break-glass find are access entries
        deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String[] accesses;
        do {
            accesses = lethe("", "subject", "accesses", subject, "--json");
            if (accesses[1].contains("break-glass") && accesses[1].contains("CLI-" + suffix)) {
                break;
            }
            Thread.sleep(1_000);
        } while (System.nanoTime() < deadline);
        assertThat(accesses[1])
                .contains(dpo)
                .contains("CLI-" + suffix)
                .contains("break-glass")
                .contains("ServerITCase INC-" + suffix)
                .contains(System.getProperty("user.name"));
    }

    @Test
    void aDpoRequestsAnErasureThroughTheApiAndFollowsIt() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String dpo = "erin-" + suffix;
        assertThat(lethe(PW + "\n", "users", "add", dpo, "--role", "dpo", "--password-stdin")[0])
                .isEqualTo("0");
        long id = insertContact("Piet", "Jansen", "erase-" + suffix + "@example.org", "nl-NL");
        String token = signIn(dpo);
        HttpResponse<String> created =
                send(
                        "POST",
                        "/api/v1/erasure-requests",
                        token,
                        JSON.createObjectNode()
                                .put("subjectId", "contact:" + id)
                                .put("reason", "Art. 17 request " + suffix)
                                .toString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String requestId = JSON.readTree(created.body()).path("requestId").asText();
        HttpResponse<String> refused =
                send(
                        "POST",
                        "/api/v1/erasure-requests",
                        token,
                        JSON.createObjectNode()
                                .put("subjectId", "contact:" + id)
                                .put("reason", "write to ada@example.org")
                                .toString());
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).doesNotContain("ada@example.org");

        JsonNode requests =
                JSON.readTree(send("GET", "/api/v1/erasure-requests", token, null).body());
        JsonNode mine = null;
        for (JsonNode r : requests.path("requests")) {
            if (requestId.equals(r.path("requestId").asText())) {
                mine = r;
            }
        }
        assertThat(mine).isNotNull();
        assertThat(mine.path("subjectId").asText()).isEqualTo("contact:" + id);
        assertThat(mine.path("overdue").asBoolean()).isFalse();
        assertThat(mine.path("dueAt").asText()).isNotBlank();

        // the retention job carries the request out: its purges appear, then the request is done
        JsonNode purged = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (purged == null && System.nanoTime() < deadline) {
            HttpResponse<String> purges =
                    send("GET", "/api/v1/purges?limit=50&table=contacts", token, null);
            assertThat(purges.statusCode()).as(purges.body()).isEqualTo(200);
            for (JsonNode p : JSON.readTree(purges.body()).path("purges")) {
                if (requestId.equals(p.path("requestId").asText())) {
                    purged = p;
                }
            }
            Thread.sleep(500);
        }
        assertThat(purged).as("a purge of the erasure request").isNotNull();
        assertThat(purged.path("entityId").asText()).isEqualTo("contacts/" + id);
        assertThat(purged.path("subjectIds").toString()).contains("contact:" + id);
    }

    /**
     * The console as {@code ./lethe up} serves it, in headless Chromium on the real stack: the
     * sign-in page at the server's address; a DPO finds a new contact by email; an auditor filters
     * the log to its record, downloads an inclusion proof that {@code ./lethe audit check-proof}
     * accepts offline; the DPO previews the erasure (the purge job's own plan), confirms it and
     * sees the request done.
     */
    @Test
    void theConsoleFindsProvesAndErasesOnTheRealStack(
            @TempDir Path profile, @TempDir Path downloads) throws Exception {
        ConsoleBrowser.requireChromium();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String dpo = "cora-" + suffix;
        String auditor = "aldo-" + suffix;
        assertThat(lethe(PW + "\n", "users", "add", dpo, "--role", "dpo", "--password-stdin")[0])
                .isEqualTo("0");
        assertThat(
                        lethe(
                                PW + "\n",
                                "users",
                                "add",
                                auditor,
                                "--role",
                                "auditor",
                                "--password-stdin")[0])
                .isEqualTo("0");
        String email = "ines.quintero." + suffix + "@example.org";
        long id = insertContact("Ines", "Quintero", email, "es-ES");
        String record = "contacts/" + id;
        // indexed by discovery, and its first change under a signed tree head
        String dpoToken = signIn(dpo);
        String auditorToken = signIn(auditor);
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        boolean found = false;
        boolean proven = false;
        while ((!found || !proven) && System.nanoTime() < deadline) {
            found =
                    found
                            || send(
                                            "GET",
                                            "/api/v1/subjects?q="
                                                    + URLEncoder.encode(
                                                            email, StandardCharsets.UTF_8)
                                                    + "&purpose=console-it",
                                            dpoToken,
                                            null)
                                    .body()
                                    .contains("contact:" + id);
            proven =
                    proven
                            || send(
                                                    "GET",
                                                    "/api/v1/audit/proofs/" + record + "/1",
                                                    auditorToken,
                                                    null)
                                            .statusCode()
                                    == 200;
            Thread.sleep(1000);
        }
        assertThat(found).as("discovery indexed " + record).isTrue();
        assertThat(proven).as("a proof of " + record + " seq 1").isTrue();

        org.openqa.selenium.chrome.ChromeDriver driver = ConsoleBrowser.start(profile, downloads);
        try {
            org.openqa.selenium.support.ui.WebDriverWait wait = ConsoleBrowser.waiting(driver, 30);
            java.util.function.Function<org.openqa.selenium.By, org.openqa.selenium.WebElement>
                    visible = by -> ConsoleBrowser.visible(driver, wait, by);
            java.util.function.Consumer<String> signInAs =
                    user -> {
                        driver.get(s.serverUrl() + "/");
                        visible.apply(org.openqa.selenium.By.name("username")).sendKeys(user);
                        driver.findElement(org.openqa.selenium.By.name("password")).sendKeys(PW);
                        driver.findElement(
                                        org.openqa.selenium.By.cssSelector(
                                                "form.signin-form button[type=submit]"))
                                .click();
                        wait.until(
                                org.openqa.selenium.support.ui.ExpectedConditions.textToBe(
                                        org.openqa.selenium.By.id("me-name"), user));
                    };
            Runnable find =
                    () -> {
                        visible.apply(org.openqa.selenium.By.name("q")).sendKeys(email);
                        org.openqa.selenium.WebElement purpose =
                                driver.findElement(org.openqa.selenium.By.name("purpose"));
                        purpose.clear();
                        purpose.sendKeys("DSAR-IT-" + suffix);
                        driver.findElement(
                                        org.openqa.selenium.By.cssSelector(
                                                "form.search-form button[type=submit]"))
                                .click();
                    };

            signInAs.accept(dpo);
            find.run();
            org.openqa.selenium.WebElement card =
                    visible.apply(org.openqa.selenium.By.cssSelector("section.person"));
            assertThat(card.getText()).contains(email, "contact:" + id, record);
            driver.findElement(org.openqa.selenium.By.id("sign-out")).click();
            visible.apply(org.openqa.selenium.By.id("signin-notice"));

            signInAs.accept(auditor);
            visible.apply(org.openqa.selenium.By.cssSelector("[data-page='audit']"));
            driver.findElement(org.openqa.selenium.By.name("key")).sendKeys(record);
            driver.findElement(
                            org.openqa.selenium.By.cssSelector("form.filters button[type=submit]"))
                    .click();
            wait.until(
                    d -> {
                        List<org.openqa.selenium.WebElement> entries =
                                d.findElements(org.openqa.selenium.By.cssSelector("details.entry"));
                        return !entries.isEmpty()
                                && entries.stream().allMatch(e -> e.getText().contains(record));
                    });
            List<org.openqa.selenium.WebElement> entries =
                    driver.findElements(org.openqa.selenium.By.cssSelector("details.entry"));
            org.openqa.selenium.WebElement first = entries.get(entries.size() - 1);
            first.findElement(org.openqa.selenium.By.tagName("summary")).click();
            org.openqa.selenium.WebElement detail =
                    visible.apply(
                            org.openqa.selenium.By.cssSelector(
                                    "details.entry[open] .entry-detail"));
            assertThat(detail.getText()).contains("Hash", "Seq").doesNotContain(email);
            detail.findElement(org.openqa.selenium.By.cssSelector("button.proof")).click();
            visible.apply(org.openqa.selenium.By.id("proof-done"));
            Path proof = ConsoleBrowser.downloaded(downloads, "proof-contacts-" + id + "-1.json");
            String[] checked = lethe("", "audit", "check-proof", proof.toString());
            assertThat(checked[0]).as(checked[1]).isEqualTo("0");
            driver.findElement(org.openqa.selenium.By.id("sign-out")).click();
            visible.apply(org.openqa.selenium.By.id("signin-notice"));

            signInAs.accept(dpo);
            find.run();
            visible.apply(org.openqa.selenium.By.cssSelector("section.person"))
                    .findElement(org.openqa.selenium.By.linkText("Open person"))
                    .click();
            visible.apply(org.openqa.selenium.By.name("reason")).sendKeys("Art. 17 request");
            driver.findElement(org.openqa.selenium.By.id("preview")).click();
            org.openqa.selenium.WebElement preview =
                    visible.apply(org.openqa.selenium.By.id("erasure-preview"));
            assertThat(preview.getText()).contains(record);
            driver.findElement(org.openqa.selenium.By.id("confirm-erasure")).click();
            visible.apply(org.openqa.selenium.By.id("erasure-requested"))
                    .findElement(org.openqa.selenium.By.linkText("Follow it in Erasure requests"))
                    .click();
            org.openqa.selenium.By row =
                    org.openqa.selenium.By.xpath(
                            "//tr[.//a[normalize-space()='contact:" + id + "']]");
            long until = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (!visible.apply(row).getText().contains("done") && System.nanoTime() < until) {
                Thread.sleep(2000);
                driver.navigate().refresh();
            }
            assertThat(visible.apply(row).getText()).contains("done");
        } finally {
            driver.quit();
        }
    }

    @Test
    void theServerAppliesAColumnClassifiedAtRunTimeWithoutARestart() throws Exception {
        String column = "srv_" + UUID.randomUUID().toString().substring(0, 8);
        String admin = "admin-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(
                        lethe(
                                PW + "\n",
                                "users",
                                "add",
                                admin,
                                "--role",
                                "admin",
                                "--password-stdin")[0])
                .isEqualTo("0");
        String token = signIn(admin);
        try (Connection c = StackProbe.connectPostgres(s)) {
            c.createStatement().execute("ALTER TABLE contacts ADD COLUMN " + column + " text");
            try {
                assertThat(columnOfCatalog(token, column)).isNull();
                String[] classified =
                        lethe(
                                "",
                                "catalog",
                                "classify",
                                "contacts." + column,
                                "--category",
                                "name",
                                "--classified-by",
                                "dpo-server-test");
                assertThat(classified[0]).as(classified[1]).isEqualTo("0");
                // the server reads the classifications again within five seconds, as the jobs do
                JsonNode col = null;
                long by = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (col == null && System.nanoTime() < by) {
                    col = columnOfCatalog(token, column);
                    if (col == null) {
                        Thread.sleep(500);
                    }
                }
                assertThat(col).as("contacts." + column + " on the catalog page").isNotNull();
                assertThat(col.path("category").asText()).isEqualTo("name");
                assertThat(col.path("personal").asBoolean()).isTrue();
            } finally {
                c.createStatement().execute("ALTER TABLE contacts DROP COLUMN " + column);
            }
        }
    }

    /** The catalog page's entry of {@code contacts.<column>}, or null. */
    private static JsonNode columnOfCatalog(String token, String column) throws Exception {
        HttpResponse<String> r = send("GET", "/api/v1/config/catalog", token, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        for (JsonNode t : JSON.readTree(r.body()).path("tables")) {
            if (t.path("table").asText().equals("contacts")) {
                for (JsonNode col : t.path("columns")) {
                    if (col.path("column").asText().equals(column)) {
                        return col;
                    }
                }
            }
        }
        return null;
    }

    @Test
    void theApiDescribesItself() throws Exception {
        HttpResponse<String> health = send("GET", "/api/v1/health", null, null);
        assertThat(health.statusCode()).isEqualTo(200);
        JsonNode doc = JSON.readTree(send("GET", "/api/v1/openapi.json", null, null).body());
        assertThat(doc.path("paths").has("/subjects/{subjectId}/accesses")).isTrue();
        assertThat(URI.create(s.serverUrl().toString()).getHost()).isEqualTo("127.0.0.1");
    }
}
