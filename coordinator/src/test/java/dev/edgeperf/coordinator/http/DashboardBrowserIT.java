package dev.edgeperf.coordinator.http;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Drives the real dashboard in headless Debian Chromium against a real {@link DashboardServer} on a
 * loopback port, fed by {@link FakeDashboardData} (2 agents x 3 batch sizes in the latest campaign).
 * Nothing is downloaded: the driver and browser paths are fixed, so Selenium Manager never runs.
 */
class DashboardBrowserIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path TARGET = Path.of(System.getProperty("basedir", "."), "target");
    // Held so the JUL level stays set: Selenium warns about CDP versions it does not bundle.
    private static final Logger SELENIUM_LOG = Logger.getLogger("org.openqa.selenium");

    private static ChromeDriver driver;
    private static Path profileDir;
    private DashboardServer server;

    @BeforeAll
    static void startBrowser() throws IOException {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(CHROMIUM + " or " + CHROMEDRIVER + " is missing; install Debian packages chromium and chromium-driver");
        }
        assumeTrue(present, "chromium/chromedriver not installed; skipping browser test");
        SELENIUM_LOG.setLevel(Level.SEVERE);
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        profileDir = Files.createTempDirectory("edgeperf-chromium-");

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                "--user-data-dir=" + profileDir, "--window-size=1280,900");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stopBrowser() throws IOException {
        if (driver != null) {
            driver.quit();
        }
        if (profileDir != null) {
            try (var paths = Files.walk(profileDir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void rendersFleetChartsAndResultsWithoutConsoleErrors() throws IOException {
        String base = start(new FakeDashboardData());
        driver.manage().window().setSize(new Dimension(1280, 900));
        driver.get(base + "/");
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        wait.until(d -> d.findElements(By.cssSelector("#chart-latency path.series")).size() == 2
                && d.findElements(By.cssSelector("#chart-predicted circle.point")).size() == 6);

        assertThat(driver.getTitle()).isEqualTo("edgeperf");
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("edgeperf");

        List<WebElement> latency = driver.findElements(By.cssSelector("#chart-latency path.series"));
        assertThat(latency).extracting(e -> e.getAttribute("data-agent")).containsExactlyInAnyOrder("pi5-kitchen", "x86-lab");
        for (String agent : List.of("pi5-kitchen", "x86-lab")) {
            assertThat(driver.findElements(By.cssSelector("#chart-latency circle.point[data-agent='" + agent + "']"))).hasSize(3);
            assertThat(driver.findElements(By.cssSelector("#chart-throughput circle.point[data-agent='" + agent + "']"))).hasSize(3);
        }
        assertThat(driver.findElements(By.cssSelector("#chart-latency path.series-p99"))).hasSize(2);
        assertThat(driver.findElements(By.cssSelector("#chart-throughput path.series"))).hasSize(2);
        assertThat(driver.findElements(By.cssSelector("#chart-predicted circle.point"))).hasSize(6);
        // The slower agent must plot higher: larger p50 -> smaller SVG y at the same batch.
        double piY = pointY("#chart-latency circle.point[data-agent='pi5-kitchen'][data-x='16']");
        double x86Y = pointY("#chart-latency circle.point[data-agent='x86-lab'][data-x='16']");
        assertThat(piY).isLessThan(x86Y);
        assertThat(driver.findElements(By.cssSelector("#chart-latency .tick-label"))).isNotEmpty();
        assertThat(driver.findElement(By.id("legend-latency")).getText()).contains("pi5-kitchen", "x86-lab", "p99");

        List<WebElement> fleetRows = driver.findElements(By.cssSelector("#fleet-table tbody tr"));
        assertThat(fleetRows).hasSize(2);
        assertThat(fleetRows.get(0).getText()).contains("pi5-kitchen", "Raspberry Pi 5", "Cortex-A76", "2.40", "8.0 GiB", "neon", "76.8");
        assertThat(fleetRows.get(1).getText()).contains("x86-lab", "no", "6 / 12", "avx2", "2 h ago");
        assertThat(driver.findElements(By.cssSelector("#results-table tbody tr"))).hasSize(6);
        assertThat(driver.findElements(By.cssSelector("#results-table thead th"))).extracting(WebElement::getText)
                .containsSubsequence("threads", "predicted ms", "peak basis", "p99 ms", "p99.9 ms", "e2e p50 ms",
                        "queue wait", "measuring", "attempt", "stop reason");
        // pi, batch 1: calibrated, p50 = 0.05 + 4.62 MFLOP / 76.8 GFLOP/s x 2.1 = 0.176 ms, p99.9 = 1.6 x p50
        assertThat(cell("j-1", "basis")).isEqualTo("calibrated");
        assertThat(cell("j-1", "p999")).isEqualTo("0.282");
        assertThat(cell("j-1", "e2e-p50")).isEqualTo("0.212");
        assertThat(cell("j-1", "queue-wait")).isEqualTo("120 ms");
        assertThat(cell("j-1", "measuring")).isEqualTo("1.51 s");
        assertThat(cell("j-1", "attempt")).isEqualTo("1");
        assertThat(cell("j-1", "stop-reason")).isEqualTo("ci-target-met");
        // x86, batch 16: theoretical peak, engine-default threads resolved to 6, second attempt, max duration
        WebElement x86 = driver.findElement(By.cssSelector("#results-table tr[data-job='j-6']"));
        assertThat(x86.findElements(By.tagName("td")).get(4).getText()).isEqualTo("6");
        assertThat(x86.findElements(By.tagName("td")).get(4).getAttribute("title"))
                .isEqualTo("used 6, requested engine default");
        assertThat(cell("j-6", "basis")).isEqualTo("theoretical");
        assertThat(cell("j-6", "attempt")).isEqualTo("2");
        assertThat(x86.findElement(By.cssSelector("td[data-col='attempt']")).getAttribute("class")).contains("retried");
        assertThat(cell("j-6", "stop-reason")).isEqualTo("max-duration");
        assertThat(cell("j-6", "measuring")).isEqualTo("1.66 s");
        assertThat(driver.findElement(By.id("empty-state")).isDisplayed()).isFalse();
        assertThat(new Select(driver.findElement(By.id("campaign-select"))).getFirstSelectedOption().getAttribute("value"))
                .isEqualTo(FakeDashboardData.LATEST);

        assertThat(resourceUrls()).allSatisfy(url -> assertThat(url).startsWith(base));
        assertThat(driver.findElement(By.id("status")).getAttribute("class")).doesNotContain("error");
        assertNoConsoleErrors();

        screenshot("dashboard.png");
        long height = ((Number) ((JavascriptExecutor) driver).executeScript("return document.documentElement.scrollHeight")).longValue();
        driver.manage().window().setSize(new Dimension(1280, (int) Math.min(4000, height + 120)));
        screenshot("dashboard-full.png");
    }

    @Test
    void pickingAnOlderCampaignShowsOnlyItsResults() {
        String base = start(new FakeDashboardData());
        driver.get(base + "/");
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        wait.until(d -> d.findElements(By.cssSelector("#results-table tbody tr")).size() == 6);

        new Select(driver.findElement(By.id("campaign-select"))).selectByValue(FakeDashboardData.OLDER);
        wait.until(d -> d.findElements(By.cssSelector("#results-table tbody tr")).size() == 2);
        assertThat(driver.findElements(By.cssSelector("#chart-predicted circle.point"))).hasSize(2);
        assertThat(driver.findElement(By.id("results-table")).getText()).contains("quantized:int8-static");
        // results without p99.9 or an end-to-end phase show a dash, not 0
        assertThat(cell("j-old-1", "p999")).isEqualTo("–");
        assertThat(cell("j-old-1", "e2e-p50")).isEqualTo("–");
        assertThat(cell("j-old-1", "stop-reason")).isEqualTo("min-iterations-and-min-duration-met");
        assertNoConsoleErrors();
    }

    @Test
    void emptyStoreShowsTheEmptyState() throws IOException {
        String base = start(FakeDashboardData.empty());
        driver.get(base + "/");
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        wait.until(d -> d.findElement(By.id("empty-state")).isDisplayed());
        assertThat(driver.findElement(By.id("empty-state")).getText()).contains("no results yet", "scripts/coordinator campaign run");
        assertThat(driver.findElement(By.id("charts")).isDisplayed()).isFalse();
        assertThat(driver.findElements(By.cssSelector("#fleet-table tbody tr"))).isEmpty();
        assertThat(driver.findElement(By.id("fleet-empty")).isDisplayed()).isTrue();
        assertNoConsoleErrors();
        screenshot("dashboard-empty.png");
    }

    private String start(DashboardData data) {
        server = new DashboardServer(data, "127.0.0.1", 0);
        server.start();
        return "http://127.0.0.1:" + server.port();
    }

    /** The text of column {@code col} (its data-col) in the results row of {@code jobId}. */
    private static String cell(String jobId, String col) {
        return driver.findElement(By.cssSelector("#results-table tr[data-job='" + jobId + "'] td[data-col='" + col
                + "']")).getText();
    }

    private static double pointY(String css) {
        return Double.parseDouble(driver.findElement(By.cssSelector(css)).getAttribute("cy"));
    }

    @SuppressWarnings("unchecked")
    private static List<String> resourceUrls() {
        return (List<String>) ((JavascriptExecutor) driver).executeScript(
                "return performance.getEntriesByType('resource').map(e => e.name).concat([location.href]);");
    }

    private static void assertNoConsoleErrors() {
        List<LogEntry> entries = driver.manage().logs().get(LogType.BROWSER).getAll();
        assertThat(entries).filteredOn(e -> e.getLevel().intValue() >= Level.WARNING.intValue())
                .extracting(LogEntry::getMessage)
                .isEmpty();
    }

    private static void screenshot(String name) throws IOException {
        File shot = ((TakesScreenshot) (WebDriver) driver).getScreenshotAs(OutputType.FILE);
        Files.createDirectories(TARGET);
        Files.copy(shot.toPath(), TARGET.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
}
