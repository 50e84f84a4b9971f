package dev.edgeperf.core.predict.kernel;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.edgeperf.core.onnx.OnnxGraph;
import dev.edgeperf.core.onnx.TensorInfo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@link KernelType#LAYOUT} kernels: the nodes ONNX Runtime's {@code ALL} level adds to change a
 * tensor's layout, ReorderInput and ReorderOutput where an NCHWc region of fp32 convs starts and ends
 * (x86), and Transposes around an int8 region it runs in NHWC. They are not in the {@code EXTENDED}
 * graph the other kernels come from, and in small networks they are not small: mnist-cnn runs two
 * ReorderOutputs of 3 us each in a 40 us call, lenet5's int8 variant two Transposes and a reorder.
 * The same rule makes the features of a profiled layout node in calibration ({@link #features}) and of
 * one found in a model's {@code ALL} graph ({@link #of}): the elements of its plain (NCHW) side, whose
 * tensor keeps the original name, the channels a reorder pads to its block (0 for a Transpose, whose
 * plain side a profiler's shapes do not tell), and which op it is.
 */
public final class LayoutKernels {
    /** Op types of the layout nodes. */
    public static final Set<String> OPS = Set.of("ReorderInput", "ReorderOutput", "Transpose");

    private LayoutKernels() {
    }

    /**
     * Features of a layout node from the shapes of its two sides (the padded NCHWc side has as many or
     * more elements than the plain one).
     */
    public static Map<String, Long> features(String opType, long[] input, long[] output) {
        long[] plain = elements(input) <= elements(output) ? input : output;
        Map<String, Long> f = new LinkedHashMap<>();
        f.put("elements", elements(plain));
        f.put("channels", opType.equals("Transpose") || plain.length < 2 ? 0L : plain[1]);
        f.put("op", (long) List.of("ReorderInput", "ReorderOutput", "Transpose").indexOf(opType));
        return f;
    }

    /** Bytes a layout node moves: its plain side read and written once, at {@code elementBytes} each. */
    public static long bytes(long elements, int elementBytes) {
        return 2 * elements * elementBytes;
    }

    /**
     * The layout nodes of a model's {@code ALL} graph that its {@code EXTENDED} graph lacks: every
     * reorder, and the Transposes the {@code EXTENDED} graph has no node of that name for (a model's own
     * Transposes are in both). A node whose plain side's shape is unknown is named, uncovered.
     */
    static List<Kernel> of(ModelProto all, ModelProto extended, KernelDetector.Shapes s) {
        Set<String> ownNodes = new HashSet<>();
        extended.getGraph().getNodeList().forEach(n -> ownNodes.add(n.getName()));
        List<NodeProto> nodes = all.getGraph().getNodeList();
        List<Kernel> kernels = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto node = nodes.get(i);
            String op = node.getOpType();
            boolean layout = op.startsWith("Reorder") ? OPS.contains(op)
                    : op.equals("Transpose") && !ownNodes.contains(node.getName());
            if (!layout || node.getInputCount() == 0 || node.getOutputCount() == 0) {
                continue;
            }
            String label = "layout " + OnnxGraph.nodeLabel(node, i);
            TensorInfo in = s.info(node.getInput(0));
            TensorInfo out = s.info(node.getOutput(0));
            TensorInfo plain = in.known() ? in : out;
            if (!plain.known()) {
                kernels.add(new Kernel(label, op, Optional.empty(), "?", Map.of(), 0, 0));
                continue;
            }
            String dtype = s.dtype(in.known() ? node.getInput(0) : node.getOutput(0));
            // the plain side is both the node's input and output shape as far as the features go
            Map<String, Long> f = features(op, plain.shape(), plain.shape());
            kernels.add(new Kernel(label, op, Optional.of(KernelType.LAYOUT), dtype, f, 0,
                    bytes(plain.elements(), plain.bytes() > 0 ? (int) (plain.bytes() / Math.max(1, plain.elements()))
                            : 4)));
        }
        return kernels;
    }

    private static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
