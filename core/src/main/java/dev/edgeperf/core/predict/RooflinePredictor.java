package dev.edgeperf.core.predict;

import dev.edgeperf.core.cost.ModelProfile;
import dev.edgeperf.core.cost.NodeCost;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The roofline model per node: a node takes as long as the slower of doing its FLOPs at the device's
 * attainable peak for its op class and moving its bytes (inputs, weights and outputs) at the measured
 * memory bandwidth, plus the measured dispatch cost of one node; the call adds the measured per-call
 * overhead once. Everything comes from the device's calibration ({@code agent calibrate}); with no
 * calibration there is no prediction, never a guessed figure.
 *
 * <p>What it knows and does not: MatMul/Gemm run at the measured MatMul peak, convolutions at the
 * measured Conv peak, every other op at the MatMul peak (they are almost always memory-bound, so the
 * peak rarely matters). int8 kernels are held to the fp32 peak, as no int8 peak is measured yet, so
 * an int8 variant is predicted faster only where it moves fewer bytes. Caches are not modelled: a
 * tensor that stays in cache is predicted at DRAM bandwidth. Reshape-like nodes cost only their
 * dispatch (ONNX Runtime makes them views); Constant nodes cost nothing (folded at load).
 */
public final class RooflinePredictor implements Predictor {
    public static final String NAME = "roofline";

    private static final Set<String> MATMUL_OPS = Set.of("MatMul", "Gemm", "MatMulInteger", "QLinearMatMul",
            "FusedMatMul", "Einsum");
    private static final Set<String> CONV_OPS = Set.of("Conv", "ConvTranspose", "ConvInteger", "QLinearConv",
            "FusedConv");
    /** Ops ONNX Runtime runs without touching the data (a new view of the same buffer). */
    private static final Set<String> VIEW_OPS = Set.of("Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity",
            "Shape", "Dropout");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public PredictedLatency predict(PredictionInput input) {
        DevicePeaks device = input.device();
        if (input.profile().isEmpty()) {
            return PredictedLatency.none(NAME, "needs the model's per-node profile");
        }
        ModelProfile profile = input.profile().get();
        if (profile.batch() != input.batchSize()) {
            return PredictedLatency.none(NAME, "the profile is at batch " + profile.batch() + ", the call at batch "
                    + input.batchSize());
        }
        if (!device.calibrated() || !(device.memoryGbPerS() > 0)) {
            return PredictedLatency.none(NAME, "the device is not calibrated (run agent calibrate)");
        }
        double threadScale = threadScale(input.threads(), device.calibrationThreads());
        double matmulPeak = device.matmulGflops() > 0 ? device.matmulGflops() : device.calibratedGflops();
        double convPeak = device.convGflops() > 0 ? device.convGflops() : device.calibratedGflops();
        double nodeOverheadMs = device.nodeOverheadUs() / 1e3;
        List<NodePrediction> nodes = new ArrayList<>(profile.nodes().size());
        double total = device.callOverheadUs() / 1e3;
        for (NodeCost n : profile.nodes()) {
            NodePrediction p = node(n, (CONV_OPS.contains(n.opType()) ? convPeak : matmulPeak) * threadScale,
                    device.memoryGbPerS(), nodeOverheadMs);
            nodes.add(p);
            total += p.millis();
        }
        String peaks = trim(matmulPeak * threadScale) + " GFLOP/s"
                + (convPeak != matmulPeak ? " (conv " + trim(convPeak * threadScale) + ")" : "");
        String basis = "per node max(FLOPs / " + peaks + ", bytes / " + trim(device.memoryGbPerS()) + " GB/s) + "
                + trim(device.nodeOverheadUs()) + " us per node + " + trim(device.callOverheadUs()) + " us per call"
                + (threadScale != 1 ? String.format(Locale.ROOT, "; peaks scaled x%.2f from the %d calibration threads",
                        threadScale, device.calibrationThreads()) : "");
        return new PredictedLatency(NAME, total, matmulPeak * threadScale, true, basis, nodes);
    }

    static NodePrediction node(NodeCost n, double peakGflops, double gbPerS, double overheadMs) {
        if (n.opType().equals("Constant")) {
            return new NodePrediction(n.name(), n.opType(), 0, NodePrediction.Bound.OVERHEAD);
        }
        if (VIEW_OPS.contains(n.opType())) {
            return new NodePrediction(n.name(), n.opType(), overheadMs, NodePrediction.Bound.OVERHEAD);
        }
        double computeMs = n.flops() / (peakGflops * 1e9) * 1e3;
        double memoryMs = (double) (n.inputBytes() + n.activationBytes()) / (gbPerS * 1e9) * 1e3;
        NodePrediction.Bound bound = computeMs >= memoryMs ? NodePrediction.Bound.COMPUTE : NodePrediction.Bound.MEMORY;
        double bodyMs = Math.max(computeMs, memoryMs);
        if (bodyMs < overheadMs) {
            bound = NodePrediction.Bound.OVERHEAD;
        }
        return new NodePrediction(n.name(), n.opType(), bodyMs + overheadMs, bound);
    }

    /**
     * Compute scales with intra-op threads; the calibration ran with {@code calibrationThreads}. 0
     * (the engine default) is what the calibration resolved, so it is not scaled.
     */
    private static double threadScale(int threads, int calibrationThreads) {
        if (threads <= 0 || calibrationThreads <= 0) {
            return 1;
        }
        return (double) threads / calibrationThreads;
    }

    private static String trim(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.3g", v);
    }
}
