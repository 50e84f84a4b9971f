package dev.edgeperf.agent.calibrate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgeperf.agent.measure.ProfilerTrace;
import dev.edgeperf.agent.measure.RawOrtLoop;
import dev.edgeperf.core.predict.kernel.KernelSample;
import dev.edgeperf.core.predict.kernel.KernelType;
import dev.edgeperf.core.predict.kernel.LayoutKernels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The layout nodes ONNX Runtime inserts at its ALL level around a lone kernel: ReorderInput and
 * ReorderOutput around an fp32 conv it runs in the NCHWc layout, Transposes around an int8 kernel it
 * runs in NHWC. A real network runs them only at the edges of a layout region (resnet18: one
 * ReorderOutput, 0.02 % of its time), but a single-kernel model runs them every call: 60 % of a
 * 96-channel 56 x 56 depthwise conv's run and 36 % of a 64 -> 128 pointwise one's were reorders,
 * measured here, and a regressor fitted on such runs over-predicted mobilenet-v2 by 50 %. They are
 * not in the graph {@link dev.edgeperf.core.predict.kernel.KernelDetector} reads (its EXTENDED level
 * has no layouts), so their time is taken from ONNX Runtime's profiler in a separate session, after the
 * timed runs (the profiler slows every node by a microsecond or so, which is why the timed runs go
 * without it), and subtracted from the sample, less the profiler's own part of a node's time
 * ({@link #inflationMs}). Each one is also a sample of its own, of the {@link KernelType#LAYOUT} kernel
 * that predicts the layout nodes a network does run.
 */
final class LayoutNodes {
    /** Op types of the layout nodes, as the profiler names them. */
    static final Set<String> OPS = LayoutKernels.OPS;
    /**
     * Least profiled runs not counted: a session's first runs fault in its buffers, and a reorder writing
     * fresh memory took 17x and 6x its later time in the first two runs of a depthwise conv's model. A
     * short model gets {@link KernelCalibrator#warmUpRuns} of them, if more.
     */
    static final int WARM_UP = 3;
    /** Profiled runs counted: a node's time is its median over them. */
    static final int RUNS = 7;

    private LayoutNodes() {
    }

    /**
     * One node of a profiled run.
     *
     * @param name   its node name in ONNX Runtime's ALL graph (a node it rewrote, such as a MaxPool it runs
     *               as NhwcMaxPool, is named after the original plus {@code _token_N})
     * @param opType its op type, e.g. ReorderInput, ReorderOutput, Transpose, Conv
     * @param dtype  its first input's element type as the profiler names it ("float", "uint8")
     * @param input  its first input's shape
     * @param output its first output's shape
     * @param ms     its median time over the counted runs, as the profiler timed it
     */
    record Node(String name, String opType, String dtype, long[] input, long[] output, double ms) {
        /** Whether it is the node {@code original} of the graph before layout changes, or ONNX Runtime's rewrite of it. */
        boolean runs(String original) {
            return name.equals(original) || name.startsWith(original + "_token_");
        }

        /** Whether it is one of the layout nodes, {@link #OPS}. */
        boolean layout() {
            return OPS.contains(opType);
        }

        /**
         * A layout node as a sample of the {@link KernelType#LAYOUT} kernel, in {@link LayoutKernels}'
         * features, at {@code ms} (its profiled time less the profiler's own part).
         */
        Optional<KernelSample> sample(double ms) {
            int size = switch (dtype) {
                case "float", "int32" -> 4;
                case "uint8", "int8" -> 1;
                case "float16" -> 2;
                default -> 0;
            };
            if (!layout() || size == 0) {
                return Optional.empty();
            }
            Map<String, Long> f = LayoutKernels.features(opType, input, output);
            String key = dtype.equals("float") ? KernelType.LAYOUT.key() : KernelType.LAYOUT.key() + "/" + dtype;
            return Optional.of(new KernelSample(key, f, 0, LayoutKernels.bytes(f.get("elements"), size), ms));
        }
    }

    /** The nodes of {@code model} in a profiled session. */
    static List<Node> of(Path model, int batch, int threads, Path scratch) throws IOException {
        Path trace = null;
        try (RawOrtLoop loop = new RawOrtLoop(model, batch, threads, scratch.resolve("layout"))) {
            long[] first = loop.time(2);
            int warmUp = Math.max(WARM_UP, 2 + KernelCalibrator.warmUpRuns(first[1] / 1e6));
            loop.time(warmUp - 2 + RUNS);
            trace = loop.endProfiling();
            return of(Files.readString(trace), warmUp);
        } finally {
            if (trace != null) {
                Files.deleteIfExists(trace);
            }
        }
    }

    /** The layout nodes among {@code nodes}. */
    static List<Node> layout(List<Node> nodes) {
        return nodes.stream().filter(Node::layout).toList();
    }

    /**
     * The profiler's own part of each node's time: the profiled nodes' sum less the unprofiled run of the
     * same model ({@code runMs}, less the call overhead), per node. The profiler times each node in whole
     * microseconds, and its bookkeeping (thread-scheduling statistics at 2 threads) falls inside them:
     * mnist-cnn's eight nodes sum to 54 us profiled at 1 thread and 58 us at 2, where its unprofiled call
     * takes 37 and 28 us less the call overhead.
     */
    static double inflationMs(List<Node> nodes, double runMs) {
        return nodes.isEmpty() ? 0 : (nodes.stream().mapToDouble(Node::ms).sum() - runMs) / nodes.size();
    }

    /**
     * The nodes of a profiler trace, each at its median time, leaving out its first {@code warmUp} runs. A
     * median rather than {@link LayerTimes}' mean: a reorder's later runs still show a spike now and then
     * (169 us among 86-104 us), and a sample is its run less this figure, so a mean would take a spike out
     * of every sample.
     *
     * @throws IllegalArgumentException when the trace is not a JSON array of events
     */
    static List<Node> of(String trace, int warmUp) {
        Map<String, List<Double>> byNode = new LinkedHashMap<>();
        Map<String, JsonNode> argsByNode = new LinkedHashMap<>();
        for (ProfilerTrace.KernelEvent e : ProfilerTrace.kernelEvents(trace)) {
            byNode.computeIfAbsent(e.node(), n -> new ArrayList<>()).add(e.durUs());
            argsByNode.putIfAbsent(e.node(), e.args());
        }
        List<Node> nodes = new ArrayList<>();
        for (Map.Entry<String, List<Double>> node : byNode.entrySet()) {
            List<Double> runs = node.getValue();
            List<Double> kept = runs.subList(Math.min(warmUp, runs.size() - 1), runs.size()).stream().sorted()
                    .toList();
            JsonNode args = argsByNode.get(node.getKey());
            Map.Entry<String, long[]> in = shape(args.path("input_type_shape"));
            Map.Entry<String, long[]> out = shape(args.path("output_type_shape"));
            nodes.add(new Node(node.getKey(), args.path("op_name").asText(""), in.getKey(), in.getValue(),
                    out.getValue(), kept.get(kept.size() / 2) / 1e3));
        }
        return nodes;
    }

    /** The first tensor of a profiler shape list, {@code [{"float": [1, 16, 28, 28]}]}, as (dtype, shape). */
    private static Map.Entry<String, long[]> shape(JsonNode list) {
        JsonNode first = list.path(0);
        Iterator<Map.Entry<String, JsonNode>> fields = first.fields();
        if (!fields.hasNext()) {
            return Map.entry("?", new long[0]);
        }
        Map.Entry<String, JsonNode> f = fields.next();
        long[] dims = new long[f.getValue().size()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = f.getValue().get(i).asLong();
        }
        return Map.entry(f.getKey(), dims);
    }
}
