package dev.edgeperf.agent.measure;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.ByteString;
import dev.edgeperf.agent.probe.DeviceSensors;
import dev.edgeperf.agent.probe.DeviceState;
import dev.edgeperf.agent.probe.HostFacts;
import dev.edgeperf.agent.probe.HostProvenance;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.onnx.IntegerInputs;
import dev.edgeperf.core.measure.MeasurementDefaults;
import dev.edgeperf.core.measure.MeasurementSettings;
import dev.edgeperf.core.stats.LatencyHistograms;
import dev.edgeperf.core.stats.LatencySummary;
import dev.edgeperf.proto.LayerTime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures one model configuration with ONNX Runtime, in this JVM, on the execution providers the request's
 * settings name (the CPU provider alone when none).
 *
 * <p>Order of events: host provenance read, session creation (timed as cold start; its resident
 * set growth is the session footprint), input tensors built from the session's input info, first
 * inference (timed), warm-up, device state read, the timed compute phase ({@link TimedLoops}:
 * single-stream, or C threads on the shared session in throughput mode), in single-stream mode an
 * end-to-end phase after it (so it cannot disturb the compute figures), device state read again.
 */
public final class InferenceRunner implements MeasurementRunner {
    /** Engine name results carry. */
    public static final String ENGINE = "onnxruntime";
    /** Runs of the profiled pass after the timed runs, at most. */
    static final int PROFILED_RUNS = 5;
    /** Runs of the profiled pass before those, not counted: the new session's first run faults in its buffers. */
    static final int PROFILED_WARM_UP = 1;
    /** Budget of the profiled pass's runs, ms (at least one run). */
    static final double PROFILED_PASS_MS = 2000;
    private static final Logger LOG = LoggerFactory.getLogger(InferenceRunner.class);
    /** Execution provider used. */
    public static final String EXECUTION_PROVIDER = "CPU";
    /** How a failure to load the model starts; the agent evicts the cached file on such failures. */
    public static final String MODEL_LOAD_FAILURE = "ONNX Runtime cannot load model ";

    private final DeviceSensors sensors;
    private final int defaultThreads;
    private final LongSupplier nanoClock;
    private final HostFacts hostFacts;

    /**
     * @param defaultThreads the intra-op threads set for a request of 0 (engine default), as ONNX
     *                       Runtime's own default: the physical core count; reported as the threads used
     */
    public InferenceRunner(DeviceSensors sensors, int defaultThreads) {
        this(sensors, defaultThreads, new HostFacts(Path.of("/")), System::nanoTime);
    }

    /** @param hostFacts governor, load average and process memory (a fake tree in tests) */
    public InferenceRunner(DeviceSensors sensors, int defaultThreads, HostFacts hostFacts) {
        this(sensors, defaultThreads, hostFacts, System::nanoTime);
    }

    InferenceRunner(DeviceSensors sensors, int defaultThreads, HostFacts hostFacts, LongSupplier nanoClock) {
        this.sensors = Objects.requireNonNull(sensors, "sensors is null");
        this.defaultThreads = Math.max(1, defaultThreads);
        this.hostFacts = Objects.requireNonNull(hostFacts, "hostFacts is null");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock is null");
    }

    /** The ONNX Runtime version, e.g. "1.19.2". */
    public static String engineVersion() {
        try {
            return OrtEnvironment.getEnvironment().getVersion();
        } catch (RuntimeException | LinkageError e) {
            String v = OrtEnvironment.class.getPackage().getImplementationVersion();
            return v == null ? "unknown" : v;
        }
    }

    /** Execution providers this ONNX Runtime build offers, e.g. ["CPU"]; empty when unknown. */
    public static List<String> availableProviders() {
        try {
            List<String> out = new ArrayList<>();
            for (OrtProvider p : OrtEnvironment.getAvailableProviders()) {
                out.add(p.name());
            }
            return out;
        } catch (RuntimeException | LinkageError e) {
            return List.of();
        }
    }

    /**
     * Measures {@code request} in this JVM.
     *
     * @throws EdgeperfException USER_ERROR when the model cannot take the batch or its inputs cannot
     *                           be filled; EXTERNAL when ONNX Runtime fails (the message starts with
     *                           {@link #MODEL_LOAD_FAILURE} when the model does not load)
     */
    @Override
    public MeasurementResult measure(MeasurementRequest request, ProgressListener progress) {
        String file = request.model().getFileName().toString();
        HostProvenance host = hostFacts.provenance(availableProviders());
        List<String> providers = request.settings().providers();
        // the agent checks before fetching the model, naming itself; this guards direct use (agent bench)
        SessionProviders.requireAvailable(providers, availableProviders(), "this host");
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            SessionProviders.apply(options, providers);
            // 0 is set as the physical core count rather than left to ORT, so the count the result
            // reports is the one the session used (ORT would count cores itself and pin its threads)
            options.setIntraOpNumThreads(threadsFor(request));
            OptionalLong rssBefore = hostFacts.residentBytes();
            long t0 = nanoClock.getAsLong();
            OrtSession session;
            try {
                session = env.createSession(request.model().toString(), options);
            } catch (OrtException e) {
                throw EdgeperfException.external(MODEL_LOAD_FAILURE + file + ": " + briefLoadError(e), e);
            }
            List<InputTensors> inputs = new ArrayList<>();
            try {
                MeasurementResult timed;
                try (session) {
                    double sessionCreateMs = (nanoClock.getAsLong() - t0) / 1e6;
                    OptionalLong rssAfter = hostFacts.residentBytes();
                    long footprint = rssBefore.isPresent() && rssAfter.isPresent()
                            ? Math.max(0, rssAfter.getAsLong() - rssBefore.getAsLong()) : 0;
                    Map<String, IntegerInputs.Rule> integerRules = InputTensors.integerRules(request.model());
                    for (int i = 0; i < request.concurrency(); i++) {
                        inputs.add(InputTensors.create(env, session.getInputInfo(), request.batchSize(),
                                request.inputShapes(), request.dims(), integerRules, request.inputValues(), file));
                    }
                    timed = phases(request, session, inputs, sessionCreateMs, new MemoryUse(footprint, 0), host,
                            progress);
                }
                // after the timed session is closed: two sessions of a large model at once would double the
                // worker's peak memory, which the result reports
                List<LayerTime> layers = profiledPass(request, inputs.get(0).asMap(), timed.computeLatency().p50Ms());
                return timed.withLayers(layers).withExecutionProvider(SessionProviders.used(providers, layers));
            } finally {
                inputs.forEach(InputTensors::close);
            }
        } catch (OrtException e) {
            throw EdgeperfException.external("ONNX Runtime failed on model " + file + ": " + oneLine(e), e);
        } catch (OutOfMemoryError e) {
            throw new EdgeperfException(dev.edgeperf.core.ErrorCategory.INSUFFICIENT_RESOURCES, "out of memory measuring "
                    + file + " at batch " + request.batchSize() + ": " + oneLine(e), e);
        }
    }

    private MeasurementResult phases(MeasurementRequest request, OrtSession session, List<InputTensors> inputs,
                               double sessionCreateMs, MemoryUse memory, HostProvenance host,
                               ProgressListener progress) throws OrtException {
        MeasurementSettings s = request.settings();
        TimedLoops loops = new TimedLoops(nanoClock);
        Map<String, OnnxTensor> feed = inputs.get(0).asMap();
        long f0 = nanoClock.getAsLong();
        session.run(feed).close();
        double firstInferenceMs = (nanoClock.getAsLong() - f0) / 1e6;
        int warmups = loops.warmup(session, feed, s);

        DeviceState before = sensors.read();
        StopRule rule = new StopRule(s);
        TimedLoops.Phase compute;
        Optional<LatencySummary> endToEnd = Optional.empty();
        ByteString endToEndBytes = ByteString.EMPTY;
        if (request.concurrency() == 1) {
            compute = loops.singleStream(session, feed, rule, progress);
            long budget = (long) (compute.wallNs() * MeasurementDefaults.END_TO_END_SHARE);
            long cap = (long) (TimeUnit.MILLISECONDS.toNanos(s.maxDurationMs()) * MeasurementDefaults.END_TO_END_SHARE);
            Histogram e2e = loops.endToEnd(session, inputs.get(0), s.minIterations(), budget, Math.max(cap, 1));
            endToEnd = Optional.of(LatencySummary.from(e2e, TimeUnit.NANOSECONDS));
            endToEndBytes = ByteString.copyFrom(LatencyHistograms.encode(e2e));
        } else {
            List<Map<String, OnnxTensor>> feeds = inputs.stream().map(InputTensors::asMap).toList();
            compute = loops.throughput(session, feeds, rule, progress);
        }
        DeviceState after = sensors.read();

        LatencySummary latency = LatencySummary.from(compute.histogram(), TimeUnit.NANOSECONDS);
        double seconds = compute.wallNs() / 1e9;
        double throughput = request.batchSize() * (double) compute.calls() / seconds;
        return new MeasurementResult(request.batchSize(), threadsFor(request), request.concurrency(), latency,
                ByteString.copyFrom(LatencyHistograms.encode(compute.histogram())), endToEnd, endToEndBytes,
                throughput, seconds, sessionCreateMs, firstInferenceMs, warmups, compute.reason(),
                latency.medianCi95().relativeHalfWidth(latency.p50Ms()), ENGINE, engineVersion(), EXECUTION_PROVIDER,
                before, after, DeviceState.throttleEvidence(before, after), host, memory, true, List.of());
    }

    /**
     * After the timed runs, never inside them (the profiler slows every kernel): a few runs in a
     * second session with ONNX Runtime's profiler on, after one that is not counted: per-node mean times. Bounded to
     * about {@link #PROFILED_PASS_MS} of runs; a failure is logged and gives no layers, never a failed job.
     */
    private List<LayerTime> profiledPass(MeasurementRequest request, Map<String, OnnxTensor> feed, double p50Ms) {
        int runs = (int) Math.max(1, Math.min(PROFILED_RUNS, PROFILED_PASS_MS / Math.max(p50Ms, 1e-3)));
        Path dir = null;
        try {
            dir = Files.createTempDirectory("edgeperf-profile");
            LayerTimes.GraphNodes graph = LayerTimes.graph(request.model());
            String trace;
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                options.setIntraOpNumThreads(threadsFor(request));
                SessionProviders.apply(options, request.settings().providers());
                options.enableProfiling(dir.resolve("ort").toString());
                try (OrtSession session = OrtEnvironment.getEnvironment().createSession(request.model().toString(),
                        options)) {
                    for (int i = 0; i < PROFILED_WARM_UP + runs; i++) {
                        session.run(feed).close();
                    }
                    trace = Files.readString(Path.of(session.endProfiling()));
                }
            }
            return LayerTimes.parse(trace, PROFILED_WARM_UP, runs, graph);
        } catch (OrtException | IOException | RuntimeException e) {
            LOG.warn("profiled pass of {} failed ({}); the result has no per-layer times",
                    request.model().getFileName(), oneLine(e));
            return List.of();
        } finally {
            deleteQuietly(dir);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot delete {}: {}", dir, e.toString());
        }
    }

    /** The intra-op threads the session gets: the request's, or for 0 the physical core count. */
    int threadsFor(MeasurementRequest request) {
        return request.intraOpThreads() > 0 ? request.intraOpThreads() : defaultThreads;
    }

    /**
     * ONNX Runtime's load error without its boilerplate: "Error code - ORT_INVALID_PROTOBUF - message:
     * Load model from /tmp/x.onnx failed:Protobuf parsing failed." becomes "Protobuf parsing failed."
     * (the caller names the file).
     */
    static String briefLoadError(Throwable e) {
        String m = oneLine(e).replaceFirst("^Error code - ORT_[A-Z_]+ - message: ", "")
                .replaceFirst("^Load model from .*? failed: ?", "")
                .replaceFirst("^\\S+\\.(?:cc|cpp|h):\\d+ [^(]*\\([^)]*\\) ", "");
        return m.isBlank() ? oneLine(e) : m;
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replaceAll("\\s+", " ").trim();
    }
}
