package dev.edgeperf.coordinator.http;

import static dev.edgeperf.coordinator.testing.StoreFixture.PI;
import static dev.edgeperf.coordinator.testing.StoreFixture.X86;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.edgeperf.coordinator.store.CampaignState;
import dev.edgeperf.coordinator.store.CampaignSummary;
import dev.edgeperf.coordinator.store.Database;
import dev.edgeperf.coordinator.store.JobState;
import dev.edgeperf.coordinator.store.LeasedJob;
import dev.edgeperf.coordinator.store.NewJob;
import dev.edgeperf.coordinator.store.ResultField;
import dev.edgeperf.coordinator.store.ResultRecord;
import dev.edgeperf.coordinator.store.Store;
import dev.edgeperf.coordinator.testing.Processes;
import dev.edgeperf.coordinator.testing.StoreFixture;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
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
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Drives the real dashboard in headless Debian Chromium against a real {@link DashboardServer} on a
 * loopback port, serving real stores: the H2 store a real {@code scripts/coordinator demo --exit}
 * run filled (a coordinator and two agent processes measuring mnist-cnn and two variants at batches 1 and 8), the
 * {@link StoreFixture} store (three campaigns with failed and cancelled jobs) for switching
 * campaigns, and an empty store. Nothing is downloaded: the driver and browser paths are fixed, so
 * Selenium Manager never runs.
 */
class DashboardBrowserIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path TARGET = Path.of(System.getProperty("basedir", "."), "target", "dashboard-screenshots");
    private static final List<String> VARIANTS = List.of("baseline", "quantized:int8-dynamic", "pruned:unstructured:0.5");
    // Held so the JUL level stays set: Selenium warns about CDP versions it does not bundle.
    private static final Logger SELENIUM_LOG = Logger.getLogger("org.openqa.selenium");
    /** The results table's header, as app.js's TABLE_COLUMNS labels it, with the field each column shows. */
    private static final Map<String, String> HEADER = headerColumns();

    private static ChromeDriver driver;
    private static Path profileDir;

    @TempDir
    Path tmp;

    private final Processes processes = new Processes();
    private DashboardServer server;
    private Store store;
    private StoreFixture fixture;

    private static Map<String, String> headerColumns() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("agent", "agentName");
        h.put("model", "modelName");
        h.put("variant", "variantRecipe");
        h.put("batch", "batchSize");
        h.put("inputs", "inputShapes");
        h.put("threads", "threads");
        h.put("FLOPs", "flops");
        h.put("predicted ms", "predictedMs");
        h.put("peak basis", "peakBasis");
        h.put("p50 ms", "p50Ms");
        h.put("p99 ms", "p99Ms");
        h.put("p99.9 ms", "p999Ms");
        h.put("e2e p50 ms", "endToEndP50Ms");
        h.put("measured / predicted", "measuredOverPredicted");
        h.put("throughput (samples/s)", "throughputSamplesPerS");
        h.put("queue wait", "queueWaitMs");
        h.put("measuring", "measurementMs");
        h.put("attempt", "attempt");
        h.put("stop reason", "stopReason");
        h.put("state", "state");
        h.put("calibration", "calibration");
        h.put("cosine", "fidelityCosine");
        h.put("SQNR dB", "fidelitySqnrDb");
        h.put("top-1", "accuracyTop1");
        h.put("roofline ms", "predictedRooflineMs");
        h.put("learned ms", "predictedLearnedMs");
        return h;
    }

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
    void stopServer() throws InterruptedException {
        if (driver != null) {
            // leave the page first: its polling of a stopped server would log errors into the next test
            driver.get("about:blank");
            driver.manage().logs().get(LogType.BROWSER).getAll();
        }
        if (server != null) {
            server.stop();
        }
        if (store != null) {
            Database.close(store.dataSource());
        }
        if (fixture != null) {
            fixture.close();
        }
        processes.close();
    }

    @Test
    void showsWhatARealDemoCampaignMeasuredWithoutConsoleErrors() throws Exception {
        Path dataDir = tmp.resolve("demo-data");
        Processes.Outcome demo = processes.run(List.of(Processes.repoRoot().resolve("scripts/coordinator").toString(),
                "demo", "--exit", "--data-dir", dataDir.toString(), "--grpc-port", "0", "--http-port", "0"),
                tmp.resolve("demo"), Duration.ofMinutes(12));
        assertThat(demo.exitCode()).as("demo stderr: %s", demo.stderr()).isZero();
        assertThat(demo.stdout()).contains("Dashboard: http://127.0.0.1:")
                .as("the demo ends with the accuracy-vs-p50 front").contains("top1 vs p50").contains("* = Pareto-optimal");

        store = Store.open(Database.defaultUrl(dataDir), Clock.systemUTC());
        CampaignSummary campaign = store.campaigns().get(0);
        assertThat(campaign.state()).isEqualTo(CampaignState.DONE);
        List<ResultRecord> rows = store.results(Optional.of(campaign.id()));
        // three variants x batches 1 and 8 x two agents, every variant evaluated on MNIST
        assertThat(rows).hasSize(12).allSatisfy(r -> assertThat(r.state()).isEqualTo(JobState.DONE))
                .allSatisfy(r -> assertThat(r.real(ResultField.ACCURACY_TOP1)).isPresent());
        List<String> agents = store.agents().stream().map(a -> a.name()).toList();
        assertThat(agents).containsExactly("demo-agent-1", "demo-agent-2");

        String base = serve(store);
        driver.manage().window().setSize(new Dimension(1280, 900));
        driver.get(base + "/");
        var wait = waitFor(Duration.ofSeconds(30));
        wait.until(d -> d.findElements(By.cssSelector("#chart-latency .multiple")).size() == 2
                && d.findElements(By.cssSelector("#results-table tbody tr")).size() == 12);

        assertThat(driver.getTitle()).isEqualTo("edgeperf");
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("edgeperf");
        assertThat(driver.findElement(By.id("campaign-summary")).getText()).startsWith("done · 12/12 jobs done · created");
        assertThat(selectedCampaign()).isEqualTo(campaign.id());

        // a latency chart per agent, a line per variant, a point per batch, larger batches slower
        assertThat(driver.findElements(By.cssSelector("#chart-latency .multiple")))
                .extracting(e -> e.getAttribute("data-device")).containsExactlyElementsOf(agents);
        for (String agent : agents) {
            String body = "#chart-latency .multiple[data-device='" + agent + "'] .chart-body";
            assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readValue(
                    driver.findElement(By.cssSelector(body)).getAttribute("data-series"), List.class))
                    .containsExactlyInAnyOrder("mnist-cnn · baseline", "mnist-cnn · pruned:structured:0.5",
                            "mnist-cnn · quantized:int8-static");
            List<Number> xs = plotted(body, 0);
            List<Number> p50 = plotted(body, 1);
            assertThat(xs).extracting(Number::intValue).containsExactly(1, 8);
            assertThat(p50.get(1).doubleValue()).isGreaterThan(p50.get(0).doubleValue());
            assertThat(plotted("#chart-throughput .multiple[data-device='" + agent + "'] .chart-body", 1)).hasSize(2)
                    .allSatisfy(v -> assertThat(v.doubleValue()).isPositive());
        }
        assertThat(scatterPoints("#chart-predicted")).isEqualTo(12);

        List<WebElement> fleet = driver.findElements(By.cssSelector("#fleet-table tbody tr"));
        assertThat(fleet).hasSize(2);
        for (int i = 0; i < 2; i++) {
            var hw = store.agents().get(i).hardware();
            assertThat(fleet.get(i).getText()).contains(agents.get(i), hw.board(), hw.cpuModel());
        }

        assertHeaderIsSchemaDriven();
        // sorted by agent, then model, variant, batch: what the store holds, row by row
        List<WebElement> trs = driver.findElements(By.cssSelector("#results-table tbody tr"));
        List<String> order = trs.stream().map(tr -> tr.getAttribute("data-agent") + "/"
                + tr.findElements(By.tagName("td")).get(3).getText()).toList();
        assertThat(order).containsExactlyElementsOf(rows.stream().sorted(java.util.Comparator
                        .comparing((ResultRecord r) -> r.text(ResultField.AGENT_NAME))
                        .thenComparing(r -> r.text(ResultField.MODEL_NAME))
                        .thenComparing(r -> r.text(ResultField.VARIANT_RECIPE))
                        .thenComparingLong(r -> r.integer(ResultField.BATCH_SIZE)))
                .map(r -> r.text(ResultField.AGENT_NAME) + "/" + r.text(ResultField.BATCH_SIZE)).toList());
        for (ResultRecord r : rows) {
            String job = r.text(ResultField.JOB_ID);
            assertThat(cell(job, "state")).isEqualTo("done");
            assertThat(cell(job, "stop-reason")).as("as the agent spells it").isEqualTo(r.text(ResultField.STOP_REASON))
                    .isIn("min-iterations-and-min-duration-met", "max-duration");
            assertThat(cell(job, "basis")).isEqualTo(r.text(ResultField.PEAK_BASIS));
            assertThat(cell(job, "variant")).isEqualTo(Boolean.TRUE.equals(r.get(ResultField.VARIANT_NOOP))
                    ? r.text(ResultField.VARIANT_RECIPE) + " (no-op)" : r.text(ResultField.VARIANT_RECIPE));
            assertThat(cell(job, "attempt")).isEqualTo(r.text(ResultField.ATTEMPT));
            String top1 = cell(job, "top1");
            assertThat(top1).as("accuracy on MNIST, in percent").endsWith("%");
            assertThat(Double.parseDouble(top1.substring(0, top1.length() - 1))).isCloseTo(
                    100 * r.real(ResultField.ACCURACY_TOP1).orElseThrow(), org.assertj.core.data.Offset.offset(0.006));
            WebElement tr = driver.findElement(By.cssSelector("#results-table tr[data-job='" + job + "']"));
            List<WebElement> tds = tr.findElements(By.tagName("td"));
            assertThat(tds).hasSize(HEADER.size());
            assertThat(tds.get(5).getText()).as("threads the session used").isEqualTo(r.text(ResultField.THREADS));
            assertThat(cell(job, "inputs")).as("the shapes fed").isEqualTo(r.text(ResultField.INPUT_SHAPES))
                    .startsWith("input=" + r.text(ResultField.BATCH_SIZE) + "x");
            double p50 = Double.parseDouble(tds.get(9).getText());
            assertThat(p50).as("p50 cell of %s", job).isCloseTo(r.real(ResultField.P50_MS).orElseThrow(),
                    org.assertj.core.data.Percentage.withPercentage(0.6));
        }

        assertThat(driver.findElement(By.id("empty-state")).isDisplayed()).isFalse();
        assertThat(resourceUrls()).allSatisfy(url -> assertThat(url).startsWith(base));
        assertThat(driver.findElement(By.id("status")).getAttribute("class")).doesNotContain("error");
        assertNoConsoleErrors();

        screenshot("dashboard.png");
        long height = ((Number) ((JavascriptExecutor) driver).executeScript(
                "return document.documentElement.scrollHeight")).longValue();
        driver.manage().window().setSize(new Dimension(1280, (int) Math.min(4000, height + 120)));
        screenshot("dashboard-full.png");
        driver.manage().window().setSize(new Dimension(1280, 900));
    }

    /**
     * A real fleet: the coordinator binary, two agent processes, two campaigns (A and B) of three
     * variants × two batches on zoo mnist-cnn; the dashboard the coordinator itself serves shows a
     * series per variant on each device's charts, sorts and filters the table, and puts A and B side by side.
     */
    @Test
    void realCampaignsOnTwoAgentsShowASeriesPerVariantSortFilterAndCompare() throws Exception {
        Path dataDir = tmp.resolve("data");
        List<String> agents = List.of("browser-agent-1", "browser-agent-2");
        String[] fleet = startFleet(dataDir, agents);
        String grpc = fleet[0];
        String base = fleet[1];
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        List<String> campaigns = new ArrayList<>();
        for (String name : List.of("build-A", "build-B")) {
            Processes.Outcome run = processes.run(Processes.javaJar(Processes.coordinatorJar(), "campaign", "run",
                    "--model", "mnist-cnn", "--batch", "1,8", "--variant", String.join(",", VARIANTS), "--name", name,
                    "--json", "--coordinator", grpc, "--data-dir", dataDir.toString(), "--warmup", "2",
                    "--min-iterations", "5", "--min-duration-ms", "10", "--max-duration-ms", "500", "--timeout", "8m"),
                    tmp.resolve("cli-" + name), Duration.ofMinutes(9));
            assertThat(run.exitCode()).as("campaign run stderr: %s", run.stderr()).isZero();
            var out = json.readTree(run.stdout());
            assertThat(out.path("state").asText()).isEqualTo("done");
            assertThat(out.path("rows")).hasSize(12);
            campaigns.add(out.path("campaignId").asText(out.path("id").asText()));
        }
        String a = campaigns.get(0);
        String b = campaigns.get(1);
        assertThat(a).isNotBlank().isNotEqualTo(b);
        var rowsA = json.readTree(get(http, base + "/api/results?campaign=" + a));
        var rowsB = json.readTree(get(http, base + "/api/results?campaign=" + b));
        assertThat(rowsA).hasSize(12);

        driver.manage().window().setSize(new Dimension(1400, 1000));
        driver.get(base + "/");
        var wait = waitFor(Duration.ofSeconds(30));
        wait.until(d -> d.findElements(By.cssSelector("#results-table tbody tr")).size() == 12
                && d.findElements(By.cssSelector("#chart-latency .multiple")).size() == 2);
        assertThat(selectedCampaign()).as("the latest campaign, B").isEqualTo(b);
        new Select(driver.findElement(By.id("campaign-select"))).selectByValue(a);
        wait.until(d -> selectedCampaign().equals(a) && d.findElements(By.cssSelector("#chart-latency .multiple")).size() == 2);

        // the charts are redrawn for A on the page's next refresh: wait until they show A's p50 of one cell
        double[] expectedP50 = new double[2];
        for (var r : rowsA) {
            if (r.path("agentName").asText().equals("browser-agent-1")
                    && r.path("variantRecipe").asText().equals("quantized:int8-dynamic")) {
                expectedP50[r.path("batchSize").asInt() == 1 ? 0 : 1] = r.path("p50Ms").asDouble();
            }
        }
        wait.until(d -> {
            Object shown = ((JavascriptExecutor) d).executeScript("const b = document.querySelector(\"#chart-latency"
                    + " .multiple[data-device='browser-agent-1'] .chart-body\"); const u = b && b.uplot;"
                    + " if (!u) return null; const i = u.series.findIndex(s => s.label === 'mnist-cnn ·"
                    + " quantized:int8-dynamic'); return i < 0 ? null : u.data[i];");
            return shown instanceof List<?> values && values.size() == 2
                    && values.get(0) instanceof Number v1 && v1.doubleValue() == expectedP50[0]
                    && values.get(1) instanceof Number v8 && v8.doubleValue() == expectedP50[1];
        });

        // a chart per device, a line per variant, in the legend the user reads
        List<String> expectedSeries = VARIANTS.stream().map(v -> "mnist-cnn · " + v).sorted().toList();
        for (String chart : List.of("chart-latency", "chart-throughput")) {
            // read in one script call: the page may redraw a chart between two WebDriver calls
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> multiples = (List<Map<String, Object>>) ((JavascriptExecutor) driver).executeScript(
                    "return [...document.querySelectorAll('#" + chart + " .multiple')].map(m => ({device: m.dataset.device,"
                            + " labels: [...m.querySelectorAll('.u-legend .u-series .u-label')].map(l => l.textContent.trim()),"
                            + " width: (m.querySelector('canvas') || {width: 0}).width}));");
            assertThat(multiples).extracting(m -> m.get("device")).containsExactlyElementsOf(agents);
            for (Map<String, Object> m : multiples) {
                assertThat(m.get("labels")).as("%s legend of %s", chart, m.get("device")).isEqualTo(expectedSeries);
                assertThat(((Number) m.get("width")).intValue()).isPositive();
            }
        }
        // what the latency chart holds for one device and variant is what the store holds
        @SuppressWarnings("unchecked")
        List<Object> plotted = (List<Object>) ((JavascriptExecutor) driver).executeScript(
                "const u = document.querySelector(\"#chart-latency .multiple[data-device='browser-agent-1'] .chart-body\").uplot;"
                        + "const i = u.series.findIndex(s => s.label === 'mnist-cnn · quantized:int8-dynamic');"
                        + "return [u.data[0], u.data[i]];");
        assertThat((List<Object>) plotted.get(0)).extracting(o -> ((Number) o).intValue()).containsExactly(1, 8);
        for (var r : rowsA) {
            if (r.path("agentName").asText().equals("browser-agent-1")
                    && r.path("variantRecipe").asText().equals("quantized:int8-dynamic")) {
                int i = r.path("batchSize").asInt() == 1 ? 0 : 1;
                assertThat(((Number) ((List<Object>) plotted.get(1)).get(i)).doubleValue())
                        .isEqualTo(r.path("p50Ms").asDouble());
            }
        }
        assertThat(driver.findElement(By.id("chart-predicted")).getAttribute("data-series"))
                .contains(expectedSeries.toArray(String[]::new));
        assertThat(driver.findElements(By.cssSelector("#error-table tbody tr[data-predictor='predictedMs'] td")).get(1)
                .getText()).isEqualTo("12");
        // the coordinator's own /pareto and /speedups: a front per device (fidelity, as A has no labelled data)
        // with the optimal points the API marks, and a speedup with its CI per variant cell
        var pareto = json.readTree(get(http, base + "/api/campaigns/" + a + "/pareto"));
        var speedups = json.readTree(get(http, base + "/api/campaigns/" + a + "/speedups"));
        assertThat(pareto.get("devices")).hasSize(2);
        assertThat(speedups.get("rows")).hasSize(8);
        wait.until(d -> d.findElements(By.cssSelector("#chart-pareto .multiple .chart-body[data-optimal]")).size() == 2
                && d.findElements(By.cssSelector("#speedup-table tbody tr")).size() == 8);
        for (var device : pareto.get("devices")) {
            long optimal = java.util.stream.StreamSupport.stream(device.get("points").spliterator(), false)
                    .filter(pt -> pt.get("paretoOptimal").asBoolean()).count();
            assertThat(driver.findElement(By.cssSelector("#chart-pareto .multiple[data-device='"
                    + device.get("device").asText() + "'] .chart-body")).getAttribute("data-optimal"))
                    .isEqualTo(String.valueOf(optimal));
        }

        // sorting: click p50 → ascending p50; again → descending
        WebElement p50Header = header("p50 ms");
        p50Header.click();
        assertThat(header("p50 ms").getAttribute("aria-sort")).isEqualTo("ascending");
        List<Double> sortedP50 = new ArrayList<>();
        rowsA.forEach(r -> sortedP50.add(r.path("p50Ms").asDouble()));
        sortedP50.sort(null);
        assertThat(jobOrder().stream().map(job -> p50Of(rowsA, job)).toList()).isEqualTo(sortedP50);
        header("p50 ms").click();
        assertThat(header("p50 ms").getAttribute("aria-sort")).isEqualTo("descending");
        List<Double> reversed = new ArrayList<>(sortedP50);
        java.util.Collections.reverse(reversed);
        assertThat(jobOrder().stream().map(job -> p50Of(rowsA, job)).toList()).isEqualTo(reversed);
        ((JavascriptExecutor) driver).executeScript("document.getElementById('results').scrollIntoView()");
        screenshot("real-sorted.png");

        // filter: only the int8 rows of agent 2
        WebElement filter = driver.findElement(By.id("results-filter"));
        filter.sendKeys("int8 browser-agent-2");
        wait.until(d -> d.findElements(By.cssSelector("#results-table tbody tr")).size() == 2);
        for (WebElement tr : driver.findElements(By.cssSelector("#results-table tbody tr"))) {
            assertThat(tr.getAttribute("data-agent")).isEqualTo("browser-agent-2");
            assertThat(tr.findElement(By.cssSelector("td[data-col='variant']")).getText()).isEqualTo("quantized:int8-dynamic");
        }
        assertThat(driver.findElement(By.id("results-count")).getText()).startsWith("(2 of 12 rows");
        ((JavascriptExecutor) driver).executeScript("document.getElementById('results').scrollIntoView()");
        screenshot("real-filtered.png");
        filter.clear();
        filter.sendKeys(" ");
        wait.until(d -> d.findElements(By.cssSelector("#results-table tbody tr")).size() == 12);

        // side by side: B against A, the ratio per matching cell
        new Select(driver.findElement(By.id("compare-select"))).selectByValue(b);
        wait.until(d -> d.findElements(By.cssSelector("#compare-table tbody tr")).size() == 12);
        Map<String, Double> p50B = new LinkedHashMap<>();
        rowsB.forEach(r -> p50B.put(cellKey(r), r.path("p50Ms").asDouble()));
        // the coordinator's B / A with its CI from the stored histograms, cell by cell as the table shows it
        var comparison = json.readTree(get(http, base + "/api/compare?a=" + a + "&b=" + b)).path("rows");
        assertThat(comparison).hasSize(12);
        Map<String, com.fasterxml.jackson.databind.JsonNode> byCell = new LinkedHashMap<>();
        comparison.forEach(c -> byCell.put(String.join("|", c.path("device").asText(), c.path("variant").asText(),
                c.path("batch").asText()), c));
        int checked = 0;
        int marked = 0;
        // cells and marks in one script call: a redraw between two calls would mix two tables
        @SuppressWarnings("unchecked")
        List<List<String>> compareShown = (List<List<String>>) ((JavascriptExecutor) driver).executeScript(
                "return [...document.querySelectorAll('#compare-table tbody tr')].map(tr =>"
                        + " [...[...tr.cells].map(td => td.textContent), tr.dataset.different]);");
        for (int i = 0; i < compareShown.size(); i++) {
            List<String> tds = compareShown.get(i);
            var c = byCell.get(String.join("|", tds.get(0), tds.get(2), tds.get(3)));
            assertThat(c).as("a compared cell for %s", tds).isNotNull();
            for (var r : rowsA) {
                if (tds.get(0).equals(r.path("agentName").asText()) && tds.get(2).equals(r.path("variantRecipe").asText())
                        && tds.get(3).equals(r.path("batchSize").asText())) {
                    // the medians of the histograms, at HdrHistogram's resolution, against the stored p50s
                    double expected = p50B.get(cellKey(r)) / r.path("p50Ms").asDouble();
                    assertThat(c.path("ratio").asDouble()).as("B / A of %s", cellKey(r))
                            .isCloseTo(expected, org.assertj.core.data.Percentage.withPercentage(0.5));
                    checked++;
                }
            }
            assertThat(Double.parseDouble(tds.get(7).substring(1))).isCloseTo(c.path("ratio").asDouble(),
                    org.assertj.core.data.Offset.offset(0.0006));
            assertThat(c.path("ciLow").asDouble()).isPositive().isLessThanOrEqualTo(c.path("ratio").asDouble());
            assertThat(tds.get(8)).isEqualTo(String.format(java.util.Locale.ROOT, "×%.3f – ×%.3f",
                    c.path("ciLow").asDouble(), c.path("ciHigh").asDouble()));
            boolean different = c.path("ciLow").asDouble() > 1 || c.path("ciHigh").asDouble() < 1;
            assertThat(c.path("different").asBoolean()).isEqualTo(different);
            assertThat(tds.get(10)).as("the row's mark").isEqualTo(String.valueOf(different));
            assertThat(tds.get(9)).startsWith(different ? "yes: B " : "no (CI contains 1)");
            marked += different ? 1 : 0;
        }
        assertThat(checked).isEqualTo(12);
        assertThat(driver.findElement(By.id("compare-note")).getText())
                .startsWith("12 matching cells, " + marked + " where the 95 % CI of B / A excludes 1");
        assertThat(driver.findElement(By.id("compare-title")).getText()).contains("build-A", "build-B");
        assertThat(resourceUrls()).allSatisfy(url -> assertThat(url).startsWith(base));
        assertNoConsoleErrors();
        long height = ((Number) ((JavascriptExecutor) driver).executeScript(
                "return document.documentElement.scrollHeight")).longValue();
        driver.manage().window().setSize(new Dimension(1400, (int) Math.min(6000, height + 120)));
        screenshot("real-campaigns-full.png");
        driver.manage().window().setSize(new Dimension(1280, 900));
    }

    /**
     * The per-layer view on real data: the coordinator binary and one agent process measure zoo mnist-cnn
     * (baseline and int8-dynamic, batch 1); clicking the baseline row shows its top layers, named as the
     * model's nodes, with the milliseconds and shares GET /api/jobs/{id}/layers gives; the prediction-error
     * panel says what each predictor assumed and shows the analysis' time vs FLOPs share per op type.
     */
    @Test
    void clickingAResultRowShowsItsMeasuredLayersAndThePredictorsAssumptions() throws Exception {
        Path dataDir = tmp.resolve("data");
        String[] fleet = startFleet(dataDir, List.of("layers-agent"));
        String grpc = fleet[0];
        String base = fleet[1];
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        Processes.Outcome run = processes.run(Processes.javaJar(Processes.coordinatorJar(), "campaign", "run",
                "--model", "mnist-cnn", "--batch", "1", "--variant", "baseline,quantized:int8-dynamic", "--name", "layers",
                "--json", "--coordinator", grpc, "--data-dir", dataDir.toString(), "--warmup", "2",
                "--min-iterations", "5", "--min-duration-ms", "10", "--max-duration-ms", "500", "--timeout", "8m"),
                tmp.resolve("cli"), Duration.ofMinutes(9));
        assertThat(run.exitCode()).as("campaign run stderr: %s", run.stderr()).isZero();
        var out = json.readTree(run.stdout());
        String campaign = out.path("campaignId").asText(out.path("id").asText());
        var rows = json.readTree(get(http, base + "/api/results?campaign=" + campaign));
        assertThat(rows).hasSize(2);
        String job = null;
        for (var r : rows) {
            if (r.path("variantRecipe").asText().equals("baseline")) {
                job = r.path("jobId").asText();
            }
        }
        assertThat(job).isNotNull();
        var answer = json.readTree(get(http, base + "/api/jobs/" + job + "/layers"));
        List<com.fasterxml.jackson.databind.JsonNode> apiLayers = new ArrayList<>();
        answer.path("layers").forEach(apiLayers::add);
        assertThat(apiLayers).as("the agent's profiled pass gave per-layer times").isNotEmpty();
        apiLayers.sort(java.util.Comparator.comparingDouble(
                (com.fasterxml.jackson.databind.JsonNode l) -> l.path("meanUs").asDouble()).reversed());
        List<com.fasterxml.jackson.databind.JsonNode> expected = apiLayers.subList(0, Math.min(20, apiLayers.size()));
        java.util.Set<String> modelNodes = new java.util.HashSet<>();
        dev.edgeperf.core.zoo.ModelZoo.buildProto("mnist-cnn").getGraph().getNodeList()
                .forEach(n -> modelNodes.add(n.getName()));
        var analysis = json.readTree(get(http, base + "/api/campaigns/" + campaign + "/analysis"));

        driver.manage().window().setSize(new Dimension(1400, 1000));
        driver.get(base + "/");
        var wait = waitFor(Duration.ofSeconds(30));
        wait.until(d -> d.findElements(By.cssSelector("#results-table tbody tr")).size() == 2);
        assertThat(driver.findElement(By.id("layers-table")).isDisplayed()).as("nothing picked yet").isFalse();
        WebElement row = driver.findElement(By.cssSelector("#results-table tr[data-job='" + job + "']"));
        ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView()", row);
        row.findElement(By.cssSelector("td[data-col='variant']")).click();
        final String picked = job;
        wait.until(d -> picked.equals(d.findElement(By.id("layers")).getAttribute("data-job"))
                && d.findElements(By.cssSelector("#layers-table tbody tr")).size() == expected.size());
        assertThat(driver.findElement(By.cssSelector("#results-table tr[data-job='" + job + "']")).getAttribute("class"))
                .contains("selected");
        assertThat(driver.findElement(By.id("layers-title")).getText()).contains("layers-agent", "mnist-cnn", "baseline",
                "batch 1");

        List<List<String>> shown = tableTexts("#layers-table tbody tr");
        int inModel = 0;
        int predicted = 0;
        int convsChecked = 0;
        java.util.Set<String> withMacs = new java.util.HashSet<>();
        for (int i = 0; i < expected.size(); i++) {
            var l = expected.get(i);
            List<String> tds = shown.get(i);
            assertThat(tds.get(0)).isEqualTo(String.valueOf(i + 1));
            assertThat(tds.get(1)).as("layers by measured time, largest first").isEqualTo(l.path("node").asText());
            assertThat(tds.get(2)).isEqualTo(l.path("opType").asText());
            assertThat(Double.parseDouble(tds.get(4))).as("ms of %s", l.path("node").asText())
                    .isCloseTo(l.path("meanUs").asDouble() / 1000, org.assertj.core.data.Offset.offset(0.00051));
            // predicted ms and MACs are what the lease stored for the graph node; "–" where it stored none
            if (l.path("predictedMs").isNumber()) {
                assertThat(Double.parseDouble(tds.get(5))).as("predicted ms of %s", l.path("node").asText())
                        .isCloseTo(l.path("predictedMs").asDouble(), org.assertj.core.data.Offset.offset(0.00051));
                if (l.path("predictedMs").asDouble() > 0) {
                    assertThat(Double.parseDouble(tds.get(6).substring(1))).as("measured / predicted of %s",
                            l.path("node").asText()).isCloseTo(l.path("meanUs").asDouble() / 1000
                            / l.path("predictedMs").asDouble(), org.assertj.core.data.Percentage.withPercentage(1));
                    predicted++;
                } else {
                    assertThat(tds.get(6)).as("no ratio to a zero prediction (a FLOP-free node)").isEqualTo("–");
                }
            } else {
                assertThat(tds.get(5)).isEqualTo("–");
            }
            if (l.path("macs").isNumber()) {
                assertThat(Long.parseLong(tds.get(7).replace(",", ""))).as("MACs of %s", l.path("node").asText())
                        .isEqualTo(l.path("macs").asLong());
                withMacs.add(l.path("node").asText());
            } else {
                assertThat(tds.get(7)).isEqualTo("–");
            }
            assertThat(Double.parseDouble(tds.get(8).replace("%", "").strip())).as("share of %s", l.path("node").asText())
                    .isCloseTo(100 * l.path("share").asDouble(), org.assertj.core.data.Offset.offset(0.051));
            assertThat(tds.get(9)).isEqualTo(l.path("runs").asText());
            if (l.path("inGraph").asBoolean()) {
                assertThat(modelNodes).as("a mapped layer is a node of the model").contains(l.path("node").asText());
                inModel++;
            }
        }
        assertThat(inModel).as("layers named after nodes of mnist-cnn").isPositive();
        assertThat(predicted).as("layers with the lease's per-node prediction").isPositive();
        // the real MACs of the model's convolutions, as the cost model counts them (not FLOPs / 2)
        var profile = dev.edgeperf.core.cost.ModelProfiler.profile(dev.edgeperf.core.zoo.ModelZoo.buildProto("mnist-cnn"),
                "mnist-cnn", 0, dev.edgeperf.core.cost.ProfileOptions.batch(1));
        for (var n : profile.nodes()) {
            if (n.opType().equals("Conv") && withMacs.contains(n.name())) {
                assertThat(apiLayers.stream().filter(l -> l.path("node").asText().equals(n.name())).findFirst()
                        .orElseThrow().path("macs").asLong()).as("MACs of %s", n.name()).isEqualTo(n.macs());
                convsChecked++;
            }
        }
        assertThat(convsChecked).as("a convolution among the top layers carries its MACs").isPositive();
        assertThat(answer.path("predictor").asText()).isNotEmpty();
        assertThat(driver.findElement(By.id("layers-predicted-head")).getText())
                .isEqualTo("predicted ms (" + answer.path("predictor").asText() + ")");

        // the op-type panel is the analysis' byOpType, and each predictor says what it assumed
        var byOp = analysis.path("byOpType");
        assertThat(byOp.size()).isPositive();
        List<List<String>> ops = tableTexts("#optype-table tbody tr");
        assertThat(ops).hasSize(byOp.size());
        Map<String, List<String>> opRows = new LinkedHashMap<>();
        ops.forEach(tds -> opRows.put(tds.get(0), tds));
        for (int i = 0; i < byOp.size(); i++) {
            var o = byOp.get(i);
            List<String> tds = opRows.get(o.path("opType").asText());
            assertThat(tds).as("a row for op type %s", o.path("opType").asText()).isNotNull();
            assertThat(Double.parseDouble(tds.get(1))).isCloseTo(o.path("measuredUs").asDouble() / 1000,
                    org.assertj.core.data.Offset.offset(0.00051));
            assertThat(Double.parseDouble(tds.get(2).replace("%", "").strip()))
                    .isCloseTo(100 * o.path("timeShare").asDouble(), org.assertj.core.data.Offset.offset(0.051));
            if (o.path("flopsShare").isNumber()) {
                assertThat(Double.parseDouble(tds.get(3).replace("%", "").strip()))
                        .isCloseTo(100 * o.path("flopsShare").asDouble(), org.assertj.core.data.Offset.offset(0.051));
            }
        }
        WebElement naive = driver.findElement(By.cssSelector("#error-table tr[data-predictor='predictedNaiveMs']"));
        assertThat(naive.findElement(By.cssSelector("td[data-col='assumes']")).getText()).contains("FLOPs", "peak");
        String basis = rows.get(0).path("peakBasis").asText();
        assertThat(naive.findElement(By.cssSelector("td[data-col='basis']")).getText()).contains(basis)
                .contains(String.format(java.util.Locale.ROOT, "%.1f GFLOP/s", rows.get(0).path("peakGflops").asDouble()));
        long stale = 0;
        for (var r : rows) {
            stale += r.path("predictionStale").asBoolean() && r.path("predictedNaiveMs").asDouble() > 0 ? 1 : 0;
        }
        assertThat(naive.findElement(By.cssSelector("td[data-col='stale']")).getText()).isEqualTo(String.valueOf(stale));

        assertNoConsoleErrors();
        ((JavascriptExecutor) driver).executeScript("document.getElementById('results').scrollIntoView()");
        long height = ((Number) ((JavascriptExecutor) driver).executeScript(
                "return document.documentElement.scrollHeight")).longValue();
        driver.manage().window().setSize(new Dimension(1400, (int) Math.min(5000, height + 120)));
        screenshot("layers-full.png");
        driver.manage().window().setSize(new Dimension(1400, 1000));
        ((JavascriptExecutor) driver).executeScript("document.getElementById('results').scrollIntoView()");
        screenshot("layers.png");
    }

    /**
     * Starts the coordinator binary on {@code dataDir} and an agent process per name, and waits until
     * every agent is connected; returns {gRPC address, dashboard base URL}.
     */
    private String[] startFleet(Path dataDir, List<String> agents) throws Exception {
        java.util.regex.Matcher listening = processes.startCoordinator(dataDir, tmp.resolve("coordinator.log"));
        String grpc = "127.0.0.1:" + listening.group(1);
        String base = "http://127.0.0.1:" + listening.group(2);
        for (String name : agents) {
            processes.start(Processes.javaJar(Processes.agentJar(), "run", "--coordinator", grpc, "--name", name,
                    "--token-file", dataDir.resolve("join-token").toString(), "--work-dir", tmp.resolve(name).toString()),
                    tmp.resolve(name + ".log"));
        }
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            long connected = 0;
            for (var a : json.readTree(get(http, base + "/api/agents"))) {
                connected += a.path("connected").asBoolean() ? 1 : 0;
            }
            if (connected == agents.size()) {
                return new String[] {grpc, base};
            }
            assertThat(System.nanoTime()).as("%d agents connect", agents.size()).isLessThan(deadline);
            Thread.sleep(300);
        }
    }

    /**
     * The campaign menu's value, read in one script: the page rebuilds the menu's options on every
     * refresh, so an option element found first may be stale by the time it is asked for its value.
     */
    private static String selectedCampaign() {
        return (String) ((JavascriptExecutor) driver).executeScript("return document.getElementById('campaign-select').value;");
    }

    private static String cellKey(com.fasterxml.jackson.databind.JsonNode r) {
        return r.path("agentName").asText() + "/" + r.path("variantRecipe").asText() + "/" + r.path("batchSize").asInt()
                + "/" + r.path("threads").asInt();
    }

    private static double p50Of(com.fasterxml.jackson.databind.JsonNode rows, String job) {
        for (var r : rows) {
            if (r.path("jobId").asText().equals(job)) {
                return r.path("p50Ms").asDouble();
            }
        }
        throw new AssertionError("no row " + job);
    }

    private static WebElement header(String label) {
        return driver.findElements(By.cssSelector("#results-table thead th")).stream()
                .filter(th -> th.getText().replace("▲", "").replace("▼", "").strip().equals(label)).findFirst()
                .orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static List<String> jobOrder() {
        return (List<String>) ((JavascriptExecutor) driver).executeScript(
                "return [...document.querySelectorAll('#results-table tbody tr')].map(tr => tr.dataset.job);");
    }

    /** The cells' text of every row that {@code css} matches, read in one go. */
    @SuppressWarnings("unchecked")
    private static List<List<String>> tableTexts(String css) {
        return (List<List<String>>) ((JavascriptExecutor) driver).executeScript(
                "return [...document.querySelectorAll(arguments[0])].map(tr => [...tr.cells].map(td => td.textContent));", css);
    }

    private static String get(java.net.http.HttpClient http, String url) throws Exception {
        var response = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url).isEqualTo(200);
        return response.body();
    }

    /**
     * The Pareto chart and the speedup table, drawn from answers in the exact /pareto and /speedups
     * contract (those endpoints come with the accuracy work, not in this branch): the page's fetch is
     * answered for those two routes only, everything else comes from the real server and store.
     */
    @Test
    void paretoAndSpeedupsAnswersInTheirContractAreDrawn() throws IOException {
        fixture = StoreFixture.fill(tmp.resolve("fixture"));
        String base = serve(fixture.store());
        String pareto = "{\"campaignId\":\"C\",\"metric\":\"p50\",\"quality\":\"top1\",\"devices\":["
                + "{\"device\":\"" + PI + "\",\"board\":\"raspberry-pi-5\",\"points\":["
                + "{\"model\":\"mnist-cnn\",\"variant\":\"baseline\",\"batch\":1,\"x\":2.0,\"quality\":0.99,\"paretoOptimal\":true},"
                + "{\"model\":\"mnist-cnn\",\"variant\":\"quantized:int8-dynamic\",\"batch\":1,\"x\":1.2,\"quality\":0.985,\"paretoOptimal\":true},"
                + "{\"model\":\"mnist-cnn\",\"variant\":\"pruned:structured:0.5\",\"batch\":1,\"x\":1.5,\"quality\":0.69,\"paretoOptimal\":false}]},"
                + "{\"device\":\"" + X86 + "\",\"board\":\"generic-x86_64\",\"points\":["
                + "{\"model\":\"mnist-cnn\",\"variant\":\"baseline\",\"batch\":1,\"x\":0.4,\"quality\":0.99,\"paretoOptimal\":true}]}]}";
        String speedups = "{\"campaignId\":\"C\",\"rows\":[{\"device\":\"" + PI + "\",\"model\":\"mnist-cnn\","
                + "\"variant\":\"quantized:int8-dynamic\",\"batch\":1,\"threads\":4,\"speedup\":1.667,\"ciLow\":1.6,"
                + "\"ciHigh\":1.72,\"different\":true},{\"device\":\"" + PI + "\",\"model\":\"mnist-cnn\","
                + "\"variant\":\"pruned:structured:0.5\",\"batch\":1,\"threads\":4,\"speedup\":1.02,\"ciLow\":0.97,"
                + "\"ciHigh\":1.08,\"different\":false}]}";
        var script = driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source",
                "const realFetch = window.fetch; const answers = {pareto: " + pareto + ", speedups: " + speedups + "};"
                        + "window.fetch = (url, opts) => { const m = /api\\/campaigns\\/[^/]+\\/(pareto|speedups)/.exec(url);"
                        + " return m ? Promise.resolve(new Response(JSON.stringify(answers[m[1]]),"
                        + " {status: 200, headers: {'Content-Type': 'application/json'}})) : realFetch(url, opts); };"));
        try {
            driver.get(base + "/");
            var wait = waitFor(Duration.ofSeconds(20));
            wait.until(d -> d.findElements(By.cssSelector("#chart-pareto .multiple")).size() == 2
                    && d.findElements(By.cssSelector("#speedup-table tbody tr")).size() == 2);
            String pi = "#chart-pareto .multiple[data-device='" + PI + "'] .chart-body";
            assertThat(driver.findElement(By.cssSelector(pi)).getAttribute("data-optimal")).isEqualTo("2");
            assertThat(driver.findElement(By.cssSelector(pi)).getAttribute("data-series")).isEqualTo("[\"mnist-cnn · baseline"
                    + " (optimal)\",\"mnist-cnn · pruned:structured:0.5\",\"mnist-cnn · quantized:int8-dynamic (optimal)\"]");
            assertThat(scatterPoints(pi)).isEqualTo(3);
            assertThat(driver.findElement(By.cssSelector("#chart-pareto .multiple[data-device='" + X86 + "'] .chart-body"))
                    .getAttribute("data-optimal")).isEqualTo("1");
            assertThat(driver.findElement(By.id("pareto-unit")).getText()).contains("quality: top1", "p50 ms per batch");
            List<List<String>> rows = tableTexts("#speedup-table tbody tr");
            assertThat(rows.get(0)).containsExactly(PI, "mnist-cnn", "quantized:int8-dynamic", "1", "4", "×1.67",
                    "×1.60 – ×1.72", "yes");
            assertThat(rows.get(1).get(7)).isEqualTo("no (CI overlaps)");
            assertThat(driver.findElement(By.id("speedups-empty")).isDisplayed()).isFalse();
            assertNoConsoleErrors();
            ((JavascriptExecutor) driver).executeScript("document.getElementById('pareto').scrollIntoView()");
            screenshot("pareto-speedups.png");
        } finally {
            driver.executeCdpCommand("Page.removeScriptToEvaluateOnNewDocument", Map.of("identifier", script.get("identifier")));
        }
    }

    @Test
    void pickingAnOlderCampaignShowsItsFailedAndCancelledRowsButPlotsOnlyDoneOnes() throws IOException {
        fixture = StoreFixture.fill(tmp.resolve("fixture"));
        String base = serve(fixture.store());
        driver.get(base + "/");
        var wait = waitFor(Duration.ofSeconds(20));
        wait.until(d -> d.findElements(By.cssSelector("#results-table tbody tr")).size() == 6);
        assertThat(selectedCampaign()).as("the latest campaign first").isEqualTo(fixture.sweep);
        assertThat(driver.findElements(By.cssSelector("#chart-latency .multiple")))
                .extracting(e -> e.getAttribute("data-device")).containsExactlyInAnyOrder(PI, X86);
        String piBatch1 = fixture.job(fixture.sweep, PI, 1).id();
        assertThat(cell(piBatch1, "basis")).isEqualTo("calibrated");
        assertThat(cell(piBatch1, "stop-reason")).isEqualTo("min-iterations-and-min-duration-met");
        assertThat(cell(piBatch1, "queue-wait")).isEqualTo(fixture.queueWaitMs(piBatch1) + " ms");
        assertThat(cell(fixture.job(fixture.sweep, X86, 1).id(), "basis")).isEqualTo("theoretical");
        assertThat(driver.findElement(By.id("fleet-table")).getText()).contains("raspberry-pi-5", "generic-x86_64",
                "ARM Cortex-A76", "153.6", "6 / 12");

        new Select(driver.findElement(By.id("campaign-select"))).selectByValue(fixture.bigBatch);
        wait.until(d -> d.findElements(By.cssSelector("#results-table tbody tr")).size() == 2);
        wait.until(d -> scatterPoints("#chart-predicted") == 1);
        assertThat(driver.findElements(By.cssSelector("#chart-latency .multiple")))
                .extracting(e -> e.getAttribute("data-device")).containsExactly(X86);
        assertThat(driver.findElement(By.id("campaign-summary")).getText()).startsWith("failed · 1/2 jobs done · 1 failed");
        String failed = fixture.job(fixture.bigBatch, PI, 256).id();
        assertThat(cell(failed, "state")).isEqualTo("failed");
        assertThat(stateTitle(failed)).isEqualTo(fixture.oomReason());
        assertThat(cell(failed, "stop-reason")).isEqualTo("–");
        assertThat(cell(failed, "p999")).as("no result: a dash, not 0").isEqualTo("–");
        assertThat(cell(failed, "measuring")).isEqualTo("–");
        assertThat(cell(fixture.job(fixture.bigBatch, X86, 256).id(), "stop-reason")).isEqualTo("target-ci-reached");
        assertThat(cell(fixture.job(fixture.bigBatch, X86, 256).id(), "e2e-p50")).as("no end-to-end phase").isEqualTo("–");

        new Select(driver.findElement(By.id("campaign-select"))).selectByValue(fixture.cancelled);
        wait.until(d -> d.findElements(By.cssSelector("#results-table tbody tr")).size() == 4);
        assertThat(driver.findElement(By.id("campaign-summary")).getText())
                .startsWith("cancelled · 1/4 jobs done · 3 cancelled");
        assertThat(driver.findElements(By.cssSelector("#results-table tbody tr[data-state='cancelled']"))).hasSize(3);
        String held = fixture.job(fixture.cancelled, PI, 1).id();
        assertThat(cell(held, "state")).isEqualTo("cancelled");
        assertThat(stateTitle(held)).isEqualTo("cancelled by the user");
        assertThat(scatterPoints("#chart-predicted")).isEqualTo(1);
        assertNoConsoleErrors();
        screenshot("dashboard-cancelled.png");
    }

    @Test
    void aCampaignWhoseJobsAllFailedShowsItsRowsNotTheEmptyState() throws IOException {
        fixture = StoreFixture.fill(tmp.resolve("fixture"));
        Store s = fixture.store();
        String pi = fixture.agentId(PI);
        NewJob job = new NewJob(UUID.randomUUID().toString(), pi, "name=" + PI, StoreFixture.MODEL,
                fixture.modelDigest(), fixture.modelSizeBytes(), "baseline", 1, 0, StoreFixture.SWEEP_SETTINGS,
                fixture.flops(1));
        String campaign = UUID.randomUUID().toString();
        s.insertCampaign(campaign, "broken model", "{}", "", List.of(job));
        LeasedJob queued = s.queuedJob(job.id()).orElseThrow();
        assertThat(s.lease(queued, pi, StoreFixture.prediction(PI, job.flops()))).isTrue();
        String reason = "agent 'pi5-kitchen': ONNX Runtime cannot load model " + fixture.modelDigest()
                + ".onnx: ORT_INVALID_PROTOBUF";
        assertThat(s.failJob(job.id(), 1, pi, reason)).isTrue();

        String base = serve(s);
        driver.get(base + "/");
        var wait = waitFor(Duration.ofSeconds(20));
        wait.until(d -> d.findElements(By.cssSelector("#results-table tbody tr")).size() == 1);
        assertThat(driver.findElement(By.id("results")).isDisplayed()).isTrue();
        assertThat(driver.findElement(By.id("empty-state")).isDisplayed()).isFalse();
        assertThat(driver.findElement(By.id("charts")).isDisplayed()).as("nothing to plot").isFalse();
        assertThat(cell(job.id(), "state")).isEqualTo("failed");
        assertThat(stateTitle(job.id())).isEqualTo(reason);
        assertHeaderIsSchemaDriven();
        assertNoConsoleErrors();
    }

    @Test
    void emptyStoreShowsTheEmptyState() throws IOException {
        store = Store.open(Database.defaultUrl(tmp.resolve("empty")), Clock.systemUTC());
        String base = serve(store);
        driver.get(base + "/");
        var wait = waitFor(Duration.ofSeconds(20));
        wait.until(d -> d.findElement(By.id("empty-state")).isDisplayed());
        assertThat(driver.findElement(By.id("empty-state")).getText()).contains("no results yet",
                "scripts/coordinator campaign run");
        assertThat(driver.findElement(By.id("charts")).isDisplayed()).isFalse();
        assertThat(driver.findElement(By.id("results")).isDisplayed()).isFalse();
        assertThat(driver.findElements(By.cssSelector("#fleet-table tbody tr"))).isEmpty();
        assertThat(driver.findElement(By.id("fleet-empty")).isDisplayed()).isTrue();
        assertNoConsoleErrors();
        screenshot("dashboard-empty.png");
    }

    private String serve(Store served) {
        server = new DashboardServer(served, "127.0.0.1", 0);
        server.start();
        return "http://127.0.0.1:" + server.port();
    }

    /** The header reads as TABLE_COLUMNS labels it; each header's tooltip is its field's schema description. */
    private static void assertHeaderIsSchemaDriven() {
        List<WebElement> ths = driver.findElements(By.cssSelector("#results-table thead th"));
        assertThat(ths).extracting(WebElement::getText).containsExactlyElementsOf(HEADER.keySet());
        List<String> titles = new ArrayList<>();
        for (WebElement th : ths) {
            titles.add(th.getAttribute("title"));
        }
        assertThat(titles).containsExactlyElementsOf(HEADER.values().stream()
                .map(key -> ResultField.byKey(key).description()).toList());
    }

    /** The text of column {@code col} (its data-col) in the results row of {@code jobId}. */
    /** A wait that retries when the page redrew an element between finding and reading it. */
    private static org.openqa.selenium.support.ui.FluentWait<WebDriver> waitFor(Duration timeout) {
        return new WebDriverWait(driver, timeout).ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    }

    private static String cell(String jobId, String col) {
        return stateOrCell(jobId, col).getText();
    }

    private static String stateTitle(String jobId) {
        return stateOrCell(jobId, "state").getAttribute("title");
    }

    private static WebElement stateOrCell(String jobId, String col) {
        return driver.findElement(By.cssSelector("#results-table tr[data-job='" + jobId + "'] td[data-col='" + col
                + "']"));
    }

    /** Series {@code index} of the uPlot chart in {@code css} (0 = the x values), as plotted. */
    @SuppressWarnings("unchecked")
    private static List<Number> plotted(String css, int index) {
        return (List<Number>) ((JavascriptExecutor) driver).executeScript(
                "return document.querySelector(arguments[0]).uplot.data[arguments[1]];", css, index);
    }

    /** Points drawn by the scatter chart in {@code css}: non-null values of its point groups (not its reference lines). */
    private static long scatterPoints(String css) {
        return ((Number) ((JavascriptExecutor) driver).executeScript(
                "const c = document.querySelector(arguments[0]); if (!c.uplot) return 0;"
                        + "const groups = JSON.parse(c.dataset.series).length;"
                        + "return c.uplot.data.slice(1, 1 + groups).reduce((n, ys) => n + ys.filter(y => y !== null).length, 0);",
                css)).longValue();
    }

    @SuppressWarnings("unchecked")
    private static List<String> resourceUrls() {
        return (List<String>) ((JavascriptExecutor) driver).executeScript(
                "return performance.getEntriesByType('resource').map(e => e.name).concat([location.href]);");
    }

    /**
     * Warnings and errors in the console, except Chromium's line for a 404 from /pareto, /speedups or
     * /analysis: the dashboard asks for them per campaign and says "no accuracy/speedup data" or "no
     * analysis" where the coordinator has nothing to serve (e.g. a campaign without predictions).
     */
    private static void assertNoConsoleErrors() {
        List<LogEntry> entries = driver.manage().logs().get(LogType.BROWSER).getAll();
        assertThat(entries).filteredOn(e -> e.getLevel().intValue() >= Level.WARNING.intValue())
                .filteredOn(e -> !e.getMessage().matches("\\S+/api/campaigns/[^/ ]+/(pareto|speedups|analysis)\\S* - Failed to load"
                        + " resource: the server responded with a status of 404 \\(Not Found\\)"))
                .extracting(LogEntry::getMessage)
                .isEmpty();
    }

    private static void screenshot(String name) throws IOException {
        File shot = ((TakesScreenshot) (WebDriver) driver).getScreenshotAs(OutputType.FILE);
        Files.createDirectories(TARGET);
        Files.copy(shot.toPath(), TARGET.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
}
