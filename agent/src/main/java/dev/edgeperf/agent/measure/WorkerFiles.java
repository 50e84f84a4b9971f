package dev.edgeperf.agent.measure;

import dev.edgeperf.core.ErrorCategory;
import dev.edgeperf.core.measure.MeasurementSettings;
import dev.edgeperf.core.onnx.ShapeArgs;
import dev.edgeperf.core.onnx.ShapeInference;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The files a forked worker and the agent exchange in the job's scratch directory:
 * {@code request.properties} (agent to worker), then {@code result.pb} (a {@code JobResult} with
 * the measurement fields) plus {@code end-to-end.hdr} (compressed histogram), or {@code failure.txt}
 * ("CATEGORY" line, then the one-line reason). Progress travels on the worker's stdout as lines
 * "{@value #PROGRESS_PREFIX} ITERATIONS ELAPSED_MS".
 */
final class WorkerFiles {
    static final String REQUEST = "request.properties";
    static final String RESULT = "result.pb";
    static final String END_TO_END = "end-to-end.hdr";
    static final String FAILURE = "failure.txt";
    static final String PROGRESS_PREFIX = "edgeperf-progress";
    /** Key prefixes of the request's input shapes and named dims. */
    private static final String INPUT = "input.";
    private static final String DIM = "dim.";
    private static final String VALUE = "value.";

    private WorkerFiles() {
    }

    static void writeRequest(Path dir, MeasurementRequest r, int defaultThreads) throws IOException {
        MeasurementSettings s = r.settings();
        Properties p = new Properties();
        p.setProperty("model", r.model().toAbsolutePath().toString());
        p.setProperty("batch", Integer.toString(r.batchSize()));
        p.setProperty("threads", Integer.toString(r.intraOpThreads()));
        p.setProperty("concurrency", Integer.toString(s.concurrency()));
        p.setProperty("inProcess", Boolean.toString(s.inProcess()));
        p.setProperty("defaultThreads", Integer.toString(defaultThreads));
        p.setProperty("warmupIterations", Integer.toString(s.warmupIterations()));
        p.setProperty("minIterations", Integer.toString(s.minIterations()));
        p.setProperty("minDurationMs", Long.toString(s.minDurationMs()));
        p.setProperty("maxDurationMs", Long.toString(s.maxDurationMs()));
        p.setProperty("targetCiHalfWidth", Double.toString(s.targetCiHalfWidth()));
        p.setProperty("warmupUntilStable", Boolean.toString(s.warmupUntilStable()));
        p.setProperty("providers", String.join(",", s.providers()));
        r.inputShapes().forEach((name, shape) -> p.setProperty(INPUT + name, ShapeInference.format(shape)));
        r.dims().forEach((name, value) -> p.setProperty(DIM + name, Long.toString(value)));
        r.inputValues().forEach((name, values) -> p.setProperty(VALUE + name, java.util.Arrays.stream(values)
                .mapToObj(Long::toString).collect(java.util.stream.Collectors.joining(","))));
        try (OutputStream out = Files.newOutputStream(dir.resolve(REQUEST))) {
            p.store(out, "edgeperf measurement request");
        }
    }

    /** The request and the default thread count the agent resolved. */
    record Request(MeasurementRequest request, int defaultThreads) {
    }

    static Request readRequest(Path dir) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(dir.resolve(REQUEST))) {
            p.load(in);
        }
        MeasurementSettings s = new MeasurementSettings(intOf(p, "warmupIterations"), intOf(p, "minIterations"),
                Long.parseLong(p.getProperty("minDurationMs")), Long.parseLong(p.getProperty("maxDurationMs")),
                Double.parseDouble(p.getProperty("targetCiHalfWidth")),
                Boolean.parseBoolean(p.getProperty("warmupUntilStable")), intOf(p, "concurrency"),
                Boolean.parseBoolean(p.getProperty("inProcess")), providers(p.getProperty("providers", "")));
        Map<String, String> inputs = new TreeMap<>();
        Map<String, String> dims = new TreeMap<>();
        Map<String, long[]> scalars = new TreeMap<>();
        Map<String, long[]> values = new TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith(INPUT) && p.getProperty(key).isEmpty()) {
                scalars.put(key.substring(INPUT.length()), new long[0]); // rank 0: a scalar input
            } else if (key.startsWith(INPUT)) {
                inputs.put(key.substring(INPUT.length()), p.getProperty(key));
            } else if (key.startsWith(VALUE)) {
                values.put(key.substring(VALUE.length()), java.util.Arrays.stream(p.getProperty(key).split(","))
                        .mapToLong(Long::parseLong).toArray());
            } else if (key.startsWith(DIM)) {
                dims.put(key.substring(DIM.length()), p.getProperty(key));
            }
        }
        Map<String, long[]> shapes = new TreeMap<>(ShapeArgs.shapes(inputs));
        shapes.putAll(scalars);
        return new Request(new MeasurementRequest(Path.of(p.getProperty("model")), intOf(p, "batch"),
                intOf(p, "threads"), s, shapes, ShapeArgs.dims(dims), values), intOf(p, "defaultThreads"));
    }

    private static java.util.List<String> providers(String text) {
        return text.isBlank() ? java.util.List.of() : java.util.List.of(text.split(","));
    }

    private static int intOf(Properties p, String key) {
        return Integer.parseInt(p.getProperty(key));
    }

    static void writeFailure(Path dir, ErrorCategory category, String reason) throws IOException {
        Files.writeString(dir.resolve(FAILURE), category.name() + "\n" + reason.replaceAll("[\\r\\n]+", " "),
                StandardCharsets.UTF_8);
    }
}
