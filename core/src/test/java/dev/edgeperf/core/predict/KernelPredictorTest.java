package dev.edgeperf.core.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.edgeperf.core.predict.kernel.Kernel;
import dev.edgeperf.core.predict.kernel.KernelCalibration;
import dev.edgeperf.core.predict.kernel.KernelDetector;
import dev.edgeperf.core.predict.kernel.KernelDetectorTest;
import dev.edgeperf.core.predict.kernel.KernelInputs;
import dev.edgeperf.core.predict.kernel.KernelSample;
import dev.edgeperf.core.predict.kernel.KernelType;
import dev.edgeperf.core.zoo.ModelZoo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KernelPredictorTest {
    private static final DevicePeaks DEVICE = new DevicePeaks(0, 40, 30, 10, 20, 0.5, 1);
    private final KernelPredictor predictor = new KernelPredictor();

    /** Per type a known law: fixed (type index x 1 us) + FLOPs at 10 x (index + 1) GFLOP/s + bytes at 5 GB/s. */
    private static double law(KernelType t, long flops, long bytes) {
        return t.ordinal() * 1e-3 + flops / (10e9 * (t.ordinal() + 1)) * 1e3 + bytes / 5e9 * 1e3;
    }

    private static KernelCalibration calibration(int threads) {
        return calibration(threads, false);
    }

    /** Samples of every type's law; with {@code int8} also under the uint8 keys, at half the time. */
    private static KernelCalibration calibration(int threads, boolean int8) {
        return calibration(threads, int8 ? List.of("uint8") : List.of());
    }

    /** Samples of every type's law, and under each "type/dtype" key of {@code dtypes} at half the time. */
    private static KernelCalibration calibration(int threads, List<String> dtypes) {
        List<KernelSample> samples = new ArrayList<>();
        for (KernelType t : KernelType.values()) {
            for (long f = 1_000; f < 1_000_000_000L; f *= 7) {
                long bytes = f / 3 + 17 * (f % 11);
                samples.add(new KernelSample(t.key(), Map.of(), f, bytes, law(t, f, bytes)));
                for (String dtype : dtypes) {
                    samples.add(new KernelSample(t.key() + "/" + dtype, Map.of(), f, bytes, law(t, f, bytes) / 2));
                }
            }
        }
        return new KernelCalibration(1, "onnxruntime test", 10, 9, List.of(
                new KernelCalibration.ThreadSamples(threads, 30, samples)));
    }

    private static PredictionInput input(List<Kernel> kernels, int threads, KernelCalibration c) {
        return new PredictionInput(1, 1, threads, "CPU", DEVICE, Optional.empty(),
                Optional.of(new KernelInputs(kernels, c)));
    }

    @Test
    void sumsEachKernelsRegressorPlusTheCallOverhead() {
        List<Kernel> kernels = KernelDetector.detect(ModelZoo.buildProto("mnist-cnn"), "mnist-cnn", 4, Map.of(),
                Map.of());
        PredictedLatency p = predictor.predict(input(kernels, 1, calibration(1)));

        double expected = 30e-3;
        for (Kernel k : kernels) {
            KernelType t = k.type().orElseThrow();
            // every kernel costs its node's dispatch (which the samples, less the call overhead, leave out)
            expected += DEVICE.nodeOverheadUs() / 1e3 + (t == KernelType.VIEW ? 0 : law(t, k.flops(), k.bytes()));
        }
        assertThat(p.known()).isTrue();
        assertThat(p.millis()).isCloseTo(expected, within(1e-6 * expected));
        assertThat(p.nodes()).hasSize(kernels.size());
        assertThat(p.basis()).contains("at 1 thread(s)").doesNotContain("not predicted");
        assertThat(KernelPredictor.complete(p)).isTrue();
        // threads 0 = the calibration's threads
        assertThat(predictor.predict(input(kernels, 0, calibration(1))).millis()).isCloseTo(p.millis(), within(1e-12));
    }

    @Test
    void aRefreshedProfileScalesEachTypeByItsDriftAndOthersByTheMedian() {
        List<Kernel> kernels = KernelDetector.detect(ModelZoo.buildProto("mnist-cnn"), "mnist-cnn", 4, Map.of(),
                Map.of());
        KernelCalibration.ThreadSamples at = calibration(1).at(1).orElseThrow();
        // conv 1.5x slower now, gemm 1.1x, softmax 0.9x: every other type takes the median, 1.1
        Map<String, Double> drift = Map.of("conv", 1.5, "gemm", 1.1, "softmax", 0.9);
        KernelCalibration refreshed = new KernelCalibration(1, "onnxruntime test", 10, 9, List.of(
                new KernelCalibration.ThreadSamples(1, 30, at.samples(), drift)));

        PredictedLatency p = predictor.predict(input(kernels, 1, refreshed));

        double expected = 30e-3;
        for (Kernel k : kernels) {
            KernelType t = k.type().orElseThrow();
            double factor = drift.getOrDefault(t.key(), 1.1);
            expected += DEVICE.nodeOverheadUs() / 1e3 + (t == KernelType.VIEW ? 0 : factor * law(t, k.flops(), k.bytes()));
        }
        assertThat(kernels).extracting(k -> k.type().orElseThrow()).contains(KernelType.CONV, KernelType.GEMM,
                KernelType.SOFTMAX);
        assertThat(p.millis()).isCloseTo(expected, within(1e-6 * expected));
        assertThat(p.basis()).contains("; refreshed: each type scaled by its drift since calibration, median x1.10"
                + " (x0.90 to x1.50 over 3 types)");
        assertThat(predictor.predict(input(kernels, 1, calibration(1))).basis()).doesNotContain("refreshed");
    }

    @Test
    void aLayoutKernelTheDeviceNeverProfiledCostsNothingAndIsNotNamed() {
        List<Kernel> kernels = KernelDetector.detect(ModelZoo.buildProto("mnist-cnn"), "mnist-cnn", 4, Map.of(),
                Map.of());
        List<Kernel> layout = kernels.stream().filter(k -> k.type().equals(Optional.of(KernelType.LAYOUT))).toList();
        org.junit.jupiter.api.Assumptions.assumeFalse(layout.isEmpty(), "no NCHWc layout on this CPU");
        PredictedLatency withLayout = predictor.predict(input(kernels, 1, calibration(1)));
        // a calibration that met no layout node: its device has no such layout (an ARM board)
        KernelCalibration c = calibration(1);
        KernelCalibration noLayout = new KernelCalibration(1, c.engine(), 10, 9, List.of(
                new KernelCalibration.ThreadSamples(1, 30, c.at(1).orElseThrow().samples().stream()
                        .filter(s -> !s.type().equals(KernelType.LAYOUT.key())).toList())));
        PredictedLatency p = predictor.predict(input(kernels, 1, noLayout));
        double layoutMs = layout.stream().mapToDouble(k -> DEVICE.nodeOverheadUs() / 1e3
                + law(KernelType.LAYOUT, k.flops(), k.bytes())).sum();
        assertThat(p.millis()).isCloseTo(withLayout.millis() - layoutMs, within(1e-9));
        assertThat(KernelPredictor.complete(p)).as(p.basis()).isTrue();
        assertThat(p.basis()).startsWith("sum of " + (kernels.size() - layout.size()) + " kernels'");
        assertThat(withLayout.basis()).startsWith("sum of " + kernels.size() + " kernels'");
    }

    @Test
    void namesWhatNoRegressorCoversWithItsShareOfKernels() {
        List<Kernel> kernels = KernelDetector.detect(KernelDetectorTest.transposeThenSoftmax(), "t", 1, Map.of(),
                Map.of());
        PredictedLatency p = predictor.predict(input(kernels, 1, calibration(1)));
        assertThat(p.known()).isTrue();
        assertThat(p.basis()).contains("not predicted: Transpose x1 (1 of 2 kernels, 0.0% of FLOPs)");
        assertThat(KernelPredictor.complete(p)).isFalse();
        Kernel softmax = kernels.get(1);
        assertThat(p.millis()).isCloseTo(30e-3 + DEVICE.nodeOverheadUs() / 1e3
                + law(KernelType.SOFTMAX, softmax.flops(), softmax.bytes()), within(1e-9));
        // an incomplete kernel prediction is not the recommended one when the roofline could predict
        PredictedLatency roofline = PredictedLatency.none(RooflinePredictor.NAME, "x");
        PredictedLatency naive = new PredictedLatency(NaivePredictor.NAME, 1, 40, true, "n");
        assertThat(Predictors.recommended(List.of(naive, roofline, p)).predictor()).isEqualTo(NaivePredictor.NAME);
    }

    @Test
    void noPredictionWithoutKernelsOrAtAnUncalibratedThreadCount() {
        assertThat(predictor.predict(new PredictionInput(1, 1, 1, "CPU", DEVICE)).basis())
                .contains("needs the model's ONNX Runtime kernels");
        List<Kernel> kernels = KernelDetector.detect(ModelZoo.buildProto("mnist-cnn"), "mnist-cnn", 1, Map.of(),
                Map.of());
        PredictedLatency p = predictor.predict(input(kernels, 4, calibration(1)));
        assertThat(p.known()).isFalse();
        assertThat(p.basis()).contains("kernel samples at threads [1], not at 4");
    }

    @Test
    void isRegisteredAndRecommendedWhenComplete() {
        assertThat(Predictors.byName("kernel")).isInstanceOf(KernelPredictor.class);
        List<Kernel> kernels = KernelDetector.detect(ModelZoo.buildProto("mnist-cnn"), "mnist-cnn", 1, Map.of(),
                Map.of());
        PredictedLatency k = predictor.predict(input(kernels, 1, calibration(1)));
        PredictedLatency roofline = new PredictedLatency(RooflinePredictor.NAME, 2, 40, true, "r");
        assertThat(Predictors.recommended(List.of(roofline, k))).isSameAs(k);
    }

    @Test
    void anInt8StaticVariantIsCompleteOnceItsUint8KernelsAreCalibrated() {
        List<Kernel> kernels = KernelDetector.detect(
                dev.edgeperf.core.predict.kernel.Int8KernelDetectorTest.variant("resnet18", "quantized:int8-static"),
                "r18-int8", 1, Map.of(), Map.of());
        PredictedLatency fp32Only = predictor.predict(input(kernels, 1, calibration(1)));
        assertThat(KernelPredictor.complete(fp32Only)).isFalse();
        assertThat(fp32Only.basis()).contains("not predicted: ").contains("QLinearConv (uint8) x20");

        PredictedLatency p = predictor.predict(input(kernels, 1, calibration(1, true)));
        assertThat(KernelPredictor.complete(p)).as(p.basis()).isTrue();
        double expected = expectedMs(kernels);
        assertThat(p.millis()).isCloseTo(expected, within(1e-6 * expected));
    }

    @Test
    void anInt8DynamicVariantIsCompleteOnceItsDynamicKernelsAreCalibrated() {
        List<Kernel> kernels = KernelDetector.detect(
                dev.edgeperf.core.predict.kernel.Int8KernelDetectorTest.variant("resnet18", "quantized:int8-dynamic"),
                "r18-dyn", 1, Map.of(), Map.of());
        // fp32 and int8-static samples (the dynamic-quantize key is among the types) leave the ConvIntegers,
        // the DynamicQuantizeMatMul and the int32 Casts without a regressor
        PredictedLatency staticOnly = predictor.predict(input(kernels, 1, calibration(1, true)));
        assertThat(KernelPredictor.complete(staticOnly)).isFalse();
        assertThat(staticOnly.basis()).contains("ConvInteger (dynamic-int8) x20")
                .contains("DynamicQuantizeMatMul (dynamic-int8) x1").contains("Cast (int32) x20")
                .doesNotContain("DynamicQuantizeLinear");

        PredictedLatency p = predictor.predict(input(kernels, 1, calibration(1, List.of("dynamic-int8", "int32"))));
        assertThat(KernelPredictor.complete(p)).as(p.basis()).isTrue();
        double expected = expectedMs(kernels);
        assertThat(p.millis()).isCloseTo(expected, within(1e-6 * expected));
    }

    /**
     * The call overhead plus each kernel's law, halved for a "type/dtype" key (the calibrations above
     * sample those at half the time), and the node overhead per kernel (a view's only cost).
     */
    private static double expectedMs(List<Kernel> kernels) {
        double expected = 30e-3;
        for (Kernel k : kernels) {
            KernelType t = k.type().orElseThrow();
            boolean suffixed = k.regressorKey().orElseThrow().contains("/");
            expected += DEVICE.nodeOverheadUs() / 1e3
                    + (t == KernelType.VIEW ? 0 : law(t, k.flops(), k.bytes()) / (suffixed ? 2 : 1));
        }
        return expected;
    }
}
