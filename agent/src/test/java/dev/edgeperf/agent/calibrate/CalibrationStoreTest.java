package dev.edgeperf.agent.calibrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.predict.kernel.KernelCalibration;
import dev.edgeperf.core.predict.kernel.KernelCalibrationProto;
import dev.edgeperf.core.predict.kernel.KernelSample;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CalibrationStoreTest {
    @Test
    void roundTripAndProto(@TempDir Path dir) {
        CalibrationStore store = CalibrationStore.inWorkDir(dir);
        assertThat(store.read()).isEmpty();
        CalibrationFigures f = new CalibrationFigures(41.5, 30.25, 9.5, 12.0, 1.5, 2, 1_700_000_000_000L);
        store.write(f);
        assertThat(store.read()).contains(f);
        assertThat(f.toProto().getMatmulGflops()).isEqualTo(41.5);
        assertThat(f.toProto().getNodeOverheadUs()).isEqualTo(1.5);
        assertThat(f.toProto().getThreads()).isEqualTo(2);
    }

    @Test
    void kernelSamplesRoundTripThroughTheFileAndTheProto(@TempDir Path dir) {
        CalibrationStore store = CalibrationStore.inWorkDir(dir);
        CalibrationFigures f = new CalibrationFigures(41.5, 30.25, 9.5, 12.0, 1.5, 2, 1_700_000_000_000L);
        java.util.Map<String, Long> features = new java.util.LinkedHashMap<>();
        features.put("n", 1L);
        features.put("cin", 16L);
        KernelCalibration k = new KernelCalibration(1, "onnxruntime 1.28.0", 60, 58.5, java.util.List.of(
                new KernelCalibration.ThreadSamples(1, 4.5, java.util.List.of(
                        new KernelSample("conv", features, 1_000_000, 40_000, 0.125),
                        new KernelSample("gemm", java.util.Map.of(), 2_000, 300, 0.0))),
                // a refreshed thread count carries its drift factors
                new KernelCalibration.ThreadSamples(2, 5.5, java.util.List.of(
                        new KernelSample("conv", features, 1_000_000, 40_000, 0.07)), java.util.Map.of("conv", 1.125))));
        assertThat(store.readKernels()).isEmpty();
        store.write(f, java.util.Optional.of(k));
        // the figures still read as before, the samples as written
        assertThat(store.read()).contains(f);
        assertThat(store.readKernels()).contains(k);
        assertThat(KernelCalibrationProto.fromProto(KernelCalibrationProto.toProto(k))).isEqualTo(k);
        assertThat(store.readKernels().orElseThrow().at(2).orElseThrow().drift()).containsEntry("conv", 1.125);
    }

    @Test
    void aProfileFromBeforeRefreshesReadsAsNeverRefreshed(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("calibration.json"), "{\"matmulGflops\": 41.5, \"convGflops\": 30.25,"
                + " \"memoryGbPerS\": 9.5, \"callOverheadUs\": 12.0, \"threads\": 2, \"measuredUnixMs\": 1,"
                + " \"kernels\": {\"format\": 1, \"engine\": \"onnxruntime 1.28.0\", \"budgetS\": 1, \"seconds\": 1,"
                + " \"threads\": [{\"threads\": 1, \"callOverheadUs\": 3.0, \"samples\": [{\"type\": \"gemm\","
                + " \"features\": {\"m\": 1}, \"flops\": 10, \"bytes\": 20, \"ms\": 0.5}]}]}}");
        KernelCalibration.ThreadSamples t = CalibrationStore.inWorkDir(dir).readKernels().orElseThrow().at(1).orElseThrow();
        assertThat(t.drift()).isEmpty();
        assertThat(t.typicalDrift()).isEqualTo(1);
        assertThat(t.regressors().get("gemm").predictMs(10, 20)).isCloseTo(0.5, org.assertj.core.api.Assertions.within(1e-12));
    }

    @Test
    void aCorruptKernelSectionIsAUserErrorNamingTheFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("calibration.json"), "{\"matmulGflops\": 41.5, \"convGflops\": 30.25,"
                + " \"memoryGbPerS\": 9.5, \"callOverheadUs\": 12.0, \"threads\": 2, \"measuredUnixMs\": 1,"
                + " \"kernels\": {\"format\": 7, \"engine\": \"x\", \"threads\": []}}");
        CalibrationStore store = CalibrationStore.inWorkDir(dir);
        assertThat(store.read()).isPresent();
        assertThatThrownBy(store::readKernels).isInstanceOf(EdgeperfException.class)
                .hasMessageContaining(dir.resolve("calibration.json").toString())
                .hasMessageContaining("kernel section is not valid");
    }

    @Test
    void theFileSaysWhatItWasMeasuredOnAndTheProtoCarriesIt(@TempDir Path dir) throws Exception {
        CalibrationStore store = CalibrationStore.atFile(dir.resolve("pi5.json"));
        CalibrationFigures f = new CalibrationFigures(41.5, 30.25, 9.5, 12.0, 1.5, 2, 1_700_000_000_000L);
        store.write(f, new CalibrationStore.MeasuredOn("fp-pi5", "1.19.2"));
        assertThat(store.read()).contains(f);
        assertThat(Files.readString(store.file())).contains("\"hardwareFingerprint\" : \"fp-pi5\"")
                .contains("\"engineVersion\" : \"1.19.2\"");
        CalibrationStore.MeasuredOn on = store.measuredOn();
        assertThat(on).isEqualTo(new CalibrationStore.MeasuredOn("fp-pi5", "1.19.2"));
        assertThat(on.stamp(f.toProto()).getHardwareFingerprint()).isEqualTo("fp-pi5");
        assertThat(on.stamp(f.toProto()).getEngineVersion()).isEqualTo("1.19.2");
        assertThat(on.stamp(f.toProto()).getMatmulGflops()).isEqualTo(41.5);

        store.write(f); // a profile that does not say
        assertThat(store.measuredOn()).isEqualTo(CalibrationStore.MeasuredOn.UNKNOWN);
        assertThat(CalibrationStore.inWorkDir(dir.resolve("none")).measuredOn())
                .isEqualTo(CalibrationStore.MeasuredOn.UNKNOWN);
    }

    @Test
    void aFileFromBeforeTheNodeOverheadProbeReadsWithNoneMeasured(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("calibration.json"), "{\"matmulGflops\": 41.5, \"convGflops\": 30.25,"
                + " \"memoryGbPerS\": 9.5, \"callOverheadUs\": 12.0, \"threads\": 2, \"measuredUnixMs\": 1}");
        assertThat(CalibrationStore.inWorkDir(dir).read()).hasValueSatisfying(f -> assertThat(f.nodeOverheadUs()).isZero());
    }

    @Test
    void brokenFileIsAUserErrorNamingIt(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("calibration.json"), "{\"matmulGflops\": -1}");
        assertThatThrownBy(() -> CalibrationStore.inWorkDir(dir).read())
                .isInstanceOf(EdgeperfException.class)
                .hasMessageContaining(dir.resolve("calibration.json").toString());
    }

    @Test
    void sizesCountFlopsAndBytes() {
        MicroModels.Sizes s = new MicroModels.Sizes(1024, 128, 56, 1000);
        assertThat(s.matmulFlops()).isEqualTo(2.0 * 1024 * 1024 * 1024);
        assertThat(s.convFlops()).isEqualTo(2.0 * 128 * 128 * 9 * 56 * 56);
        assertThat(s.addBytes()).isEqualTo(12_000);
    }
}
