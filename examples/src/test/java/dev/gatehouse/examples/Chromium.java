package dev.gatehouse.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.testing.Services;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.UnexpectedAlertBehaviour;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.devtools.Command;
import org.openqa.selenium.devtools.DevTools;
import org.openqa.selenium.devtools.Event;
import org.openqa.selenium.devtools.HasDevTools;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through its chromedriver, with a fresh profile and no
 * network of its own (no component updates, sync or QUIC). Skips, or fails with {@code CI=true},
 * when either binary is missing. One per test; not thread-safe.
 */
final class Chromium implements AutoCloseable {

    static final Path BROWSER = Path.of(Optional.ofNullable(System.getenv("GATEHOUSE_CHROMIUM")).orElse("/usr/bin/chromium"));
    static final Path DRIVER = Path.of(Optional.ofNullable(System.getenv("GATEHOUSE_CHROMEDRIVER")).orElse("/usr/bin/chromedriver"));

    final ChromeDriver driver;
    private final Path profile;
    private final List<String> browserLog = new ArrayList<>();

    private Chromium(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** A browser with a {@code width} x {@code height} window and a fresh profile, removed on close. */
    static Chromium start(int width, int height) throws IOException {
        if (!Files.isExecutable(BROWSER) || !Files.isExecutable(DRIVER)) {
            Services.unavailable("Chromium and chromedriver (Debian packages chromium, chromium-driver)",
                    BROWSER + " or " + DRIVER + " is missing");
        }
        // Not a JUnit @TempDir: Chromium's helper processes may still write to it just after quit.
        Path profile = Files.createTempDirectory("gatehouse-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--disable-dev-shm-usage", "--lang=en-US",
                "--force-device-scale-factor=1", "--hide-scrollbars",
                "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=" + width + "," + height);
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        // An alert stays open and fails the next command, so an injected alert(1) cannot go unseen.
        options.setUnhandledPromptBehaviour(UnexpectedAlertBehaviour.IGNORE);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().withSilent(true).build();
        return new Chromium(new ChromeDriver(service, options), profile);
    }

    /** Lets the page write and read the clipboard, as a user's click on Copy does. */
    void allowClipboard(String origin) {
        driver.executeCdpCommand("Browser.grantPermissions", Map.of("origin", origin,
                "permissions", List.of("clipboardReadWrite", "clipboardSanitizedWrite")));
    }

    /** What the clipboard holds now. */
    String clipboard() {
        return (String) ((JavascriptExecutor) driver).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "navigator.clipboard.readText().then(done, e => done('clipboard error: ' + e));");
    }

    void open(String url) {
        driver.get(url);
    }

    WebElement byId(String id) {
        return waitFor(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
    }

    WebElement find(By by) {
        return waitFor(ExpectedConditions.visibilityOfElementLocated(by));
    }

    <T> T waitFor(Function<WebDriver, T> condition) {
        // A list re-rendered under the test's feet leaves stale elements: look again.
        return new WebDriverWait(driver, Duration.ofSeconds(30), Duration.ofMillis(50))
                .ignoring(StaleElementReferenceException.class).until(condition::apply);
    }

    /** Waits until {@code by} shows a text containing {@code text}, and returns the whole text. */
    String waitForText(By by, String text) {
        waitFor(ExpectedConditions.textToBePresentInElementLocated(by, text));
        return driver.findElement(by).getText();
    }

    void type(String id, String text) {
        WebElement e = byId(id);
        e.clear();
        e.sendKeys(text);
    }

    void click(String id) {
        waitFor(ExpectedConditions.elementToBeClickable(By.id(id))).click();
    }

    void click(By by) {
        waitFor(ExpectedConditions.elementToBeClickable(by)).click();
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** Fails if a JavaScript dialog (alert, confirm, prompt) is open. */
    void assertNoAlert() {
        try {
            String text = driver.switchTo().alert().getText();
            throw new AssertionError("a JavaScript dialog opened: " + text);
        } catch (NoAlertPresentException expected) {
            // good
        }
    }

    /** The browser's console messages since the start (errors, CSP and Trusted Types violations). */
    List<String> log() {
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            browserLog.add(e.getLevel() + " " + e.getMessage());
        }
        return browserLog;
    }

    /** Between tests: a blank page, the default viewport, an empty log. */
    void reset() {
        driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        driver.get("about:blank");
        log();
        browserLog.clear();
    }

    /**
     * No script error and no security-policy message in the browser's console. The console's
     * own API error answers (4xx, which it shows in words) are logged by Chromium and allowed.
     */
    void assertCleanLog() {
        assertThat(log()).as("browser console").noneMatch(l -> (l.startsWith("SEVERE")
                && !l.matches("SEVERE \\S+/api/\\S+ - Failed to load resource: the server responded with a status of 4\\d\\d .*"))
                || l.contains("Content Security Policy") || l.contains("Trusted Type"));
    }

    /**
     * Whether {@code text} is anywhere in the page's JavaScript heap, after a full garbage
     * collection: a heap snapshot (DevTools' HeapProfiler) holds every live string.
     */
    boolean heapContains(String text) throws InterruptedException {
        DevTools devTools = ((HasDevTools) driver).getDevTools();
        devTools.createSessionIfThereIsNotOne();
        StringBuilder snapshot = new StringBuilder();
        devTools.addListener(new Event<>("HeapProfiler.addHeapSnapshotChunk", input -> {
            String chunk = "";
            input.beginObject();
            while (input.hasNext()) {
                if (input.nextName().equals("chunk")) {
                    chunk = input.nextString();
                } else {
                    input.skipValue();
                }
            }
            input.endObject();
            return chunk;
        }), chunk -> {
            synchronized (snapshot) {
                snapshot.append(chunk);
            }
        });
        devTools.send(new Command<>("HeapProfiler.enable", Map.of()));
        devTools.send(new Command<>("HeapProfiler.collectGarbage", Map.of()));
        devTools.send(new Command<>("HeapProfiler.takeHeapSnapshot", Map.of("reportProgress", false)), Duration.ofSeconds(60));
        int length = -1;
        while (true) { // chunks arrive on another thread; the snapshot is complete when they stop
            Thread.sleep(300);
            synchronized (snapshot) {
                if (snapshot.length() == length) {
                    break;
                }
                length = snapshot.length();
            }
        }
        devTools.clearListeners();
        devTools.send(new Command<>("HeapProfiler.disable", Map.of()));
        synchronized (snapshot) {
            assertThat(snapshot.length()).as("heap snapshot size").isGreaterThan(100_000);
            return snapshot.indexOf(text) >= 0;
        }
    }

    /** Makes the page's viewport {@code width} x {@code height} CSS pixels at {@code scale} device pixels each. */
    void viewport(int width, int height, double scale) {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height,
                "deviceScaleFactor", scale, "mobile", false));
    }

    /** A screenshot of the whole page, not only the window: the viewport grows to the page's height for it. */
    void fullPageScreenshot(Path file, int width) throws IOException {
        long height = (Long) js("return Math.ceil(document.documentElement.scrollHeight)");
        viewport(width, (int) height, 1);
        try {
            screenshot(file);
        } finally {
            driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }

    /** A screenshot of one element, whole, in a window {@code width} wide and as tall as the page. */
    void elementScreenshot(By by, Path file, int width) throws IOException {
        long height = (Long) js("return Math.ceil(document.documentElement.scrollHeight)");
        viewport(width, (int) height, 1);
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, driver.findElement(by).getScreenshotAs(OutputType.BYTES));
        } finally {
            driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }

    void screenshot(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            deleteProfile();
        }
    }

    private void deleteProfile() {
        for (int attempt = 0; attempt < 5 && Files.exists(profile); attempt++) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                // files come and go while the browser's last processes exit; try again
            }
        }
    }
}
