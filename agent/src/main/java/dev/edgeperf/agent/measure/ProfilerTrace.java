package dev.edgeperf.agent.measure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * ONNX Runtime's profiler JSON (a Chrome trace) read once for every reader: the kernel events, those with
 * {@code cat: "Node"} and {@code name: "<node>_kernel_time"}, in trace order.
 */
public final class ProfilerTrace {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KERNEL_TIME = "_kernel_time";

    private ProfilerTrace() {
    }

    /**
     * One kernel's run.
     *
     * @param node  the kernel's node name in the graph ONNX Runtime ran
     * @param args  the event's {@code args} ({@code op_name}, {@code provider}, {@code input_type_shape} …)
     * @param durUs its duration, whole microseconds
     */
    public record KernelEvent(String node, JsonNode args, double durUs) {
    }

    /**
     * The kernel events of a trace.
     *
     * @throws IllegalArgumentException when the trace is not a JSON array of events
     */
    public static List<KernelEvent> kernelEvents(String trace) {
        JsonNode events;
        try {
            events = JSON.readTree(trace);
        } catch (IOException e) {
            throw new IllegalArgumentException("profiler output is not JSON: " + e.getMessage(), e);
        }
        if (events == null || !events.isArray()) {
            throw new IllegalArgumentException("profiler output is not a JSON array of events");
        }
        List<KernelEvent> out = new ArrayList<>();
        for (JsonNode e : events) {
            String name = e.path("name").asText("");
            if (e.path("cat").asText("").equals("Node") && name.endsWith(KERNEL_TIME)) {
                out.add(new KernelEvent(name.substring(0, name.length() - KERNEL_TIME.length()), e.path("args"),
                        e.path("dur").asDouble(0)));
            }
        }
        return out;
    }
}
