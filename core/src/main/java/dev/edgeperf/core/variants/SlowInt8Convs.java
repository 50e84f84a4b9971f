package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.edgeperf.core.onnx.Attributes;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The conv kinds that ONNX Runtime's x86 int8 kernels run slower than its fp32 ones, which int8-static's
 * {@code fp32-slow-convs} option leaves fp32. Measured per kernel with ORT profiling (ppocr-cls-v2, batch 8,
 * 2 threads, AVX-512 VNNI, minimum over 300 runs; fp32 runs NCHWc, int8 NHWC QLinearConv):
 * <ul>
 *   <li>depthwise convs (one input channel per group): 3x3 and 5x5, 3-7x slower in int8
 *       (186 vs 31 µs, 240 vs 36 µs, 107 vs 17 µs);</li>
 *   <li>convs on a 1x1 map, behind a global pool (squeeze-and-excitation blocks): 9-12 µs vs 6-10 µs, and in
 *       fp32 ORT fuses their Relu/HardSigmoid into the conv, where an int8 conv needs a DequantizeLinear and a
 *       separate activation;</li>
 *   <li>convs with fewer than {@link #MIN_FILTERS} filters: ORT's fp32 conv pads them to its 16-channel block
 *       and still wins (8 filters: 177 vs 96, 80 vs 45, 65 vs 27, 33 vs 19 µs), while from 16 filters on int8
 *       is even or faster (13 vs 12, 15 vs 26, 23 vs 49 µs).</li>
 * </ul>
 * Wide pointwise convs are what int8 speeds up (29 vs 49 µs at 200 filters), so they stay int8.
 *
 * <p>A slow conv is quantized all the same where ONNX Runtime would quantize it itself (its input comes out of an
 * int8 op and its output reaches one through Relu/Clip only, see {@link StaticQuantizer#keptFp32}); unlike
 * {@code fp32-depthwise}'s check, the ops that stay fp32 are known here, so a squeeze-and-excitation pair of
 * fp32 convs keeps both fp32.
 */
final class SlowInt8Convs {
    /** Filter count from which ORT's int8 conv is at least as fast as its fp32 one (see the class comment). */
    static final int MIN_FILTERS = 16;
    /** Ops that keep a 1x1 map 1x1: a conv behind them still runs on one pixel. */
    private static final Set<String> ONE_PIXEL_KEEPING = Set.of("Relu", "Clip", "HardSigmoid", "Sigmoid",
            "HardSwish", "LeakyRelu", "Identity");

    private SlowInt8Convs() {
    }

    /**
     * Indices of the convs that stay fp32: those {@link #reason} names, less those ORT would quantize itself,
     * dropped until none is left between an int8 producer and an int8 consumer (each drop can make another conv's
     * neighbour int8, hence the loop).
     */
    static Set<Integer> keptFp32(GraphProto g, Map<String, TensorProto> inits, Map<String, List<Integer>> consumers) {
        Set<Integer> kept = new LinkedHashSet<>();
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            if (n.getOpType().equals("Conv") && StaticQuantizer.weightAxis(n, inits) != null
                    && reason(g, n, inits) != null) {
                kept.add(i);
            }
        }
        Map<String, Integer> producers = new HashMap<>();
        for (int i = 0; i < g.getNodeCount(); i++) {
            for (String t : g.getNode(i).getOutputList()) {
                producers.put(t, i);
            }
        }
        boolean changed = true;
        while (changed) {
            changed = kept.removeIf(i -> int8(g, g.getNode(i).getInput(0), inits, producers, kept, 0)
                    && StaticQuantizer.reachesQuantizedOp(g, g.getNode(i), inits, consumers, kept));
        }
        return kept;
    }

    /** Whether tensor t is int8 in the quantized graph: a quantized weight op's output, through Relu/Clip and pass-through ops. */
    private static boolean int8(GraphProto g, String t, Map<String, TensorProto> inits, Map<String, Integer> producers,
                                Set<Integer> kept, int depth) {
        Integer p = producers.get(t);
        if (p == null || depth > g.getNodeCount()) {
            return false;
        }
        NodeProto n = g.getNode(p);
        if (StaticQuantizer.weightAxis(n, inits) != null) {
            return !kept.contains(p);
        }
        boolean through = StaticQuantizer.PASS_THROUGH.contains(n.getOpType()) || StaticQuantizer.isFoldableActivation(n, inits)
                || StaticQuantizer.isActivationOp(n, inits);
        return through && n.getDomain().isEmpty()
                && n.getInputList().stream().limit(StaticQuantizer.isActivationOp(n, inits) ? 2 : 1)
                        .allMatch(x -> int8(g, x, inits, producers, kept, depth + 1));
    }

    /** Why Conv {@code n} is a kind whose int8 kernel is slower than its fp32 one, or null when it is not. */
    static String reason(GraphProto g, NodeProto n, Map<String, TensorProto> inits) {
        TensorProto w = inits.get(n.getInput(1));
        long group = Attributes.getInt(n, "group", 1);
        if (group > 1 && w.getDimsCount() >= 2 && w.getDims(1) == 1) {
            return "depthwise Conv (group " + group + ")";
        }
        if (onOnePixel(g, n.getInput(0), inits)) {
            return "Conv on a 1x1 map (behind a global pool)";
        }
        if (w.getDims(0) < MIN_FILTERS) {
            return "Conv with " + w.getDims(0) + " filters (< " + MIN_FILTERS + ")";
        }
        return null;
    }

    /**
     * Whether tensor {@code t} is a 1x1 map by construction: a global pool's output, reached through
     * elementwise activations and 1x1 convs without padding (which keep one pixel one pixel).
     */
    private static boolean onOnePixel(GraphProto g, String t, Map<String, TensorProto> inits) {
        for (int hops = 0; hops < g.getNodeCount(); hops++) {
            NodeProto p = producer(g, t);
            if (p == null) {
                return false;
            }
            String op = p.getOpType();
            if (op.equals("GlobalAveragePool") || op.equals("GlobalMaxPool")) {
                return true;
            }
            boolean pointwiseConv = op.equals("Conv") && inits.containsKey(p.getInput(1))
                    && kernelIsOnePixel(inits.get(p.getInput(1)))
                    && Arrays.stream(Attributes.getInts(p, "pads", new long[0])).allMatch(v -> v == 0);
            if (!p.getDomain().isEmpty() || !(pointwiseConv || ONE_PIXEL_KEEPING.contains(op))) {
                return false;
            }
            t = p.getInput(0);
        }
        return false;
    }

    private static boolean kernelIsOnePixel(TensorProto w) {
        for (int d = 2; d < w.getDimsCount(); d++) {
            if (w.getDims(d) != 1) {
                return false;
            }
        }
        return w.getDimsCount() > 2;
    }

    private static NodeProto producer(GraphProto g, String t) {
        List<NodeProto> nodes = g.getNodeList();
        for (NodeProto n : nodes) {
            if (n.getOutputList().contains(t)) {
                return n;
            }
        }
        return null;
    }
}
