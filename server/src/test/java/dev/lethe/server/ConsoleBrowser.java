package dev.lethe.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through its chromedriver, as the console's browser tests use it
 * (here and in the command line's real-stack tests): a fresh profile, downloads into a directory of
 * the test's, the browser's console log kept for failure messages.
 */
public final class ConsoleBrowser {

    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private ConsoleBrowser() {}

    /** Fails, saying how to install them, when Chromium or its driver is missing. */
    public static void requireChromium() {
        assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
                .as(
                        "the console's browser tests need Debian's Chromium and its driver at %s"
                                + " and %s: apt-get install -y chromium chromium-driver (.ci/run"
                                + " does it)",
                        CHROMIUM, CHROMEDRIVER)
                .isTrue();
    }

    /** A headless Chromium at 1280 × 900 with a new profile in {@code profile}. */
    public static ChromeDriver start(Path profile, Path downloads) {
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        o.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--force-device-scale-factor=1",
                "--user-data-dir=" + profile.toAbsolutePath(),
                "--window-size=1280,900");
        Map<String, Object> prefs = new HashMap<>();
        prefs.put("download.default_directory", downloads.toAbsolutePath().toString());
        prefs.put("download.prompt_for_download", false);
        o.setExperimentalOption("prefs", prefs);
        org.openqa.selenium.logging.LoggingPreferences logs =
                new org.openqa.selenium.logging.LoggingPreferences();
        logs.enable(org.openqa.selenium.logging.LogType.BROWSER, java.util.logging.Level.ALL);
        o.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service =
                new ChromeDriverService.Builder()
                        .usingDriverExecutable(CHROMEDRIVER.toFile())
                        .usingAnyFreePort()
                        .build();
        ChromeDriver driver = new ChromeDriver(service, o);
        driver.manage().window().setSize(new Dimension(1280, 900));
        return driver;
    }

    /** The element once it is visible; otherwise fails with the page's text and browser log. */
    public static WebElement visible(WebDriver driver, WebDriverWait wait, By by) {
        try {
            return wait.until(ExpectedConditions.visibilityOfElementLocated(by));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError(
                    "not shown: "
                            + by
                            + "\nthe page: "
                            + driver.findElement(By.tagName("body")).getText()
                            + "\nthe browser's console: "
                            + driver.manage()
                                    .logs()
                                    .get(org.openqa.selenium.logging.LogType.BROWSER)
                                    .getAll(),
                    e);
        }
    }

    /** The file {@code name} once the browser has downloaded it (waits up to ten seconds). */
    public static Path downloaded(Path downloads, String name) throws InterruptedException {
        Path f = downloads.resolve(name);
        for (int i = 0; i < 100 && !Files.exists(f); i++) {
            Thread.sleep(100);
        }
        assertThat(f).as("downloaded " + name).exists();
        return f;
    }

    /** A wait of {@code seconds} on {@code driver}. */
    public static WebDriverWait waiting(WebDriver driver, int seconds) {
        return new WebDriverWait(driver, Duration.ofSeconds(seconds));
    }
}
