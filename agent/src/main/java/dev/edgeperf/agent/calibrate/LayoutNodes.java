package dev.edgeperf.agent.calibrate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperf.agent.measure.RawOrtLoop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * without it), and subtracted from the sample.
 */
final class LayoutNodes {
    /** Op types of the layout nodes, as the profiler names them. */
    static final Set<String> OPS = Set.of("ReorderInput", "ReorderOutput", "Transpose");
    /**
     * Profiled runs not counted: a session's first runs fault in its buffers, and a reorder writing fresh
     * memory took 17x and 6x its later time in the first two runs of a depthwise conv's model.
     */
    static final int WARM_UP = 3;
    /** Profiled runs counted: a layout node's time is its median over them. */
    static final int RUNS = 7;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KERNEL_TIME = "_kernel_time";

    private LayoutNodes() {
    }

    /** Milliseconds per call of the layout nodes of {@code model} (0 when it has none). */
    static double ms(Path model, int batch, int threads, Path scratch) throws IOException {
        Path trace = null;
        try (RawOrtLoop loop = new RawOrtLoop(model, batch, threads, scratch.resolve("layout"))) {
            loop.time(WARM_UP + RUNS);
            trace = loop.endProfiling();
            return ms(Files.readString(trace), WARM_UP);
        } finally {
            if (trace != null) {
                Files.deleteIfExists(trace);
            }
        }
    }

    /**
     * The sum over the layout nodes of a profiler trace of each one's median time, leaving out its first
     * {@code warmUp} runs. A median rather than {@link LayerTimes}' mean: a reorder's later runs still
     * show a spike now and then (169 us among 86-104 us), and a sample is its run less this figure,
     * so a mean would take a spike out of every sample.
     *
     * @throws IllegalArgumentException when the trace is not a JSON array of events
     */
    static double ms(String trace, int warmUp) {
        JsonNode events;
        try {
            events = JSON.readTree(trace);
        } catch (IOException e) {
            throw new IllegalArgumentException("profiler output is not JSON: " + e.getMessage(), e);
        }
        if (events == null || !events.isArray()) {
            throw new IllegalArgumentException("profiler output is not a JSON array of events");
        }
        Map<String, List<Double>> byNode = new LinkedHashMap<>();
        for (JsonNode e : events) {
            String name = e.path("name").asText("");
            if (e.path("cat").asText("").equals("Node") && name.endsWith(KERNEL_TIME)
                    && OPS.contains(e.path("args").path("op_name").asText(""))) {
                byNode.computeIfAbsent(name, n -> new ArrayList<>()).add(e.path("dur").asDouble(0));
            }
        }
        double us = 0;
        for (List<Double> runs : byNode.values()) {
            List<Double> kept = runs.subList(Math.min(warmUp, runs.size() - 1), runs.size()).stream().sorted()
                    .toList();
            us += kept.get(kept.size() / 2);
        }
        return us / 1e3;
    }
}
