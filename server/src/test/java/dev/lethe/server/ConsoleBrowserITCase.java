package dev.lethe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver})
 * against a server on a seeded backend: a DPO finds a person, exports, previews and confirms an
 * erasure and sees the request; an auditor filters the log to one record, opens a diff, downloads a
 * proof and verifies the log, and the latest filter's answer stays when a slower unfiltered page
 * arrives after it; a DPO opening the access log gets the 403 page; a hostile ticket text shows as
 * text; signing out and an expired session go back to sign-in. Every page the tests open is checked
 * by Deque's axe-core for WCAG 2.1 A and AA violations, laid out at 1280 and at 390 px wide. Each
 * page's screenshot is written to {@code target/console-screenshots/}, or where {@code
 * -Dlethe.console.screenshots} says ({@code ../docs/console} refreshes the documentation's
 * pictures).
 */
class ConsoleBrowserITCase {

    static final String PASSWORD = "correct horse battery";
    static final ObjectMapper JSON = new ObjectMapper();

    static LetheServerTest.MutableClock clock = new LetheServerTest.MutableClock();
    static InMemoryUsers users = new InMemoryUsers();
    static SeededBackend backend;
    static LetheServer server;
    static Path shots;

    @TempDir Path downloads;
    @TempDir Path profile;
    WebDriver driver;
    WebDriverWait wait;

    @BeforeAll
    static void start() throws Exception {
        ConsoleBrowser.requireChromium();
        clock.now = Instant.now();
        backend = new SeededBackend(clock);
        users.add("dana", Role.DPO, PASSWORDS.hash(PASSWORD));
        users.add("otto", Role.AUDITOR, PASSWORDS.hash(PASSWORD));
        users.add("ada", Role.ADMIN, PASSWORDS.hash(PASSWORD));
        server = serve(backend);
        // target/ on every run; the documentation's pictures only when asked for
        // (-Dlethe.console.screenshots=../docs/console), so a test run leaves the tree clean
        Path base = Path.of(System.getProperty("basedir", "."));
        shots =
                base.resolve(
                                System.getProperty(
                                        "lethe.console.screenshots", "target/console-screenshots"))
                        .normalize();
        Files.createDirectories(shots);
    }

    static final Passwords PASSWORDS = new Passwords();

    /** A server on {@code backend} with this test's users and clock, on a free port. */
    static LetheServer serve(Backend backend) {
        return TestServer.start(users, PASSWORDS, clock, backend);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** The port of the server the browser opens (the shared one unless a test starts its own). */
    int port;

    @BeforeEach
    void browser() {
        port = server.port();
        driver = ConsoleBrowser.start(profile, downloads);
        wait = ConsoleBrowser.waiting(driver, 15);
    }

    @AfterEach
    void closeBrowser() {
        if (driver != null) {
            driver.quit();
        }
    }

    String url(String hash) {
        return "http://127.0.0.1:" + port + "/" + hash;
    }

    WebElement visible(By by) {
        return ConsoleBrowser.visible(driver, wait, by);
    }

    void page(String name) {
        visible(By.cssSelector("[data-page='" + name + "']"));
    }

    void signIn(String user) {
        driver.get(url(""));
        visible(By.name("username")).sendKeys(user);
        driver.findElement(By.name("password")).sendKeys(PASSWORD);
        driver.findElement(By.cssSelector("form.signin-form button[type=submit]")).click();
        visible(By.id("me-name"));
        wait.until(ExpectedConditions.textToBe(By.id("me-name"), user));
    }

    void nav(String path) {
        driver.findElement(By.cssSelector("#nav a[data-nav='" + path + "']")).click();
        page(path);
    }

    /** A screenshot of the whole page (the viewport grown to its height) into {@link #shots}. */
    void shot(String name) throws Exception {
        JavascriptExecutor js = (JavascriptExecutor) driver;
        js.executeScript("window.scrollTo(0, 0)");
        long width = (Long) js.executeScript("return window.innerWidth");
        long height =
                (Long) js.executeScript("return Math.ceil(document.documentElement.scrollHeight)");
        ChromeDriver chrome = (ChromeDriver) driver;
        chrome.executeCdpCommand(
                "Emulation.setDeviceMetricsOverride",
                Map.of(
                        "width",
                        width,
                        "height",
                        Math.min(2400, Math.max(height, 640)),
                        "deviceScaleFactor",
                        1,
                        "mobile",
                        width < 500));
        Thread.sleep(200);
        byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
        chrome.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        Files.write(shots.resolve(name + ".png"), png);
    }

    Path downloaded(String name) throws Exception {
        return ConsoleBrowser.downloaded(downloads, name);
    }

    boolean pwned() {
        return (Boolean)
                ((JavascriptExecutor) driver).executeScript("return window.__pwned !== undefined");
    }

    /** The rules of WCAG 2.0 and 2.1, levels A and AA, as axe-core tags them. */
    static final List<String> WCAG_21_AA = List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa");

    /** The widths every page is checked at: a laptop and a phone. */
    static final int[] WIDTHS = {1280, 390};

    /**
     * No violation of WCAG 2.1 A or AA that axe-core finds on the page as it is now, laid out at
     * 1280 px and at 390 px wide (the window is put back as it was).
     */
    void accessible(String what) {
        Dimension was = driver.manage().window().getSize();
        List<String> violations = new ArrayList<>();
        try {
            for (int width : WIDTHS) {
                driver.manage().window().setSize(new Dimension(width, 900));
                // laid out at that width: resize observers run before the next frame
                ((JavascriptExecutor) driver)
                        .executeAsyncScript(
                                "const done = arguments[arguments.length - 1];"
                                        + " requestAnimationFrame(() => requestAnimationFrame(done));");
                Object inner =
                        ((JavascriptExecutor) driver).executeScript("return window.innerWidth");
                assertThat(((Number) inner).intValue()).as("the window's width").isEqualTo(width);
                Results r = new AxeBuilder().withTags(WCAG_21_AA).analyze(driver);
                assertThat(r.isErrored()).as("axe-core failed: %s", r.getErrorMessage()).isFalse();
                for (Rule v : r.getViolations()) {
                    List<String> nodes = new ArrayList<>();
                    v.getNodes().forEach(n -> nodes.add(String.valueOf(n.getTarget())));
                    violations.add(
                            String.format(
                                    "%s (%s) at %d px: %s on %s",
                                    v.getId(), v.getImpact(), width, v.getHelp(), nodes));
                }
            }
        } finally {
            driver.manage().window().setSize(was);
        }
        assertThat(violations).as("WCAG 2.1 AA violations on %s", what).isEmpty();
    }

    @Test
    void aDpoFindsAPersonExportsAndRequestsTheirErasure() throws Exception {
        driver.get(url(""));
        visible(By.name("username"));
        shot("sign-in");
        accessible("sign-in");
        signIn("dana");
        page("find");
        visible(By.name("q")).sendKeys("anna@example.eu");
        WebElement purpose = driver.findElement(By.name("purpose"));
        purpose.clear();
        purpose.sendKeys("DSAR-2026-0042");
        driver.findElement(By.cssSelector("form.search-form button[type=submit]")).click();
        WebElement card = visible(By.cssSelector("section.person"));
        assertThat(card.getText())
                .contains("Anna Svensson", "contact:42", "anna@example.eu", "+46701234567")
                .contains("soft-deleted")
                // as the server flags them: her contact row and her two tickets are hers, her
                // email in someone else's ticket comment is a mention
                .contains("Where their data lives (5)")
                .contains("Mentioned in other people\u2019s records (1)")
                .contains("ticket_comments/5120");
        assertThat(backend.recorded).anyMatch(r -> r.action().equals("find"));
        shot("find");
        accessible("find, a person found");

        card.findElement(By.linkText("Open person")).click();
        page("person");
        // the person's history shows the hostile ticket text as text, and nothing of it ran
        WebElement ticket =
                visible(
                        By.xpath(
                                "//details[.//span[.='tickets/901'] and .//span[.='INSERT']]"
                                        + "/summary"));
        ticket.click();
        WebElement body =
                visible(By.xpath("//td[contains(@class,'diff-after')][contains(., '<script>')]"));
        assertThat(body.getText()).isEqualTo(SeededBackend.HOSTILE);
        assertThat(driver.findElements(By.cssSelector("main script, main img"))).isEmpty();
        assertThat(pwned()).as("the ticket text ran as code").isFalse();

        driver.findElement(By.id("export")).click();
        visible(By.id("export-done"));
        assertThat(Files.readAllBytes(downloaded("contact-42-export.zip"))).startsWith('P', 'K');
        assertThat(backend.recorded).anyMatch(r -> r.action().equals("export"));

        driver.findElement(By.name("reason")).sendKeys("Art. 17 request #123");
        driver.findElement(By.id("preview")).click();
        WebElement preview = visible(By.id("erasure-preview"));
        assertThat(preview.getText())
                .contains("Blocked for now", "open-ticket", "contacts/42", "ticket_comments/5120");
        assertThat(backend.recorded).anyMatch(r -> r.action().equals("erasure-preview"));
        shot("person");
        accessible("a person's page, an erasure previewed");

        driver.findElement(By.id("confirm-erasure")).click();
        visible(By.id("erasure-requested"))
                .findElement(By.linkText("Follow it in Erasure requests"))
                .click();
        page("requests");
        WebElement row = visible(By.xpath("//tr[.//a[normalize-space()='contact:42']]"));
        assertThat(row.getText()).contains("pending", "30");
        String all = driver.findElement(By.cssSelector("main")).getText();
        assertThat(all).contains("OVERDUE");
        assertThat(driver.findElements(By.cssSelector("tr.row-soon"))).isNotEmpty();
        assertThat(driver.findElements(By.cssSelector("tr.row-overdue"))).hasSize(1);
        shot("requests");
        accessible("erasure requests");

        nav("purges");
        new Select(driver.findElement(By.name("outcome"))).selectByValue("skipped");
        driver.findElement(By.cssSelector("form.filters button[type=submit]")).click();
        wait.until(d -> d.findElements(By.cssSelector("main tbody tr")).size() == 1);
        new Select(driver.findElement(By.name("outcome"))).selectByValue("");
        driver.findElement(By.cssSelector("form.filters button[type=submit]")).click();
        wait.until(d -> d.findElements(By.cssSelector("main tbody tr")).size() == 5);
        shot("purges");
        accessible("purges");

        // the access log of every subject is the auditor's: a clear 403 page, nothing shown
        driver.get(url("#/accesses"));
        page("forbidden");
        assertThat(driver.findElement(By.cssSelector("main")).getText())
                .contains("403", "Your role cannot open this page", "dpo");
        shot("forbidden");
        accessible("the 403 page");

        driver.findElement(By.id("sign-out")).click();
        assertThat(visible(By.id("signin-notice")).getText()).contains("signed out");
        accessible("sign-in after signing out");
        driver.get(url("#/find"));
        visible(By.name("username"));
    }

    @Test
    void anAuditorFiltersTheLogOpensADiffDownloadsAProofAndVerifies() throws Exception {
        signIn("otto");
        page("audit");
        visible(By.cssSelector("details.entry"));
        driver.findElement(By.name("key")).sendKeys("contacts/42");
        driver.findElement(By.cssSelector("form.filters button[type=submit]")).click();
        wait.until(
                d ->
                        d.findElements(By.cssSelector("details.entry")).size() == 2
                                && d.findElements(By.cssSelector("details.entry")).stream()
                                        .allMatch(e -> e.getText().contains("contacts/42")));
        List<WebElement> entries = driver.findElements(By.cssSelector("details.entry"));
        entries.get(0).findElement(By.tagName("summary")).click();
        WebElement detail = visible(By.cssSelector("details.entry[open] .entry-detail"));
        assertThat(detail.getText())
                .contains("email", "Hash", "Previous hash", "Seq", "Log index")
                .doesNotContain("anna@example.eu")
                .doesNotContain("anna.svensson@example.se");
        assertThat(detail.findElements(By.cssSelector(".masked"))).hasSize(2);
        shot("audit-log");
        accessible("the audit log, an entry open");

        detail.findElement(By.cssSelector("button.proof")).click();
        visible(By.id("proof-done"));
        JsonNode proof = JSON.readTree(downloaded("proof-contacts-42-2.json").toFile());
        assertThat(proof.get("entityId").asText()).isEqualTo("contacts/42");
        assertThat(proof.get("seq").asLong()).isEqualTo(2);

        nav("verify");
        driver.findElement(By.id("start-verify")).click();
        // while it runs: its phase and the entries verified so far, of how many
        wait.until(
                ExpectedConditions.textMatches(
                        By.id("verification-progress"),
                        java.util.regex.Pattern.compile(
                                "verifying entries — \\d+ of \\d+ entries verified")));
        WebElement result = visible(By.id("verification-result"));
        assertThat(result.getText()).contains("VERIFIED", "Latest signed tree head", "Copy hash");
        shot("verify");
        accessible("verify, a verification done");

        nav("accesses");
        visible(By.cssSelector("main table"));
        driver.findElement(By.name("subject")).sendKeys("contact:42");
        driver.findElement(By.cssSelector("form.filters button[type=submit]")).click();
        visible(By.xpath("//h2[contains(., 'Accesses to')]"));
        assertThat(driver.findElement(By.cssSelector("main")).getText()).contains("DSAR-2026-0031");
        shot("access-log");
        accessible("the access log, one subject's accesses");
    }

    /** Holds a slow answer until the test lets it go. */
    static final class Gate {
        final CountDownLatch asked = new CountDownLatch(1);
        final CountDownLatch answer = new CountDownLatch(1);

        /** Called by the slow read: says it was asked, then waits to be let go. */
        void hold() {
            asked.countDown();
            try {
                if (!answer.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never let the slow answer go");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        void awaitAsked() throws InterruptedException {
            assertThat(asked.await(15, TimeUnit.SECONDS)).as("the page asked").isTrue();
        }

        void release() {
            answer.countDown();
        }
    }

    /**
     * The seeded log, whose read of the first page without any filter (the unfiltered first page of
     * a large log) answers only once the test lets it.
     */
    static final class SlowUnfilteredLog extends SeededBackend {
        final Gate gate = new Gate();

        SlowUnfilteredLog() {
            super(clock);
        }

        @Override
        public AuditPage auditEntries(AuditQuery q, boolean values) {
            boolean unfiltered =
                    java.util.stream.Stream.of(
                                    q.table(),
                                    q.key(),
                                    q.subject(),
                                    q.actor(),
                                    q.op(),
                                    q.kind(),
                                    q.since(),
                                    q.until(),
                                    q.before())
                            .allMatch(java.util.Objects::isNull);
            if (unfiltered) {
                gate.hold();
            }
            return super.auditEntries(q, values);
        }
    }

    /** The seeded purges, whose unfiltered first page answers only once the test lets it. */
    static final class SlowUnfilteredPurges extends SeededBackend {
        final Gate gate = new Gate();

        SlowUnfilteredPurges() {
            super(clock);
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
            if (java.util.stream.Stream.of(outcome, table, rule, since, until, before)
                    .allMatch(java.util.Objects::isNull)) {
                gate.hold();
            }
            return super.purges(outcome, table, rule, since, until, before, limit);
        }
    }

    /**
     * The seeded dead letters, whose read of a window longer than two hours (the page's default
     * day) answers only once the test lets it, with a total the hour's answer does not have.
     */
    static final class SlowLongWindowDeadLetters extends SeededBackend {
        final Gate gate = new Gate();

        SlowLongWindowDeadLetters() {
            super(clock);
        }

        @Override
        public JsonNode deadLetters(Instant since) {
            JsonNode d = super.deadLetters(since);
            if (since.isBefore(Instant.now().minus(java.time.Duration.ofHours(2)))) {
                gate.hold();
                ((com.fasterxml.jackson.databind.node.ObjectNode) d).put("total", 99);
            }
            return d;
        }
    }

    /** Waits until the browser has the answer of a request whose URL ends with {@code suffix}. */
    void awaitAnswered(String suffix) {
        wait.until(
                d ->
                        (Boolean)
                                ((JavascriptExecutor) d)
                                        .executeScript(
                                                "return performance.getEntriesByType('resource')"
                                                        + ".some((e) => e.name.endsWith(arguments[0])"
                                                        + " && e.responseEnd > 0)",
                                                suffix));
        // and the page has had time to handle it
        ((JavascriptExecutor) driver)
                .executeAsyncScript("setTimeout(arguments[arguments.length - 1], 500)");
    }

    @Test
    void thePurgesShowTheLatestFiltersAnswerWhenAnEarlierOneArrivesAfterIt() throws Exception {
        SlowUnfilteredPurges slow = new SlowUnfilteredPurges();
        LetheServer own = serve(slow);
        try {
            port = own.port();
            signIn("dana");
            nav("purges");
            slow.gate.awaitAsked();
            driver.findElement(By.name("table")).sendKeys("tickets");
            driver.findElement(By.cssSelector("form.filters button[type=submit]")).click();
            wait.until(
                    d ->
                            d.findElements(By.cssSelector("main tbody tr")).size() == 2
                                    && d.findElements(By.cssSelector("main tbody tr")).stream()
                                            .allMatch(r -> r.getText().contains("tickets/")));

            slow.gate.release();
            awaitAnswered("/api/v1/purges?limit=50");

            List<WebElement> shown = driver.findElements(By.cssSelector("main tbody tr"));
            assertThat(shown)
                    .as("the filtered purges are still shown")
                    .hasSize(2)
                    .allMatch(r -> r.getText().contains("tickets/"));
        } finally {
            slow.gate.release();
            own.close();
        }
    }

    @Test
    void theDeadLettersShowTheLatestWindowsAnswerWhenAnEarlierOneArrivesAfterIt() throws Exception {
        SlowLongWindowDeadLetters slow = new SlowLongWindowDeadLetters();
        LetheServer own = serve(slow);
        try {
            port = own.port();
            signIn("ada");
            nav("deadletters");
            slow.gate.awaitAsked();
            new Select(driver.findElement(By.name("window"))).selectByValue("PT1H");
            driver.findElement(By.cssSelector("form.filters button[type=submit]")).click();
            wait.until(
                    ExpectedConditions.textMatches(
                            By.id("deadletters-summary"),
                            java.util.regex.Pattern.compile("^3 since")));

            slow.gate.release();
            wait.until(
                    d ->
                            (Boolean)
                                    ((JavascriptExecutor) d)
                                            .executeScript(
                                                    "return performance.getEntriesByType('resource')"
                                                            + ".filter((e) => e.name.includes("
                                                            + "'/api/v1/dead-letters?')"
                                                            + " && e.responseEnd > 0).length >= 2"));
            ((JavascriptExecutor) driver)
                    .executeAsyncScript("setTimeout(arguments[arguments.length - 1], 500)");

            assertThat(driver.findElement(By.id("deadletters-summary")).getText())
                    .as("the hour's answer is still shown, not the day's that came after it")
                    .startsWith("3 since");
        } finally {
            slow.gate.release();
            own.close();
        }
    }

    @Test
    void theAuditLogShowsTheLatestFiltersAnswerWhenAnEarlierOneArrivesAfterIt() throws Exception {
        SlowUnfilteredLog slow = new SlowUnfilteredLog();
        LetheServer own = serve(slow);
        try {
            port = own.port();
            signIn("otto");
            page("audit");
            // the page asked for the unfiltered first page; it has not answered yet
            slow.gate.awaitAsked();
            driver.findElement(By.name("key")).sendKeys("contacts/42");
            driver.findElement(By.cssSelector("form.filters button[type=submit]")).click();
            wait.until(
                    d ->
                            d.findElements(By.cssSelector("details.entry")).size() == 2
                                    && d.findElements(By.cssSelector("details.entry")).stream()
                                            .allMatch(e -> e.getText().contains("contacts/42")));

            // now the unfiltered page answers, after the filtered one
            slow.gate.release();
            awaitAnswered("/api/v1/audit/entries?limit=50");

            List<WebElement> shown = driver.findElements(By.cssSelector("details.entry"));
            assertThat(shown)
                    .as("the filtered entries are still shown")
                    .hasSize(2)
                    .allMatch(e -> e.getText().contains("contacts/42"));
            assertThat(driver.findElement(By.name("key")).getDomProperty("value"))
                    .isEqualTo("contacts/42");
        } finally {
            // answered before the server stops, which waits for the requests it serves
            slow.gate.release();
            own.close();
        }
    }

    @Test
    void anAdminAddsAUserAndSeesTheOneTimePasswordOnce() throws Exception {
        signIn("ada");
        page("users");
        visible(By.name("username")).sendKeys("mira");
        new Select(driver.findElement(By.name("role"))).selectByValue("auditor");
        driver.findElement(By.cssSelector("form.filters button[type=submit]")).click();
        WebElement once = visible(By.id("one-time"));
        assertThat(once.getText()).contains("mira", "One-time password");
        visible(By.xpath("//td[normalize-space()='mira']"));
        shot("users");
        accessible("users, a one-time password shown");
    }

    @Test
    void underFourEyesASecondDpoApprovesRejectsAndRetriesAndFiltersPurgesByTime() throws Exception {
        backend.fourEyes = true;
        try {
            signIn("dana");
            page("find");
            nav("requests");
            WebElement queue = visible(By.id("approval-queue"));
            assertThat(queue.getText())
                    .contains("Four-eyes approval is on", "contact:51", "contact:52", "contact:53");
            // her own request: no approve button, another DPO must approve it
            WebElement own =
                    queue.findElement(By.xpath(".//tr[.//a[normalize-space()='contact:53']]"));
            assertThat(own.getText()).contains("(you)", "Another DPO must approve it");
            assertThat(own.findElements(By.cssSelector("button.approve"))).isEmpty();
            shot("requests-approval");
            accessible("erasure requests awaiting approval");

            queue.findElement(
                            By.xpath(
                                    ".//tr[.//a[normalize-space()='contact:51']]"
                                            + "//button[contains(@class,'approve')]"))
                    .click();
            wait.until(
                    ExpectedConditions.textToBePresentInElementLocated(
                            By.id("decision-done"), "Approved"));
            assertThat(row("contact:51").getText()).contains("pending", "approved by dana");
            assertThat(backend.recorded)
                    .anyMatch(
                            r ->
                                    r.action().equals("erasure-approve")
                                            && r.user().equals("dana")
                                            && r.subjectIds().contains("contact:51"));

            WebElement other =
                    driver.findElement(
                            By.xpath(
                                    "//section[@id='approval-queue']"
                                            + "//tr[.//a[normalize-space()='contact:52']]"));
            other.findElement(By.cssSelector("details.reject > summary")).click();
            other.findElement(By.name("reject-reason")).sendKeys("identity not verified #119");
            other.findElement(By.cssSelector("details.reject button[type=submit]")).click();
            wait.until(
                    ExpectedConditions.textToBePresentInElementLocated(
                            By.id("decision-done"), "Rejected"));
            assertThat(row("contact:52").getText())
                    .contains("rejected", "REJECTED by dana: identity not verified #119");
            assertThat(backend.recorded).anyMatch(r -> r.action().equals("erasure-reject"));

            row("contact:23").findElement(By.cssSelector("button.retry")).click();
            wait.until(
                    ExpectedConditions.textToBePresentInElementLocated(
                            By.id("decision-done"), "Retry requested"));
            assertThat(row("contact:23").getText()).contains("pending", "retry requested by dana");
            assertThat(backend.recorded)
                    .anyMatch(
                            r ->
                                    r.action().equals("erasure-retry")
                                            && r.subjectIds().contains("contact:23"));

            // purges before the fifth one's time: the third and the fourth
            JsonNode all = backend.purges(null, null, null, null, null, null, 50);
            String fifth = null;
            for (JsonNode p : all.get("purges")) {
                if (p.get("seq").asInt() == 5) {
                    fifth = p.get("executedAt").asText();
                }
            }
            nav("purges");
            visible(By.cssSelector("main tbody tr"));
            ((JavascriptExecutor) driver)
                    .executeScript(
                            "document.querySelector('input[name=until]').value = arguments[0]",
                            fifth.substring(0, 16));
            driver.findElement(By.cssSelector("form.filters button[type=submit]")).click();
            wait.until(d -> d.findElements(By.cssSelector("main tbody tr")).size() == 2);
            assertThat(driver.findElement(By.cssSelector("main tbody")).getText())
                    .contains("tickets/512", "attachments/88")
                    .doesNotContain("tickets/80");
            shot("purges-by-time");
            accessible("purges filtered by time");
        } finally {
            backend.fourEyes = false;
        }
    }

    /** The row of the requests table (not the approval queue) of a subject. */
    WebElement row(String subject) {
        return visible(
                By.xpath(
                        "//table[caption[normalize-space()='Erasure requests']]"
                                + "//tr[.//a[normalize-space()='"
                                + subject
                                + "']]"));
    }

    @Test
    void anAdminSeesStackHealthTheCatalogThePolicyAndDeadLettersButNoPersonalData()
            throws Exception {
        signIn("ada");
        page("users");
        nav("health");
        assertThat(visible(By.id("health-summary")).getText())
                .contains("Every component is healthy", "deadletters");
        assertThat(driver.findElement(By.cssSelector("tr[data-component='connect']")).getText())
                .contains("healthy", "http://127.0.0.1:18083", "RUNNING");
        shot("admin-health");
        accessible("stack health");

        nav("catalog");
        WebElement tickets = visible(By.cssSelector("section[data-table='tickets']"));
        assertThat(tickets.getText())
                .contains(
                        "via: contact_id",
                        "free_text",
                        "personal",
                        "<b>customers write anything</b>");
        assertThat(driver.findElements(By.cssSelector("main b"))).isEmpty();
        shot("admin-catalog");
        accessible("the catalog");
        driver.findElement(By.name("table-filter")).sendKeys("email");
        wait.until(d -> d.findElements(By.cssSelector("section[data-table]")).size() == 1);

        nav("policy");
        assertThat(visible(By.id("policy-facts")).getText())
                .contains("P1M", "single", "hold-backlog");
        assertThat(driver.findElement(By.cssSelector("main")).getText())
                .contains("tickets.soft-deleted", "P60D", "status: closed", "record tickets/80");
        shot("admin-policy");
        accessible("the retention policy");

        nav("deadletters");
        assertThat(visible(By.id("deadletters-summary")).getText())
                .contains("3", "MALFORMED_JSON 2");
        assertThat(driver.findElement(By.cssSelector("main")).getText())
                .contains("helpdesk.public.tickets-0@90412", "lethe-discovery", "SCHEMA_CHANGE");
        shot("admin-deadletters");
        accessible("dead letters");

        // no personal data for an admin: the requests page is a 403
        driver.get(url("#/requests"));
        page("forbidden");
        assertThat(driver.findElement(By.cssSelector("main")).getText()).contains("403", "admin");
        accessible("the 403 page of an admin");
    }

    @Test
    void anExpiredSessionGoesBackToSignIn() throws Exception {
        signIn("otto");
        page("audit");
        clock.now = clock.now.plus(LocalTokens.DEFAULT_TTL).plusSeconds(1);
        driver.findElement(By.cssSelector("#nav a[data-nav='verify']")).click();
        driver.findElement(By.id("start-verify")).click();
        WebElement expired = visible(By.id("signin-notice"));
        assertThat(expired.getText()).contains("session expired");
        accessible("sign-in after the session expired");
        assertThat(driver.findElement(By.id("top")).isDisplayed()).isFalse();
    }

    /** Each table box of the page: whether it scrolls sideways, and whether it is a tab stop. */
    @SuppressWarnings("unchecked")
    List<String> tableBoxes() {
        return (List<String>)
                ((JavascriptExecutor) driver)
                        .executeScript(
                                "return [...document.querySelectorAll('.table-wrap')].map((b) =>"
                                        + " (b.scrollWidth > b.clientWidth ? 'scrolls' : 'fits')"
                                        + " + (b.tabIndex === 0 && b.getAttribute('role') === 'region'"
                                        + " && b.getAttribute('aria-label') ? ', tab stop' : ', no tab"
                                        + " stop'))");
    }

    @Test
    void thePagesWorkOnAPhoneScreen() throws Exception {
        driver.manage().window().setSize(new Dimension(390, 844));
        signIn("dana");
        page("find");
        visible(By.name("q")).sendKeys("anna@example.eu");
        WebElement purpose = driver.findElement(By.name("purpose"));
        purpose.clear();
        purpose.sendKeys("DSAR-2026-0042");
        driver.findElement(By.cssSelector("form.search-form button[type=submit]")).click();
        visible(By.cssSelector("section.person"));
        // nothing wider than the screen but the tables' own scrolling boxes
        long overflow =
                (Long)
                        ((JavascriptExecutor) driver)
                                .executeScript(
                                        "return document.documentElement.scrollWidth -"
                                                + " document.documentElement.clientWidth");
        assertThat(overflow).isLessThanOrEqualTo(0);
        // a table box too narrow for its table is a named tab stop, so the keyboard scrolls it;
        // once the window is wide enough for it, it is none (checked as the boxes change size)
        wait.until(d -> tableBoxes().contains("scrolls, tab stop"));
        assertThat(tableBoxes()).doesNotContain("scrolls, no tab stop", "fits, tab stop");
        driver.manage().window().setSize(new Dimension(1280, 900));
        wait.until(d -> !tableBoxes().contains("scrolls, tab stop"));
        assertThat(tableBoxes()).containsOnly("fits, no tab stop");
        driver.manage().window().setSize(new Dimension(390, 844));
        wait.until(d -> tableBoxes().contains("scrolls, tab stop"));
        shot("find-phone");
        accessible("find on a phone");
    }
}
