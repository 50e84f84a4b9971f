package dev.edgeperf.agent.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperf.agent.probe.DeviceSensors;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
import dev.edgeperf.core.measure.MeasurementSettings;
import dev.edgeperf.core.stats.LatencySummary;
import dev.edgeperf.core.zoo.ModelZoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InferenceRunnerTest {
    @TempDir
    static Path dir;
    static Path mnist;

    /** A maximum duration no run of these tiny models reaches, however loaded the machine. */
    private static final long GENEROUS_MAX_MS = 120_000;

    private final InferenceRunner runner = new InferenceRunner(new DeviceSensors(dir), 2);

    @BeforeAll
    static void writeModel() throws Exception {
        mnist = dir.resolve("mnist-cnn.onnx");
        Files.write(mnist, ModelZoo.build("mnist-cnn"));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 8})
    void mnistCnnMeetsMinimumsAndReportsConsistentThroughput(int batch) {
        // The maximum is far beyond what 40 runs take even on a loaded machine, so the stop
        // reason does not depend on the machine's speed.
        MeasurementSettings s = new MeasurementSettings(3, 40, 100, GENEROUS_MAX_MS);
        AtomicLong lastProgress = new AtomicLong();
        MeasurementResult m = runner.measure(new MeasurementRequest(mnist, batch, 1, s), (it, ms) -> lastProgress.set(it));

        LatencySummary l = m.computeLatency();
        assertThat(m.batchSize()).isEqualTo(batch);
        assertThat(m.intraOpThreads()).isEqualTo(1);
        assertThat(l.count()).isGreaterThanOrEqualTo(40);
        assertThat(l.minMs()).isPositive();
        assertThat(l.p50Ms()).isPositive().isLessThanOrEqualTo(l.p99Ms());
        assertThat(m.stopReason()).isEqualTo(StopReason.MIN_ITERATIONS_AND_MIN_DURATION_MET);
        assertThat(m.timedSeconds()).isPositive(); // the sum of the runs, not the wall time the minimum counts
        // throughput = batch x n / sum(latencies) = batch / mean latency, exactly up to histogram rounding
        assertThat(m.throughputSamplesPerS()).isCloseTo(batch * 1000.0 / l.meanMs(),
                org.assertj.core.data.Percentage.withPercentage(1));
        // ... so it lies between batch / max and batch / min latency whatever the load (a band around
        // batch / p50 failed on a loaded machine, where a few slow runs pull the mean far from the median)
        assertThat(m.throughputSamplesPerS()).isBetween(batch * 1000.0 / l.maxMs() * 0.99,
                batch * 1000.0 / l.minMs() * 1.01);
        assertThat(m.sessionCreateMs()).isPositive();
        assertThat(m.firstInferenceMs()).isPositive();
        assertThat(m.engine()).isEqualTo("onnxruntime");
        assertThat(m.engineVersion()).matches("\\d+\\.\\d+\\.\\d+")
                .isEqualTo(ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion());
        assertThat(m.executionProvider()).isEqualTo("CPU");
        assertThat(lastProgress.get()).isEqualTo(l.count());
        assertThat(l.medianCi95().lowMs()).isLessThanOrEqualTo(l.p50Ms());
        assertThat(l.medianCi95().highMs()).isGreaterThanOrEqualTo(l.p50Ms());
    }

    @Test
    void maxDurationStopsALoopThatWouldNotReachItsMinimum() {
        MeasurementSettings s = new MeasurementSettings(0, 1_000_000_000, 0, 150);
        MeasurementResult m = runner.measure(new MeasurementRequest(mnist, 1, 1, s));
        assertThat(m.stopReason()).isEqualTo(StopReason.MAX_DURATION);
        assertThat(m.computeLatency().count()).isLessThan(1_000_000_000L);
        // no bound on timedSeconds: it sums the runs (not the wall time the rule counts), and an
        // upper bound would time the machine rather than test the rule
        assertThat(m.timedSeconds()).isPositive();
    }

    @Test
    void defaultThreadsAreReportedAsTheResolvedCount() {
        MeasurementResult m = runner.measure(new MeasurementRequest(mnist, 1, 0, new MeasurementSettings(0, 5, 0, 1000)));
        assertThat(m.intraOpThreads()).isEqualTo(2);
    }

    /**
     * ORT's intra-op pool runs n - 1 native threads beside the caller; counting this process's
     * threads mid-run shows the pool size the session really got. A default of 5 on a machine
     * with fewer cores only shows up if the agent sets it rather than leaving 0 to ORT.
     */
    @Test
    void defaultThreadsAreTheThreadsTheSessionRuns() {
        Path tasks = Path.of("/proc/self/task");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(tasks), "needs Linux /proc");
        InferenceRunner fiveByDefault = new InferenceRunner(new DeviceSensors(dir), 5);
        MeasurementSettings s = new MeasurementSettings(0, 5, 0, 1000);

        AtomicLong withOne = new AtomicLong();
        fiveByDefault.measure(new MeasurementRequest(mnist, 1, 1, s), (it, ms) -> withOne.set(count(tasks)));
        AtomicLong withDefault = new AtomicLong();
        MeasurementResult m = fiveByDefault.measure(new MeasurementRequest(mnist, 1, 0, s),
                (it, ms) -> withDefault.set(count(tasks)));

        assertThat(m.intraOpThreads()).isEqualTo(5);
        // 4 more pool threads; a JIT or GC thread coming or going may blur the count by one
        assertThat(withDefault.get() - withOne.get()).isBetween(3L, 5L);
    }

    private static long count(Path dir) {
        try (var s = Files.list(dir)) {
            return s.count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void fixedBatchModelRejectsAnotherBatchNamingInputAndShape() throws Exception {
        Path fixed = TinyModels.fixedBatchRelu(dir);
        assertThatThrownBy(() -> runner.measure(new MeasurementRequest(fixed, 8, 1, MeasurementSettings.defaults())))
                .isInstanceOf(EdgeperfException.class)
                .hasMessageContaining("fixed-batch.onnx")
                .hasMessageContaining("input 'x'")
                .hasMessageContaining("[1, 4]")
                .hasMessageContaining("batch size 8")
                .satisfies(e -> assertThat(((EdgeperfException) e).category()).isEqualTo(ErrorCategory.USER_ERROR));

        MeasurementResult ok = runner.measure(new MeasurementRequest(fixed, 1, 1, new MeasurementSettings(0, 5, 0, 1000)));
        assertThat(ok.computeLatency().count()).isGreaterThanOrEqualTo(5);
    }

    @Test
    void garbageFileIsAnExternalErrorNamingTheFile() throws Exception {
        Path junk = dir.resolve("junk.onnx");
        Files.writeString(junk, "this is not an onnx model");
        assertThatThrownBy(() -> runner.measure(new MeasurementRequest(junk, 1, 1, MeasurementSettings.defaults())))
                .isInstanceOf(EdgeperfException.class)
                .hasMessageStartingWith("ONNX Runtime cannot load model junk.onnx: ")
                .satisfies(e -> assertThat(((EdgeperfException) e).category()).isEqualTo(ErrorCategory.EXTERNAL));
    }

    @Test
    void endToEndIsRecordedSeparatelyAndTheHistogramsTravel() {
        MeasurementResult m = runner.measure(new MeasurementRequest(mnist, 4, 1, new MeasurementSettings(2, 30, 40, GENEROUS_MAX_MS)));
        assertThat(m.endToEndLatency()).isPresent();
        LatencySummary e2e = m.endToEndLatency().get();
        assertThat(e2e.count()).isGreaterThanOrEqualTo(30);
        assertThat(e2e.minMs()).isPositive();
        assertThat(m.computeLatency().p999Ms()).isGreaterThanOrEqualTo(m.computeLatency().p99Ms());
        assertThat(m.inProcess()).isTrue();
        assertThat(m.memory().peakRssBytes()).isZero();
        // the encoded histograms give back exactly the summaries
        MeasurementResult back = MeasurementResultProto.fromProto(MeasurementResultProto.toProto(m).build(), m.endToEndHistogram());
        assertThat(back.computeLatency()).isEqualTo(m.computeLatency());
        assertThat(back.endToEndLatency()).isEqualTo(m.endToEndLatency());
        assertThat(back.stopReason()).isEqualTo(m.stopReason());
        assertThat(back.throughputSamplesPerS()).isEqualTo(m.throughputSamplesPerS());
        assertThat(back.host()).isEqualTo(m.host());
    }

    @Test
    void throughputModeRunsConcurrentCallsOnOneSession() {
        MeasurementResult m = runner.measure(new MeasurementRequest(mnist, 2, 1, new MeasurementSettings(2, 60, 100, GENEROUS_MAX_MS)
                .withConcurrency(3)));
        assertThat(m.concurrency()).isEqualTo(3);
        assertThat(m.computeLatency().count()).isGreaterThanOrEqualTo(60);
        assertThat(m.endToEndLatency()).isEmpty();
        assertThat(m.timedSeconds()).isGreaterThanOrEqualTo(0.1);
        // samples over wall time
        assertThat(m.throughputSamplesPerS()).isCloseTo(2.0 * m.computeLatency().count() / m.timedSeconds(),
                org.assertj.core.data.Percentage.withPercentage(0.01));
        assertThat(m.stopReason()).isEqualTo(StopReason.MIN_ITERATIONS_AND_MIN_DURATION_MET);
    }

    @Test
    void looseTargetIsReachedAndTheMaximumSaysTheTargetWasMissed() {
        MeasurementResult loose = runner.measure(new MeasurementRequest(mnist, 1, 1,
                new MeasurementSettings(2, 20, 0, GENEROUS_MAX_MS, 0.5, false)));
        assertThat(loose.stopReason()).isEqualTo(StopReason.TARGET_CI_REACHED);
        assertThat(loose.ciRelativeHalfWidth()).isLessThanOrEqualTo(0.5);
        // a minimum the loop cannot reach in time leaves the target unchecked
        MeasurementResult capped = runner.measure(new MeasurementRequest(mnist, 1, 1,
                new MeasurementSettings(0, 1_000_000_000, 0, 150, 0.5, false)));
        assertThat(capped.stopReason()).isEqualTo(StopReason.MAX_DURATION_BEFORE_TARGET_CI);
    }

    @Test
    void warmupUntilStableStaysWithinItsBounds() {
        MeasurementResult m = runner.measure(new MeasurementRequest(mnist, 1, 1,
                new MeasurementSettings(6, 5, 0, 1_000, 0, true)));
        assertThat(m.warmupIterations()).isBetween(6, 60);
    }

    @Test
    void hostProvenanceComesFromTheTree(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("proc"));
        Files.writeString(root.resolve("proc/loadavg"), "0.42 0.30 0.20 1/123 4567\n");
        Files.createDirectories(root.resolve("sys/devices/system/cpu/cpu0/cpufreq"));
        Files.writeString(root.resolve("sys/devices/system/cpu/cpu0/cpufreq/scaling_governor"), "powersave\n");
        MeasurementResult m = new InferenceRunner(new DeviceSensors(root), 1, new dev.edgeperf.agent.probe.HostFacts(root))
                .measure(new MeasurementRequest(mnist, 1, 1, new MeasurementSettings(0, 5, 0, 1000)));
        assertThat(m.host().cpuGovernor()).contains("powersave");
        assertThat(m.host().loadAverage1m()).hasValue(0.42);
        assertThat(m.host().executionProvidersAvailable()).contains("CPU");
        assertThat(m.memory().sessionFootprintBytes()).isZero(); // no proc/self/status in the fake tree
    }
}
