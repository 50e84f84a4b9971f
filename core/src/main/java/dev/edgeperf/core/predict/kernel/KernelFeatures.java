package dev.edgeperf.core.predict.kernel;

import ai.onnx.proto.OnnxMl.NodeProto;
import dev.edgeperf.core.onnx.Attributes;
import dev.edgeperf.core.onnx.TensorInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The feature vector, FLOPs and bytes of each kind of kernel; the rules are listed on {@link KernelDetector}. */
final class KernelFeatures {
    private KernelFeatures() {
    }

    static Kernel conv(String label, NodeProto node, KernelDetector.Shapes s) {
        Map<String, Long> f = convFeatures(node, s);
        if (f == null) {
            return unknownShape(label, node, s);
        }
        long groups = f.get("groups");
        KernelType type = groups > 1 && groups == f.get("cin") ? KernelType.CONV_DEPTHWISE
                : f.get("kh") * f.get("kw") == 1 && groups == 1 ? KernelType.CONV_POINTWISE : KernelType.CONV;
        return new Kernel(label, node.getOpType(), Optional.of(type), s.dtype(node.getInput(0)), f, convFlops(f),
                bytes(node, s));
    }

    static Kernel convAdd(String label, NodeProto conv, String residual, boolean relu, KernelDetector.Shapes s) {
        Map<String, Long> f = convFeatures(conv, s);
        if (f == null) {
            return unknownShape(label, conv, s);
        }
        long outputs = f.get("n") * f.get("cout") * f.get("hout") * f.get("wout");
        // the Add reads the residual; the conv output it adds to never leaves the kernel
        long bytes = bytes(conv, s) + s.info(residual).bytes();
        return new Kernel(label, conv.getOpType() + "+Add" + (relu ? "+Relu" : ""), Optional.of(KernelType.CONV_ADD),
                s.dtype(conv.getInput(0)), f, convFlops(f) + outputs, bytes);
    }

    static Kernel gemm(String label, NodeProto node, KernelDetector.Shapes s) {
        TensorInfo a = s.info(node.getInput(0));
        TensorInfo y = s.info(node.getOutput(0));
        if (!a.known() || !y.known() || a.rank() < 1 || y.rank() < 1) {
            return unknownShape(label, node, s);
        }
        boolean gemm = node.getOpType().endsWith("Gemm");
        boolean transA = Attributes.getInt(node, "transA", 0) != 0;
        long k = a.rank() == 1 ? a.dim(0) : transA ? a.dim(-2) : a.dim(-1);
        long n = y.dim(-1);
        long m = y.elements() / Math.max(1, n);
        Map<String, Long> f = new LinkedHashMap<>();
        f.put("m", m);
        f.put("k", k);
        f.put("n", n);
        f.put("gemm", gemm ? 1L : 0L);
        f.put("act", activationCost(node));
        return new Kernel(label, node.getOpType(), Optional.of(KernelType.GEMM), s.dtype(node.getInput(0)), f,
                2 * m * k * n, bytes(node, s));
    }

    static Kernel pool(String label, NodeProto node, KernelDetector.Shapes s, KernelType type) {
        TensorInfo x = s.info(node.getInput(0));
        TensorInfo y = s.info(node.getOutput(0));
        if (!x.known() || !y.known() || x.rank() != 4 || y.rank() != 4) {
            return unknownShape(label, node, s);
        }
        long[] k = type == KernelType.GLOBAL_POOL ? new long[] {x.dim(2), x.dim(3)}
                : Attributes.getInts(node, "kernel_shape", new long[] {1, 1});
        long[] strides = Attributes.getInts(node, "strides", new long[] {1, 1});
        Map<String, Long> f = new LinkedHashMap<>();
        f.put("n", x.dim(0));
        f.put("c", x.dim(1));
        f.put("h", x.dim(2));
        f.put("w", x.dim(3));
        f.put("hout", y.dim(2));
        f.put("wout", y.dim(3));
        f.put("kh", k[0]);
        f.put("kw", k.length > 1 ? k[1] : k[0]);
        f.put("stride", type == KernelType.GLOBAL_POOL ? 1L : strides[0]);
        // an int8 average pool (QLinearAveragePool) runs several times slower than a uint8 MaxPool of its size
        f.put("avg", node.getOpType().contains("AveragePool") ? 1L : 0L);
        long flops = type == KernelType.GLOBAL_POOL ? x.elements() : y.elements() * f.get("kh") * f.get("kw");
        return new Kernel(label, node.getOpType(), Optional.of(type), s.dtype(node.getInput(0)), f, flops,
                bytes(node, s));
    }

    /** Elementwise, softmax, layer-norm, concat, quantize and dequantize: features {@code elements inputs}. */
    static Kernel elementwise(String label, NodeProto node, KernelDetector.Shapes s, KernelType type) {
        TensorInfo y = s.info(node.getOutput(0));
        if (!y.known()) {
            return unknownShape(label, node, s);
        }
        Map<String, Long> f = new LinkedHashMap<>();
        f.put("elements", y.elements());
        f.put("inputs", node.getInputList().stream().filter(in -> !in.isEmpty()).count());
        return new Kernel(label, node.getOpType(), Optional.of(type), s.dtype(node.getInput(0)), f,
                type == KernelType.CONCAT ? 0 : y.elements(), bytes(node, s));
    }

    /**
     * QLinearConcat (com.microsoft): inputs {@code y_scale, y_zero_point} then a {@code x, scale, zero_point}
     * triple per part; features {@code elements inputs} as a Concat's, with the parts' element type.
     */
    static Kernel qlinearConcat(String label, NodeProto node, KernelDetector.Shapes s) {
        TensorInfo y = s.info(node.getOutput(0));
        if (!y.known() || node.getInputCount() < 5) {
            return unknownShape(label, node, s);
        }
        Map<String, Long> f = new LinkedHashMap<>();
        f.put("elements", y.elements());
        f.put("inputs", (long) (node.getInputCount() - 2) / 3);
        long bytes = y.bytes();
        for (int i = 2; i < node.getInputCount(); i += 3) {
            bytes += s.info(node.getInput(i)).bytes();
        }
        return new Kernel(label, node.getOpType(), Optional.of(KernelType.CONCAT), s.dtype(node.getInput(2)), f, 0,
                bytes);
    }

    /** QuantizeLinear / DequantizeLinear: features {@code elements}, from whichever of its tensors has a known shape. */
    static Kernel quantize(String label, NodeProto node, KernelDetector.Shapes s, KernelType type) {
        TensorInfo t = s.info(node.getOutput(0));
        if (!t.known()) {
            t = s.info(node.getInput(0));
        }
        if (!t.known()) {
            return unknownShape(label, node, s);
        }
        Map<String, Long> f = new LinkedHashMap<>();
        f.put("elements", t.elements());
        return new Kernel(label, node.getOpType(), Optional.of(type), s.dtype(node.getInput(0)), f, t.elements(),
                5 * t.elements());
    }

    static Kernel view(String label, NodeProto node, KernelDetector.Shapes s) {
        return new Kernel(label, node.getOpType(), Optional.of(KernelType.VIEW), s.dtype(node.getInput(0)), Map.of(),
                0, 0);
    }

    /** An op type no kernel regressor covers: named, with its bytes. */
    static Kernel uncovered(String label, NodeProto node, KernelDetector.Shapes s) {
        return new Kernel(label, node.getOpType(), Optional.empty(),
                node.getInputCount() > 0 ? s.dtype(node.getInput(0)) : "?", Map.of(), 0, bytes(node, s));
    }

    /** A covered op whose shapes are unknown cannot be predicted either. */
    private static Kernel unknownShape(String label, NodeProto node, KernelDetector.Shapes s) {
        return uncovered(label, node, s);
    }

    /** {@code n cin h w cout hout wout kh kw stride groups}; null when a shape is unknown or not 2-D. */
    private static Map<String, Long> convFeatures(NodeProto node, KernelDetector.Shapes s) {
        TensorInfo x = s.info(node.getInput(0));
        // QLinearConv: x, x_scale, x_zero_point, w, …
        TensorInfo w = s.info(node.getInput(node.getOpType().equals("QLinearConv") ? 3 : 1));
        TensorInfo y = s.info(node.getOutput(0));
        if (!x.known() || !w.known() || !y.known() || x.rank() != 4 || w.rank() != 4 || y.rank() != 4) {
            return null;
        }
        long[] strides = Attributes.getInts(node, "strides", new long[] {1, 1});
        Map<String, Long> f = new LinkedHashMap<>();
        f.put("n", x.dim(0));
        f.put("cin", x.dim(1));
        f.put("h", x.dim(2));
        f.put("w", x.dim(3));
        f.put("cout", y.dim(1));
        f.put("hout", y.dim(2));
        f.put("wout", y.dim(3));
        f.put("kh", w.dim(2));
        f.put("kw", w.dim(3));
        f.put("stride", strides[0]);
        f.put("groups", Attributes.getInt(node, "group", 1));
        f.put("act", activationCost(node));
        return f;
    }

    /**
     * The cost class of the activation ONNX Runtime fused into a FusedConv / FusedGemm: 0 none, 1 Relu
     * (applied as the output is stored), 2 a clamp or arithmetic one (Clip, LeakyRelu, HardSigmoid: a
     * pass of its own over each output block; a mobilenet-v2 16 -> 96 pointwise conv at 112 x 112 took
     * 429 us with Clip against 276 us with Relu here), 3 a transcendental (Tanh, Sigmoid …), which costs
     * per output as much as a small conv's MACs (lenet5's 1-channel Tanh conv).
     */
    static long activationCost(NodeProto node) {
        String act = node.getAttributeList().stream().filter(a -> a.getName().equals("activation"))
                .map(a -> a.getS().toStringUtf8()).findFirst().orElse("");
        return switch (act) {
            case "" -> 0;
            case "Relu" -> 1;
            case "Clip", "LeakyRelu", "HardSigmoid" -> 2;
            default -> 3;
        };
    }

    private static long convFlops(Map<String, Long> f) {
        return 2 * f.get("n") * f.get("cout") * f.get("hout") * f.get("wout") * (f.get("cin") / f.get("groups"))
                * f.get("kh") * f.get("kw");
    }

    /** Every input (weights included) + every output, at their element types; unknown shapes count 0. */
    private static long bytes(NodeProto node, KernelDetector.Shapes s) {
        long total = 0;
        for (String in : node.getInputList()) {
            if (!in.isEmpty()) {
                total += s.info(in).bytes();
            }
        }
        for (String out : node.getOutputList()) {
            if (!out.isEmpty()) {
                total += s.info(out).bytes();
            }
        }
        return total;
    }
}
