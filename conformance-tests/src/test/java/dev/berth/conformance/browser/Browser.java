package dev.berth.conformance.browser;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Debian's headless Chromium, driven through its {@code chromedriver} (Selenium), at one {@link Viewport}, against
 * one server; test classes using it are marked {@link BrowserTest}.
 *
 * <p>Nothing is downloaded: the driver is {@code /usr/bin/chromedriver} and the browser {@code /usr/bin/chromium}
 * (system properties {@code berth.chromedriver} and {@code berth.chromium} name others). Because the driver's path
 * is given to the service, Selenium does not run Selenium Manager at all (its {@code DriverFinder} logs "Skipping
 * Selenium Manager, path to chromedriver specified in Service class").
 *
 * <p>What the page writes to the browser's console is collected after every step ({@link #open}, {@link #click},
 * {@link #type}, the waits), so that nothing is lost between steps; {@link #assertNoConsoleErrors()} fails listing
 * every error (level {@code SEVERE}: uncaught exceptions, failed loads, {@code console.error}) and every
 * Content-Security-Policy violation, which Chromium reports there too.
 *
 * <p>{@link #screenshot(String)} writes what the viewport shows to
 * {@code target/screenshots/<width>x<height>/<name>.png} (system property {@code berth.screenshots}), for a person
 * to look at.
 */
public final class Browser implements AutoCloseable {

    public static final Duration WAIT = Duration.ofSeconds(15);
    private static final Path CHROMIUM = Path.of(System.getProperty("berth.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("berth.chromedriver", "/usr/bin/chromedriver"));
    /**
     * The user agent of the phone: Chrome on Android, so that a page that asks sees a phone (the version in it is
     * not the browser's; no page of Berth's looks at it).
     */
    private static final String PHONE_USER_AGENT = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36"
            + " (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36";

    private final URI base;
    private final Viewport viewport;
    private final Path profile;
    private final ChromeDriver driver;
    private final WebDriverWait wait;
    private final List<LogEntry> console = new ArrayList<>();

    private Browser(URI base, Viewport viewport, Path profile, ChromeDriver driver) {
        this.base = base;
        this.viewport = viewport;
        this.profile = profile;
        this.driver = driver;
        // polled every 50 ms rather than WebDriverWait's 500: a step waits for what it needs, not for the next tick
        this.wait = new WebDriverWait(driver, WAIT, Duration.ofMillis(50));
    }

    /** What is missing for the browser tests ({@code null}: nothing). */
    static String missing() {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(CHROMIUM)) {
            missing.add(CHROMIUM + " (Debian's chromium) is not installed");
        }
        if (!Files.isExecutable(CHROMEDRIVER)) {
            missing.add(CHROMEDRIVER + " (Debian's chromium-driver) is not installed");
        }
        return missing.isEmpty() ? null : String.join(" and ", missing);
    }

    /** Whether the browser tests must run here (set by {@code .ci/run}): then a missing browser fails them. */
    static boolean required() {
        return Boolean.getBoolean("berth.browser.required");
    }

    /** Starts a headless Chromium at the given size, for pages of the server at {@code base}. */
    public static Browser open(URI base, Viewport viewport) {
        String missing = missing();
        if (missing != null) {
            throw new IllegalStateException(missing + ", and the browser tests need it;"
                    + " apt-get install chromium chromium-driver");
        }
        Path profile;
        try {
            // a fresh profile: no cache, cookies or storage from an earlier run; deleted by close()
            profile = Files.createTempDirectory("berth-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toString());
        options.addArguments(
                "--headless=new",
                "--user-data-dir=" + profile,
                // Docker and CI machines often give /dev/shm 64 MB, too little for the renderer; Debian's launcher
                // would add this itself below 3.8 GB, but its check of the size breaks on some machines
                "--disable-dev-shm-usage",
                // no calls home (component updates, variations, safe browsing): CI has no network beyond its mirrors
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--lang=en-US");
        if (runningAsRoot()) {
            // Chromium refuses to start as root with its sandbox on (it cannot drop root's privileges into the
            // sandbox), and .ci/run runs as root. Only the pages of the server under test are opened. As anyone
            // else the sandbox stays on.
            options.addArguments("--no-sandbox");
        }
        // The size is set by device metrics emulation (as DevTools' device toolbar does), not by the window: a
        // headless window of 1280x800 still leaves the page only 1280x657 (room for a toolbar no one sees). Pixel
        // ratio 1: a screenshot is as many pixels as the size it is named after.
        Map<String, Object> metrics = Map.of("width", viewport.width(), "height", viewport.height(),
                "pixelRatio", 1.0, "mobile", viewport.mobile(), "touch", viewport.mobile());
        if (viewport.mobile()) {
            // A phone, not just a narrow window: the page is laid out as a phone lays it out (its
            // <meta name="viewport"> honoured, a page without one shown 980px wide and zoomed out as on a phone,
            // touch events, overlay scrollbars taking no width), which a 390px desktop window would not show.
            options.setExperimentalOption("mobileEmulation",
                    Map.of("deviceMetrics", metrics, "userAgent", PHONE_USER_AGENT));
        } else {
            options.setExperimentalOption("mobileEmulation", Map.of("deviceMetrics", metrics));
            options.addArguments("--window-size=" + viewport.width() + "," + viewport.height());
        }
        LoggingPreferences logging = new LoggingPreferences();
        logging.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logging);

        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        try {
            return new Browser(base, viewport, profile, new ChromeDriver(service, options));
        } catch (RuntimeException | Error e) {
            service.stop();
            deleteRecursively(profile);
            throw e;
        }
    }

    private static boolean runningAsRoot() {
        try {
            // /proc/self belongs to this process's effective user
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    public ChromeDriver driver() {
        return driver;
    }

    public Viewport viewport() {
        return viewport;
    }

    /** Loads {@code path} (e.g. {@code /api/v1/docs/}) of the server and waits until the document is complete. */
    public void open(String path) {
        driver.get(base.resolve(path).toString());
        until(d -> "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState")));
    }

    /** Waits until {@code condition} holds (up to {@link #WAIT}), then collects the console. */
    public <T> T until(ExpectedCondition<T> condition) {
        try {
            return wait.until(condition);
        } finally {
            collectConsole();
        }
    }

    /** Waits until an element matching {@code locator} is visible and returns it. */
    public WebElement visible(By locator) {
        return until(ExpectedConditions.visibilityOfElementLocated(locator));
    }

    /** Waits until {@code locator}'s element is clickable, scrolls it to the middle of the screen and clicks it. */
    public WebElement click(By locator) {
        WebElement element = until(ExpectedConditions.elementToBeClickable(locator));
        scrollTo(element);
        element.click();
        collectConsole();
        return element;
    }

    /** Waits until {@code locator}'s field is visible, clears it and types {@code text}. */
    public WebElement type(By locator, String text) {
        WebElement field = visible(locator);
        field.clear();
        field.sendKeys(text);
        collectConsole();
        return field;
    }

    /** Scrolls so that {@code element} is in the middle of the viewport (before a screenshot of it). */
    public void scrollTo(WebElement element) {
        driver.executeScript("arguments[0].scrollIntoView({block: 'center', inline: 'nearest'})", element);
    }

    /** Writes what the viewport shows to {@code target/screenshots/<width>x<height>/<name>.png}; returns the file. */
    public Path screenshot(String name) {
        Path dir = Path.of(System.getProperty("berth.screenshots", "target/screenshots"), viewport.directory());
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve(name + ".png");
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            collectConsole();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Drains the browser's console log (which the driver hands out once) into this object's record of it. */
    public void collectConsole() {
        console.addAll(driver.manage().logs().get(LogType.BROWSER).getAll());
    }

    /** Everything the page wrote to the console so far, in order. */
    public List<LogEntry> console() {
        collectConsole();
        return List.copyOf(console);
    }

    /**
     * The errors among {@link #console()}: level {@code SEVERE}, and Content-Security-Policy violations at any
     * level.
     */
    public List<LogEntry> consoleErrors() {
        return console().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()
                        || e.getMessage().contains("Content Security Policy"))
                .collect(Collectors.toList());
    }

    /** Fails listing every console error since the browser started (see {@link #consoleErrors()}). */
    public void assertNoConsoleErrors() {
        List<LogEntry> errors = consoleErrors();
        if (!errors.isEmpty()) {
            throw new AssertionError(errors.size() + " error(s) in the browser's console (" + viewport.directory()
                    + "):\n" + errors.stream()
                    .map(e -> "  " + Instant.ofEpochMilli(e.getTimestamp()) + " " + e.getLevel() + " "
                            + e.getMessage())
                    .collect(Collectors.joining("\n")));
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            deleteRecursively(profile);
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            // a file Chromium was still closing; the rest is gone, and the directory is in the temp dir
        }
    }
}
