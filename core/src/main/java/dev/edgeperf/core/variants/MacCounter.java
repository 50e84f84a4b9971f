package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.edgeperf.core.cost.CountingConvention;
import dev.edgeperf.core.cost.ModelProfile;
import dev.edgeperf.core.cost.ModelProfiler;
import dev.edgeperf.core.cost.NodeCost;
import dev.edgeperf.core.cost.ProfileOptions;
import dev.edgeperf.core.onnx.OnnxGraph;
import dev.edgeperf.core.onnx.Tensors;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * MACs of a variant at batch 1, dense and effective.
 *
 * <p>Dense MACs are {@link ModelProfiler}'s total. Effective MACs count, for every Conv, Gemm and
 * MatMul (and their integer/QLinear forms), only the multiplications by non-zero weights: the node's
 * dense MACs × the non-zero fraction of its weight tensor. The weight is traced back through the
 * storage a variant puts in front of it ({@code DequantizeLinear} of int8 weights, {@code Cast} of
 * fp16 weights, {@code Gather} of a k-means codebook), so a zero stays a zero whatever the format.
 * All other nodes count as in the dense figure. Effective MACs are what a sparse kernel could skip;
 * ONNX Runtime's dense CPU kernels skip nothing.
 */
final class MacCounter {
    private static final Set<String> WEIGHT_OPS = Set.of("Conv", "ConvInteger", "Gemm", "MatMul", "MatMulInteger");
    private static final Set<String> QLINEAR_OPS = Set.of("QLinearConv", "QLinearMatMul");

    private MacCounter() {
    }

    /** Dense and effective MACs per sample (profiled at batch 1). */
    record Macs(long dense, long effective) {
    }

    /**
     * @throws dev.edgeperf.core.EdgeperfException when the profiler cannot infer the model's shapes
     */
    static Macs count(ModelProto model, String name) {
        return count(model, name, null);
    }

    /**
     * Counts at batch 1 with the other dimensions of each input taken from {@code sample} (so a
     * sequence length or image size left symbolic in the graph gets the value the model ran with).
     *
     * @param sample a batch the model runs on, or null to leave symbolic dimensions to the profiler
     * @throws dev.edgeperf.core.EdgeperfException when the profiler cannot infer the model's shapes
     */
    static Macs count(ModelProto original, String name, InputBatch sample) {
        // Weights held in Constant nodes are traced like initializers.
        ModelProto model = Graphs.normalize(original);
        ModelProfile p = ModelProfiler.profile(model.toByteArray(), name, new ProfileOptions(1,
                sample == null ? Map.of() : sampleShapes(model, sample), CountingConvention.DETAILED));
        // The profiler walks the graph in OnnxGraph's topological order; use the same order.
        List<NodeProto> nodes = OnnxGraph.of(model, name).nodes();
        List<NodeCost> costs = p.nodes();
        GraphProto g = model.getGraph();
        Map<String, TensorProto> inits = Graphs.initializers(g);
        Map<String, NodeProto> producer = new HashMap<>();
        for (NodeProto n : g.getNodeList()) {
            n.getOutputList().forEach(o -> producer.put(o, n));
        }
        double effective = 0;
        for (int i = 0; i < costs.size(); i++) {
            NodeCost c = costs.get(i);
            NodeProto n = i < nodes.size() ? nodes.get(i) : null;
            double fraction = 1;
            if (n != null && n.getOpType().equals(c.opType()) && n.getDomain().isEmpty()
                    && (WEIGHT_OPS.contains(n.getOpType()) || QLINEAR_OPS.contains(n.getOpType()))) {
                int w = QLINEAR_OPS.contains(n.getOpType()) ? 3 : 1;
                fraction = w < n.getInputCount() ? nonZeroFraction(n.getInput(w), inits, producer, 0) : 1;
                if (fraction == 1 && n.getOpType().equals("MatMul")) {
                    fraction = nonZeroFraction(n.getInput(0), inits, producer, 0);
                }
            }
            effective += c.macs() * fraction;
        }
        return new Macs(p.totalMacs(), Math.round(effective));
    }

    /** Per fed input, its shape in {@code sample} with the batch dimension as the graph has it, or 1. */
    private static Map<String, long[]> sampleShapes(ModelProto model, InputBatch sample) {
        Map<String, long[]> shapes = new HashMap<>();
        for (InputBatch.Feed f : sample.inputs()) {
            String name = f.name() != null ? f.name() : OrtRunner.firstInput(model);
            long[] s = f.shape().clone();
            if (s.length > 0) {
                s[0] = model.getGraph().getInputList().stream().filter(v -> v.getName().equals(name))
                        .map(v -> v.getType().getTensorType().getShape())
                        .filter(sh -> sh.getDimCount() > 0 && sh.getDim(0).getDimValue() > 0)
                        .map(sh -> sh.getDim(0).getDimValue()).findFirst().orElse(1L);
            }
            shapes.put(name, s);
        }
        return shapes;
    }

    /** Non-zero fraction of a weight tensor, following DQ/Cast/Gather storage; 1 for activations. */
    static double nonZeroFraction(String tensor, Map<String, TensorProto> inits, Map<String, NodeProto> producer,
            int depth) {
        TensorProto t = inits.get(tensor);
        if (t != null) {
            long n = Tensors.elementCount(t);
            return n == 0 ? 1 : (double) NonZeroCounter.nonZero(t, n) / n;
        }
        NodeProto p = producer.get(tensor);
        if (p == null || depth > 4) {
            return 1;
        }
        switch (p.getOpType()) {
            case "DequantizeLinear", "Cast", "Identity":
                return nonZeroFraction(p.getInput(0), inits, producer, depth + 1);
            case "Gather": {
                TensorProto book = inits.get(p.getInput(0));
                TensorProto idx = indices(p.getInput(1), inits, producer);
                if (book == null || idx == null || !Tensors.isFloat(book) || idx.getRawData().isEmpty()) {
                    return 1;
                }
                float[] cb = Tensors.floats(book);
                ByteBuffer b = idx.getRawData().asReadOnlyByteBuffer();
                long n = Tensors.elementCount(idx);
                long nz = 0;
                for (int i = 0; i < n; i++) {
                    nz += cb[b.get(i) & 0xff] != 0f ? 1 : 0;
                }
                return n == 0 ? 1 : (double) nz / n;
            }
            default:
                return 1;
        }
    }

    /** The uint8 index initializer behind a (Cast of a) Gather index input, or null. */
    private static TensorProto indices(String tensor, Map<String, TensorProto> inits, Map<String, NodeProto> producer) {
        NodeProto p = producer.get(tensor);
        String src = p != null && p.getOpType().equals("Cast") ? p.getInput(0) : tensor;
        TensorProto t = inits.get(src);
        return t != null && t.getDataType() == DataType.UINT8_VALUE ? t : null;
    }
}
