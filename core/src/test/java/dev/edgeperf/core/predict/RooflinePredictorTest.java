package dev.edgeperf.core.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.edgeperf.core.cost.CountingConvention;
import dev.edgeperf.core.cost.ModelProfile;
import dev.edgeperf.core.cost.ModelProfiler;
import dev.edgeperf.core.cost.NodeCost;
import dev.edgeperf.core.cost.ProfileOptions;
import dev.edgeperf.core.onnx.ProtoBuilders;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RooflinePredictorTest {
    /** MatMul peak 100 GFLOP/s, Conv 50, 10 GB/s, 20 us per call, 5 us per node, calibrated on 2 threads. */
    private static final DevicePeaks DEVICE = new DevicePeaks(200, 100, 50, 10, 20, 5, 2);
    private final Predictor roofline = new RooflinePredictor();

    @Test
    void eachNodeTakesTheSlowerOfComputeAndMemoryPlusItsDispatch() {
        ModelProfile profile = profile(List.of(
                node("conv", "Conv", 2_000_000_000L, 3_000_000, 1_000_000), // 40 ms compute at 50 vs 0.4 ms memory
                node("relu", "Relu", 1_000_000, 4_000_000, 4_000_000),       // 0.01 ms compute vs 0.8 ms memory
                node("flat", "Reshape", 0, 4_000_000, 4_000_000),            // a view: dispatch only
                node("w", "Constant", 0, 0, 0)));                            // folded at load

        PredictedLatency p = roofline.predict(new PredictionInput(profile.totalFlops(), 1, 0, "CPU", DEVICE,
                Optional.of(profile)));

        assertThat(p.nodes()).extracting(NodePrediction::bound).containsExactly(NodePrediction.Bound.COMPUTE,
                NodePrediction.Bound.MEMORY, NodePrediction.Bound.OVERHEAD, NodePrediction.Bound.OVERHEAD);
        assertThat(p.nodes().get(0).millis()).isCloseTo(40.005, within(1e-9));
        assertThat(p.nodes().get(1).millis()).isCloseTo(0.805, within(1e-9));
        assertThat(p.nodes().get(2).millis()).isCloseTo(0.005, within(1e-9));
        assertThat(p.nodes().get(3).millis()).isZero();
        assertThat(p.millis()).isCloseTo(40.005 + 0.805 + 0.005 + 0.020, within(1e-9));
        assertThat(p.basis()).isEqualTo("per node max(FLOPs / 100 GFLOP/s (conv 50), bytes / 10 GB/s) + 5 us per node"
                + " + 20 us per call");
    }

    @Test
    void computePeaksScaleWithThreadsAgainstTheCalibrationsThreads() {
        ModelProfile profile = profile(List.of(node("mm", "MatMul", 1_000_000_000L, 0, 0)));

        PredictedLatency one = roofline.predict(new PredictionInput(profile.totalFlops(), 1, 1, "CPU", DEVICE,
                Optional.of(profile)));

        // 1e9 FLOPs at 100 GFLOP/s x 1/2 = 20 ms, + 5 us node + 20 us call
        assertThat(one.millis()).isCloseTo(20.025, within(1e-9));
        assertThat(one.basis()).endsWith("peaks scaled x0.50 from the 2 calibration threads");
    }

    @Test
    void bytesComeFromTheProfilersInputAndOutputTensors() {
        // x[N,256] @ W[256,128] -> Relu: MatMul reads 2x256 + 256x128 floats and writes 2x128
        ModelProfile profile = ModelProfiler.profile(matmulRelu().toByteArray(), "mm", ProfileOptions.batch(2));
        NodeCost matmul = profile.nodes().get(0);
        assertThat(matmul.inputBytes()).isEqualTo((2 * 256 + 256 * 128) * 4L);
        assertThat(matmul.activationBytes()).isEqualTo(2 * 128 * 4L);
        assertThat(profile.nodes().get(1).inputBytes()).isEqualTo(2 * 128 * 4L);

        PredictedLatency p = roofline.predict(new PredictionInput(profile.totalFlops(), 2, 0, "CPU", DEVICE,
                Optional.of(profile)));
        double matmulMemoryMs = (2 * 256 + 256 * 128 + 2 * 128) * 4 / 10e9 * 1e3;
        double matmulComputeMs = matmul.flops() / 100e9 * 1e3;
        assertThat(matmulMemoryMs).isGreaterThan(matmulComputeMs); // a batch-2 MatMul is memory-bound
        assertThat(p.nodes().get(0).millis()).isCloseTo(matmulMemoryMs + 0.005, within(1e-9));
    }

    @Test
    void withoutCalibrationOrProfileThereIsNoPredictionAndTheReason() {
        ModelProfile profile = profile(List.of(node("mm", "MatMul", 1_000, 0, 0)));
        assertThat(roofline.predict(new PredictionInput(1_000, 1, 0, "CPU", DevicePeaks.theoretical(50),
                Optional.of(profile))).basis()).isEqualTo("no prediction: the device is not calibrated (run agent calibrate)");
        assertThat(roofline.predict(new PredictionInput(1_000, 1, 0, "CPU", DEVICE)).known()).isFalse();
        assertThat(roofline.predict(new PredictionInput(1_000, 8, 0, "CPU", DEVICE, Optional.of(profile))).basis())
                .isEqualTo("no prediction: the profile is at batch 1, the call at batch 8");
    }

    private static NodeCost node(String name, String op, long flops, long inputBytes, long outputBytes) {
        return new NodeCost(name, op, List.of(), 0, flops / 2, flops, outputBytes, true, inputBytes);
    }

    private static ModelProfile profile(List<NodeCost> nodes) {
        long flops = nodes.stream().mapToLong(NodeCost::flops).sum();
        return new ModelProfile("test", 1, CountingConvention.DETAILED, nodes, 0, 0, flops / 2, flops, 0, 0, 0,
                Map.of(), List.of());
    }

    private static ModelProto matmulRelu() {
        TensorProto.Builder w = TensorProto.newBuilder().setName("W").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(256).addDims(128);
        for (int i = 0; i < 256 * 128; i++) {
            w.addFloatData(0.01f);
        }
        GraphProto graph = GraphProto.newBuilder().setName("mm")
                .addInput(ProtoBuilders.batchedFloat("x", 256)).addInitializer(w)
                .addNode(NodeProto.newBuilder().setOpType("MatMul").setName("mm").addInput("x").addInput("W")
                        .addOutput("h"))
                .addNode(NodeProto.newBuilder().setOpType("Relu").setName("relu").addInput("h").addOutput("y"))
                .addOutput(ProtoBuilders.batchedFloat("y", 128)).build();
        return ModelProto.newBuilder().setIrVersion(8).addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17))
                .setGraph(graph).build();
    }
}
