package dev.edgeperf.agent.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperf.agent.probe.DeviceSensors;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
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

    private final InferenceRunner runner = new InferenceRunner(new DeviceSensors(dir), 2);

    @BeforeAll
    static void writeModel() throws Exception {
        mnist = dir.resolve("mnist-cnn.onnx");
        Files.write(mnist, ModelZoo.build("mnist-cnn"));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 8})
    void mnistCnnMeetsMinimumsAndReportsConsistentThroughput(int batch) {
        MeasurementSettings s = new MeasurementSettings(3, 40, 100, 5_000);
        AtomicLong lastProgress = new AtomicLong();
        Measurement m = runner.measure(new MeasurementRequest(mnist, batch, 1, s), (it, ms) -> lastProgress.set(it));

        LatencySummary l = m.computeLatency();
        assertThat(m.batchSize()).isEqualTo(batch);
        assertThat(m.intraOpThreads()).isEqualTo(1);
        assertThat(l.count()).isGreaterThanOrEqualTo(40);
        assertThat(l.minMs()).isPositive();
        assertThat(l.p50Ms()).isPositive().isLessThanOrEqualTo(l.p99Ms());
        assertThat(m.stopReason()).isEqualTo(StopReason.MIN_ITERATIONS_AND_MIN_DURATION_MET);
        assertThat(m.timedSeconds()).isGreaterThan(0).isLessThan(5.0);
        // throughput = batch x n / sum(latencies) = batch / mean latency, exactly up to histogram rounding
        assertThat(m.throughputSamplesPerS()).isCloseTo(batch * 1000.0 / l.meanMs(),
                org.assertj.core.data.Percentage.withPercentage(1));
        // ... and the same order of magnitude as batch / p50
        assertThat(m.throughputSamplesPerS()).isBetween(batch * 1000.0 / l.p50Ms() / 5, batch * 1000.0 / l.p50Ms() * 5);
        assertThat(m.sessionCreateMs()).isPositive();
        assertThat(m.firstInferenceMs()).isPositive();
        assertThat(m.engine()).isEqualTo("onnxruntime");
        assertThat(m.engineVersion()).isEqualTo("1.19.2");
        assertThat(m.executionProvider()).isEqualTo("CPU");
        assertThat(lastProgress.get()).isEqualTo(l.count());
        assertThat(l.medianCi95().lowMs()).isLessThanOrEqualTo(l.p50Ms());
        assertThat(l.medianCi95().highMs()).isGreaterThanOrEqualTo(l.p50Ms());
    }

    @Test
    void maxDurationStopsALoopThatWouldNotReachItsMinimum() {
        MeasurementSettings s = new MeasurementSettings(0, 1_000_000_000, 0, 150);
        Measurement m = runner.measure(new MeasurementRequest(mnist, 1, 1, s));
        assertThat(m.stopReason()).isEqualTo(StopReason.MAX_DURATION);
        assertThat(m.computeLatency().count()).isLessThan(1_000_000_000L);
        assertThat(m.timedSeconds()).isLessThan(1.0);
    }

    @Test
    void defaultThreadsAreReportedAsTheResolvedCount() {
        Measurement m = runner.measure(new MeasurementRequest(mnist, 1, 0, new MeasurementSettings(0, 5, 0, 1000)));
        assertThat(m.intraOpThreads()).isEqualTo(2);
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

        Measurement ok = runner.measure(new MeasurementRequest(fixed, 1, 1, new MeasurementSettings(0, 5, 0, 1000)));
        assertThat(ok.computeLatency().count()).isGreaterThanOrEqualTo(5);
    }

    @Test
    void garbageFileIsAnExternalErrorNamingTheFile() throws Exception {
        Path junk = dir.resolve("junk.onnx");
        Files.writeString(junk, "this is not an onnx model");
        assertThatThrownBy(() -> runner.measure(new MeasurementRequest(junk, 1, 1, MeasurementSettings.defaults())))
                .isInstanceOf(EdgeperfException.class)
                .hasMessageStartingWith("ONNX Runtime failed on model junk.onnx: ")
                .satisfies(e -> assertThat(((EdgeperfException) e).category()).isEqualTo(ErrorCategory.EXTERNAL));
    }
}
