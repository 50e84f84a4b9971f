package dev.edgeperf.core.cost;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.edgeperf.core.onnx.Attributes;
import dev.edgeperf.core.onnx.InferredShapes;
import dev.edgeperf.core.onnx.OnnxGraph;
import dev.edgeperf.core.onnx.ShapeInference;
import dev.edgeperf.core.zoo.QuotedLayer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Applies the counting rules of quoted per-layer figures ({@link QuotedLayer}) to a model at batch
 * 1, beside edgeperf's own seed-convention count of the same node, so that every quoted figure is
 * either reproduced by a named rule or shown not to be.
 */
public final class QuotedLayers {
    /**
     * One quoted layer checked against the model.
     *
     * @param quoted   the quoted figure and its rule
     * @param opType   the node's op type
     * @param edgeperf the node's FLOPs under edgeperf's seed convention
     * @param byRule   the node's FLOPs under the quote's rule, computed from the model
     * @param working  the rule with the model's numbers, e.g. "kernel area x output elements: 4 x 845"
     */
    public record Row(QuotedLayer quoted, String opType, long edgeperf, long byRule, String working) {
        public Row {
            Objects.requireNonNull(quoted, "quoted is null");
            Objects.requireNonNull(opType, "opType is null");
            Objects.requireNonNull(working, "working is null");
        }

        /** True when the quote's rule gives exactly the quoted figure. */
        public boolean reproduced() {
            return byRule == quoted.value();
        }
    }

    private QuotedLayers() {
    }

    /**
     * The quoted layers of {@code layers} checked against {@code model}.
     *
     * @throws IllegalArgumentException when a quoted node is not in the model or its rule does not
     *         apply to the node's op (a mistake in the quoted table, not in user input)
     */
    public static List<Row> check(ModelProto model, String source, List<QuotedLayer> layers) {
        if (layers.isEmpty()) {
            return List.of();
        }
        OnnxGraph graph = OnnxGraph.of(model, source);
        InferredShapes shapes = ShapeInference.infer(graph, 1, Map.of(), true);
        List<Row> rows = new ArrayList<>();
        for (QuotedLayer q : layers) {
            NodeProto node = find(graph, q.node(), source);
            long edgeperf = CostRules.count(node, shapes, CountingConvention.SEED).flops();
            rows.add(switch (q.rule()) {
                case SEED -> new Row(q, node.getOpType(), edgeperf, edgeperf, "2 x MACs, as edgeperf counts");
                case KERNEL_AREA_X_OUTPUT -> pooling(q, node, edgeperf, "output",
                        shapes.get(node.getOutput(0)).shape());
                case KERNEL_AREA_X_INPUT -> pooling(q, node, edgeperf, "input",
                        shapes.get(node.getInput(0)).shape());
                case SEED_WITH_KERNELS -> otherKernels(q, node, graph, shapes, edgeperf);
            });
        }
        return rows;
    }

    private static NodeProto find(OnnxGraph graph, String label, String source) {
        List<NodeProto> nodes = graph.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            if (OnnxGraph.nodeLabel(nodes.get(i), i).equals(label)) {
                return nodes.get(i);
            }
        }
        throw new IllegalArgumentException("quoted layer '" + label + "' is not a node of " + source);
    }

    private static Row pooling(QuotedLayer q, NodeProto node, long edgeperf, String which, long[] shape) {
        long[] kernel = Attributes.getInts(node, "kernel_shape", null);
        if (kernel == null) {
            throw new IllegalArgumentException("quoted layer '" + q.node() + "' (" + node.getOpType()
                    + ") has no kernel_shape for the rule " + q.rule());
        }
        long area = Arrays.stream(kernel).reduce(1, Math::multiplyExact);
        long elements = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        return new Row(q, node.getOpType(), edgeperf, Math.multiplyExact(area, elements), String.format(Locale.ROOT,
                "kernel area x %s elements: %,d x %,d (%s)", which, area, elements, dims(shape)));
    }

    /** 2 x kernels x (input channels per group x kernel volume) x output spatial elements. */
    private static Row otherKernels(QuotedLayer q, NodeProto node, OnnxGraph graph, InferredShapes shapes,
                                    long edgeperf) {
        TensorProto weight = node.getOpType().equals("Conv") && node.getInputCount() > 1
                ? graph.constant(node.getInput(1)) : null;
        if (weight == null || weight.getDimsCount() < 3) {
            throw new IllegalArgumentException("quoted layer '" + q.node() + "' is not a Conv with constant weights"
                    + " for the rule " + q.rule());
        }
        long perKernel = 1;
        for (int d = 1; d < weight.getDimsCount(); d++) {
            perKernel = Math.multiplyExact(perKernel, weight.getDims(d));
        }
        long[] out = shapes.get(node.getOutput(0)).shape();
        long spatial = Arrays.stream(out, 2, out.length).reduce(1, Math::multiplyExact);
        long flops = Math.multiplyExact(2L * q.kernels(), Math.multiplyExact(perKernel, spatial));
        return new Row(q, node.getOpType(), edgeperf, flops, String.format(Locale.ROOT,
                "2 x MACs with %d kernels (the model has %d): 2 x %d x %,d x %,d", q.kernels(), weight.getDims(0),
                q.kernels(), perKernel, spatial));
    }

    private static String dims(long[] shape) {
        StringBuilder b = new StringBuilder();
        for (long d : shape) {
            b.append(b.length() == 0 ? "" : "x").append(d);
        }
        return b.toString();
    }
}
