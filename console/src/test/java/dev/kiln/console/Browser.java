package dev.kiln.console;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven through its chromedriver. Both come from apt (packages
 * {@code chromium} and {@code chromium-driver}); when either is missing the test fails and says so,
 * as a silently skipped browser test would pass without testing anything.
 */
final class Browser {

    static final Path CHROMIUM = Path.of(System.getProperty("kiln.test.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("kiln.test.chromedriver", "/usr/bin/chromedriver"));

    private Browser() {}

    static ChromeDriver start() throws IOException {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("The console's browser tests need Chromium and chromedriver at " + CHROMIUM
                    + " and " + CHROMEDRIVER + ": install them with `apt-get install -y chromium chromium-driver`"
                    + " (.ci/run does), or point -Dkiln.test.chromium / -Dkiln.test.chromedriver at them.");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // Headless, and no call home: the build machines reach only Maven Central and apt.
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1400,1600",
                "--user-data-dir=" + Files.createTempDirectory("kiln-chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withTimeout(Duration.ofSeconds(60))
                .build();
        return new ChromeDriver(service, options);
    }

    /** Writes what the page shows to target/screenshots/<name>.png. */
    static void screenshot(ChromeDriver driver, String name) throws IOException {
        Path dir = Files.createDirectories(Path.of("target", "screenshots"));
        Files.write(dir.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
    }

    static Object script(ChromeDriver driver, String js, Object... args) {
        return ((org.openqa.selenium.JavascriptExecutor) driver).executeScript(js, args);
    }
}
